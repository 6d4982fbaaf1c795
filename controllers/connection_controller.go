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
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// ConnectionReconciler probes the OpenSearch cluster an OpenSearchConnection
// or ClusterOpenSearchConnection points at and reports Ready, version and
// dialect. Each probe also lists the cluster's data sources once and then
// asks the connection's DataSources to compare themselves with that list,
// which is how drift is detected every resyncPeriod with one list call.
type ConnectionReconciler struct {
	client.Client
	// Kind is the connection kind this reconciler serves.
	Kind v1alpha1.ConnectionKind
	// Clients turns the connection into its OpenSearch client, and
	// forgets what a deleted connection left behind.
	Clients *connectionClients
	// Registry holds each connection's throttle and latest list.
	Registry *registry.Registry[OpenSearchAPI]
	// Enqueue asks the connection's DataSources to compare themselves.
	Enqueue *enqueuer
	// Recorder records each transition into a failing Ready reason.
	Recorder events.EventRecorder
	// DefaultResync applies to connections without spec.resyncPeriod.
	DefaultResync time.Duration
	// MaxThrottle bounds how long a server's Retry-After holds a connection.
	MaxThrottle time.Duration
	// ReconcileTimeout bounds one probe, whatever the server does.
	ReconcileTimeout time.Duration
	Now              func() time.Time

	// probes remembers each connection's last successful probe, so that an
	// edit that does not change how the server is reached does not probe.
	probes probeLog
	// fanouts remembers what each connection's DataSources last compared
	// themselves with, so that only news enqueues them.
	fanouts fanouts
	// failures keeps a failure from being recorded twice.
	failures failureLog
}

// Reconcile probes one connection.
func (r *ConnectionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, r.ReconcileTimeout)
	defer cancel()
	id := registry.ID{Kind: string(r.Kind), Namespace: req.Namespace, Name: req.Name}
	view, err := r.Clients.connection(ctx, r.Client, id, r.DefaultResync)
	if err != nil {
		return ctrl.Result{}, err
	}
	if view == nil {
		r.Clients.forget(id)
		r.probes.forget(id)
		r.fanouts.forget(id)
		r.failures.forget(id.String())
		return ctrl.Result{}, r.Enqueue.dataSourcesOf(ctx, id)
	}

	before := view.Status.DeepCopy()
	found := r.probe(ctx, view)
	status := connectionStatus(before, found, view.Generation, view.Clamped, metav1.NewTime(r.Now()))
	ready := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionReady)
	r.Clients.reportReady(view, ready != nil && ready.Status == metav1.ConditionTrue)
	if !equality.Semantic.DeepEqual(before, status) {
		orig := view.Object.DeepCopyObject().(client.Object)
		*view.Status = *status
		if err := r.Status().Patch(ctx, view.Object, client.MergeFrom(orig)); err != nil && !apierrors.IsNotFound(err) {
			return ctrl.Result{}, err
		}
		if ready != nil &&
			r.failures.entered(id.String(), meta.FindStatusCondition(before.Conditions, v1alpha1.ConditionReady),
				ready.Status, ready.Reason, connectionFailureEvents) {
			r.Recorder.Eventf(view.Object, nil, corev1.EventTypeWarning, ready.Reason, "Probe", "%s", ready.Message)
		}
	}
	if r.fanouts.due(view, r.Registry.Snapshots.Latest(id, view.Target), r.Now()) {
		if err := r.Enqueue.dataSourcesOf(ctx, id); err != nil {
			r.fanouts.forget(id)
			return ctrl.Result{}, err
		}
	}
	return found.result, found.err
}

// probe reads the server's version and lists its data sources, and says
// what it found; connectionStatus turns that into the status. The list
// doubles as the connection's drift snapshot. An edit that changes nothing
// the client is built from (resyncPeriod, adoption, allowedNamespaces) is
// not probed while the server has not asked to wait: the last probe stands
// until it is due under the new settings, and only the observed generation
// moves.
func (r *ConnectionReconciler) probe(ctx context.Context, v *connectionView) probeFinding {
	api, err := r.Clients.clientFor(ctx, v)
	var why *blocked
	switch {
	case errors.As(err, &why):
		r.probes.forget(v.ID)
		return probeFinding{kind: probeRefused, reason: why.Reason, message: why.Message}
	case err != nil:
		return probeFinding{kind: probeNotRun, err: err}
	}
	if due, ok := r.lastProbeStands(v, v.Status); ok {
		return probeFinding{kind: probeStands, result: ctrl.Result{RequeueAfter: due}}
	}
	// A list of another server than the one now configured is no snapshot
	// of this one.
	notBefore := r.Now().Add(-v.ResyncPeriod / 2)
	if r.probes.moved(v) {
		notBefore = r.Now()
	}
	info, err := api.Info(ctx)
	if err == nil {
		_, err = r.Registry.Snapshots.Fresh(ctx, v.ID, v.Target, api, notBefore)
	}
	if err != nil {
		return r.probeFailed(ctx, v, api.Dialect(), err)
	}
	// The server answered in full: whatever it asked to wait for is over.
	r.Registry.ClearThrottle(v.ID)
	r.probes.record(v, r.Now())
	return probeFinding{kind: probeAnswered, dialect: api.Dialect(), info: info,
		result: ctrl.Result{RequeueAfter: v.ResyncPeriod}}
}

