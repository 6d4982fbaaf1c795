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
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// DataSourceReconciler keeps one OpenSearch data source in line with a
// DataSource: it writes the complete body when the spec or a referenced
// Secret changes, compares the remote with the spec whenever its connection
// has listed the cluster's data sources (every resyncPeriod), rewrites what
// was changed outside Kubernetes, and applies deletionPolicy on deletion.
type DataSourceReconciler struct {
	client.Client
	env *environment

	mu     sync.Mutex
	states map[types.NamespacedName]dataSourceState
}

// dataSourceState is what this process knows of a DataSource beyond its
// status, which the cache may show stale right after a write.
type dataSourceState struct {
	// checked is when the DataSource was last known to match OpenSearch: its
	// last successful write or the fetch time of the list it was last
	// compared with. A list older than that says nothing new.
	checked time.Time
	// fingerprint is the last one this process applied.
	fingerprint string
	// reason is the Ready reason of the last reconcile.
	reason string
	// secretKeys are the credential-named properties this process last
	// wrote. OpenSearch strips them from what it returns, so this is the only
	// way to notice one was dropped from the spec (and must be removed from
	// a server that merges properties); it does not survive a restart.
	secretKeys []string
}

// outcome is what one reconcile found and did; computeStatus turns it into
// the status, which is patched once.
type outcome struct {
	ready   metav1.ConditionStatus
	reason  string
	message string
	// drifted replaces the Drifted condition when set.
	drifted *metav1.Condition
	// written is the server's reply to a successful write.
	written     *opensearch.WriteResult
	fingerprint string

	result ctrl.Result
	err    error
}

func notReady(reason, message string) outcome {
	return outcome{ready: metav1.ConditionFalse, reason: reason, message: message}
}

// Reconcile brings one DataSource's data source in line with its spec.
func (r *DataSourceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
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
	if !controllerutil.ContainsFinalizer(&ds, v1alpha1.DataSourceFinalizer) {
		patch := client.MergeFromWithOptions(ds.DeepCopy(), client.MergeFromWithOptimisticLock{})
		controllerutil.AddFinalizer(&ds, v1alpha1.DataSourceFinalizer)
		if err := r.Patch(ctx, &ds, patch); err != nil {
			return ctrl.Result{}, err
		}
	}

	out := r.sync(ctx, &ds)
	// The metric is set before the status that announces the same reason,
	// so a reader who waited for the condition never scrapes the old value.
	r.env.metrics.readiness.set(req.NamespacedName, out.reason)
	if err := r.patchStatus(ctx, &ds, out); err != nil {
		return ctrl.Result{}, err
	}
	r.update(req.NamespacedName, func(st *dataSourceState) { st.reason = out.reason })
	return out.result, out.err
}

