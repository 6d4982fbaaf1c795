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
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// The steps of a DataSource's reconcile, in the order Reconcile runs them.

func (r *DataSourceReconciler) checkSuspended(_ context.Context, s *dataSourceScope) *outcome {
	if !s.ds.Spec.Suspend {
		return nil
	}
	out := notReady(v1alpha1.ReasonSuspended, "spec.suspend is true: the operator makes no calls to OpenSearch for this DataSource")
	return &out
}

// resolveConnection finds the DataSource's connection and checks that it
// may be used from the DataSource's namespace and is ready.
func (r *DataSourceReconciler) resolveConnection(ctx context.Context, s *dataSourceScope) *outcome {
	ds := s.ds
	conn, err := r.Clients.connection(ctx, r.Client, connectionIDOf(ds), r.DefaultResync)
	if err != nil {
		return stop(failed(judge(err, opWrite, r.DefaultResync, r.MaxThrottle), err))
	}
	if conn == nil {
		return stop(notReady(v1alpha1.ReasonConnectionNotFound, connectionNotFound(ds)))
	}
	if out := r.checkNamespace(ctx, conn, ds.Namespace); out != nil {
		return out
	}
	if ok, msg := conn.Ready(); !ok {
		return stop(notReady(v1alpha1.ReasonConnectionNotReady, fmt.Sprintf("%s is not ready: %s", conn.ID, msg)))
	}
	s.conn = conn
	return nil
}

func connectionNotFound(ds *v1alpha1.DataSource) string {
	ref := ds.Spec.ConnectionRef
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		return fmt.Sprintf("%s %q not found", ref.Kind, ref.Name)
	}
	return fmt.Sprintf("%s %q not found in namespace %q", v1alpha1.KindOpenSearchConnection, ref.Name, ds.Namespace)
}

// checkNamespace refuses a cluster connection to a namespace its
// allowedNamespaces leaves out.
func (r *DataSourceReconciler) checkNamespace(ctx context.Context, conn *connectionView, namespace string) *outcome {
	if conn.AllowedNamespaces == nil {
		return nil
	}
	allowed, err := r.namespaceAllowed(ctx, conn.AllowedNamespaces, namespace)
	var invalid *invalidSelectorError
	switch {
	case errors.As(err, &invalid):
		return stop(notReady(v1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"%s: %s; an administrator must fix the connection", conn.ID, invalid)))
	case err != nil:
		return stop(failed(judge(err, opWrite, conn.ResyncPeriod, r.MaxThrottle), err))
	}
	if allowed {
		return nil
	}
	return stop(notReady(v1alpha1.ReasonNamespaceNotAllowed,
		fmt.Sprintf("ClusterOpenSearchConnection %q does not allow namespace %q (see its spec.allowedNamespaces)", conn.ID.Name, namespace)))
}

// invalidSelectorError is an allowedNamespaces.selector the operator cannot
// read (one stored before the CRD validated it): a fault of the
// connection, not of the namespace.
type invalidSelectorError struct{ err error }

func (e *invalidSelectorError) Error() string {
	return "spec.allowedNamespaces.selector is not a valid label selector (" + e.err.Error() + ")"
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
		return false, &invalidSelectorError{err}
	}
	var ns corev1.Namespace
	if err := r.Get(ctx, types.NamespacedName{Name: namespace}, &ns); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return sel.Matches(labels.Set(ns.Labels)), nil
}

func (r *DataSourceReconciler) resolveClient(ctx context.Context, s *dataSourceScope) *outcome {
	api, err := r.Clients.clientFor(ctx, s.conn)
	var why *blocked
	switch {
	case errors.As(err, &why):
		return stop(notReady(v1alpha1.ReasonConnectionNotReady, fmt.Sprintf("%s cannot be used: %s", s.conn.ID, why.Message)))
	case err != nil:
		return stop(failed(judge(err, opWrite, s.conn.ResyncPeriod, r.MaxThrottle), err))
	}
	s.api = api
	return nil
}

// readSecrets reads the Secrets the DataSource references, always from its
// own namespace, and watches them from now on; a missing one maps to nil.
func (r *DataSourceReconciler) readSecrets(ctx context.Context, s *dataSourceScope) *outcome {
	owner := secretwatch.Owner{Kind: kindDataSource, NamespacedName: client.ObjectKeyFromObject(s.ds)}
	names := referencedSecrets(&s.ds.Spec)
	refs := make([]types.NamespacedName, len(names))
	for i, n := range names {
		refs[i] = types.NamespacedName{Namespace: s.ds.Namespace, Name: n}
	}
	r.Secrets.Retain(owner, refs)
	s.secrets = make(map[string]*corev1.Secret, len(names))
	for _, ref := range refs {
		secret, err := r.Secrets.Get(ctx, owner, ref)
		if err != nil {
			err = fmt.Errorf("reading Secrets: %w", err)
			return stop(failed(judge(err, opWrite, s.conn.ResyncPeriod, r.MaxThrottle), err))
		}
		s.secrets[ref.Name] = secret
	}
	return nil
}

