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

// Package metrics runs the manager binary with its default, secure metrics
// endpoint against envtest and checks who may read /metrics: the endpoint
// asks the API server to authenticate the caller's token (TokenReview) and
// to authorise GET /metrics (SubjectAccessReview), so the test calls it
// with real ServiceAccount tokens from the TokenRequest API.
package metrics

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

func TestSecureMetricsNeedAnAuthorisedToken(t *testing.T) {
	testenv.Assets(t)
	root := testenv.Root(t)
	cp := testenv.StartT(t, testenv.WithUser("metrics-test"))
	kube, err := kubernetes.NewForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := cp.Kubeconfig

	// The metrics-reader ClusterRole as config/rbac ships it, bound to one
	// ServiceAccount; another ServiceAccount has no binding.
	ctx := context.Background()
	var reader rbacv1.ClusterRole
	data, err := os.ReadFile(filepath.Join(root, "config", "rbac", "metrics_reader_role.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &reader); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.RbacV1().ClusterRoles().Create(ctx, &reader, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, sa := range []string{"prometheus", "nosy"} {
		if _, err := kube.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := kube.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "prometheus-metrics-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: reader.Name},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "prometheus", Namespace: "default"}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	token := func(sa string) string {
		tr, err := kube.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("TokenRequest for %s: %v", sa, err)
		}
		return tr.Status.Token
	}

	// No --metrics-secure: secure is the default.
	metricsAddr := managerbin.Start(t, root, kubeconfig).MetricsAddr

	// The serving certificate is self-signed; what is under test is who
	// gets an answer, not the certificate.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // self-signed test certificate
		ForceAttemptHTTP2: true,
	}}
	get := func(bearer string) (*http.Response, string, error) {
		req, err := http.NewRequest(http.MethodGet, "https://"+metricsAddr+"/metrics", nil)
		if err != nil {
			t.Fatal(err)
		}
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, string(body), err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, _, err := get(""); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the metrics endpoint never answered over HTTPS: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}

	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", http.StatusUnauthorized},
		// controller-runtime's filter answers 500 "Authentication failed"
		// when the TokenReview call returns an error for a malformed token;
		// what matters is that no metrics are served (checked below).
		{"a token the API server did not issue", "not-a-token", http.StatusInternalServerError},
		{"a ServiceAccount without metrics-reader", token("nosy"), http.StatusForbidden},
		{"a ServiceAccount bound to metrics-reader", token("prometheus"), http.StatusOK},
	} {
		resp, body, err := get(tc.token)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, resp.StatusCode, tc.want, body)
		}
		if resp.ProtoMajor != 1 {
			t.Errorf("%s: served over %s; HTTP/2 must be off unless --enable-http2", tc.name, resp.Proto)
		}
		if tc.want != http.StatusOK && strings.Contains(body, "# HELP") {
			t.Errorf("%s: metrics served to an unauthorised caller", tc.name)
		}
		if tc.want == http.StatusOK && !strings.Contains(body, "opensearch_datasource_operator_") {
			t.Errorf("%s: the body is not the operator's metrics:\n%.500s", tc.name, body)
		}
	}
}