// sync resolves everything the DataSource references and writes the data
// source when it differs from the spec.
func (r *DataSourceReconciler) sync(ctx context.Context, ds *v1alpha1.DataSource) outcome {
	nn := client.ObjectKeyFromObject(ds)
	if ds.Spec.Suspend {
		return notReady(v1alpha1.ReasonSuspended, "spec.suspend is true: the operator makes no calls to OpenSearch for this DataSource")
	}
	conn, out := r.connection(ctx, ds)
	if conn == nil {
		return out
	}
	if out, conflict := r.conflict(ctx, ds, conn); conflict {
		return out
	}
	api, err := r.env.registry.Client(ctx, conn)
	if err != nil {
		var problem *specProblem
		if errors.As(err, &problem) {
			return notReady(v1alpha1.ReasonConnectionNotReady, fmt.Sprintf("%s cannot be used: %s", conn.ID(), problem.Message))
		}
		return outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonUnavailable, message: err.Error(), err: err}
	}

	secrets, err := r.secrets(ctx, ds)
	if err != nil {
		return outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonUnavailable, message: "reading Secrets: " + err.Error(), err: err}
	}
	desired, problem := buildDesired(ds, secrets, conn.ID()+"|"+conn.Endpoint+"|"+string(conn.Dialect))
	if problem != nil {
		return notReady(problem.Reason, problem.Message)
	}
	body, err := opensearch.BuildBody(checkDialect(api.Dialect()), desired.DataSource)
	if err != nil {
		return notReady(v1alpha1.ReasonInvalidSpec, err.Error())
	}

	// The fingerprint this process applied counts too: right after a write
	// the cache may still show the status from before it.
	st := r.state(nn)
	var known *opensearch.RemoteDataSource
	var drift *metav1.Condition
	if ds.Status.Fingerprint == desired.Fingerprint || st.fingerprint == desired.Fingerprint {
		settled := readyReason(ds) == v1alpha1.ReasonSynced || st.reason == v1alpha1.ReasonSynced
		var done *outcome
		if known, drift, done = r.checkDrift(ctx, ds, conn, api, desired.DataSource, settled); done != nil {
			return *done
		}
	}
	if t, ok := r.env.registry.Throttled(conn.ID(), r.env.now()); ok {
		return throttled(t, r.env.now())
	}

	secretKeys := credentialKeys(body)
	res, action, err := r.write(ctx, api, ds, desired.DataSource, known, without(st.secretKeys, secretKeys))
	if err != nil {
		out := r.writeFailed(ctx, ds, err, conn)
		out.drifted = drift
		return out
	}
	r.update(nn, func(st *dataSourceState) {
		st.checked, st.fingerprint, st.secretKeys = r.env.now(), desired.Fingerprint, secretKeys
	})
	if api.Dialect() != opensearch.Dialect(conn.Status.Dialect) {
		r.env.refreshConnection(conn)
	}
	r.env.recorder.Eventf(ds, nil, corev1.EventTypeNormal, action, action,
		"%s data source %q on %s: %s", action, desired.DataSource.Name, conn.ID(), res.Message)
	out = synced(desired.DataSource.Name, conn)
	out.written, out.fingerprint = &res, desired.Fingerprint
	// A correction that failed before leaves Drifted True until a write
	// succeeds, whichever reconcile that is.
	if prev := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionDrifted); drift == nil && prev != nil && prev.Status == metav1.ConditionTrue {
		drift = prev
	}
	if drift != nil {
		fields := strings.TrimPrefix(drift.Message, driftPrefix)
		r.env.metrics.driftCorrected.WithLabelValues(conn.ID()).Inc()
		r.env.recorder.Eventf(ds, nil, corev1.EventTypeNormal, "DriftCorrected", "Correct", "Wrote the spec back over: %s", fields)
		out.drifted = &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected,
			Message: "Corrected: " + fields}
	}
	return out
}

const driftPrefix = "Changed outside Kubernetes: "

// credentialKeys lists the credential-named properties (those OpenSearch
// strips from what it returns) that a request body carries, sorted.
func credentialKeys(body []byte) []string {
	var parsed struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(body, &parsed) != nil {
		return nil
	}
	var keys []string
	for k := range parsed.Properties {
		if opensearch.SecretPropertyKey(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
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

// synced is the outcome of a DataSource whose data source matches its spec.
func synced(name string, conn *connectionView) outcome {
	return outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced,
		message: fmt.Sprintf("Data source %q on %s matches the spec", name, conn.ID())}
}

// throttled is the outcome while the connection's server has asked the
// operator to wait; the message is the one recorded with the 429, so that
// waiting DataSources do not rewrite their status.
func throttled(t throttle, now time.Time) outcome {
	out := notReady(v1alpha1.ReasonUnavailable, t.message)
	out.result = ctrl.Result{RequeueAfter: t.until.Sub(now)}
	return out
}

// conflict reports whether an older DataSource already manages the data
// source of the same name on conn: two objects writing one data source would
// undo each other on every resync, and deleting either would delete both.
func (r *DataSourceReconciler) conflict(ctx context.Context, ds *v1alpha1.DataSource, conn *connectionView) (outcome, bool) {
	var list v1alpha1.DataSourceList
	if err := r.List(ctx, &list, client.MatchingFields{indexRemoteName: remoteNameKey(ds)}); err != nil {
		return outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonUnavailable, message: err.Error(), err: err}, true
	}
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID == ds.UID || !other.DeletionTimestamp.IsZero() || !claimsFirst(other, ds) {
			continue
		}
		return notReady(v1alpha1.ReasonConflict, fmt.Sprintf(
			"DataSource %s/%s already manages data source %q on %s; only one DataSource may manage a data source",
			other.Namespace, other.Name, dataSourceName(ds), conn.ID())), true
	}
	return outcome{}, false
}

