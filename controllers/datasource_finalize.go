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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// deletionScope is what the steps of one finalisation share.
type deletionScope struct {
	ds   *v1alpha1.DataSource
	name string
	conn *connectionView
	api  OpenSearchAPI
}

// deletionEnd is how finalisation ends when a step ends it before the
// finalizer is released.
type deletionEnd struct {
	result ctrl.Result
	err    error
}

func ended(result ctrl.Result, err error) *deletionEnd {
	return &deletionEnd{result: result, err: err}
}

// deletionStep is one step of finalisation.
type deletionStep = step[*deletionScope, deletionEnd]

// finalize applies deletionPolicy and releases the finalizer. It deletes
// only what status.connection says this DataSource wrote, only there, and
// only while no other DataSource manages it: a DataSource that never got
// through, or lost a Conflict, must not delete a data source someone else
// manages.
func (r *DataSourceReconciler) finalize(ctx context.Context, ds *v1alpha1.DataSource) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(ds, v1alpha1.DataSourceFinalizer) {
		r.forget(client.ObjectKeyFromObject(ds))
		return ctrl.Result{}, nil
	}
	s := &deletionScope{ds: ds, name: dataSourceName(ds)}
	if end := runSteps(ctx, s, []deletionStep{
		r.retainByPolicy,
		r.connectionForDeletion,
		r.namespaceForDeletion,
		r.rivalForDeletion,
		r.clientForDeletion,
		r.throttleForDeletion,
		r.deleteRemote,
	}); end != nil {
		return end.result, end.err
	}
	return r.release(ctx, ds)
}

// deletionRecord is where this DataSource's data source may be: where
// status records a write, else where it recorded a create whose outcome it
// never learnt (a DELETE of a data source that is not there is done).
func deletionRecord(ds *v1alpha1.DataSource) *v1alpha1.WrittenConnection {
	if ds.Status.Connection != nil {
		return ds.Status.Connection
	}
	return ds.Status.PendingCreate
}

// retainByPolicy keeps the data source when the spec or its history says
// this DataSource must not delete it.
func (r *DataSourceReconciler) retainByPolicy(ctx context.Context, s *deletionScope) *deletionEnd {
	switch {
	case s.ds.Spec.ManagementPolicy == v1alpha1.ManagementUpdateOnly:
		return r.leave(ctx, s, corev1.EventTypeNormal, "managementPolicy UpdateOnly never deletes")
	case s.ds.Spec.ManagementPolicy == v1alpha1.ManagementObserve:
		// Observe adds no finalizer; one left from an earlier policy is
		// released without a call.
		return r.leave(ctx, s, corev1.EventTypeNormal, "managementPolicy Observe never deletes")
	case s.ds.Spec.DeletionPolicy == v1alpha1.DeletionRetain:
		return r.leave(ctx, s, corev1.EventTypeNormal, "deletionPolicy is Retain")
	case s.ds.Spec.Suspend:
		return r.leave(ctx, s, corev1.EventTypeWarning, "the DataSource is suspended, so no call is made")
	case deletionRecord(s.ds) == nil:
		return r.leave(ctx, s, corev1.EventTypeNormal, "this DataSource never wrote it, or another DataSource manages it")
	}
	return nil
}

// connectionForDeletion finds the connection the data source was written
// through, and releases a DataSource whose connection is gone (instead of
// blocking its namespace's deletion forever) or now points at another
// cluster (where this DataSource never wrote).
func (r *DataSourceReconciler) connectionForDeletion(ctx context.Context, s *deletionScope) *deletionEnd {
	written := deletionRecord(s.ds)
	conn, err := r.recordedConnection(ctx, s.ds, written)
	switch {
	case err != nil:
		return ended(ctrl.Result{}, err)
	case conn == nil:
		if outside, err := r.existsOutsideShard(ctx, s.ds, written); err != nil || outside {
			return r.connectionOutsideShard(ctx, s, written, err)
		}
		r.Recorder.Eventf(s.ds, nil, corev1.EventTypeWarning, "ConnectionGone", "Delete",
			"%s %q no longer exists; released the DataSource without deleting data source %q from OpenSearch",
			written.Kind, written.Name, s.name)
		result, err := r.release(ctx, s.ds)
		return ended(result, err)
	case !conn.cluster().same(recordedCluster(written)):
		return r.leave(ctx, s, corev1.EventTypeWarning, fmt.Sprintf("%s points at %s now, not at %s where it was written",
			conn.ID, conn.Target, written.Endpoint))
	}
	s.conn = conn
	return nil
}

// existsOutsideShard reports whether the connection a record names exists
// although the cache lacks it: it left this manager's --watch-label-selector
// (or the DataSource moved to this shard without it). That is no deletion
// of the connection, so the data source must not be released without its
// DELETE.
func (r *DataSourceReconciler) existsOutsideShard(ctx context.Context, ds *v1alpha1.DataSource, written *v1alpha1.WrittenConnection) (bool, error) {
	if r.APIReader == nil {
		return false, nil
	}
	id := registry.ID{Kind: string(written.Kind), Name: written.Name}
	if written.Kind != v1alpha1.KindClusterOpenSearchConnection {
		id.Kind, id.Namespace = string(v1alpha1.KindOpenSearchConnection), ds.Namespace
	}
	obj := connectionObject(id)
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return written.UID == "" || obj.GetUID() == written.UID, nil
}

// connectionOutsideShard holds the deletion while the connection exists
// outside this manager's shard, saying how to bring the two together.
func (r *DataSourceReconciler) connectionOutsideShard(ctx context.Context, s *deletionScope, written *v1alpha1.WrittenConnection, err error) *deletionEnd {
	if err != nil {
		return ended(ctrl.Result{}, err)
	}
	return r.deleteFailed(ctx, s, verdict{requeueAfter: r.DefaultResync, message: fmt.Sprintf(
		"%s %q exists but this manager's --watch-label-selector does not select it; give it and the DataSource the labels of one shard",
		written.Kind, written.Name)}, nil)
}

