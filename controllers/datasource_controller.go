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
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// DataSourceReconciler keeps one OpenSearch data source in line with a
// DataSource: it writes the complete body when the spec or a referenced
// Secret changes, compares the remote with the spec whenever its connection
// has listed the cluster's data sources (every resyncPeriod), rewrites what
// was changed outside Kubernetes, and applies deletionPolicy on deletion.
type DataSourceReconciler struct {
	client.Client
	// Clients turns the DataSource's connection into an OpenSearch client.
	Clients *connectionClients
	// Registry holds each connection's throttle and latest list.
	Registry *registry.Registry[OpenSearchAPI]
	// Secrets reads the DataSource's Secrets and watches them from then on.
	Secrets secretReader
	// Memory keeps what status cannot show yet.
	Memory *memory
	// Failures keeps a failure from being recorded twice.
	Failures failureLog
	// APIReader reads past the cache, which holds only this shard's
	// objects under --watch-label-selector: a connection the cache lacks
	// may exist outside the shard. Nil reads the cache.
	APIReader client.Reader
	// Enqueue asks DataSources and connections to reconcile again.
	Enqueue  *enqueuer
	Metrics  *operatorMetrics
	Recorder events.EventRecorder
	// DefaultResync applies to connections without spec.resyncPeriod.
	DefaultResync time.Duration
	// MaxThrottle bounds how long a server's Retry-After holds a connection.
	MaxThrottle time.Duration
	// ReconcileTimeout bounds one reconcile, whatever the servers do.
	ReconcileTimeout time.Duration
	Now              func() time.Time
}

// dataSourceScope is what the steps of one reconcile share: each step
// reads what the steps before it resolved.
type dataSourceScope struct {
	ds      *v1alpha1.DataSource
	applied applied

	conn           *connectionView
	api            OpenSearchAPI
	secrets        map[string]*corev1.Secret
	desired        desiredState
	credentialKeys []string

	// remote is the data source as the drift check listed it; absent says
	// the list did not have it. Both save a read before the write.
	remote *opensearch.RemoteDataSource
	absent bool
	// driftFields are the fields the drift check found changed outside
	// Kubernetes.
	driftFields []string
	// rewriteCredentials says the write is due only to the connection's
	// credentialRewritePeriod: it must resend the credentials (PUT).
	rewriteCredentials bool

	// priorIntent is status.pendingCreate as this reconcile found it: a
	// create an earlier reconcile (perhaps of another process) sent and
	// never recorded the outcome of.
	priorIntent *v1alpha1.WrittenConnection
	// createRefused says the server answered this reconcile's create with
	// an error that means nothing was stored, so the intent recorded for
	// it is void.
	createRefused bool
}

// dataSourceStep is one step of the lifecycle: an outcome ends the
// reconcile with it.
type dataSourceStep = step[*dataSourceScope, outcome]

// Reconcile brings one DataSource's data source in line with its spec.
func (r *DataSourceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, r.ReconcileTimeout)
	defer cancel()
	var ds v1alpha1.DataSource
	if err := r.Get(ctx, req.NamespacedName, &ds); err != nil {
		if apierrors.IsNotFound(err) {
			r.forget(req.NamespacedName)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, err
	}
	if !ds.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, &ds)
	}
	if ds.Spec.ManagementPolicy == v1alpha1.ManagementObserve {
		return r.observe(ctx, &ds)
	}
	if err := r.ensureFinalizer(ctx, &ds); err != nil {
		return ctrl.Result{}, err
	}
	s := &dataSourceScope{ds: &ds, applied: r.Memory.get(ds.UID), priorIntent: ds.Status.PendingCreate}
	out := r.run(ctx, s, []dataSourceStep{
		r.checkSuspended,
		r.resolveConnection,
		r.checkConflict,
		r.resolveClient,
		r.readSecrets,
		r.buildDesired,
		r.checkSecretPin,
		r.compareWithRemote,
		r.waitForThrottle,
		r.checkAdoption,
	}, r.write)
	if out.reason == v1alpha1.ReasonSynced && out.owner == nil && ds.Status.Connection == nil && ds.Status.LastSyncTime != nil {
		// Written by a release that did not record where: record it now,
		// once, so that deletion knows. Without a lastSyncTime nothing says
		// this DataSource ever wrote: a matching fingerprint alone (left by
		// Observe, say) never makes a data source its own.
		out.owner = &ownership{connection: writtenConnection(s.conn), credentialKeys: s.credentialKeys}
	}
	return r.record(ctx, &ds, out)
}