// claimsFirst orders DataSources that name the same data source: one that
// has written it wins over one that has not, then the older one (creation
// times have one-second granularity), then the name.
func claimsFirst(a, b *v1alpha1.DataSource) bool {
	if wroteA, wroteB := a.Status.LastSyncTime != nil, b.Status.LastSyncTime != nil; wroteA != wroteB {
		return wroteA
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
}

// checkDrift compares a DataSource whose fingerprint is applied with the
// connection's latest list. It returns the outcome to report when there is
// nothing to write; otherwise the remote as listed (nil when it was deleted)
// and a Drifted condition describing the difference. An unsettled
// DataSource (its last reconcile did not end Synced, say a connection blip)
// takes a list newer than its last check even when none is due, so that it
// does not stay unready until the next resync.
func (r *DataSourceReconciler) checkDrift(ctx context.Context, ds *v1alpha1.DataSource, conn *connectionView,
	api OpenSearchAPI, desired opensearch.DataSource, settled bool) (*opensearch.RemoteDataSource, *metav1.Condition, *outcome) {
	done := func(out outcome) (*opensearch.RemoteDataSource, *metav1.Condition, *outcome) { return nil, nil, &out }
	snap, err := r.snapshotToCheck(ctx, client.ObjectKeyFromObject(ds), conn, api, !settled)
	switch {
	case err != nil:
		return done(r.writeFailed(ctx, ds, err, conn))
	case snap == nil && settled:
		return done(r.unchanged(ds))
	case snap == nil:
		if t, ok := r.env.registry.Throttled(conn.ID(), r.env.now()); ok {
			return done(throttled(t, r.env.now()))
		}
		return done(r.unchanged(ds))
	}
	changed := []string{"the data source was deleted"}
	remote, exists := snap.Items[desired.Name]
	if exists {
		d, err := opensearch.CompareRemote(api.Dialect(), desired, remote)
		if err != nil {
			return done(notReady(v1alpha1.ReasonInvalidSpec, err.Error()))
		}
		if d.Empty() {
			if settled {
				return done(r.unchanged(ds))
			}
			return done(synced(desired.Name, conn))
		}
		changed = append(d.Fields, prefixed("properties[", d.StaleProperties, "] (not in spec)")...)
	}
	msg := driftPrefix + strings.Join(changed, ", ")
	r.env.recorder.Eventf(ds, nil, corev1.EventTypeWarning, "DriftDetected", "Correct", "%s; writing the spec back", msg)
	log.FromContext(ctx).Info("drift detected", "fields", changed)
	drift := &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRemoteChanged, Message: msg}
	if !exists {
		return nil, drift, nil
	}
	return &remote, drift, nil
}

// unchanged is the outcome when OpenSearch already matches: status stays as
// it is, so nothing is written.
func (r *DataSourceReconciler) unchanged(ds *v1alpha1.DataSource) outcome {
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	return outcome{ready: c.Status, reason: c.Reason, message: c.Message}
}

// connection finds the DataSource's connection and checks that it may be
// used from the DataSource's namespace and is ready. It returns nil and the
// outcome to report when it cannot be used.
func (r *DataSourceReconciler) connection(ctx context.Context, ds *v1alpha1.DataSource) (*connectionView, outcome) {
	ref := ds.Spec.ConnectionRef
	conn, err := getConnection(ctx, r.Client, ref, ds.Namespace, r.env.defaultResync)
	if err != nil {
		return nil, outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonUnavailable, message: err.Error(), err: err}
	}
	if conn == nil {
		where := fmt.Sprintf(" in namespace %q", ds.Namespace)
		if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
			where = ""
		}
		return nil, notReady(v1alpha1.ReasonConnectionNotFound, fmt.Sprintf("%s %q not found%s", kindOrDefault(ref.Kind), ref.Name, where))
	}
	if conn.AllowedNamespaces != nil {
		allowed, err := r.namespaceAllowed(ctx, conn.AllowedNamespaces, ds.Namespace)
		if err != nil {
			return nil, outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonUnavailable, message: err.Error(), err: err}
		}
		if !allowed {
			return nil, notReady(v1alpha1.ReasonNamespaceNotAllowed,
				fmt.Sprintf("ClusterOpenSearchConnection %q does not allow namespace %q (see its spec.allowedNamespaces)", conn.Name, ds.Namespace))
		}
	}
	if ok, msg := conn.Ready(); !ok {
		return nil, notReady(v1alpha1.ReasonConnectionNotReady, fmt.Sprintf("%s is not ready: %s", conn.ID(), msg))
	}
	return conn, outcome{}
}

