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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// secretKeyRef is a resolved reference to one Secret and the keys read from it.
type secretKeyRef struct {
	types.NamespacedName
	Keys []string
}

// connectionView is either connection kind reduced to what the reconcilers
// use, with Secret namespaces filled in.
type connectionView struct {
	Kind string
	types.NamespacedName
	Object client.Object

	Endpoint           string
	Dialect            v1alpha1.Dialect
	RequestTimeout     time.Duration
	ResyncPeriod       time.Duration
	Basic              *secretKeyRef // Keys: username, password
	CA                 *secretKeyRef // Keys: the CA bundle
	ClientCert         *secretKeyRef // Keys: tls.crt, tls.key
	InsecureSkipVerify bool
	AllowedNamespaces  *v1alpha1.AllowedNamespaces
	Status             *v1alpha1.ConnectionStatus
	Generation         int64
}

// ID names the connection in metrics, logs and the snapshot store.
func (v *connectionView) ID() string {
	if v.Namespace == "" {
		return v.Kind + "/" + v.Name
	}
	return v.Kind + "/" + v.Namespace + "/" + v.Name
}

// Ready reports whether the connection's last probe succeeded for its
// current generation, with the condition's message.
func (v *connectionView) Ready() (bool, string) {
	c := meta.FindStatusCondition(v.Status.Conditions, v1alpha1.ConditionReady)
	switch {
	case c == nil:
		return false, "the connection has not been probed yet"
	case c.ObservedGeneration != v.Generation:
		return false, "the connection changed and has not been probed since"
	}
	return c.Status == metav1.ConditionTrue, c.Message
}

func (v *connectionView) secretRefs() []types.NamespacedName {
	var refs []types.NamespacedName
	for _, r := range []*secretKeyRef{v.Basic, v.CA, v.ClientCert} {
		if r != nil {
			refs = append(refs, r.NamespacedName)
		}
	}
	return refs
}

func durationOr(d *metav1.Duration, def time.Duration) time.Duration {
	if d == nil || d.Duration <= 0 {
		return def
	}
	return d.Duration
}

// viewOfConnection sees a namespaced connection as a cluster one whose
// Secrets all live in its own namespace; only DataSources of that namespace
// can name it, so it needs no allowedNamespaces.
func viewOfConnection(c *v1alpha1.OpenSearchConnection, defaultResync time.Duration) *connectionView {
	spec := v1alpha1.ClusterOpenSearchConnectionSpec{
		Endpoint:       c.Spec.Endpoint,
		Dialect:        c.Spec.Dialect,
		RequestTimeout: c.Spec.RequestTimeout,
		ResyncPeriod:   c.Spec.ResyncPeriod,
	}
	if a := c.Spec.Auth; a != nil && a.Basic != nil {
		spec.Auth = &v1alpha1.ClusterConnectionAuth{Basic: &v1alpha1.ClusterBasicAuth{
			SecretRef: v1alpha1.NamespacedCredentialsSecretReference{CredentialsSecretReference: a.Basic.SecretRef, Namespace: c.Namespace}}}
	}
	if t := c.Spec.TLS; t != nil {
		spec.TLS = &v1alpha1.ClusterConnectionTLS{InsecureSkipVerify: t.InsecureSkipVerify}
		if t.CASecretRef != nil {
			spec.TLS.CASecretRef = &v1alpha1.NamespacedSecretKeyReference{SecretKeyReference: *t.CASecretRef, Namespace: c.Namespace}
		}
		if t.ClientCertSecretRef != nil {
			spec.TLS.ClientCertSecretRef = &v1alpha1.NamespacedSecretReference{LocalSecretReference: *t.ClientCertSecretRef, Namespace: c.Namespace}
		}
	}
	return newConnectionView(string(v1alpha1.KindOpenSearchConnection), c, &spec, &c.Status, defaultResync)
}

func viewOfClusterConnection(c *v1alpha1.ClusterOpenSearchConnection, defaultResync time.Duration) *connectionView {
	v := newConnectionView(string(v1alpha1.KindClusterOpenSearchConnection), c, &c.Spec, &c.Status, defaultResync)
	v.AllowedNamespaces = c.Spec.AllowedNamespaces
	return v
}

