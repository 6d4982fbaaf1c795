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

// secretKey is one key of a Secret, with the key's default.
type secretKey struct {
	nn       types.NamespacedName
	key, def string
}

// name is the key's name, or its default when the reference names none.
func (k *secretKey) name() string {
	if k.key == "" {
		return k.def
	}
	return k.key
}

// connectionSource is what a connection object says about reaching its
// cluster, with the Secret keys still to read.
type connectionSource struct {
	settings  v1alpha1.ConnectionSettings
	user      *secretKey
	pass      *secretKey
	ca        *secretKey
	cert, key *secretKey
	insecure  bool
	// aws signs with AWS SigV4; its key pair, when a Secret holds it, is
	// read from awsKeys (access key ID, secret access key, session token).
	aws     *opensearch.AWSSigV4
	awsKeys []*secretKey
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
		src = clusterSource(&conn)
	default:
		var conn v1alpha1.OpenSearchConnection
		if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &conn); err != nil {
			return opensearch.Config{}, fmt.Errorf("reading %s %s/%s: %w", kind, namespace, name, err)
		}
		src = namespacedSource(&conn)
		if src.aws != nil && src.awsKeys == nil {
			// Stored before the API server refused it: signing with the
			// default chain would export as whoever runs the command.
			return opensearch.Config{}, fmt.Errorf("%s %s/%s: spec.auth.awsSigV4.secretRef: an OpenSearchConnection must name "+
				"a Secret in its namespace; only a ClusterOpenSearchConnection may use the default AWS identity", kind, namespace, name)
		}
	}
	return src.config(ctx, c)
}

func namespacedSource(conn *v1alpha1.OpenSearchConnection) connectionSource {
	ns := conn.Namespace
	src := connectionSource{settings: conn.Spec.ConnectionSettings}
	if a := conn.Spec.Auth; a != nil && a.Basic != nil {
		r := a.Basic.SecretRef
		src.user = &secretKey{types.NamespacedName{Namespace: ns, Name: r.Name}, r.UsernameKey, "username"}
		src.pass = &secretKey{types.NamespacedName{Namespace: ns, Name: r.Name}, r.PasswordKey, "password"}
	}
	if a := conn.Spec.Auth; a != nil && a.AWSSigV4 != nil {
		src.aws = awsSettings(a.AWSSigV4.AWSSigV4Settings)
		if r := a.AWSSigV4.SecretRef; r != nil {
			src.awsKeys = awsKeys(types.NamespacedName{Namespace: ns, Name: r.Name}, *r)
		}
	}
	if t := conn.Spec.TLS; t != nil {
		src.insecure = t.InsecureSkipVerify
		if r := t.CASecretRef; r != nil {
			src.ca = &secretKey{types.NamespacedName{Namespace: ns, Name: r.Name}, r.Key, "ca.crt"}
		}
		if r := t.ClientCertSecretRef; r != nil {
			src.cert = &secretKey{types.NamespacedName{Namespace: ns, Name: r.Name}, corev1.TLSCertKey, corev1.TLSCertKey}
			src.key = &secretKey{types.NamespacedName{Namespace: ns, Name: r.Name}, corev1.TLSPrivateKeyKey, corev1.TLSPrivateKeyKey}
		}
	}
	return src
}

