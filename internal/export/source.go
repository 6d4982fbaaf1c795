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
	"fmt"
	"net/url"
	"os"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connconfig"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// fromFlags is the client configuration given on the command line. With
// --aws-region, requests are signed with credentials from the AWS default
// chain (environment, shared files, IRSA, EKS Pod Identity).
func fromFlags(f *flags) (opensearch.Config, error) {
	cfg := opensearch.Config{Endpoint: f.url, Username: f.username, Password: f.password,
		InsecureSkipVerify: f.insecure, RequestTimeout: f.timeout}
	if f.awsRegion != "" {
		cfg.AWSSigV4 = &opensearch.AWSSigV4{Region: f.awsRegion, Service: f.awsService, RoleARN: f.awsRoleARN}
	}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return cfg, fmt.Errorf("--ca-file: %w", err)
		}
		cfg.CACertPEM = pem
	}
	return cfg, nil
}

// fromConnection reads a connection object and its Secrets, as the operator
// does, and returns the client configuration they describe. kind is
// OpenSearchConnection (in namespace) or ClusterOpenSearchConnection.
func fromConnection(ctx context.Context, c client.Reader, kind v1alpha1.ConnectionKind, namespace, name string) (opensearch.Config, error) {
	conn := connconfig.Connection{Kind: kind}
	var settings v1alpha1.ConnectionSettings
	switch kind {
	case v1alpha1.KindClusterOpenSearchConnection:
		var obj v1alpha1.ClusterOpenSearchConnection
		if err := c.Get(ctx, types.NamespacedName{Name: name}, &obj); err != nil {
			return opensearch.Config{}, fmt.Errorf("reading %s %q: %w", kind, name, err)
		}
		settings, conn.Secrets = obj.Spec.ConnectionSettings, connsecrets.Cluster(&obj)
	default:
		var obj v1alpha1.OpenSearchConnection
		if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &obj); err != nil {
			return opensearch.Config{}, fmt.Errorf("reading %s %s/%s: %w", kind, namespace, name, err)
		}
		settings, conn.Secrets = obj.Spec.ConnectionSettings, connsecrets.Namespaced(&obj)
	}
	conn.Endpoint, conn.Dialect = settings.Endpoint, settings.Dialect
	if t := settings.RequestTimeout; t != nil {
		conn.RequestTimeout = t.Duration
	}
	cfg, err := connconfig.Resolve(conn, func(ref *connsecrets.Ref, _ string) ([][]byte, error) {
		return readKeys(ctx, c, ref)
	})
	if err != nil && kind == v1alpha1.KindClusterOpenSearchConnection {
		return cfg, fmt.Errorf("%s %q: %w", kind, name, err)
	}
	if err != nil {
		return cfg, fmt.Errorf("%s %s/%s: %w", kind, namespace, name, err)
	}
	return cfg, nil
}

// readKeys reads the values of ref's keys, in order.
func readKeys(ctx context.Context, c client.Reader, ref *connsecrets.Ref) ([][]byte, error) {
	var s corev1.Secret
	if err := c.Get(ctx, ref.NamespacedName, &s); err != nil {
		return nil, fmt.Errorf("reading Secret %s: %w", ref.NamespacedName, err)
	}
	values := make([][]byte, len(ref.Keys))
	for i, k := range ref.Keys {
		v, ok := s.Data[k]
		if !ok {
			return nil, fmt.Errorf("the Secret %s has no key %q", ref.NamespacedName, k)
		}
		values[i] = v
	}
	return values, nil
}

// displayEndpoint is the endpoint without user information, for the
// header of the output.
func displayEndpoint(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "the configured endpoint"
	}
	u.User = nil
	return u.Redacted()
}
