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

// Package connconfig turns a connection (either kind) and the values of
// the Secrets it names into the OpenSearch client's configuration. The
// reconcilers and the export command both build clients from connections;
// with the rules in one place (whose AWS identity signs, an empty key
// refused rather than falling back to another identity), the export can
// never reach a cluster in a way the operator would refuse.
package connconfig

import (
	"fmt"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// Connection is what a connection object says about reaching its cluster.
type Connection struct {
	Kind           v1alpha1.ConnectionKind
	Endpoint       string
	Dialect        v1alpha1.Dialect
	RequestTimeout time.Duration
	// Secrets are the Secrets and keys its spec names, defaults applied.
	Secrets connsecrets.Refs
}

// KeyReader returns the values of ref's keys, in order, or why it cannot;
// field is the spec field that names ref, for messages. Each caller reads
// Secrets its own way: the operator through its watches, the export
// command with one request.
type KeyReader func(ref *connsecrets.Ref, field string) ([][]byte, error)

// RefusedError is a connection these rules refuse to use as it is; its
// message says what to change.
type RefusedError struct {
	// EmptyKey says a Secret's key is present but empty: its owner must
	// fill it in. Otherwise the connection's spec is at fault.
	EmptyKey bool
	Message  string
}

func (e *RefusedError) Error() string { return e.Message }

// Spec fields that name Secrets, as messages quote them.
const (
	FieldBasic      = "spec.auth.basic.secretRef"
	FieldAWSSigV4   = "spec.auth.awsSigV4.secretRef"
	FieldCA         = "spec.tls.caSecretRef"
	FieldClientCert = "spec.tls.clientCertSecretRef"
)

// Resolve is the client configuration for c, its Secrets read through
// read. Options that depend on who builds the client and who reads its
// errors (concurrency, egress rules, an observer, concealing the signing
// identity from tenants) are the caller's to add.
func Resolve(c Connection, read KeyReader) (opensearch.Config, error) {
	cfg := opensearch.Config{Endpoint: c.Endpoint, Dialect: opensearch.Dialect(c.Dialect),
		RequestTimeout: c.RequestTimeout, InsecureSkipVerify: c.Secrets.InsecureSkipVerify}
	refs := c.Secrets
	if refs.Basic != nil {
		vals, err := read(refs.Basic, FieldBasic)
		if err != nil {
			return cfg, err
		}
		cfg.Username, cfg.Password = string(vals[0]), string(vals[1])
	}
	if refs.AWSSigV4 != nil {
		aws, err := awsSigV4(c.Kind, *refs.AWSSigV4, refs.AWSKeys, read)
		if err != nil {
			return cfg, err
		}
		cfg.AWSSigV4 = aws
	}
	if refs.CA != nil {
		vals, err := read(refs.CA, FieldCA)
		if err != nil {
			return cfg, err
		}
		cfg.CACertPEM = vals[0]
	}
	if refs.ClientCert != nil {
		vals, err := read(refs.ClientCert, FieldClientCert)
		if err != nil {
			return cfg, err
		}
		cfg.ClientCertPEM, cfg.ClientKeyPEM = vals[0], vals[1]
	}
	return cfg, nil
}

// awsSigV4 resolves the signing settings of a connection of kind, reading
// the access key pair when a Secret holds it.
func awsSigV4(kind v1alpha1.ConnectionKind, a v1alpha1.AWSSigV4Settings, keys *connsecrets.Ref, read KeyReader) (*opensearch.AWSSigV4, error) {
	cluster := kind == v1alpha1.KindClusterOpenSearchConnection
	out := &opensearch.AWSSigV4{Region: a.Region, Service: string(a.Service), RoleARN: a.RoleARN}
	if keys == nil {
		if !cluster {
			// The API server refuses this since the rule was added; an
			// object stored before it must not act as the operator (or
			// as whoever runs the export) either.
			return nil, &RefusedError{Message: FieldAWSSigV4 + ": an OpenSearchConnection must name a Secret in its namespace; " +
				"only a ClusterOpenSearchConnection may use the operator's own AWS identity"}
		}
		return out, nil
	}
	vals, err := read(keys, FieldAWSSigV4)
	if err != nil {
		return nil, err
	}
	// An empty key would leave the signer nothing but the default chain:
	// the operator's own identity, not the one the Secret's owner chose.
	for i := range 2 {
		if len(vals[i]) == 0 {
			return nil, &RefusedError{EmptyKey: true, Message: fmt.Sprintf(
				"key %q of Secret %s (%s) is empty; fill it in", keys.Keys[i], keys.NamespacedName, FieldAWSSigV4)}
		}
	}
	out.StaticKeys = true
	out.AccessKeyID, out.SecretAccessKey = string(vals[0]), string(vals[1])
	if len(vals) > 2 {
		out.SessionToken = string(vals[2])
	}
	return out, nil
}
