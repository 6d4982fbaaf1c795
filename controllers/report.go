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
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// A rotated Secret shared by hundreds of DataSources enqueues them all at
// once. Were each reconcile to patch its status right after its PUT, the
// last PUT would wait behind hundreds of status patches, and the API
// server, not OpenSearch, would decide how long the old password stays
// valid. So a write that leaves the status saying what it said (Ready,
// Synced, same generation, connection, credential keys and server
// reply) is reported by a second, low-priority reconcile, after the
// queue's other writes: only status.message, lastSyncTime and
// fingerprint lag.
//
// Until then the write is known only to this process. Should it stop in
// between, its successor finds the old fingerprint in status and writes
// once more: the same body, so nothing is wrong, only repeated.

// deferredReportDelay is how long a deferred report waits at least; the
// priority queue runs it after every higher-priority item that is ready.
const deferredReportDelay = 10 * time.Millisecond

// reportLater says whether out, the outcome of a write, changes nothing in
// ds's status but the record of that write.
func reportLater(ds *v1alpha1.DataSource, out outcome) bool {
	if out.written == nil || out.err != nil || out.result != (ctrl.Result{}) || out.reason != v1alpha1.ReasonSynced ||
		out.disown || out.owner == nil ||
		driftedCondition(meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionDrifted), out.drift) != nil {
		return false
	}
	ready := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.Reason != v1alpha1.ReasonSynced ||
		ready.ObservedGeneration != ds.Generation || ds.Status.ObservedGeneration != ds.Generation {
		return false
	}
	st, w := ds.Status, out.written
	return st.Connection != nil && *st.Connection == out.owner.connection && st.Adopted == out.owner.adopted &&
		slices.Equal(st.CredentialKeys, out.owner.credentialKeys) &&
		w.DataSourceID == st.DataSourceID && w.Name == st.Name && w.Status == st.Status
}

// deferReport keeps out for the next reconcile of ds and asks for one at
// low priority.
func (r *DataSourceReconciler) deferReport(ds *v1alpha1.DataSource, out outcome) ctrl.Result {
	r.Memory.update(client.ObjectKeyFromObject(ds), ds.UID, func(a *applied) {
		a.synced, a.unreported = true, &out
	})
	return ctrl.Result{RequeueAfter: deferredReportDelay, Priority: ptr.To(handler.LowPriority)}
}

// withUnreported adds to out a write a previous reconcile did not report,
// unless out reports a newer write, or a read (observed), or that the
// data source is no longer this DataSource's (disown): those say more.
func withUnreported(out outcome, pending *outcome) outcome {
	if pending == nil || out.written != nil || out.observed != nil || out.disown {
		return out
	}
	out.written, out.writtenAt = pending.written, pending.writtenAt
	if out.fingerprint == "" {
		out.fingerprint = pending.fingerprint
	}
	if out.dialect == "" {
		out.dialect = pending.dialect
	}
	return out
}