func kindOrDefault(k v1alpha1.ConnectionKind) v1alpha1.ConnectionKind {
	if k == "" {
		return v1alpha1.KindOpenSearchConnection
	}
	return k
}

func (r *DataSourceReconciler) namespaceAllowed(ctx context.Context, allowed *v1alpha1.AllowedNamespaces, namespace string) (bool, error) {
	for _, n := range allowed.Names {
		if n == namespace {
			return true, nil
		}
	}
	if allowed.Selector == nil {
		return false, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(allowed.Selector)
	if err != nil {
		return false, nil
	}
	var ns corev1.Namespace
	if err := r.Get(ctx, types.NamespacedName{Name: namespace}, &ns); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return sel.Matches(labels.Set(ns.Labels)), nil
}

// secrets reads the Secrets the DataSource references, always from its own
// namespace, and watches them from now on; a missing one maps to nil.
func (r *DataSourceReconciler) secrets(ctx context.Context, ds *v1alpha1.DataSource) (map[string]*corev1.Secret, error) {
	owner := secretOwner{Kind: "DataSource", NamespacedName: client.ObjectKeyFromObject(ds)}
	names := referencedSecrets(&ds.Spec)
	refs := make([]types.NamespacedName, len(names))
	for i, n := range names {
		refs[i] = types.NamespacedName{Namespace: ds.Namespace, Name: n}
	}
	r.env.secrets.Retain(owner, refs)
	out := make(map[string]*corev1.Secret, len(names))
	for _, ref := range refs {
		s, err := r.env.secrets.Get(ctx, owner, ref)
		if err != nil {
			return nil, err
		}
		out[ref.Name] = s
	}
	return out, nil
}

// snapshotToCheck returns the connection's list to compare with, or nil
// when there is none newer than the last check. A DataSource with no check
// yet (right after a restart) or that must check now takes any list newer
// than its last check, triggering one if none is, unless the server asked
// to wait.
func (r *DataSourceReconciler) snapshotToCheck(ctx context.Context, nn types.NamespacedName, conn *connectionView,
	api OpenSearchAPI, now bool) (*remoteSnapshot, error) {
	last := r.state(nn).checked
	var snap *remoteSnapshot
	if last.IsZero() || now {
		if _, wait := r.env.registry.Throttled(conn.ID(), r.env.now()); wait {
			return nil, nil
		}
		var err error
		if snap, err = r.env.snapshots.Fresh(ctx, conn.ID(), api, last); err != nil {
			return nil, err
		}
	} else if snap = r.env.snapshots.Latest(conn.ID()); snap == nil || !snap.FetchedAt.After(last) {
		return nil, nil
	}
	r.update(nn, func(st *dataSourceState) {
		if snap.FetchedAt.After(st.checked) {
			st.checked = snap.FetchedAt
		}
	})
	return snap, nil
}

func (r *DataSourceReconciler) state(nn types.NamespacedName) dataSourceState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.states[nn]
}

func (r *DataSourceReconciler) update(nn types.NamespacedName, change func(*dataSourceState)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.states[nn]
	change(&st)
	r.states[nn] = st
}

func (r *DataSourceReconciler) forget(nn types.NamespacedName) {
	r.mu.Lock()
	delete(r.states, nn)
	r.mu.Unlock()
	r.env.secrets.Retain(secretOwner{Kind: "DataSource", NamespacedName: nn}, nil)
	r.env.metrics.readiness.forget(nn)
}

