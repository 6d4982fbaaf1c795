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
	"maps"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func TestManaged(t *testing.T) {
	exported := Cluster{UUID: "uuid-a", Endpoint: "https://os-a:9200",
		Connections: []ConnectionID{{Kind: v1alpha1.KindOpenSearchConnection, Namespace: "team", Name: "os"}}}
	ds := func(ns, name string, edit func(*v1alpha1.DataSource)) v1alpha1.DataSource {
		d := v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: v1alpha1.DataSourceSpec{ConnectionRef: v1alpha1.ConnectionReference{Name: "elsewhere"}}}
		if edit != nil {
			edit(&d)
		}
		return d
	}
	written := func(uuid, endpoint, conn string) func(*v1alpha1.DataSource) {
		return func(d *v1alpha1.DataSource) {
			d.Status.Name = "logs"
			d.Status.Connection = &v1alpha1.WrittenConnection{Kind: v1alpha1.KindOpenSearchConnection, Name: conn,
				Endpoint: endpoint, ClusterUUID: uuid}
		}
	}
	for _, tc := range []struct {
		name     string
		existing []v1alpha1.DataSource
		want     map[string]string
	}{
		{"none", nil, map[string]string{}},
		{"written to the same cluster, through another connection and address",
			[]v1alpha1.DataSource{ds("other", "mine", written("uuid-a", "https://10.0.0.1:9200", "x"))},
			map[string]string{"logs": "other/mine"}},
		{"written to another cluster", []v1alpha1.DataSource{ds("team", "mine", written("uuid-b", "https://os-a:9200", "os"))},
			map[string]string{}},
		{"no uuid recorded: the endpoint decides", []v1alpha1.DataSource{ds("x", "mine", written("", "https://os-a:9200/", "y"))},
			map[string]string{"logs": "x/mine"}},
		{"no uuid recorded: the connection decides", []v1alpha1.DataSource{ds("team", "mine", written("", "https://old:9200", "os"))},
			map[string]string{"logs": "team/mine"}},
		{"same connection name in another namespace is another connection",
			[]v1alpha1.DataSource{ds("other", "mine", written("", "https://old:9200", "os"))}, map[string]string{}},
		{"observed or not yet written: the spec's connection and name decide",
			[]v1alpha1.DataSource{ds("team", "my-prom", func(d *v1alpha1.DataSource) {
				d.Spec.ConnectionRef.Name = "os"
				d.Spec.Name = "my_prom"
				d.Spec.ManagementPolicy = v1alpha1.ManagementObserve
			})}, map[string]string{"my_prom": "team/my-prom"}},
		{"the spec names another connection", []v1alpha1.DataSource{ds("team", "logs", nil)}, map[string]string{}},
		{"several: the first by namespace/name", []v1alpha1.DataSource{
			ds("z", "b", written("uuid-a", "", "q")), ds("a", "c", written("uuid-a", "", "q"))},
			map[string]string{"logs": "a/c"}},
		{"a cluster connection", []v1alpha1.DataSource{ds("any", "mine", func(d *v1alpha1.DataSource) {
			d.Spec.ConnectionRef = v1alpha1.ConnectionReference{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: "shared"}
		})}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Managed(tc.existing, exported); !maps.Equal(got, tc.want) {
				t.Errorf("Managed = %v, want %v", got, tc.want)
			}
		})
	}
	shared := Cluster{Connections: []ConnectionID{{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: "shared"}}}
	onShared := ds("any", "mine", func(d *v1alpha1.DataSource) {
		d.Spec.ConnectionRef = v1alpha1.ConnectionReference{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: "shared"}
	})
	if got := Managed([]v1alpha1.DataSource{onShared}, shared); got["mine"] != "any/mine" {
		t.Errorf("a DataSource on the ClusterOpenSearchConnection exported from is not seen: %v", got)
	}
}