// probeFailed is what a probe the server did not answer in full found, as
// judge rules on its error; a throttle holds the connection's DataSources
// too.
func (r *ConnectionReconciler) probeFailed(ctx context.Context, v *connectionView, dialect opensearch.Dialect, err error) probeFinding {
	r.probes.forget(v.ID)
	verdict := explainProbe(judge(err, opProbe, v.ResyncPeriod, r.MaxThrottle), err, v.Refs, v.Endpoint)
	logProbeFailure(ctx, v, verdict, err)
	if verdict.throttle {
		r.Registry.Throttle(v.ID, registry.Throttle{Until: r.Now().Add(jittered(verdict.requeueAfter)), Message: verdict.message})
	}
	found := probeFinding{kind: probeFailed, dialect: dialect, reason: verdict.reason, message: verdict.message,
		result: ctrl.Result{RequeueAfter: verdict.requeueAfter}}
	if verdict.backoff {
		found.result, found.err = ctrl.Result{}, err
	}
	return found
}

// logProbeFailure logs a failed probe with what status says and, for the
// operator's log only, what status leaves out (opensearch.Details): why
// the operator's own AWS identity could not sign, say.
func logProbeFailure(ctx context.Context, v *connectionView, verdict verdict, err error) {
	kv := []any{"connection", v.ID.String(), "reason", verdict.reason, "error", verdict.message}
	if details := opensearch.Details(err); details != "" {
		kv = append(kv, "details", details)
	}
	log.FromContext(ctx).Info("probe failed", kv...)
}

// connectionKey is the object key of the connection id names.
func connectionKey(id registry.ID) types.NamespacedName {
	return types.NamespacedName{Namespace: id.Namespace, Name: id.Name}
}

// lastProbeStands reports whether v's last probe still answers for v, and
// how long until it is due (see probeLog.stands). A server that asked to
// wait since said something newer than that probe: the next probe tells
// whether the hold is over.
func (r *ConnectionReconciler) lastProbeStands(v *connectionView, status *v1alpha1.ConnectionStatus) (time.Duration, bool) {
	if _, held := r.Registry.Throttled(v.ID, r.Now()); held {
		return 0, false
	}
	return r.probes.stands(v, status, r.Now())
}

// probeLog remembers each connection's last successful probe: how it
// reached the server, for which generation, and when.
type probeLog struct {
	mu   sync.Mutex
	last map[registry.ID]probeRecord
}

type probeRecord struct {
	// reach and target are the view's when it was probed.
	reach, target string
	generation    int64
	at            time.Time
}

func (p *probeLog) record(v *connectionView, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[registry.ID]probeRecord{}
	}
	p.last[v.ID] = probeRecord{reach: v.reach, target: v.Target, generation: v.Generation, at: at}
}

func (p *probeLog) forget(id registry.ID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.last, id)
}

// stands reports whether v's last probe still answers for v, and how long
// until it is due: v is an edit since that probe, the edit changed nothing
// the client is built from, status still shows that probe's success, and
// v's resyncPeriod has not run out since. The record then stands for v's
// generation.
func (p *probeLog) stands(v *connectionView, status *v1alpha1.ConnectionStatus, now time.Time) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, ok := p.last[v.ID]
	if !ok || rec.generation == v.Generation || rec.reach != v.reach {
		return 0, false
	}
	ready := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.ObservedGeneration != rec.generation {
		return 0, false
	}
	due := rec.at.Add(v.ResyncPeriod).Sub(now)
	if due <= 0 {
		return 0, false
	}
	rec.generation = v.Generation
	p.last[v.ID] = rec
	return due, true
}

// moved reports whether v points at another server than its last probe.
func (p *probeLog) moved(v *connectionView) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, ok := p.last[v.ID]
	return ok && rec.target != v.Target
}

// clampedMarker starts the part of a connection's message that says which
// of its settings the operator's limits changed.
const clampedMarker = "; the operator's limits apply: "

// withClamped adds to a connection's message which of its settings the
// operator's limits changed, so that its author learns why it behaves
// otherwise than asked. A message that already says so (a probe that
// stands, re-reported) is said again with the current list, not twice.
func withClamped(msg string, clamped []string) string {
	if i := strings.Index(msg, clampedMarker); i >= 0 {
		msg = msg[:i]
	}
	if len(clamped) == 0 {
		return msg
	}
	return msg + clampedMarker + strings.Join(clamped, "; ")
}