// errNotFoundUpdateOnly says an UpdateOnly DataSource's data source is missing.
var errNotFoundUpdateOnly = errors.New("not found")

// write makes OpenSearch hold desired. On a server that merges properties
// (the SQL plugin), a PUT cannot remove a key, so when the remote holds keys
// the spec no longer has, the data source is written (to validate the body
// and update everything else), then deleted and created again. known is the
// remote as a drift check just saw it, saving a read.
func (r *DataSourceReconciler) write(ctx context.Context, api OpenSearchAPI, ds *v1alpha1.DataSource,
	desired opensearch.DataSource, known *opensearch.RemoteDataSource, droppedSecretKeys []string) (opensearch.WriteResult, string, error) {
	updateOnly := ds.Spec.ManagementPolicy == v1alpha1.ManagementUpdateOnly
	create := func() (opensearch.WriteResult, string, error) {
		if updateOnly {
			return opensearch.WriteResult{}, "", errNotFoundUpdateOnly
		}
		res, err := api.Create(ctx, desired)
		if opensearch.IsAlreadyExists(err) {
			res, err = api.Update(ctx, desired)
			return res, "Updated", err
		}
		return res, "Created", err
	}

	if api.Dialect() == opensearch.DialectDocumented {
		res, err := api.Update(ctx, desired)
		if opensearch.IsNotFound(err) {
			return create()
		}
		return res, "Updated", err
	}

	remote := known
	if remote == nil {
		got, err := api.Get(ctx, desired.Name)
		if opensearch.IsNotFound(err) {
			return create()
		}
		if err != nil {
			return opensearch.WriteResult{}, "", err
		}
		remote = &got
	}
	res, err := api.Update(ctx, desired)
	if opensearch.IsNotFound(err) {
		return create()
	}
	if err != nil || api.Dialect() == opensearch.DialectDocumented {
		// The documented API replaces the whole data source on update: no
		// key can be left behind.
		return res, "Updated", err
	}
	d, err := opensearch.CompareRemote(api.Dialect(), desired, *remote)
	if err != nil {
		return res, "Updated", err
	}
	stale := append(append([]string{}, d.StaleProperties...), droppedSecretKeys...)
	if len(stale) == 0 {
		return res, "Updated", nil
	}
	sort.Strings(stale)
	if updateOnly {
		return res, "", &opensearch.InvalidSpecError{Message: fmt.Sprintf(
			"properties %s were removed from the spec but remain in OpenSearch, which merges properties on update; "+
				"removing them needs a delete and re-create, which managementPolicy UpdateOnly does not allow",
			strings.Join(stale, ", "))}
	}
	r.env.recorder.Eventf(ds, nil, corev1.EventTypeNormal, "Recreating", "Recreate",
		"Deleting and re-creating data source %q to remove properties %s (OpenSearch keeps removed keys on update)",
		desired.Name, strings.Join(stale, ", "))
	if err := api.Delete(ctx, desired.Name); err != nil && !opensearch.IsNotFound(err) {
		return res, "", err
	}
	res, err = api.Create(ctx, desired)
	return res, "Recreated", err
}

