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
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
)

// TestAWSSigV4KeepsTheOperatorsIdentityToClusterConnections pins what the
// API server's rule also says, for an OpenSearchConnection stored before
// the rule: only a ClusterOpenSearchConnection signs with the default
// chain, and keys read from a Secret are never empty.
func TestAWSSigV4KeepsTheOperatorsIdentityToClusterConnections(t *testing.T) {
	settings := v1alpha1.AWSSigV4Settings{Region: "eu-west-1", RoleARN: "arn:aws:iam::123456789012:role/ds"}
	keys := &connsecrets.Ref{NamespacedName: types.NamespacedName{Namespace: "team", Name: "aws"}, Keys: []string{"id", "secret"}}
	secret := func(id, key string) func(*connsecrets.Ref, string) ([][]byte, error) {
		return func(*connsecrets.Ref, string) ([][]byte, error) { return [][]byte{[]byte(id), []byte(key)}, nil }
	}
	for name, tc := range map[string]struct {
		kind   v1alpha1.ConnectionKind
		keys   *connsecrets.Ref
		read   func(*connsecrets.Ref, string) ([][]byte, error)
		reason string
	}{
		"namespaced, default chain": {v1alpha1.KindOpenSearchConnection, nil, secret("", ""), v1alpha1.ReasonInvalidSpec},
		"namespaced, empty keys":    {v1alpha1.KindOpenSearchConnection, keys, secret("", ""), v1alpha1.ReasonSecretKeyNotFound},
		"namespaced, empty secret":  {v1alpha1.KindOpenSearchConnection, keys, secret("AKID", ""), v1alpha1.ReasonSecretKeyNotFound},
		"cluster, empty keys":       {v1alpha1.KindClusterOpenSearchConnection, keys, secret("", "s"), v1alpha1.ReasonSecretKeyNotFound},
		"namespaced, key pair":      {v1alpha1.KindOpenSearchConnection, keys, secret("AKID", "s"), ""},
		"cluster, default chain":    {v1alpha1.KindClusterOpenSearchConnection, nil, secret("", ""), ""},
	} {
		got, err := awsSigV4(string(tc.kind), settings, tc.keys, tc.read, sha256.New())
		if tc.reason == "" {
			// A cluster connection's signing failures are concealed from
			// the tenants whose DataSources repeat its messages.
			if err != nil || got.StaticKeys != (tc.keys != nil) || got.Conceal != (tc.kind == v1alpha1.KindClusterOpenSearchConnection) {
				t.Errorf("%s: awsSigV4 = %+v, %v", name, got, err)
			}
			continue
		}
		var b *blocked
		if !errors.As(err, &b) || b.Reason != tc.reason || !strings.Contains(b.Message, "spec.auth.awsSigV4.secretRef") {
			t.Errorf("%s: awsSigV4 error = %v, want %s naming spec.auth.awsSigV4.secretRef", name, err, tc.reason)
		}
	}
}
