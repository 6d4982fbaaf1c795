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
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

func TestPoliciesByConnector(t *testing.T) {
	cases := []struct {
		connector    string
		deletion     v1alpha1.DeletionPolicy
		recreate     v1alpha1.RecreatePolicy
		wantDeletion v1alpha1.DeletionPolicy
		wantRecreate bool
	}{
		{"prometheus", "", "", v1alpha1.DeletionDelete, true},
		{"s3glue", "", "", v1alpha1.DeletionRetain, false},
		{"SECURITY_LAKE", "", "", v1alpha1.DeletionRetain, false},
		{"s3glue", v1alpha1.DeletionDelete, v1alpha1.RecreateAllow, v1alpha1.DeletionDelete, true},
		{"prometheus", v1alpha1.DeletionRetain, v1alpha1.RecreateNever, v1alpha1.DeletionRetain, false},
	}
	for _, tc := range cases {
		spec := &v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Connector: tc.connector, DeletionPolicy: tc.deletion, RecreatePolicy: tc.recreate}}
		if got := deletionPolicy(spec); got != tc.wantDeletion {
			t.Errorf("%s %q: deletionPolicy = %s, want %s", tc.connector, tc.deletion, got, tc.wantDeletion)
		}
		if got := mayRecreate(spec); got != tc.wantRecreate {
			t.Errorf("%s %q: mayRecreate = %v, want %v", tc.connector, tc.recreate, got, tc.wantRecreate)
		}
	}
	if why := retainReason(&v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "s3glue"}}); !strings.Contains(why, "default for connector s3glue") {
		t.Errorf("retainReason = %q", why)
	}
}

// An observed data source's plan says what writing it would cost besides
// the field: disabling stops an s3glue's Flint indices refreshing, and a
// property only a forbidden re-create could remove stays.
func TestPlanNotes(t *testing.T) {
	changes := []opensearch.Change{
		{Field: "description", From: "a", To: "b"},
		{Field: "status", From: "ACTIVE", To: "DISABLED"},
		{Field: "properties[glue.x]", From: "v", NotDesired: true},
		{Field: "properties[glue.secret]", Hidden: true, NotDesired: true},
	}
	entries := planEntries(changes, nil)
	glue := &v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "s3glue"}}
	got := planNotes(glue, opensearch.DataSource{Connector: "s3glue", Status: "DISABLED"}, changes, entries)
	if got[0] != entries[0] || !strings.HasPrefix(got[1], `status ("ACTIVE" → "DISABLED"; writing DISABLED: `) || !strings.Contains(got[1], "Flint") ||
		got[2] != `properties[glue.x] (not in spec; "v"; removing it needs a re-create, which spec.recreatePolicy forbids)` ||
		got[3] != "properties[glue.secret] (not in spec; removing it needs a re-create, which spec.recreatePolicy forbids)" {
		t.Errorf("s3glue plan = %q", got)
	}
	prom := &v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "prometheus"}}
	if got := planNotes(prom, opensearch.DataSource{Connector: "prometheus", Status: "DISABLED"}, changes, entries); !slices.Equal(got, entries) {
		t.Errorf("prometheus plan = %q, want the entries alone", got)
	}
	if got := planNotes(glue, opensearch.DataSource{Connector: "s3glue", Status: "ACTIVE"}, changes[:2], entries[:2]); !slices.Equal(got, entries[:2]) {
		t.Errorf("re-activating plan = %q, want the entries alone", got)
	}
}
