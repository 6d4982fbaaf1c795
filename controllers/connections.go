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
	"net"
	"net/url"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// connectionView is either connection kind reduced to what the reconcilers
// use, with Secret namespaces filled in.
type connectionView struct {
	ID     registry.ID
	Object client.Object

	Endpoint string
	// Target is the endpoint normalised: what identifies the cluster while
	// its ClusterUUID is unknown.
	Target string
	// ClusterUUID is the cluster_uuid the last probe of this generation
	// read; empty until a probe of the current spec succeeded.
	ClusterUUID string
	Adoption    v1alpha1.AdoptionPolicy
	// ObserveOthers says an Observe DataSource may read a data source it
	// did not write: always through a namespace's own connection (its
	// credentials are the tenant's), only when spec.observe allows it
	// through a ClusterOpenSearchConnection (its credentials are the
	// operator's).
	ObserveOthers  bool
	Dialect        v1alpha1.Dialect
	RequestTimeout time.Duration
	ResyncPeriod   time.Duration
	// Refs are the Secrets and keys for authentication and TLS, as
	// connsecrets resolves them for the export too.
	connsecrets.Refs
	AllowedNamespaces *v1alpha1.AllowedNamespaces
	Status            *v1alpha1.ConnectionStatus
	Generation        int64
	// Clamped says which settings the operator's limits changed (see
	// connectionLimits), for the connection's status.
	Clamped []string
	// epoch is the registry's epoch of ID when the object was read.
	epoch uint64
	// reach identifies everything the client is built from (endpoint,
	// options, the versions of the Secrets read): clientFor sets it. Two
	// views with the same reach talk to the same server the same way.
	reach string
}

// Ready reports whether the connection's last probe succeeded, with the
// condition's message. A probe of an earlier generation still counts: an
// edit (a new resyncPeriod, say) is not an outage, and the connection is
// probed again at once, so its DataSources stay Ready until a probe says
// otherwise.
func (v *connectionView) Ready() (bool, string) {
	c := meta.FindStatusCondition(v.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil {
		return false, "the connection has not been probed yet"
	}
	return c.Status == metav1.ConditionTrue, c.Message
}

func (v *connectionView) secretRefs() []types.NamespacedName {
	var refs []types.NamespacedName
	keyRefs := []*connsecrets.Ref{v.Basic, v.CA, v.ClientCert, v.AWSKeys}
	for _, r := range keyRefs {
		if r != nil {
			refs = append(refs, r.NamespacedName)
		}
	}
	return refs
}

// connectionIDOf is the ID of the connection a DataSource names.
func connectionIDOf(ds *v1alpha1.DataSource) registry.ID {
	ref := ds.Spec.ConnectionRef
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		return registry.ID{Kind: string(ref.Kind), Name: ref.Name}
	}
	return registry.ID{Kind: string(v1alpha1.KindOpenSearchConnection), Namespace: ds.Namespace, Name: ref.Name}
}

// connectionObject is an empty object of the connection kind id names, to
// read into or to enqueue.
func connectionObject(id registry.ID) client.Object {
	meta := metav1.ObjectMeta{Namespace: id.Namespace, Name: id.Name}
	if id.Kind == string(v1alpha1.KindClusterOpenSearchConnection) {
		return &v1alpha1.ClusterOpenSearchConnection{ObjectMeta: meta}
	}
	return &v1alpha1.OpenSearchConnection{ObjectMeta: meta}
}

// normalizeEndpoint reduces an endpoint to scheme, host, port and path
// without a trailing slash, lower-casing what URLs do not distinguish, so
// that two spellings of one cluster compare equal. Credentials in the URL
// are dropped: they do not change which cluster it is.
func normalizeEndpoint(endpoint string) string {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.ToLower(endpoint), "/")
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(host, port) + strings.TrimRight(u.EscapedPath(), "/")
}

func durationOr(d *metav1.Duration, def time.Duration) time.Duration {
	if d == nil || d.Duration <= 0 {
		return def
	}
	return d.Duration
}

// viewOf reduces a connection object of either kind to a view. A namespaced
// connection is a cluster one whose Secrets all live in its own namespace;
// only DataSources of that namespace can name it, so it needs no
// allowedNamespaces.
func viewOf(obj client.Object, defaultResync time.Duration) *connectionView {
	switch c := obj.(type) {
	case *v1alpha1.OpenSearchConnection:
		v := newConnectionView(obj, &c.Spec.ConnectionSettings, &c.Status, defaultResync)
		v.ID.Kind = string(v1alpha1.KindOpenSearchConnection)
		v.Adoption = cmp.Or(c.Spec.Adoption, v1alpha1.AdoptionAllow)
		v.ObserveOthers = true
		v.Refs = connsecrets.Namespaced(c)
		return v
	case *v1alpha1.ClusterOpenSearchConnection:
		v := newConnectionView(obj, &c.Spec.ConnectionSettings, &c.Status, defaultResync)
		v.ID.Kind = string(v1alpha1.KindClusterOpenSearchConnection)
		v.AllowedNamespaces = c.Spec.AllowedNamespaces
		v.Adoption = cmp.Or(c.Spec.Adoption, v1alpha1.AdoptionDeny)
		v.ObserveOthers = c.Spec.Observe == v1alpha1.ObserveAllow
		v.Refs = connsecrets.Cluster(c)
		return v
	}
	return nil
}

func newConnectionView(obj client.Object, s *v1alpha1.ConnectionSettings, status *v1alpha1.ConnectionStatus,
	defaultResync time.Duration) *connectionView {
	return &connectionView{
		ID:             registry.ID{Namespace: obj.GetNamespace(), Name: obj.GetName()},
		Object:         obj,
		Endpoint:       s.Endpoint,
		Target:         normalizeEndpoint(s.Endpoint),
		Dialect:        s.Dialect,
		RequestTimeout: durationOr(s.RequestTimeout, 10*time.Second),
		ResyncPeriod:   durationOr(s.ResyncPeriod, defaultResync),
		Status:         status,
		Generation:     obj.GetGeneration(),
		ClusterUUID:    probedClusterUUID(status, obj.GetGeneration()),
	}
}

// probedClusterUUID is status.clusterUUID when a probe of this generation
// read it: after an endpoint edit the status names the old server's until
// the new one answered.
func probedClusterUUID(status *v1alpha1.ConnectionStatus, generation int64) string {
	ready := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.ObservedGeneration != generation {
		return ""
	}
	return status.ClusterUUID
}

// cluster is the cluster v points at.
func (v *connectionView) cluster() cluster { return cluster{uuid: v.ClusterUUID, endpoint: v.Target} }

// getConnection reads the connection id names, or returns nil when it does
// not exist.
func getConnection(ctx context.Context, c client.Reader, id registry.ID, defaultResync time.Duration) (*connectionView, error) {
	obj := connectionObject(id)
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return viewOf(obj, defaultResync), nil
}
