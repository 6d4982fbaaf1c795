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
	"errors"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// maxWriteRequests bounds one write: a data source that keeps appearing and
// disappearing under the operator is retried later, not chased.
const maxWriteRequests = 6

// write makes OpenSearch hold the desired data source and reports the
// outcome; it is the last step, so it always ends the reconcile.
func (r *DataSourceReconciler) write(ctx context.Context, s *dataSourceScope) outcome {
	name := s.desired.DataSource.Name
	if holder := r.Memory.claim(claimKey(s.conn.cluster(), name), s.ds.UID); holder != s.ds.UID {
		return r.conflict(s, r.claimHolder(ctx, s.ds, holder), name)
	}
	if r.alreadyMatches(s) {
		if err := r.releasePrevious(ctx, s); err != nil {
			return r.failedCall(ctx, s, err)
		}
		return r.keepMatching(s)
	}
	res, done, err := r.apply(ctx, s)
	if err == nil {
		err = r.releasePrevious(ctx, s)
	}
	if errors.Is(err, errCacheBehind) && len(done) > 0 {
		// Requests of this write reached OpenSearch (the delete of a
		// re-create): an ordinary failure, reported and retried, never
		// a silent one.
		err = fmt.Errorf("%s", err.Error())
	}
	if err != nil {
		out := r.failedCall(ctx, s, err)
		out.createRefused = s.createRefused
		if len(s.driftFields) > 0 {
			out.drift = driftFinding{kind: driftChanged, fields: s.driftFields}
		}
		return out
	}
	written, werr := opensearch.AsWritten(s.api.Dialect(), s.desired.DataSource)
	r.Memory.update(client.ObjectKeyFromObject(s.ds), s.ds.UID, func(a *applied) {
		a.checked, a.fingerprint, a.credentialKeys = r.Now(), s.desired.Fingerprint, s.credentialKeys
		a.credentialPrint = s.desired.CredentialPrint
		a.written, a.writtenTo = nil, ""
		if werr == nil {
			a.written, a.writtenTo = &written, claimKey(s.conn.cluster(), name)
		}
	})
	action := opensearch.WriteAction(done)
	if s.api.Dialect() != opensearch.Dialect(s.conn.Status.Dialect) {
		// The write revealed the server's dialect; the connection's status
		// shows it after its next probe.
		r.Enqueue.connection(s.conn.ID)
	}
	r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, action, action,
		"%s data source %q on %s: %s", action, s.desired.DataSource.Name, s.conn.ID, res.Message)
	out := synced(s.desired.DataSource.Name, s.conn)
	out.written, out.writtenAt, out.fingerprint, out.dialect = &res, r.Now(), s.desired.Fingerprint, s.api.Dialect()
	out.owner = &ownership{connection: writtenConnection(s.conn), adopted: adoptedAfter(s, done),
		credentialKeys: s.credentialKeys}
	out.drift = r.driftCorrected(s)
	return out
}

// alreadyMatches says whether the listed data source already is what a
// write would leave there, so that the write would change nothing: an
// exported data source put under the operator, say. Only a body with no
// value the list cannot show qualifies: credentials, whether from Secrets
// or written in the spec, are never returned by OpenSearch, so they are
// always written.
func (r *DataSourceReconciler) alreadyMatches(s *dataSourceScope) bool {
	if s.remote == nil || len(s.credentialKeys) > 0 || len(referencedSecrets(&s.ds.Spec)) > 0 ||
		s.desired.DataSource.Configuration != nil ||
		len(droppedCredentialKeys(s.ds, s.applied.credentialKeys, s.credentialKeys)) > 0 {
		return false
	}
	d, err := opensearch.CompareRemote(s.api.Dialect(), s.desired.DataSource, *s.remote)
	return err == nil && d.Empty()
}