func clusterSource(conn *v1alpha1.ClusterOpenSearchConnection) connectionSource {
	src := connectionSource{settings: conn.Spec.ConnectionSettings}
	if a := conn.Spec.Auth; a != nil && a.Basic != nil {
		r := a.Basic.SecretRef
		nn := types.NamespacedName{Namespace: r.Namespace, Name: r.Name}
		src.user = &secretKey{nn, r.UsernameKey, "username"}
		src.pass = &secretKey{nn, r.PasswordKey, "password"}
	}
	if a := conn.Spec.Auth; a != nil && a.AWSSigV4 != nil {
		src.aws = awsSettings(a.AWSSigV4.AWSSigV4Settings)
		if r := a.AWSSigV4.SecretRef; r != nil {
			src.awsKeys = awsKeys(types.NamespacedName{Namespace: r.Namespace, Name: r.Name}, r.AWSCredentialsSecretReference)
		}
	}
	if t := conn.Spec.TLS; t != nil {
		src.insecure = t.InsecureSkipVerify
		if r := t.CASecretRef; r != nil {
			src.ca = &secretKey{types.NamespacedName{Namespace: r.Namespace, Name: r.Name}, r.Key, "ca.crt"}
		}
		if r := t.ClientCertSecretRef; r != nil {
			nn := types.NamespacedName{Namespace: r.Namespace, Name: r.Name}
			src.cert = &secretKey{nn, corev1.TLSCertKey, corev1.TLSCertKey}
			src.key = &secretKey{nn, corev1.TLSPrivateKeyKey, corev1.TLSPrivateKeyKey}
		}
	}
	return src
}

func awsSettings(a v1alpha1.AWSSigV4Settings) *opensearch.AWSSigV4 {
	return &opensearch.AWSSigV4{Region: a.Region, Service: string(a.Service), RoleARN: a.RoleARN}
}

// awsKeys are the Secret keys of an access key pair, and of the session
// token when the reference names one.
func awsKeys(nn types.NamespacedName, r v1alpha1.AWSCredentialsSecretReference) []*secretKey {
	keys := []*secretKey{{nn, r.AccessKeyIDKey, "AWS_ACCESS_KEY_ID"}, {nn, r.SecretAccessKeyKey, "AWS_SECRET_ACCESS_KEY"}}
	if r.SessionTokenKey != "" {
		keys = append(keys, &secretKey{nn, r.SessionTokenKey, r.SessionTokenKey})
	}
	return keys
}

// config reads the Secret keys src names into a client configuration.
func (src connectionSource) config(ctx context.Context, c client.Reader) (opensearch.Config, error) {
	cfg := opensearch.Config{Endpoint: src.settings.Endpoint, InsecureSkipVerify: src.insecure,
		Dialect: opensearch.Dialect(src.settings.Dialect)}
	if t := src.settings.RequestTimeout; t != nil {
		cfg.RequestTimeout = t.Duration
	}
	read := func(k *secretKey) ([]byte, error) {
		if k == nil {
			return nil, nil
		}
		var s corev1.Secret
		if err := c.Get(ctx, k.nn, &s); err != nil {
			return nil, fmt.Errorf("reading Secret %s: %w", k.nn, err)
		}
		v, ok := s.Data[k.name()]
		if !ok {
			return nil, fmt.Errorf("the Secret %s has no key %q", k.nn, k.name())
		}
		return v, nil
	}
	values := make([][]byte, 5)
	for i, k := range []*secretKey{src.user, src.pass, src.ca, src.cert, src.key} {
		v, err := read(k)
		if err != nil {
			return cfg, err
		}
		values[i] = v
	}
	cfg.Username, cfg.Password = string(values[0]), string(values[1])
	cfg.CACertPEM, cfg.ClientCertPEM, cfg.ClientKeyPEM = values[2], values[3], values[4]
	if src.aws == nil {
		return cfg, nil
	}
	aws := *src.aws
	keys := make([]string, 3)
	for i, k := range src.awsKeys {
		v, err := read(k)
		if err != nil {
			return cfg, err
		}
		keys[i] = string(v)
	}
	if len(src.awsKeys) > 0 {
		// An empty key would leave the signer nothing but the default
		// chain, the identity running the export, as the operator
		// refuses to do.
		for i, k := range src.awsKeys[:2] {
			if keys[i] == "" {
				return cfg, fmt.Errorf("key %q of Secret %s is empty", k.name(), k.nn)
			}
		}
		aws.StaticKeys = true
	}
	aws.AccessKeyID, aws.SecretAccessKey, aws.SessionToken = keys[0], keys[1], keys[2]
	cfg.AWSSigV4 = &aws
	return cfg, nil
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
