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

// Package connsecrets maps the spec of an OpenSearchConnection or a
// ClusterOpenSearchConnection to the Secrets it names and the keys read
// from each, defaults applied. The reconcilers and the export command both
// read these Secrets; with the mapping in one place, a default or a new
// field cannot mean one thing to the operator and another to the export.
package connsecrets

import (
	"cmp"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// The keys read when the spec names none. The AWS ones are the AWS
// environment variables' names, so that one Secret also serves envFrom.
const (
	defaultUsernameKey        = "username"
	defaultPasswordKey        = "password"
	defaultAccessKeyIDKey     = "AWS_ACCESS_KEY_ID"
	defaultSecretAccessKeyKey = "AWS_SECRET_ACCESS_KEY"
	defaultCAKey              = "ca.crt"
)

// Ref is one Secret and the keys read from it, in the order the reader
// uses their values.
type Ref struct {
	types.NamespacedName
	Keys []string
}

// Refs is what a connection's spec says about authenticating and TLS, its
// Secrets resolved to a namespace and keys. A nil Ref means the spec names
// no such Secret.
type Refs struct {
	// Basic's keys are the username and the password.
	Basic *Ref
	// AWSSigV4 is set when requests are signed with AWS SigV4; it is a
	// copy of the spec's settings.
	AWSSigV4 *v1alpha1.AWSSigV4Settings
	// AWSKeys is nil without AWSSigV4, and when the signer uses the
	// default chain (no secretRef); else its keys are the access key ID, the secret access
	// key and, only when one is named, the session token.
	AWSKeys *Ref
	// CA's one key is the CA bundle.
	CA *Ref
	// ClientCert's keys are tls.crt and tls.key, as in a kubernetes.io/tls
	// Secret.
	ClientCert         *Ref
	InsecureSkipVerify bool
}

// Namespaced is the Refs of an OpenSearchConnection: all its Secrets live
// in its own namespace.
func Namespaced(conn *v1alpha1.OpenSearchConnection) Refs {
	ns := conn.Namespace
	var refs Refs
	if a := conn.Spec.Auth; a != nil && a.Basic != nil {
		refs.Basic = basic(ns, a.Basic.SecretRef)
	}
	if a := conn.Spec.Auth; a != nil && a.AWSSigV4 != nil {
		settings := a.AWSSigV4.AWSSigV4Settings
		refs.AWSSigV4 = &settings
		if r := a.AWSSigV4.SecretRef; r != nil {
			refs.AWSKeys = awsKeys(ns, *r)
		}
	}
	if t := conn.Spec.TLS; t != nil {
		refs.InsecureSkipVerify = t.InsecureSkipVerify
		if r := t.CASecretRef; r != nil {
			refs.CA = ca(ns, *r)
		}
		if r := t.ClientCertSecretRef; r != nil {
			refs.ClientCert = clientCert(ns, r.Name)
		}
	}
	return refs
}

// Cluster is the Refs of a ClusterOpenSearchConnection: each reference
// names its Secret's namespace.
func Cluster(conn *v1alpha1.ClusterOpenSearchConnection) Refs {
	var refs Refs
	if a := conn.Spec.Auth; a != nil && a.Basic != nil {
		r := a.Basic.SecretRef
		refs.Basic = basic(r.Namespace, r.CredentialsSecretReference)
	}
	if a := conn.Spec.Auth; a != nil && a.AWSSigV4 != nil {
		settings := a.AWSSigV4.AWSSigV4Settings
		refs.AWSSigV4 = &settings
		if r := a.AWSSigV4.SecretRef; r != nil {
			refs.AWSKeys = awsKeys(r.Namespace, r.AWSCredentialsSecretReference)
		}
	}
	if t := conn.Spec.TLS; t != nil {
		refs.InsecureSkipVerify = t.InsecureSkipVerify
		if r := t.CASecretRef; r != nil {
			refs.CA = ca(r.Namespace, r.SecretKeyReference)
		}
		if r := t.ClientCertSecretRef; r != nil {
			refs.ClientCert = clientCert(r.Namespace, r.Name)
		}
	}
	return refs
}

func basic(namespace string, r v1alpha1.CredentialsSecretReference) *Ref {
	return &Ref{types.NamespacedName{Namespace: namespace, Name: r.Name},
		[]string{cmp.Or(r.UsernameKey, defaultUsernameKey), cmp.Or(r.PasswordKey, defaultPasswordKey)}}
}

// awsKeys reads the access key pair, and a session token only when the
// reference names its key: the token has no default key, and long-lived
// keys have no token.
func awsKeys(namespace string, r v1alpha1.AWSCredentialsSecretReference) *Ref {
	keys := []string{cmp.Or(r.AccessKeyIDKey, defaultAccessKeyIDKey), cmp.Or(r.SecretAccessKeyKey, defaultSecretAccessKeyKey)}
	if r.SessionTokenKey != "" {
		keys = append(keys, r.SessionTokenKey)
	}
	return &Ref{types.NamespacedName{Namespace: namespace, Name: r.Name}, keys}
}

func ca(namespace string, r v1alpha1.SecretKeyReference) *Ref {
	return &Ref{types.NamespacedName{Namespace: namespace, Name: r.Name}, []string{cmp.Or(r.Key, defaultCAKey)}}
}

func clientCert(namespace, name string) *Ref {
	return &Ref{types.NamespacedName{Namespace: namespace, Name: name}, []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey}}
}