// rivalForDeletion keeps a data source another DataSource has since
// written: a conflict resolved in its favour makes it the owner.
func (r *DataSourceReconciler) rivalForDeletion(ctx context.Context, s *deletionScope) *deletionEnd {
	rival, err := r.rivalManages(ctx, s.ds, s.conn.cluster())
	switch {
	case err != nil:
		return ended(ctrl.Result{}, err)
	case rival != nil:
		return r.leave(ctx, s, corev1.EventTypeNormal, fmt.Sprintf("DataSource %s manages it now", rival))
	}
	return nil
}

func (r *DataSourceReconciler) namespaceForDeletion(ctx context.Context, s *deletionScope) *deletionEnd {
	if s.conn.AllowedNamespaces == nil {
		return nil
	}
	allowed, err := r.namespaceAllowed(ctx, s.conn.AllowedNamespaces, s.ds.Namespace)
	var invalid *invalidSelectorError
	switch {
	case errors.As(err, &invalid):
		return r.leave(ctx, s, corev1.EventTypeWarning, fmt.Sprintf("%s: %s, so it allows no namespace", s.conn.ID, invalid))
	case err != nil:
		return ended(ctrl.Result{}, err)
	case !allowed:
		return r.leave(ctx, s, corev1.EventTypeWarning, fmt.Sprintf("%s does not allow namespace %q", s.conn.ID, s.ds.Namespace))
	}
	return nil
}

// clientForDeletion waits while the connection cannot be used: a Secret of
// the connection may be gone for a moment (or for good, in a namespace
// being deleted, until the connection goes too and the DataSource is
// released above).
func (r *DataSourceReconciler) clientForDeletion(ctx context.Context, s *deletionScope) *deletionEnd {
	api, err := r.Clients.clientFor(ctx, s.conn)
	var why *blocked
	switch {
	case errors.As(err, &why):
		return r.deleteFailed(ctx, s, verdict{message: s.conn.ID.String() + " cannot be used: " + why.Message,
			requeueAfter: s.conn.ResyncPeriod}, nil)
	case err != nil:
		return ended(ctrl.Result{}, err)
	}
	s.api = api
	return nil
}

func (r *DataSourceReconciler) throttleForDeletion(_ context.Context, s *deletionScope) *deletionEnd {
	if t, ok := r.Registry.Throttled(s.conn.ID, r.Now()); ok {
		return ended(ctrl.Result{RequeueAfter: t.Until.Sub(r.Now())}, nil)
	}
	return nil
}

// deleteRemote deletes the data source; one already gone counts as deleted.
func (r *DataSourceReconciler) deleteRemote(ctx context.Context, s *deletionScope) *deletionEnd {
	err := s.api.Delete(ctx, s.name)
	if err == nil || opensearch.IsNotFound(err) {
		r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, "Deleted", "Delete", "Deleted data source %q from %s", s.name, s.conn.ID)
		return nil
	}
	v := judge(err, opDelete, s.conn.ResyncPeriod, r.MaxThrottle)
	if v.throttle {
		r.Registry.Throttle(s.conn.ID, registry.Throttle{Until: r.Now().Add(jittered(v.requeueAfter)), Message: v.message})
	}
	return r.deleteFailed(ctx, s, v, err)
}

// deleteFailed reports a deletion that cannot finish yet, in an event and
// in status, and retries as v says.
func (r *DataSourceReconciler) deleteFailed(ctx context.Context, s *deletionScope, v verdict, err error) *deletionEnd {
	r.Recorder.Eventf(s.ds, nil, corev1.EventTypeWarning, "DeleteFailed", "Delete", "Deleting data source %q failed: %s", s.name, v.message)
	out := notReady(v1alpha1.ReasonDeleting, fmt.Sprintf("deleting data source %q failed: %s", s.name, v.message))
	if perr := r.patchStatus(ctx, s.ds, out); perr != nil {
		return ended(ctrl.Result{}, perr)
	}
	if v.backoff {
		return ended(ctrl.Result{}, err)
	}
	return ended(ctrl.Result{RequeueAfter: v.requeueAfter}, nil)
}

// leave releases the DataSource without deleting the data source.
func (r *DataSourceReconciler) leave(ctx context.Context, s *deletionScope, eventType, why string) *deletionEnd {
	r.Recorder.Eventf(s.ds, nil, eventType, "Retained", "Delete", "Left data source %q in OpenSearch: %s", s.name, why)
	result, err := r.release(ctx, s.ds)
	return ended(result, err)
}

// release removes the finalizer and lets a DataSource that lost a Conflict
// to this one try again.
func (r *DataSourceReconciler) release(ctx context.Context, ds *v1alpha1.DataSource) (ctrl.Result, error) {
	patch := client.MergeFromWithOptions(ds.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(ds, v1alpha1.DataSourceFinalizer)
	if err := r.Patch(ctx, ds, patch); err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, err
	}
	r.forget(client.ObjectKeyFromObject(ds))
	var rivals v1alpha1.DataSourceList
	if err := r.List(ctx, &rivals, client.MatchingFields{indexDataSourceName: dataSourceName(ds)}); err != nil {
		return ctrl.Result{}, err
	}
	for i := range rivals.Items {
		if rivals.Items[i].UID != ds.UID {
			if err := r.Enqueue.dataSource(ctx, client.ObjectKeyFromObject(&rivals.Items[i])); err != nil {
				return ctrl.Result{}, err
			}
		}
	}
	return ctrl.Result{}, nil
}
