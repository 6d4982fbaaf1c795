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
	"encoding/json"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

func TestEmptyCredentialIsNeverWritten(t *testing.T) {
	cases := []struct {
		name, key, value string
		refused          bool
	}{
		{name: "empty auth password", key: "prometheus.auth.password", value: `""`, refused: true},
		{name: "empty api token", key: "grafana.api_token", value: `""`, refused: true},
		{name: "empty secret", key: "x.client.secret", value: `""`, refused: true},
		{name: "filled api token", key: "grafana.api_token", value: `"t0ken"`},
		{name: "empty value of a plain property", key: "prometheus.uri", value: `""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := &v1alpha1.DataSource{}
			ds.Namespace = "team"
			pf := v1alpha1.PropertyFromSecret{Key: tc.key}
			pf.SecretKeyRef.Name, pf.SecretKeyRef.Key = "stub", "k"
			ds.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{pf}
			body := opensearch.DataSource{Properties: map[string]json.RawMessage{tc.key: json.RawMessage(tc.value)}}
			got := emptyCredential(ds, body)
			if (got != nil) != tc.refused {
				t.Fatalf("emptyCredential = %v, want refused %v", got, tc.refused)
			}
			if got != nil && got.Reason != v1alpha1.ReasonSecretKeyNotFound {
				t.Fatalf("reason = %s, want %s", got.Reason, v1alpha1.ReasonSecretKeyNotFound)
			}
		})
	}
}