// keepMatching records a data source that already matched the spec as
// this DataSource's, as a write would have, without writing it.
func (r *DataSourceReconciler) keepMatching(s *dataSourceScope) outcome {
	r.Memory.update(client.ObjectKeyFromObject(s.ds), s.ds.UID, func(a *applied) {
		a.checked, a.fingerprint, a.credentialKeys = r.Now(), s.desired.Fingerprint, s.credentialKeys
	})
	name := s.desired.DataSource.Name
	r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, "Matched", "Adopt",
		"Data source %q on %s already matches the spec; nothing was written", name, s.conn.ID)
	out := synced(name, s.conn)
	out.observed, out.fingerprint, out.dialect = s.remote, s.desired.Fingerprint, s.api.Dialect()
	out.owner = &ownership{connection: writtenConnection(s.conn), adopted: adoptedAfter(s, nil)}
	out.drift = driftFinding{kind: driftMatched}
	return out
}

// driftCorrected records, in an event and the metrics, the drift a
// successful write corrected: found by this reconcile or by an earlier one
// whose correction failed.
func (r *DataSourceReconciler) driftCorrected(s *dataSourceScope) driftFinding {
	fields := fieldsToCorrect(meta.FindStatusCondition(s.ds.Status.Conditions, v1alpha1.ConditionDrifted), s.driftFields)
	if len(fields) == 0 {
		return driftFinding{}
	}
	r.Metrics.driftCorrection(s.conn.ID.String(), func() bool { return r.Registry.Live(s.conn.ID, s.conn.epoch) })
	r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, "DriftCorrected", "Correct", "Wrote the spec back over: %s", strings.Join(fields, ", "))
	return driftFinding{kind: driftCorrected, fields: fields}
}

// apply runs the requests opensearch.NextWriteStep plans, one at a time,
// and returns the reply to the last write and the requests that succeeded,
// also when a later one failed.
func (r *DataSourceReconciler) apply(ctx context.Context, s *dataSourceScope) (opensearch.WriteResult, []opensearch.WriteOp, error) {
	st := opensearch.WriteState{
		Dialect:               s.api.Dialect(),
		Remote:                s.remote,
		Absent:                s.absent,
		MayCreate:             s.ds.Spec.ManagementPolicy != v1alpha1.ManagementUpdateOnly,
		DroppedCredentialKeys: droppedCredentialKeys(s.ds, s.applied.credentialKeys, s.credentialKeys),
		Patch:                 mayPatch(s),
		NoRecreate:            !mayRecreate(&s.ds.Spec),
	}
	var last opensearch.WriteResult
	warned := false
	for range maxWriteRequests {
		step, err := opensearch.NextWriteStep(s.desired.DataSource, st)
		switch {
		case errors.Is(err, opensearch.ErrMayNotCreate):
			return last, nil, &blocked{v1alpha1.ReasonNotFound, fmt.Sprintf(
				"data source %q does not exist on %s and managementPolicy UpdateOnly never creates one", s.desired.DataSource.Name, s.conn.ID)}
		case err != nil:
			return last, nil, err
		case step.Op == opensearch.OpDone:
			return last, st.Done, nil
		}
		writes := step.Op == opensearch.OpUpdate || step.Op == opensearch.OpPatch || step.Op == opensearch.OpCreate
		if writes && !warned {
			warned = true
			r.warnDisabling(s, st.Remote)
		}
		res, err := r.send(ctx, s, step, &st)
		if err != nil {
			return last, st.Done, err
		}
		if writes {
			last = res
		}
	}
	return last, nil, fmt.Errorf("data source %q kept changing on the server while being written; retrying", s.desired.DataSource.Name)
}

