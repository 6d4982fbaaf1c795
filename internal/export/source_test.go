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
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// TestFromConnectionRefusesEmptyAWSKeys pins that an export through an
// OpenSearchConnection whose Secret holds an empty key, or that names no
// Secret, fails rather than signing with the default chain: the identity
// running the export.
func TestFromConnectionRefusesEmptyAWSKeys(t *testing.T) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	conn := &v1alpha1.OpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "aws"},
		Spec: v1alpha1.OpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: "https://search.example"},
			Auth: &v1alpha1.ConnectionAuth{AWSSigV4: &v1alpha1.AWSSigV4Auth{
				AWSSigV4Settings: v1alpha1.AWSSigV4Settings{Region: "eu-west-1"},
				SecretRef:        &v1alpha1.AWSCredentialsSecretReference{Name: "keys"},
			}},
		},
	}
	for name, tc := range map[string]struct {
		data    map[string]string
		wantErr string
	}{
		"both empty":        {map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, `key "AWS_ACCESS_KEY_ID" of Secret team/keys (spec.auth.awsSigV4.secretRef) is empty`},
		"secret key empty":  {map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": ""}, `key "AWS_SECRET_ACCESS_KEY" of Secret team/keys (spec.auth.awsSigV4.secretRef) is empty`},
		"access key absent": {map[string]string{"AWS_SECRET_ACCESS_KEY": "s"}, `has no key "AWS_ACCESS_KEY_ID"`},
		"no secretRef":      {nil, "spec.auth.awsSigV4.secretRef"},
		"full pair":         {map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"}, ""},
	} {
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "keys"}, Data: map[string][]byte{}}
		for k, v := range tc.data {
			secret.Data[k] = []byte(v)
		}
		obj := conn.DeepCopy()
		if tc.data == nil {
			obj.Spec.Auth.AWSSigV4.SecretRef = nil
		}
		c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(obj, secret).Build()
		cfg, err := fromConnection(context.Background(), c, v1alpha1.KindOpenSearchConnection, "team", "aws")
		if tc.wantErr == "" {
			if err != nil || cfg.AWSSigV4 == nil || !cfg.AWSSigV4.StaticKeys || cfg.AWSSigV4.AccessKeyID != "AKID" {
				t.Errorf("%s: fromConnection = %+v, %v; want the static key pair", name, cfg.AWSSigV4, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: fromConnection error = %v, want %q", name, err, tc.wantErr)
		}
	}
}
