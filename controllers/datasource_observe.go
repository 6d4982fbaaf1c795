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
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// observe reconciles a DataSource under managementPolicy Observe: it reads
// the data source from its connection's list and reports how it compares
// with the spec, and never writes. It adds no finalizer, because there is
// nothing to do in OpenSearch when an observed DataSource goes, and it
// neither checks nor takes a claim on the data source, so it never blocks a
// DataSource that writes it (nor is blocked by one). status.connection,
// adopted and credentialKeys record writes; they are left as they are
// while the data source exists, and cleared once it is seen gone.
func (r *DataSourceReconciler) observe(ctx context.Context, ds *v1alpha1.DataSource) (ctrl.Result, error) {
	// A claim left from when this DataSource wrote must not hold off a
	// writer now that it only reads.
	r.Memory.unclaim(ds.UID)
	s := &dataSourceScope{ds: ds, applied: r.Memory.get(ds.UID)}
	out := r.run(ctx, s, []dataSourceStep{
		r.checkSuspended,
		r.resolveConnection,
		r.checkObserveAllowed,
		r.resolveClient,
		r.readSecrets,
		r.buildDesired,
	}, r.compareObserved)
	return r.record(ctx, ds, out)
}

// checkObserveAllowed refuses to read, with the operator's credentials, a
// data source this DataSource never wrote when the connection keeps other
// namespaces' data sources private: the report (Observed, Drifted with the
// fields, NotFound) would tell a tenant what another holds.
func (r *DataSourceReconciler) checkObserveAllowed(_ context.Context, s *dataSourceScope) *outcome {
	if s.conn.ObserveOthers || writtenTo(s.ds, s.conn.cluster()) {
		return nil
	}
	return stop(notReady(v1alpha1.ReasonObserveDenied, fmt.Sprintf(
		"%s has spec.observe Deny: a DataSource may observe only a data source it wrote through it; "+
			"an administrator can set spec.observe: Allow on the connection, or manage the data source with managementPolicy CreateOrUpdate",
		s.conn.ID)))
}

// compareObserved compares the data source, as the connection's list shows
// it, with the spec. A DataSource whose spec, Secrets or connection changed
// since its last comparison (a new one too) takes a list started after
// that, so that it is not told NotFound by a list older than the data
// source; after that, and after a restart, each list the connection takes
// every resyncPeriod is compared once.
func (r *DataSourceReconciler) compareObserved(ctx context.Context, s *dataSourceScope) outcome {
	fp := s.desired.Fingerprint
	name := s.desired.DataSource.Name
	fresh := !observeReported(s.ds) || (s.applied.observed != "" && s.applied.observed != fp)
	snap, err := r.pickSnapshot(ctx, s, fresh, r.Now())
	switch {
	case err != nil:
		return r.failedCall(ctx, s, err)
	case snap == nil && fresh:
		t, _ := r.Registry.Throttled(s.conn.ID, r.Now())
		return throttled(t, r.Now())
	case snap == nil:
		// Nothing new to compare with; the status says what the last list
		// showed.
		return unchanged(s.ds, outcome{})
	}
	r.Memory.update(client.ObjectKeyFromObject(s.ds), s.ds.UID, func(a *applied) {
		a.observed = fp
		if snap.FetchedAt.After(a.checked) {
			a.checked = snap.FetchedAt
		}
	})
	// pickSnapshot never returns a list that named the data source
	// without keeping it.
	remote, listing := snap.Lookup(name)
	if listing != registry.Kept {
		out := notReady(v1alpha1.ReasonNotFound, fmt.Sprintf(
			"data source %q does not exist on %s; managementPolicy Observe never creates one", name, s.conn.ID))
		// Whatever this DataSource once wrote there is gone: one made later
		// by someone else must meet the adoption rule after a switch back.
		out.disown = true
		r.Memory.update(client.ObjectKeyFromObject(s.ds), s.ds.UID, func(a *applied) {
			a.written, a.writtenTo, a.fingerprint, a.synced = nil, "", "", false
		})
		// patchStatus records the Warning event on entry, as for every
		// failing reason.
		return out
	}
	changes, err := opensearch.Changes(s.api.Dialect(), s.desired.DataSource, remote)
	if err != nil {
		return notReady(v1alpha1.ReasonInvalidSpec, err.Error())
	}
	if len(changes) == 0 {
		out := observedMatch(name, s.conn, &remote)
		out.dialect = s.api.Dialect()
		r.observedEvent(s.ds, out, corev1.EventTypeNormal)
		return out
	}
	fields := planNotes(&s.ds.Spec, s.desired.DataSource, changes, planEntries(changes, propertiesFromKeys(&s.ds.Spec)))
	out := notReady(v1alpha1.ReasonDrifted, fmt.Sprintf(
		"data source %q on %s differs from the spec in %s; managementPolicy Observe writes nothing "+
			"(set it to CreateOrUpdate to apply the spec)", name, s.conn.ID, strings.Join(fields, ", ")))
	out.observed, out.dialect = &remote, s.api.Dialect()
	out.drift = driftFinding{kind: driftDiffers, fields: fields}
	r.observedEvent(s.ds, out, corev1.EventTypeWarning)
	return out
}