// send makes one request of a write and records its answer in st. A
// missing or already existing data source is an answer, not an error: the
// plan takes it into account.
func (r *DataSourceReconciler) send(ctx context.Context, s *dataSourceScope, step opensearch.WriteStep, st *opensearch.WriteState) (opensearch.WriteResult, error) {
	desired := s.desired.DataSource
	var res opensearch.WriteResult
	var err error
	switch step.Op {
	case opensearch.OpRead:
		var remote opensearch.RemoteDataSource
		if remote, err = s.api.Get(ctx, desired.Name); err == nil {
			st.Remote = &remote
		}
	case opensearch.OpUpdate:
		res, err = s.api.Update(ctx, desired)
	case opensearch.OpPatch:
		res, err = s.api.(patcher).Patch(ctx, desired)
		if errors.Is(err, opensearch.ErrPatchUnsupported) || opensearch.KindOf(err) == opensearch.KindForbidden {
			// The server changed under the client, or the operator's user
			// lacks cluster:admin/opensearch/ql/datasources/patch (roles
			// made before the operator used PATCH): the plan turns to PUT.
			st.Patch = false
			return res, nil
		}
	case opensearch.OpCreate:
		if err = r.recordCreateIntent(ctx, s); err != nil {
			return res, err
		}
		res, err = s.api.Create(ctx, desired)
		s.createRefused = err != nil && createRefusedBy(err)
	case opensearch.OpDelete:
		r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, "Recreating", "Recreate",
			"Deleting and re-creating data source %q to remove properties %s (OpenSearch keeps removed keys on update)",
			desired.Name, strings.Join(step.Stale, ", "))
		if err = s.api.Delete(ctx, desired.Name); opensearch.IsNotFound(err) {
			err = nil
		}
	}
	// An Auto client resolves its dialect on the first write.
	st.Dialect = s.api.Dialect()
	switch {
	case err == nil:
		st.Done = append(st.Done, step.Op)
		if step.Op == opensearch.OpDelete {
			st.Absent, st.Remote = true, nil
		}
	case opensearch.IsNotFound(err) && (step.Op == opensearch.OpRead || step.Op == opensearch.OpUpdate || step.Op == opensearch.OpPatch):
		st.Absent, st.Remote, err = true, nil, nil
	case opensearch.IsAlreadyExists(err) && step.Op == opensearch.OpCreate:
		// Created since the list that said it was missing: whether it may
		// be written over is the adoption rule's to say.
		probe := &dataSourceScope{ds: s.ds, conn: s.conn, api: s.api, desired: s.desired, applied: s.applied, priorIntent: s.priorIntent}
		if out := r.checkAdoption(ctx, probe); out != nil {
			return res, &blocked{out.reason, out.message}
		}
		st.Absent, st.Remote, err = false, nil, nil
	}
	return res, err
}

// mayPatch says whether the write may be a PATCH, which leaves the stored
// credentials alone: the server takes it, the credentials in the spec and
// Secrets are those this process last wrote there, and the write is not
// the periodic rewrite of credentials. PATCH and PUT then leave the same
// data source; after a restart, with nothing remembered, it is a PUT.
func mayPatch(s *dataSourceScope) bool {
	p, ok := s.api.(patcher)
	return ok && p.SupportsPatch() && !s.rewriteCredentials &&
		s.applied.credentialPrint != "" && s.applied.credentialPrint == s.desired.CredentialPrint
}

// warnDisabling records, before a write that sets status DISABLED on a
// data source not known to be DISABLED already, what that turns off
// besides queries where it is more (see opensearch.DisableEffect).
func (r *DataSourceReconciler) warnDisabling(s *dataSourceScope, remote *opensearch.RemoteDataSource) {
	desired := s.desired.DataSource
	effect := opensearch.DisableEffect(desired.Connector)
	if effect == "" || !strings.EqualFold(desired.Status, string(v1alpha1.StateDisabled)) ||
		remote != nil && strings.EqualFold(remote.Status, string(v1alpha1.StateDisabled)) {
		return
	}
	r.Recorder.Eventf(s.ds, nil, corev1.EventTypeWarning, "Disabling", "Disable",
		"Setting data source %q to DISABLED (spec.status): %s", desired.Name, effect)
}

// without returns the items of all that are not in keep.
func without(all, keep []string) []string {
	var out []string
	for _, k := range all {
		if !slices.Contains(keep, k) {
			out = append(out, k)
		}
	}
	return out
}