func newConnectionView(kind string, obj client.Object, spec *v1alpha1.ClusterOpenSearchConnectionSpec,
	status *v1alpha1.ConnectionStatus, defaultResync time.Duration) *connectionView {
	v := &connectionView{
		Kind:               kind,
		NamespacedName:     client.ObjectKeyFromObject(obj),
		Object:             obj,
		Endpoint:           spec.Endpoint,
		Dialect:            spec.Dialect,
		RequestTimeout:     durationOr(spec.RequestTimeout, 10*time.Second),
		ResyncPeriod:       durationOr(spec.ResyncPeriod, defaultResync),
		Status:             status,
		Generation:         obj.GetGeneration(),
		InsecureSkipVerify: spec.TLS != nil && spec.TLS.InsecureSkipVerify,
	}
	if a := spec.Auth; a != nil && a.Basic != nil {
		r := a.Basic.SecretRef
		v.Basic = &secretKeyRef{types.NamespacedName{Namespace: r.Namespace, Name: r.Name},
			[]string{orDefault(r.UsernameKey, "username"), orDefault(r.PasswordKey, "password")}}
	}
	if t := spec.TLS; t != nil {
		if r := t.CASecretRef; r != nil {
			v.CA = &secretKeyRef{types.NamespacedName{Namespace: r.Namespace, Name: r.Name}, []string{orDefault(r.Key, "ca.crt")}}
		}
		if r := t.ClientCertSecretRef; r != nil {
			v.ClientCert = &secretKeyRef{types.NamespacedName{Namespace: r.Namespace, Name: r.Name},
				[]string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey}}
		}
	}
	return v
}

// getConnection reads the connection a DataSource names, or returns nil when
// it does not exist.
func getConnection(ctx context.Context, c client.Reader, ref v1alpha1.ConnectionReference, namespace string, defaultResync time.Duration) (*connectionView, error) {
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		var obj v1alpha1.ClusterOpenSearchConnection
		if err := c.Get(ctx, types.NamespacedName{Name: ref.Name}, &obj); err != nil {
			return nil, client.IgnoreNotFound(err)
		}
		return viewOfClusterConnection(&obj, defaultResync), nil
	}
	var obj v1alpha1.OpenSearchConnection
	if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name}, &obj); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return viewOfConnection(&obj, defaultResync), nil
}

// connectionRegistry keeps one OpenSearch client per connection, rebuilt
// when the connection's endpoint, settings or Secrets change, so that every
// reconciler talking to a cluster shares its connection pool and its
// detected dialect.
type connectionRegistry struct {
	factory ClientFactory
	secrets *SecretWatcher
	metrics *operatorMetrics

	mu        sync.Mutex
	clients   map[string]*cachedClient
	throttled map[string]throttle
}

// throttle is a connection's server asking the operator to wait (429 with
// Retry-After). It holds for every DataSource on the connection: the
// server's limit is not per data source.
type throttle struct {
	until   time.Time
	message string
}

type cachedClient struct {
	hash string
	api  OpenSearchAPI
}

func newConnectionRegistry(factory ClientFactory, secrets *SecretWatcher, m *operatorMetrics) *connectionRegistry {
	return &connectionRegistry{factory: factory, secrets: secrets, metrics: m, clients: map[string]*cachedClient{}, throttled: map[string]throttle{}}
}

