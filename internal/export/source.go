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

// connectionSource is what a connection object says about reaching its
// cluster, with the Secret keys still to read.
type connectionSource struct {
	settings v1alpha1.ConnectionSettings
	secrets  connsecrets.Refs
}

// fromConnection reads a connection object and its Secrets, as the operator
// does, and returns the client configuration they describe. kind is
// OpenSearchConnection (in namespace) or ClusterOpenSearchConnection.
func fromConnection(ctx context.Context, c client.Reader, kind v1alpha1.ConnectionKind, namespace, name string) (opensearch.Config, error) {
	var src connectionSource
	switch kind {
	case v1alpha1.KindClusterOpenSearchConnection:
		var conn v1alpha1.ClusterOpenSearchConnection
		if err := c.Get(ctx, types.NamespacedName{Name: name}, &conn); err != nil {
			return opensearch.Config{}, fmt.Errorf("reading %s %q: %w", kind, name, err)
		}
		src = connectionSource{conn.Spec.ConnectionSettings, connsecrets.Cluster(&conn)}
	default:
		var conn v1alpha1.OpenSearchConnection
		if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &conn); err != nil {
			return opensearch.Config{}, fmt.Errorf("reading %s %s/%s: %w", kind, namespace, name, err)
		}
		src = connectionSource{conn.Spec.ConnectionSettings, connsecrets.Namespaced(&conn)}
		if src.secrets.AWSSigV4 != nil && src.secrets.AWSKeys == nil {
			// Stored before the API server refused it: signing with the
			// default chain would export as whoever runs the command.
			return opensearch.Config{}, fmt.Errorf("%s %s/%s: spec.auth.awsSigV4.secretRef: an OpenSearchConnection must name "+
				"a Secret in its namespace; only a ClusterOpenSearchConnection may use the default AWS identity", kind, namespace, name)
		}
	}
	return src.config(ctx, c)
}

// config reads the Secret keys src names into a client configuration.
func (src connectionSource) config(ctx context.Context, c client.Reader) (opensearch.Config, error) {
	cfg := opensearch.Config{Endpoint: src.settings.Endpoint, InsecureSkipVerify: src.secrets.InsecureSkipVerify,
		Dialect: opensearch.Dialect(src.settings.Dialect)}
	if t := src.settings.RequestTimeout; t != nil {
		cfg.RequestTimeout = t.Duration
	}
	for _, r := range []struct {
		ref *connsecrets.Ref
		set func(values [][]byte)
	}{
		{src.secrets.Basic, func(v [][]byte) { cfg.Username, cfg.Password = string(v[0]), string(v[1]) }},
		{src.secrets.CA, func(v [][]byte) { cfg.CACertPEM = v[0] }},
		{src.secrets.ClientCert, func(v [][]byte) { cfg.ClientCertPEM, cfg.ClientKeyPEM = v[0], v[1] }},
	} {
		if r.ref == nil {
			continue
		}
		values, err := readKeys(ctx, c, r.ref)
		if err != nil {
			return cfg, err
		}
		r.set(values)
	}
	if src.secrets.AWSSigV4 == nil {
		return cfg, nil
	}
	aws, err := awsSigV4(ctx, c, *src.secrets.AWSSigV4, src.secrets.AWSKeys)
	cfg.AWSSigV4 = aws
	return cfg, err
}

// awsSigV4 is the signer's configuration, with the key pair read from keys
// when a Secret holds it.
func awsSigV4(ctx context.Context, c client.Reader, settings v1alpha1.AWSSigV4Settings,
	keys *connsecrets.Ref) (*opensearch.AWSSigV4, error) {
	aws := &opensearch.AWSSigV4{Region: settings.Region, Service: string(settings.Service), RoleARN: settings.RoleARN}
	if keys == nil {
		return aws, nil
	}
	values, err := readKeys(ctx, c, keys)
	if err != nil {
		return nil, err
	}
	// An empty key would leave the signer nothing but the default chain,
	// the identity running the export, as the operator refuses to do.
	for i := range 2 {
		if len(values[i]) == 0 {
			return nil, fmt.Errorf("key %q of Secret %s is empty", keys.Keys[i], keys.NamespacedName)
		}
	}
	aws.StaticKeys = true
	aws.AccessKeyID, aws.SecretAccessKey = string(values[0]), string(values[1])
	if len(values) > 2 {
		aws.SessionToken = string(values[2])
	}
	return aws, nil
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
