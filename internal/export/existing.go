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

package export

import (
	"sort"
	"strings"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/specbody"
)

// ConnectionID names one connection object; Namespace is empty for a
// ClusterOpenSearchConnection.
type ConnectionID struct {
	Kind            v1alpha1.ConnectionKind
	Namespace, Name string
}

// Cluster is what tells that a DataSource already in Kubernetes is about
// the cluster exported: the cluster_uuid it reported, the URL read, and
// the connections the export read through and points its output to.
type Cluster struct {
	UUID        string
	Endpoint    string
	Connections []ConnectionID
}

// Managed maps the name of each data source on c that a DataSource in
// existing already manages or observes to that DataSource, as
// "namespace/name" (the first by that order when several do). A
// DataSource is about a data source when its status.name (else its spec's
// name) is the data source's and it either records writing to c
// (status.connection: the same cluster_uuid, else the same connection or
// endpoint) or its spec.connectionRef is one of c's connections. Applying
// an export of such a data source would change or duplicate that
// DataSource. It is pure.
func Managed(existing []v1alpha1.DataSource, c Cluster) map[string]string {
	sorted := append([]v1alpha1.DataSource(nil), existing...)
	sort.Slice(sorted, func(i, j int) bool {
		return sorted[i].Namespace+"/"+sorted[i].Name < sorted[j].Namespace+"/"+sorted[j].Name
	})
	out := map[string]string{}
	for i := range sorted {
		ds := &sorted[i]
		name := ds.Status.Name
		if name == "" {
			name = specbody.Name(ds)
		}
		if _, seen := out[name]; !seen && (recordsCluster(ds, c) || refersTo(ds, c)) {
			out[name] = ds.Namespace + "/" + ds.Name
		}
	}
	return out
}

// recordsCluster says whether ds's status.connection is c.
func recordsCluster(ds *v1alpha1.DataSource, c Cluster) bool {
	w := ds.Status.Connection
	switch {
	case w == nil:
		return false
	case c.UUID != "" && w.ClusterUUID != "":
		return c.UUID == w.ClusterUUID
	case sameEndpoint(w.Endpoint, c.Endpoint):
		return true
	}
	id := ConnectionID{Kind: w.Kind, Name: w.Name}
	if w.Kind != v1alpha1.KindClusterOpenSearchConnection {
		id.Namespace = ds.Namespace
	}
	return containsID(c.Connections, id)
}

// refersTo says whether ds's spec.connectionRef names one of c's
// connections.
func refersTo(ds *v1alpha1.DataSource, c Cluster) bool {
	ref := ds.Spec.ConnectionRef
	id := ConnectionID{Kind: v1alpha1.KindOpenSearchConnection, Namespace: ds.Namespace, Name: ref.Name}
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		id = ConnectionID{Kind: ref.Kind, Name: ref.Name}
	}
	return containsID(c.Connections, id)
}

func containsID(ids []ConnectionID, id ConnectionID) bool {
	for _, x := range ids {
		if x.Kind == "" {
			x.Kind = v1alpha1.KindOpenSearchConnection
		}
		if x == id {
			return true
		}
	}
	return false
}

func sameEndpoint(a, b string) bool {
	return a != "" && strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}