// planNotes adds to the plan entries of an observed data source (one per
// change, see planEntries) what applying them would cost beyond the field
// itself: setting status DISABLED on a connector where that stops the data
// source's Flint indices refreshing, and properties that only a re-create
// spec.recreatePolicy forbids could remove.
func planNotes(spec *v1alpha1.DataSourceSpec, desired opensearch.DataSource, changes []opensearch.Change, entries []string) []string {
	out := slices.Clone(entries)
	for i, c := range changes {
		switch {
		case c.Field == "status" && strings.EqualFold(desired.Status, string(v1alpha1.StateDisabled)) && opensearch.DisableEffect(desired.Connector) != "":
			out[i] = withNote(out[i], "writing DISABLED: "+opensearch.DisableEffect(desired.Connector))
		case c.NotDesired && strings.HasPrefix(c.Field, "properties[") && !mayRecreate(spec):
			out[i] = withNote(out[i], "removing it needs a re-create, which spec.recreatePolicy forbids")
		}
	}
	return out
}

// withNote adds note inside the parenthesis a plan entry ends with.
func withNote(entry, note string) string {
	if strings.HasSuffix(entry, ")") {
		return strings.TrimSuffix(entry, ")") + "; " + note + ")"
	}
	return entry + " (" + note + ")"
}

// observedMatch is the outcome of an observed data source that matches its
// spec.
func observedMatch(name string, conn *connectionView, remote *opensearch.RemoteDataSource) outcome {
	out := outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonObserved,
		message: fmt.Sprintf("Data source %q on %s matches the spec; managementPolicy Observe writes nothing", name, conn.ID)}
	out.observed = remote
	out.drift = driftFinding{kind: driftObservedMatch}
	return out
}

// observeReported says whether the status already holds an Observe
// comparison of the current generation; when it does not (the policy just
// changed, or the cache lags the status this process wrote), the
// DataSource compares again rather than repeat an older report.
func observeReported(ds *v1alpha1.DataSource) bool {
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil || c.ObservedGeneration != ds.Generation {
		return false
	}
	switch c.Reason {
	case v1alpha1.ReasonObserved, v1alpha1.ReasonDrifted, v1alpha1.ReasonNotFound:
		return true
	}
	return false
}

// observedEvent records a change in what Observe reports, once: a resync
// that finds the same thing again is not news.
func (r *DataSourceReconciler) observedEvent(ds *v1alpha1.DataSource, out outcome, eventType string) {
	if c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady); c != nil &&
		c.Reason == out.reason && c.Message == out.message && c.ObservedGeneration == ds.Generation {
		return
	}
	r.Recorder.Eventf(ds, nil, eventType, out.reason, "Observe", "%s", out.message)
}