// Client returns the client for v, reading its Secrets. A missing Secret or
// key is a *specProblem.
func (r *connectionRegistry) Client(ctx context.Context, v *connectionView) (OpenSearchAPI, error) {
	owner := secretOwner{Kind: v.Kind, NamespacedName: v.NamespacedName}
	r.secrets.Retain(owner, v.secretRefs())
	cfg := opensearch.Config{
		Endpoint:           v.Endpoint,
		Dialect:            opensearch.Dialect(v.Dialect),
		RequestTimeout:     v.RequestTimeout,
		InsecureSkipVerify: v.InsecureSkipVerify,
	}
	hash := sha256.New()
	fmt.Fprintf(hash, "%s|%s|%s|%t\n", v.Endpoint, v.Dialect, v.RequestTimeout, v.InsecureSkipVerify)
	read := func(ref *secretKeyRef, field string) ([][]byte, error) {
		s, err := r.secrets.Get(ctx, owner, ref.NamespacedName)
		if err != nil {
			return nil, err
		}
		if s == nil {
			return nil, &specProblem{v1alpha1.ReasonSecretNotFound,
				fmt.Sprintf("Secret %s (%s) does not exist", ref.NamespacedName, field)}
		}
		out := make([][]byte, len(ref.Keys))
		for i, k := range ref.Keys {
			val, ok := s.Data[k]
			if !ok {
				return nil, &specProblem{v1alpha1.ReasonSecretKeyNotFound,
					fmt.Sprintf("Secret %s (%s) has no key %q; it has keys %s", ref.NamespacedName, field, k, keysOf(s))}
			}
			out[i] = val
		}
		fmt.Fprintf(hash, "%s|%s|%s\n", ref.NamespacedName, s.UID, s.ResourceVersion)
		return out, nil
	}
	if v.Basic != nil {
		vals, err := read(v.Basic, "spec.auth.basic.secretRef")
		if err != nil {
			return nil, err
		}
		cfg.Username, cfg.Password = string(vals[0]), string(vals[1])
	}
	if v.CA != nil {
		vals, err := read(v.CA, "spec.tls.caSecretRef")
		if err != nil {
			return nil, err
		}
		cfg.CACertPEM = vals[0]
	}
	if v.ClientCert != nil {
		vals, err := read(v.ClientCert, "spec.tls.clientCertSecretRef")
		if err != nil {
			return nil, err
		}
		cfg.ClientCertPEM, cfg.ClientKeyPEM = vals[0], vals[1]
	}
	sum := hex.EncodeToString(hash.Sum(nil))

	id := v.ID()
	r.mu.Lock()
	defer r.mu.Unlock()
	cached := r.clients[id]
	if cached != nil && cached.hash == sum {
		return cached.api, nil
	}
	// What Auto detected is kept across client rebuilds (a rotated password)
	// and, through status, across restarts: detection costs a rejected
	// request, and comparing remote data sources needs the dialect.
	if cfg.Dialect == opensearch.DialectAuto {
		switch {
		case cached != nil && cached.api.Dialect() != opensearch.DialectAuto:
			cfg.Dialect = cached.api.Dialect()
		case v.Status != nil && v.Status.ObservedGeneration == v.Generation &&
			(v.Status.Dialect == v1alpha1.DialectDocumented || v.Status.Dialect == v1alpha1.DialectSQLPlugin):
			cfg.Dialect = opensearch.Dialect(v.Status.Dialect)
		}
	}
	cfg.Observer = r.metrics.observer(id)
	api, err := r.factory(cfg)
	if err != nil {
		return nil, &specProblem{v1alpha1.ReasonInvalidSpec, "cannot build a client for " + id + ": " + err.Error()}
	}
	// A replaced client is not closed: a reconcile may still be using it,
	// and the client cleans up after itself once unreachable.
	r.clients[id] = &cachedClient{hash: sum, api: api}
	return api, nil
}

// Throttle records that the server of connection id asked to be left alone
// until until.
func (r *connectionRegistry) Throttle(id string, until time.Time, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur, ok := r.throttled[id]; !ok || until.After(cur.until) {
		r.throttled[id] = throttle{until: until, message: message}
	}
}

// Throttled returns the throttle in force on connection id at now, if any.
func (r *connectionRegistry) Throttled(id string, now time.Time) (throttle, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.throttled[id]
	if ok && !now.Before(t.until) {
		delete(r.throttled, id)
		return throttle{}, false
	}
	return t, ok
}

// Forget drops the client of a deleted connection.
func (r *connectionRegistry) Forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.clients, id)
}