// writeFailed classifies a failed call: refusals wait for a change or the
// next resync, unavailability is retried with backoff, throttling after the
// server's Retry-After.
func (r *DataSourceReconciler) writeFailed(ctx context.Context, ds *v1alpha1.DataSource, err error, conn *connectionView) outcome {
	var invalid *opensearch.InvalidSpecError
	switch {
	case errors.Is(err, errNotFoundUpdateOnly):
		return notReady(v1alpha1.ReasonNotFound, fmt.Sprintf(
			"data source %q does not exist on %s and managementPolicy UpdateOnly never creates one", dataSourceName(ds), conn.ID()))
	case errors.As(err, &invalid):
		r.env.recorder.Eventf(ds, nil, corev1.EventTypeWarning, v1alpha1.ReasonInvalidSpec, "Validate", "%s", invalid.Message)
		return notReady(v1alpha1.ReasonInvalidSpec, invalid.Message)
	}
	msg := err.Error()
	switch opensearch.KindOf(err) {
	case opensearch.KindRejected, opensearch.KindForbidden, opensearch.KindAlreadyExists, opensearch.KindNotFound:
		r.env.recorder.Eventf(ds, nil, corev1.EventTypeWarning, v1alpha1.ReasonRejected, "Write", "OpenSearch rejected data source %q: %s", dataSourceName(ds), msg)
		return notReady(v1alpha1.ReasonRejected, "OpenSearch rejected the data source: "+msg)
	case opensearch.KindTooManyRequests:
		wait, ok := opensearch.RetryAfter(err)
		if !ok || wait <= 0 {
			wait = 5 * time.Second
		}
		out := notReady(v1alpha1.ReasonUnavailable, fmt.Sprintf("OpenSearch is throttling requests (429); retrying after %s", wait))
		out.result = ctrl.Result{RequeueAfter: wait}
		r.env.registry.Throttle(conn.ID(), r.env.now().Add(wait), out.message)
		return out
	default:
		log.FromContext(ctx).Info("OpenSearch unavailable; retrying with backoff", "connection", conn.ID(), "error", msg)
		return outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonUnavailable, message: "OpenSearch is unavailable: " + msg, err: err}
	}
}

// finalize applies deletionPolicy and releases the finalizer. It deletes
// only what this DataSource wrote (it has a lastSyncTime) from a connection
// it may use: a DataSource that never got through, or lost a Conflict, must
// not delete a data source someone else manages.
func (r *DataSourceReconciler) finalize(ctx context.Context, ds *v1alpha1.DataSource) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(ds, v1alpha1.DataSourceFinalizer) {
		r.forget(client.ObjectKeyFromObject(ds))
		return ctrl.Result{}, nil
	}
	name := dataSourceName(ds)
	leave := func(eventType, why string) (ctrl.Result, error) {
		r.env.recorder.Eventf(ds, nil, eventType, "Retained", "Delete", "Left data source %q in OpenSearch: %s", name, why)
		return r.release(ctx, ds)
	}
	switch {
	case ds.Spec.ManagementPolicy == v1alpha1.ManagementUpdateOnly:
		return leave(corev1.EventTypeNormal, "managementPolicy UpdateOnly never deletes")
	case ds.Spec.DeletionPolicy == v1alpha1.DeletionRetain:
		return leave(corev1.EventTypeNormal, "deletionPolicy is Retain")
	case ds.Spec.Suspend:
		return leave(corev1.EventTypeWarning, "the DataSource is suspended, so no call is made")
	case ds.Status.LastSyncTime == nil:
		return leave(corev1.EventTypeNormal, "this DataSource never wrote it")
	}

	conn, err := getConnection(ctx, r.Client, ds.Spec.ConnectionRef, ds.Namespace, r.env.defaultResync)
	if err != nil {
		return ctrl.Result{}, err
	}
	if conn == nil {
		r.env.recorder.Eventf(ds, nil, corev1.EventTypeWarning, "ConnectionGone", "Delete",
			"%s %q no longer exists; released the DataSource without deleting data source %q from OpenSearch",
			kindOrDefault(ds.Spec.ConnectionRef.Kind), ds.Spec.ConnectionRef.Name, name)
		return r.release(ctx, ds)
	}
	if conn.AllowedNamespaces != nil {
		allowed, err := r.namespaceAllowed(ctx, conn.AllowedNamespaces, ds.Namespace)
		if err != nil {
			return ctrl.Result{}, err
		}
		if !allowed {
			return leave(corev1.EventTypeWarning, fmt.Sprintf("%s does not allow namespace %q", conn.ID(), ds.Namespace))
		}
	}
	deleteFailed := func(msg string, result ctrl.Result, err error) (ctrl.Result, error) {
		r.env.recorder.Eventf(ds, nil, corev1.EventTypeWarning, "DeleteFailed", "Delete", "Deleting data source %q failed: %s", name, msg)
		if perr := r.patchStatus(ctx, ds, notReady(v1alpha1.ReasonDeleting,
			fmt.Sprintf("deleting data source %q failed: %s", name, msg))); perr != nil {
			return ctrl.Result{}, perr
		}
		return result, err
	}
	api, err := r.env.registry.Client(ctx, conn)
	if err != nil {
		var problem *specProblem
		if errors.As(err, &problem) {
			// A Secret of the connection may be gone for a moment (or for
			// good, in a namespace being deleted, until the connection goes
			// too and the finalizer is released above).
			return deleteFailed(conn.ID()+" cannot be used: "+problem.Message, ctrl.Result{RequeueAfter: 10 * time.Second}, nil)
		}
		return ctrl.Result{}, err
	}
	if t, ok := r.env.registry.Throttled(conn.ID(), r.env.now()); ok {
		return ctrl.Result{RequeueAfter: t.until.Sub(r.env.now())}, nil
	}
	if err := api.Delete(ctx, name); err != nil && !opensearch.IsNotFound(err) {
		switch opensearch.KindOf(err) {
		case opensearch.KindRejected, opensearch.KindForbidden, opensearch.KindAlreadyExists:
			return deleteFailed(err.Error(), ctrl.Result{RequeueAfter: conn.ResyncPeriod}, nil)
		case opensearch.KindTooManyRequests:
			wait, _ := opensearch.RetryAfter(err)
			return deleteFailed(err.Error(), ctrl.Result{RequeueAfter: max(wait, time.Second)}, nil)
		default:
			return deleteFailed(err.Error(), ctrl.Result{}, err)
		}
	}
	r.env.recorder.Eventf(ds, nil, corev1.EventTypeNormal, "Deleted", "Delete", "Deleted data source %q from %s", name, conn.ID())
	return r.release(ctx, ds)
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
	if err := r.List(ctx, &rivals, client.MatchingFields{indexRemoteName: remoteNameKey(ds)}); err != nil {
		return ctrl.Result{}, err
	}
	for i := range rivals.Items {
		if rivals.Items[i].UID != ds.UID {
			if err := r.env.tick(ctx, &rivals.Items[i]); err != nil {
				return ctrl.Result{}, err
			}
		}
	}
	return ctrl.Result{}, nil
}

