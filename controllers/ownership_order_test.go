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
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func TestClaimsFirst(t *testing.T) {
	const target = "http://os:9200"
	t0 := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(time.Second))
	ds := func(ns, name string, created metav1.Time, wroteTo string) *v1alpha1.DataSource {
		d := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: created}}
		if wroteTo != "" {
			d.Status.Connection = &v1alpha1.WrittenConnection{Kind: v1alpha1.KindOpenSearchConnection, Name: "os", Endpoint: wroteTo}
		}
		return d
	}
	tests := []struct {
		name string
		a, b *v1alpha1.DataSource
		want bool
	}{
		{"the one that wrote there wins over an older one", ds("n", "b", t1, target), ds("n", "a", t0, ""), true},
		{"a write to another cluster does not count", ds("n", "b", t1, "http://other:9200"), ds("n", "a", t0, ""), false},
		{"the older one wins", ds("n", "z", t0, ""), ds("n", "a", t1, ""), true},
		{"the younger one loses", ds("n", "a", t1, ""), ds("n", "z", t0, ""), false},
		{"same second: the name decides", ds("n", "a", t0, ""), ds("n", "b", t0, ""), true},
		{"same second: namespace first", ds("m", "z", t0, ""), ds("n", "a", t0, ""), true},
		{"same second, reversed", ds("n", "b", t0, ""), ds("n", "a", t0, ""), false},
		{"both wrote: then age", ds("n", "b", t0, target), ds("n", "a", t1, target), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := claimsFirst(tt.a, tt.b, cluster{endpoint: target}); got != tt.want {
				t.Errorf("claimsFirst(%s/%s, %s/%s) = %v, want %v", tt.a.Namespace, tt.a.Name, tt.b.Namespace, tt.b.Name, got, tt.want)
			}
		})
	}
}

func TestRivalName(t *testing.T) {
	loser := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "metrics"}}
	named := func(ns, name string) *v1alpha1.DataSource {
		return &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	}
	tests := []struct {
		name  string
		other *v1alpha1.DataSource
		want  string
	}{
		{"a rival in the same namespace is named", named("team-a", "older"), "DataSource team-a/older"},
		{"a rival in another namespace is not named", named("team-b", "secret-project"), "a DataSource in another namespace"},
		{"a rival no longer listed", nil, "another DataSource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rivalName(loser, tt.other); got != tt.want {
				t.Errorf("rivalName = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClusterSame(t *testing.T) {
	tests := []struct {
		name string
		a, b cluster
		want bool
	}{
		{"two addresses of one cluster", cluster{"uuid-1", "http://10.0.0.1:9200"}, cluster{"uuid-1", "http://os.example:9200"}, true},
		{"one address reused by another cluster", cluster{"uuid-1", "http://os:9200"}, cluster{"uuid-2", "http://os:9200"}, false},
		{"uuid unknown on one side: the endpoint decides", cluster{"", "http://os:9200"}, cluster{"uuid-1", "http://os:9200"}, true},
		{"uuid unknown, endpoints differ", cluster{"", "http://a:9200"}, cluster{"uuid-1", "http://b:9200"}, false},
		{"both unknown", cluster{"", "http://a:9200"}, cluster{"", "http://a:9200"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, back := tt.a.same(tt.b), tt.b.same(tt.a); got != tt.want || back != tt.want {
				t.Errorf("same = %v (reversed %v), want %v", got, back, tt.want)
			}
		})
	}
}