// run runs steps until one ends the reconcile; last always does.
func (r *DataSourceReconciler) run(ctx context.Context, s *dataSourceScope, steps []dataSourceStep,
	last func(context.Context, *dataSourceScope) outcome) outcome {
	if out := runSteps(ctx, s, steps); out != nil {
		return *out
	}
	return last(ctx, s)
}

// cacheBehindRetry is when a reconcile that read an old DataSource runs
// again. Its newer copy is most often a status patch, which starts no
// reconcile of its own (see SetupWithManager), and reaches the cache in
// milliseconds.
const cacheBehindRetry = time.Second

// retryOnNewerCopy ends a reconcile that read an old DataSource: the
// comparison it made was not acted on, so the next one makes it again
// rather than take it as done.
func (r *DataSourceReconciler) retryOnNewerCopy(ctx context.Context, nn types.NamespacedName, uid types.UID, checkedBefore time.Time) ctrl.Result {
	r.Memory.update(nn, uid, func(a *applied) { a.checked = checkedBefore })
	log.FromContext(ctx).V(1).Info("The cached DataSource lags the API server; running again on the newer copy")
	return ctrl.Result{RequeueAfter: cacheBehindRetry}
}

// record reports out: the metric first, so that a reader who waited for
// the condition never scrapes the old value, then the status, once. A
// write that changes only the record of the last write is reported by the
// next reconcile, at low priority (see reportLater).
func (r *DataSourceReconciler) record(ctx context.Context, ds *v1alpha1.DataSource, out outcome) (ctrl.Result, error) {
	nn := client.ObjectKeyFromObject(ds)
	if out.cacheBehind {
		return r.retryOnNewerCopy(ctx, nn, ds.UID, out.checkedBefore), nil
	}
	if out.held != "" {
		return ctrl.Result{}, r.reportHeld(ctx, ds, out.held)
	}
	r.Metrics.readiness.set(nn, out.reason)
	if reportLater(ds, out) {
		return r.deferReport(ds, out), nil
	}
	result := out.result
	if pending := r.Memory.get(ds.UID).unreported; pending != nil {
		out = withUnreported(out, pending)
		// This may be the low-priority report; what it asks for next
		// (a retry, a wait) is ordinary work again.
		result.Priority = ptr.To(0)
	}
	// The status records what was written: it must land even when the
	// manager is stopping and has cancelled ctx, or a restart finds a write
	// with no record of who made it.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statusPatchTimeout)
	defer cancel()
	if err := r.patchStatus(pctx, ds, out); err != nil {
		return ctrl.Result{Priority: result.Priority}, err
	}
	r.Memory.update(nn, ds.UID, func(a *applied) { a.synced, a.unreported = out.reason == v1alpha1.ReasonSynced, nil })
	return result, out.err
}

func (r *DataSourceReconciler) ensureFinalizer(ctx context.Context, ds *v1alpha1.DataSource) error {
	if controllerutil.ContainsFinalizer(ds, v1alpha1.DataSourceFinalizer) {
		return nil
	}
	patch := client.MergeFromWithOptions(ds.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.AddFinalizer(ds, v1alpha1.DataSourceFinalizer)
	return r.Patch(ctx, ds, patch)
}

// patchStatus writes the status computed from out, and only when it differs
// from what the object already has: an unchanged DataSource costs no write.
func (r *DataSourceReconciler) patchStatus(ctx context.Context, ds *v1alpha1.DataSource, out outcome) error {
	status := computeStatus(ds, out, metav1.NewTime(r.Now()))
	key := client.ObjectKeyFromObject(ds).String()
	if equality.Semantic.DeepEqual(&ds.Status, status) {
		// Nothing changes, but a failure it stays in is one recorded.
		r.Failures.entered(key, meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady), out.ready, out.reason, dataSourceFailureEvents)
		return nil
	}
	orig := ds.DeepCopy()
	ds.Status = *status
	if err := r.Status().Patch(ctx, ds, client.MergeFrom(orig)); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	// After the patch: one that failed is retried, and the retry finds
	// the old condition again.
	if r.Failures.entered(key, meta.FindStatusCondition(orig.Status.Conditions, v1alpha1.ConditionReady), out.ready, out.reason, dataSourceFailureEvents) {
		r.Recorder.Eventf(ds, nil, corev1.EventTypeWarning, out.reason, "Reconcile", "%s", out.message)
	}
	return nil
}

// forget drops everything this process holds for a DataSource that is gone.
func (r *DataSourceReconciler) forget(nn types.NamespacedName) {
	r.Memory.forget(nn)
	r.Failures.forget(nn.String())
	r.Secrets.Retain(secretwatch.Owner{Kind: kindDataSource, NamespacedName: nn}, nil)
	r.Metrics.readiness.forget(nn)
}

// kindDataSource names DataSources as Secret owners.
const kindDataSource = "DataSource"
