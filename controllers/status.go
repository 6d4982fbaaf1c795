/*
Copyright 2026 The OpenSearch DataSource Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package controllers

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// outcome is what one reconcile found and did; computeStatus turns it into
// the status, which is patched once.
type outcome struct {
	ready   metav1.ConditionStatus
	reason  string
	message string
	// drift is what this reconcile learnt of how the data source compares
	// with the spec; driftedCondition turns it into the Drifted condition.
	drift driftFinding
	// written is the server's reply to a successful write, made at
	// writtenAt.
	written   *opensearch.WriteResult
	writtenAt time.Time
	// observed is the data source as read when nothing was written
	// (managementPolicy Observe, or one that already matched the spec).
	observed    *opensearch.RemoteDataSource
	fingerprint string
	// dialect is the wire dialect the write or comparison used.
	dialect opensearch.Dialect
	// owner is what status records of where the data source was written.
	owner *ownership
	// disown clears that record: another DataSource manages the data
	// source, or an observed one is gone, so what this DataSource wrote
	// there no longer exists.
	disown bool
	// createRefused clears status.pendingCreate: the server refused the
	// create it was recorded for, so nothing was created.
	createRefused bool
	// cacheBehind says the reconcile read an older DataSource than the API
	// server holds (see errCacheBehind): it reports nothing and runs again
	// once the newer copy is cached, comparing again from checkedBefore,
	// what the DataSource had compared before it.
	cacheBehind   bool
	checkedBefore time.Time
	// held says spec.secretVersions holds the write (the SecretsHeld
	// message): the status keeps everything else as it is.
	held string

	result ctrl.Result
	err    error
}

func notReady(reason, message string) outcome {
	return outcome{ready: metav1.ConditionFalse, reason: reason, message: message}
}

// failed is the outcome of an error, as judge rules on it.
func failed(v verdict, err error) outcome {
	out := notReady(v.reason, v.message)
	out.result = ctrl.Result{RequeueAfter: v.requeueAfter}
	if v.backoff {
		out.err = err
	}
	return out
}

// unchanged is the outcome when OpenSearch already matches: the status
// stays as it is, so nothing is written. A DataSource whose cached status
// has no Ready condition yet (the cache lags the write that set it) gets
// fallback instead.
func unchanged(ds *v1alpha1.DataSource, fallback outcome) outcome {
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil {
		return fallback
	}
	return outcome{ready: c.Status, reason: c.Reason, message: c.Message}
}

// computeStatus is the one place status is derived: the previous status
// with the outcome of this reconcile applied.
func computeStatus(ds *v1alpha1.DataSource, out outcome, now metav1.Time) *v1alpha1.DataSourceStatus {
	st := ds.Status.DeepCopy()
	st.ObservedGeneration = ds.Generation
	meta.RemoveStatusCondition(&st.Conditions, v1alpha1.ConditionSecretsHeld)
	setReady(&st.Conditions, metav1.Condition{
		Type: v1alpha1.ConditionReady, Status: out.ready, Reason: out.reason, ObservedGeneration: ds.Generation,
		Message: opensearch.Truncate(out.message, opensearch.MaxStatusMessage),
	}, now)
	// Drifted appears with the first comparison that has something to
	// say; a DataSource never drifted carries no Drifted condition, which
	// keeps every status write smaller (see setReady).
	if c := driftedCondition(meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionDrifted), out.drift); c != nil {
		c.ObservedGeneration = ds.Generation
		c.Message = opensearch.Truncate(c.Message, opensearch.MaxStatusMessage)
		setCondition(&st.Conditions, *c, now)
	}
	if w := out.written; w != nil {
		st.DataSourceID, st.Name, st.Status, st.Message = w.DataSourceID, w.Name, w.Status, w.Message
		at := now
		if !out.writtenAt.IsZero() {
			at = metav1.NewTime(out.writtenAt)
		}
		st.LastSyncTime = &at
	}
	if o := out.observed; o != nil && out.written == nil {
		st.DataSourceID, st.Name, st.Status = o.DataSourceID, o.Name, strings.ToUpper(o.Status)
		if st.DataSourceID == "" {
			st.DataSourceID = o.Name
		}
	}
	if out.fingerprint != "" {
		st.Fingerprint = out.fingerprint
	}
	if out.dialect == opensearch.DialectDocumented || out.dialect == opensearch.DialectSQLPlugin {
		st.Dialect = v1alpha1.Dialect(out.dialect)
	}
	switch {
	case out.owner != nil:
		conn := out.owner.connection
		st.Connection, st.Adopted, st.CredentialKeys = &conn, out.owner.adopted, out.owner.credentialKeys
		st.PendingCreate = nil
	case out.disown:
		// lastSyncTime goes too: with no recorded connection it would read
		// as a write by a release that did not record where; and the
		// fingerprint, which describes what this DataSource no longer holds.
		st.Connection, st.Adopted, st.CredentialKeys, st.LastSyncTime = nil, false, nil, nil
		st.Fingerprint, st.PendingCreate = "", nil
	case out.createRefused:
		st.PendingCreate = nil
	}
	return st
}

// setReady sets Ready and the kstatus conditions derived from it, so that
// tools that read kstatus (Flux, kubectl-style waits) and tools that read
// Ready (Argo CD, kubectl wait) agree. Reconciling and Stalled are
// "abnormal-true" conditions: present while True, removed otherwise, as
// kstatus reads an absent one as False and as Flux's own controllers do.
// Every condition on every object is work for the API server on each
// status write (decoding, validation, managedFields).
func setReady(conds *[]metav1.Condition, ready metav1.Condition, now metav1.Time) {
	setCondition(conds, ready, now)
	stalled := ready.Status == metav1.ConditionFalse && slices.Contains(v1alpha1.StalledReasons, ready.Reason)
	reconciling := ready.Status != metav1.ConditionTrue && !stalled && ready.Reason != v1alpha1.ReasonSuspended
	for _, c := range []struct {
		typ string
		on  bool
	}{{v1alpha1.ConditionReconciling, reconciling}, {v1alpha1.ConditionStalled, stalled}} {
		if !c.on {
			meta.RemoveStatusCondition(conds, c.typ)
			continue
		}
		setCondition(conds, metav1.Condition{Type: c.typ, Status: metav1.ConditionTrue, Reason: ready.Reason,
			Message: ready.Message, ObservedGeneration: ready.ObservedGeneration}, now)
	}
}

// setCondition sets c, keeping the transition time unless the status
// flipped, and leaves the list untouched when nothing in c changed.
func setCondition(conds *[]metav1.Condition, c metav1.Condition, now metav1.Time) {
	if old := meta.FindStatusCondition(*conds, c.Type); old != nil &&
		old.Status == c.Status && old.Reason == c.Reason && old.Message == c.Message && old.ObservedGeneration == c.ObservedGeneration {
		return
	}
	c.LastTransitionTime = now
	meta.SetStatusCondition(conds, c)
}

func readyReason(ds *v1alpha1.DataSource) string {
	if c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		return c.Reason
	}
	return ""
}