// patchStatus writes the status computed from out, and only when it differs
// from what the object already has: an unchanged DataSource costs no write.
func (r *DataSourceReconciler) patchStatus(ctx context.Context, ds *v1alpha1.DataSource, out outcome) error {
	status := computeStatus(ds, out, metav1.NewTime(r.env.now()))
	if equality.Semantic.DeepEqual(&ds.Status, status) {
		return nil
	}
	orig := ds.DeepCopy()
	ds.Status = *status
	if err := r.Status().Patch(ctx, ds, client.MergeFrom(orig)); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}

// computeStatus is the one place status is derived: the previous status
// with the outcome of this reconcile applied.
func computeStatus(ds *v1alpha1.DataSource, out outcome, now metav1.Time) *v1alpha1.DataSourceStatus {
	st := ds.Status.DeepCopy()
	st.ObservedGeneration = ds.Generation
	setCondition(&st.Conditions, metav1.Condition{
		Type: v1alpha1.ConditionReady, Status: out.ready, Reason: out.reason, Message: out.message, ObservedGeneration: ds.Generation,
	}, now)
	switch {
	case out.drifted != nil:
		c := *out.drifted
		c.ObservedGeneration = ds.Generation
		setCondition(&st.Conditions, c, now)
	case meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionDrifted) == nil:
		setCondition(&st.Conditions, metav1.Condition{
			Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonInSync,
			Message: "No change made outside Kubernetes has been seen", ObservedGeneration: ds.Generation,
		}, now)
	}
	if w := out.written; w != nil {
		st.DataSourceID, st.Name, st.Status, st.Message = w.DataSourceID, w.Name, w.Status, w.Message
		st.LastSyncTime = &now
	}
	if out.fingerprint != "" {
		st.Fingerprint = out.fingerprint
	}
	return st
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

// checkDialect is the dialect whose rules a body must meet before any call:
// an undetected Auto sends the documented body first.
func checkDialect(d opensearch.Dialect) opensearch.Dialect {
	if d == opensearch.DialectAuto {
		return opensearch.DialectDocumented
	}
	return d
}

func prefixed(prefix string, items []string, suffix string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = prefix + it + suffix
	}
	return out
}
