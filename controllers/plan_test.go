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

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

func TestPlanEntries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		changes    []opensearch.Change
		fromSecret map[string]bool
		want       []string
	}{
		{"from → to", []opensearch.Change{{Field: "description", From: "edited by hand", To: "cluster metrics"}},
			nil, []string{`description ("edited by hand" → "cluster metrics")`}},
		{"absent on the server", []opensearch.Change{{Field: "properties[a]", To: "1", NotOnServer: true}},
			nil, []string{`properties[a] (absent → "1")`}},
		{"not in the spec", []opensearch.Change{{Field: "properties[team]", From: "sre", NotDesired: true}},
			nil, []string{`properties[team] (not in spec; "sre")`}},
		{"a credential", []opensearch.Change{{Field: "properties[x.token]", Hidden: true}},
			nil, []string{"properties[x.token] (values hidden)"}},
		{"a credential not in the spec", []opensearch.Change{{Field: "properties[x.token]", NotDesired: true, Hidden: true}},
			nil, []string{"properties[x.token] (not in spec)"}},
		{"a value from a Secret", []opensearch.Change{{Field: "properties[prometheus.uri]", From: "http://a", To: "http://b"}},
			map[string]bool{"prometheus.uri": true}, []string{"properties[prometheus.uri] (values hidden)"}},
		{"hostile values are escaped", []opensearch.Change{{Field: "description", From: "a\nReady: True", To: "\x1b[2J"}},
			nil, []string{`description ("a\nReady: True" → "\x1b[2J")`}},
		{"long values are bounded", []opensearch.Change{{Field: "description", From: strings.Repeat("x", 100), To: "y"}},
			nil, []string{`description ("` + strings.Repeat("x", 64) + `… (36 more characters)" → "y")`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := planEntries(tc.changes, tc.fromSecret); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
