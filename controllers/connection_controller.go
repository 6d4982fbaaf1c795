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
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// ConnectionReconciler probes the OpenSearch cluster an OpenSearchConnection
// or ClusterOpenSearchConnection points at and reports Ready, version and
// dialect. Each probe also lists the cluster's data sources once and then
// asks the connection's DataSources to compare themselves with that list,
// which is how drift is detected every resyncPeriod with one list call.
type ConnectionReconciler struct {
	client.Client
	env *environment
	// Kind is the connection kind this reconciler serves.
	Kind v1alpha1.ConnectionKind
}

// Reconcile probes one connection.
func (r *ConnectionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	view, err := r.load(ctx, req.NamespacedName)
	if err != nil {
		return ctrl.Result{}, err
	}
	if view == nil {
		id := (&connectionView{Kind: string(r.Kind), NamespacedName: req.NamespacedName}).ID()
		r.env.registry.Forget(id)
		r.env.snapshots.Forget(id)
		r.env.secrets.Retain(secretOwner{Kind: string(r.Kind), NamespacedName: req.NamespacedName}, nil)
		return ctrl.Result{}, r.env.enqueueDataSourcesOf(ctx, id)
	}

	before := view.Status.DeepCopy()
	status := before.DeepCopy()
	result, probeErr := r.probe(ctx, view, status)
	status.ObservedGeneration = view.Generation
	if !equality.Semantic.DeepEqual(before, status) {
		orig := view.Object.DeepCopyObject().(client.Object)
		*view.Status = *status
		if err := r.Status().Patch(ctx, view.Object, client.MergeFrom(orig)); err != nil && !apierrors.IsNotFound(err) {
			return ctrl.Result{}, err
		}
	}
	if err := r.env.enqueueDataSourcesOf(ctx, view.ID()); err != nil {
		return ctrl.Result{}, err
	}
	return result, probeErr
}

func (r *ConnectionReconciler) load(ctx context.Context, nn types.NamespacedName) (*connectionView, error) {
	ref := v1alpha1.ConnectionReference{Name: nn.Name, Kind: r.Kind}
	return getConnection(ctx, r.Client, ref, nn.Namespace, r.env.defaultResync)
}

// probe reads the server's version and lists its data sources, recording the
// outcome in status. The list doubles as the connection's drift snapshot.
func (r *ConnectionReconciler) probe(ctx context.Context, v *connectionView, status *v1alpha1.ConnectionStatus) (ctrl.Result, error) {
	logger := log.FromContext(ctx)
	setReady := func(s metav1.ConditionStatus, reason, msg string) {
		meta.SetStatusCondition(&status.Conditions, metav1.Condition{
			Type: v1alpha1.ConditionReady, Status: s, Reason: reason, Message: msg, ObservedGeneration: v.Generation,
		})
	}
	api, err := r.env.registry.Client(ctx, v)
	if err != nil {
		var problem *specProblem
		if errors.As(err, &problem) {
			setReady(metav1.ConditionFalse, problem.Reason, problem.Message)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, err
	}
	info, err := api.Info(ctx)
	if err == nil {
		_, err = r.env.snapshots.Fresh(ctx, v.ID(), api, r.env.now().Add(-v.ResyncPeriod/2))
	}
	status.Dialect = v1alpha1.Dialect(api.Dialect())
	if err != nil {
		reason, msg, result, retErr := classifyConnectionError(err, v.ResyncPeriod)
		logger.Info("probe failed", "connection", v.ID(), "reason", reason, "error", msg)
		setReady(metav1.ConditionFalse, reason, msg)
		return result, retErr
	}
	status.Version = info.Version
	setReady(metav1.ConditionTrue, v1alpha1.ReasonConnected,
		fmt.Sprintf("OpenSearch %s answered; the data source API is present and permitted", info.Version))
	return ctrl.Result{RequeueAfter: v.ResyncPeriod}, nil
}

// classifyConnectionError maps a probe failure to a Ready reason and to how
// the probe is retried: unavailability with the controller's exponential
// backoff, refusals at the next resync.
func classifyConnectionError(err error, resync time.Duration) (reason, msg string, result ctrl.Result, retErr error) {
	msg = err.Error()
	switch opensearch.KindOf(err) {
	case opensearch.KindForbidden:
		return v1alpha1.ReasonForbidden, "OpenSearch refused the operator: " + msg, ctrl.Result{RequeueAfter: resync}, nil
	case opensearch.KindRejected, opensearch.KindNotFound, opensearch.KindAlreadyExists:
		return v1alpha1.ReasonRejected, "OpenSearch rejected the probe: " + msg, ctrl.Result{RequeueAfter: resync}, nil
	case opensearch.KindTooManyRequests:
		wait, ok := opensearch.RetryAfter(err)
		if !ok || wait <= 0 {
			wait = 5 * time.Second
		}
		return v1alpha1.ReasonUnavailable, fmt.Sprintf("OpenSearch is throttling requests; retrying in %s: %s", wait, msg), ctrl.Result{RequeueAfter: wait}, nil
	default:
		return v1alpha1.ReasonUnavailable, "OpenSearch is unavailable: " + msg, ctrl.Result{}, err
	}
}