// buildDesired maps the spec and Secrets to the body to write, and checks
// that the connection's dialect can carry it.
func (r *DataSourceReconciler) buildDesired(_ context.Context, s *dataSourceScope) *outcome {
	desired, problem := buildDesired(s.ds, s.secrets, s.conn.ID.String()+"|"+s.conn.Endpoint+"|"+string(s.conn.Dialect))
	if problem != nil {
		return stop(notReady(problem.Reason, problem.Message))
	}
	keys, err := opensearch.CredentialKeys(s.api.Dialect(), desired.DataSource)
	if err != nil {
		return stop(notReady(v1alpha1.ReasonInvalidSpec, err.Error()))
	}
	if p := emptyCredential(s.ds, desired.DataSource); p != nil && !observes(s.ds) {
		return stop(notReady(p.Reason, p.Message))
	}
	s.desired, s.credentialKeys = desired, keys
	return nil
}

// emptyCredential refuses to write a credential whose Secret value is
// empty: that is a Secret stub (as export writes them) not filled in yet,
// and writing it would replace working credentials in OpenSearch with
// nothing. Observe writes nothing, so it compares regardless.
func emptyCredential(ds *v1alpha1.DataSource, body opensearch.DataSource) *blocked {
	empty := func(secret, key, field string) *blocked {
		return &blocked{v1alpha1.ReasonSecretKeyNotFound, fmt.Sprintf(
			"Secret %s/%s key %q (%s) is empty; fill it in: the operator does not write an empty credential to OpenSearch",
			ds.Namespace, secret, key, field)}
	}
	if c, cfg := body.Configuration, ds.Spec.Configuration; c != nil && cfg != nil && cfg.Credentials != nil {
		ref := cfg.Credentials.SecretRef
		switch {
		case c.Username == "":
			return empty(ref.Name, cmp.Or(ref.UsernameKey, "username"), "spec.configuration.credentials")
		case c.Password == "":
			return empty(ref.Name, cmp.Or(ref.PasswordKey, "password"), "spec.configuration.credentials")
		}
	}
	for _, pf := range ds.Spec.PropertiesFrom {
		credential := opensearch.SecretPropertyKey(pf.Key) || opensearch.CredentialValueKey(pf.Key)
		if credential && string(body.Properties[pf.Key]) == `""` {
			return empty(pf.SecretKeyRef.Name, pf.SecretKeyRef.Key, "spec.propertiesFrom["+pf.Key+"]")
		}
	}
	return nil
}

// waitForThrottle holds the write while the connection's server has asked
// the operator to wait.
func (r *DataSourceReconciler) waitForThrottle(_ context.Context, s *dataSourceScope) *outcome {
	if t, ok := r.Registry.Throttled(s.conn.ID, r.Now()); ok {
		return stop(throttled(t, r.Now()))
	}
	return nil
}

// throttled is the outcome while the connection's server has asked the
// operator to wait; the message is the one recorded with the 429, so that
// waiting DataSources do not rewrite their status.
func throttled(t registry.Throttle, now time.Time) outcome {
	out := notReady(v1alpha1.ReasonUnavailable, t.Message)
	out.result = ctrl.Result{RequeueAfter: t.Until.Sub(now)}
	return out
}

// synced is the outcome of a DataSource whose data source matches its spec.
func synced(name string, conn *connectionView) outcome {
	return outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced,
		message: fmt.Sprintf("Data source %q on %s matches the spec", name, conn.ID)}
}

// failedCall is the outcome of a request OpenSearch failed or refused, with
// the events and the connection throttle its verdict calls for.
func (r *DataSourceReconciler) failedCall(ctx context.Context, s *dataSourceScope, err error) outcome {
	if errors.Is(err, errCacheBehind) {
		return outcome{cacheBehind: true, checkedBefore: s.applied.checked}
	}
	v := judge(err, opWrite, s.conn.ResyncPeriod, r.MaxThrottle)
	switch {
	case v.reason == v1alpha1.ReasonInvalidSpec:
		r.Recorder.Eventf(s.ds, nil, corev1.EventTypeWarning, v1alpha1.ReasonInvalidSpec, "Validate", "%s", v.message)
	case v.reason == v1alpha1.ReasonRejected:
		r.Recorder.Eventf(s.ds, nil, corev1.EventTypeWarning, v1alpha1.ReasonRejected, "Write", "%s", v.message)
	case v.throttle:
		r.Registry.Throttle(s.conn.ID, registry.Throttle{Until: r.Now().Add(jittered(v.requeueAfter)), Message: v.message})
	case v.backoff:
		log.FromContext(ctx).Info("Write failed; retrying with backoff", "reason", v.reason, "connection", s.conn.ID.String(), "error", err.Error())
	}
	return failed(v, err)
}

func stop(out outcome) *outcome { return &out }
