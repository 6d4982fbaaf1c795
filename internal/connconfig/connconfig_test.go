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

package connconfig

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
)

func ref(name string, keys ...string) *connsecrets.Ref {
	return &connsecrets.Ref{NamespacedName: types.NamespacedName{Namespace: "team", Name: name}, Keys: keys}
}

// secrets is a KeyReader over Secrets held in memory: name → key → value.
// It records the fields it was asked for.
type secrets struct {
	data   map[string]map[string]string
	fields []string
}

var errNoSecret = errors.New("no such Secret")

func (s *secrets) read(r *connsecrets.Ref, field string) ([][]byte, error) {
	s.fields = append(s.fields, field)
	d, ok := s.data[r.Name]
	if !ok {
		return nil, errNoSecret
	}
	out := make([][]byte, len(r.Keys))
	for i, k := range r.Keys {
		out[i] = []byte(d[k])
	}
	return out, nil
}

// TestResolve pins the rules the operator and the export command share:
// which fields name which Secret, that an OpenSearchConnection never signs
// with the default AWS chain (the identity of whoever runs the client),
// and that an empty key is refused rather than falling back to it.
func TestResolve(t *testing.T) {
	aws := &v1alpha1.AWSSigV4Settings{Region: "eu-west-1", Service: v1alpha1.AWSServiceES, RoleARN: "arn:aws:iam::123456789012:role/ds"}
	pair := ref("aws", "id", "secret")
	withToken := ref("aws", "id", "secret", "token")
	full := connsecrets.Refs{Basic: ref("basic", "username", "password"), CA: ref("ca", "ca.crt"),
		ClientCert: ref("cert", "tls.crt", "tls.key"), InsecureSkipVerify: true}
	store := map[string]map[string]string{
		"basic": {"username": "admin", "password": "canary-pass"},
		"ca":    {"ca.crt": "CA PEM"},
		"cert":  {"tls.crt": "CERT", "tls.key": "KEY"},
		"aws":   {"id": "AKID", "secret": "s3cr3t", "token": "tok"},
	}
	cases := []struct {
		name       string
		kind       v1alpha1.ConnectionKind
		refs       connsecrets.Refs
		store      map[string]map[string]string
		wantFields []string
		// wantErr: "" none, "refused", "empty", "read".
		wantErr string
	}{
		{name: "no Secrets", kind: v1alpha1.KindOpenSearchConnection},
		{name: "basic, CA and client certificate", kind: v1alpha1.KindOpenSearchConnection, refs: full, store: store,
			wantFields: []string{FieldBasic, FieldCA, FieldClientCert}},
		{name: "a Secret that cannot be read stops at once", kind: v1alpha1.KindOpenSearchConnection, refs: full,
			store: map[string]map[string]string{}, wantFields: []string{FieldBasic}, wantErr: "read"},
		{name: "namespaced, default chain refused", kind: v1alpha1.KindOpenSearchConnection,
			refs: connsecrets.Refs{AWSSigV4: aws}, wantErr: "refused"},
		{name: "cluster, default chain allowed", kind: v1alpha1.KindClusterOpenSearchConnection,
			refs: connsecrets.Refs{AWSSigV4: aws}},
		{name: "namespaced, key pair", kind: v1alpha1.KindOpenSearchConnection,
			refs: connsecrets.Refs{AWSSigV4: aws, AWSKeys: pair}, store: store, wantFields: []string{FieldAWSSigV4}},
		{name: "cluster, key pair and session token", kind: v1alpha1.KindClusterOpenSearchConnection,
			refs: connsecrets.Refs{AWSSigV4: aws, AWSKeys: withToken}, store: store, wantFields: []string{FieldAWSSigV4}},
		{name: "empty access key refused", kind: v1alpha1.KindClusterOpenSearchConnection,
			refs:  connsecrets.Refs{AWSSigV4: aws, AWSKeys: pair},
			store: map[string]map[string]string{"aws": {"secret": "s"}}, wantFields: []string{FieldAWSSigV4}, wantErr: "empty"},
		{name: "empty secret key refused", kind: v1alpha1.KindOpenSearchConnection,
			refs:  connsecrets.Refs{AWSSigV4: aws, AWSKeys: pair},
			store: map[string]map[string]string{"aws": {"id": "AKID"}}, wantFields: []string{FieldAWSSigV4}, wantErr: "empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &secrets{data: tc.store}
			conn := Connection{Kind: tc.kind, Endpoint: "https://search.example:9200", Dialect: v1alpha1.DialectSQLPlugin,
				RequestTimeout: 7 * time.Second, Secrets: tc.refs}
			cfg, err := Resolve(conn, s.read)
			if !slices.Equal(s.fields, tc.wantFields) {
				t.Errorf("fields read = %q, want %q", s.fields, tc.wantFields)
			}
			var refused *RefusedError
			switch tc.wantErr {
			case "read":
				if !errors.Is(err, errNoSecret) {
					t.Fatalf("err = %v, want the reader's error", err)
				}
				return
			case "refused", "empty":
				if !errors.As(err, &refused) || refused.EmptyKey != (tc.wantErr == "empty") {
					t.Fatalf("err = %#v, want a RefusedError with EmptyKey %v", err, tc.wantErr == "empty")
				}
				if !strings.Contains(refused.Message, FieldAWSSigV4) {
					t.Errorf("message %q does not name %s", refused.Message, FieldAWSSigV4)
				}
				return
			case "":
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
			}
			if cfg.Endpoint != conn.Endpoint || cfg.RequestTimeout != 7*time.Second || string(cfg.Dialect) != "SQLPlugin" ||
				cfg.InsecureSkipVerify != tc.refs.InsecureSkipVerify {
				t.Errorf("settings not carried: %+v", cfg)
			}
			if tc.refs.Basic != nil && (cfg.Username != "admin" || cfg.Password != "canary-pass") {
				t.Errorf("basic credentials = %q, %q", cfg.Username, cfg.Password)
			}
			if tc.refs.CA != nil && string(cfg.CACertPEM) != "CA PEM" {
				t.Errorf("CA = %q", cfg.CACertPEM)
			}
			if tc.refs.ClientCert != nil && (string(cfg.ClientCertPEM) != "CERT" || string(cfg.ClientKeyPEM) != "KEY") {
				t.Errorf("client certificate = %q, %q", cfg.ClientCertPEM, cfg.ClientKeyPEM)
			}
			if tc.refs.AWSSigV4 == nil {
				if cfg.AWSSigV4 != nil {
					t.Errorf("AWSSigV4 = %+v without settings", cfg.AWSSigV4)
				}
				return
			}
			a := cfg.AWSSigV4
			// Concealing is the caller's: the operator's tenants read its
			// errors, the export's user reads its own.
			if a == nil || a.Region != "eu-west-1" || a.Service != "es" || a.RoleARN != aws.RoleARN || a.Conceal ||
				a.StaticKeys != (tc.refs.AWSKeys != nil) {
				t.Fatalf("AWSSigV4 = %+v", a)
			}
			if tc.refs.AWSKeys != nil && (a.AccessKeyID != "AKID" || a.SecretAccessKey != "s3cr3t") {
				t.Errorf("key pair = %q, %q", a.AccessKeyID, a.SecretAccessKey)
			}
			if wantToken := tc.refs.AWSKeys == withToken; (a.SessionToken == "tok") != wantToken {
				t.Errorf("session token = %q, want it only when a key names it", a.SessionToken)
			}
		})
	}
}
