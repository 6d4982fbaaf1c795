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
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func TestMemoryIsPerObject(t *testing.T) {
	m := newMemory()
	nn := types.NamespacedName{Namespace: "ns", Name: "ds"}
	m.update(nn, "uid-1", func(a *applied) { a.fingerprint, a.synced, a.checked = "fp", true, time.Unix(1, 0) })
	if got := m.get("uid-1"); got.fingerprint != "fp" || !got.synced {
		t.Fatalf("get = %+v, want what update stored", got)
	}
	// The same name re-created: a new UID starts empty and replaces the old.
	m.update(nn, "uid-2", func(a *applied) { a.credentialKeys = []string{"k"} })
	if got := m.get("uid-2"); got.fingerprint != "" || got.synced {
		t.Errorf("a re-created DataSource inherited %+v", got)
	}
	if got := m.get("uid-1"); got.fingerprint != "" {
		t.Errorf("the deleted object's entry stayed: %+v", got)
	}
	m.forget(nn)
	if got := m.get("uid-2"); len(got.credentialKeys) != 0 {
		t.Errorf("forget left %+v", got)
	}
}

func TestNormalizeEndpoint(t *testing.T) {
	cases := map[string]string{
		"https://OpenSearch.Example.com":             "https://opensearch.example.com:443",
		"https://opensearch.example.com:443/":        "https://opensearch.example.com:443",
		"http://opensearch:9200/prefix/":             "http://opensearch:9200/prefix",
		"HTTP://user:pw@opensearch:9200":             "http://opensearch:9200",
		"http://[::1]:9200":                          "http://[::1]:9200",
		"http://opensearch":                          "http://opensearch:80",
		"https://a.example.com/x%2Fy":                "https://a.example.com:443/x%2Fy",
		"https://opensearch.example.com:9200/os/api": "https://opensearch.example.com:9200/os/api",
	}
	for in, want := range cases {
		if got := normalizeEndpoint(in); got != want {
			t.Errorf("normalizeEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDroppedCredentialKeys(t *testing.T) {
	ds := stDataSource(1, v1alpha1.DataSourceStatus{CredentialKeys: []string{"a.auth.password", "b.auth.password"}})
	cases := []struct {
		name       string
		remembered []string
		current    []string
		want       []string
	}{
		{"after a restart, status alone tells", nil, []string{"a.auth.password"}, []string{"b.auth.password"}},
		{"right after a write, memory adds what the cache lags", []string{"c.auth.password"}, []string{"a.auth.password"},
			[]string{"b.auth.password", "c.auth.password"}},
		{"nothing dropped", []string{"a.auth.password"}, []string{"a.auth.password", "b.auth.password"}, nil},
	}
	for _, tc := range cases {
		if got := droppedCredentialKeys(ds, tc.remembered, tc.current); !slices.Equal(got, tc.want) {
			t.Errorf("%s: droppedCredentialKeys = %v, want %v", tc.name, got, tc.want)
		}
	}
}
