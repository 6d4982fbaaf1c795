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

package connsecrets

import (
	"fmt"
	"reflect"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func ref(namespace, name string, keys ...string) *Ref {
	return &Ref{types.NamespacedName{Namespace: namespace, Name: name}, keys}
}

var signing = v1alpha1.AWSSigV4Settings{Region: "eu-west-1", Service: v1alpha1.AWSServiceES, RoleARN: "arn:aws:iam::123456789012:role/ds"}

// TestNamespaced pins the keys an OpenSearchConnection's spec names, with
// the defaults both the reconcilers and the export read, and that every
// Secret is taken from the connection's own namespace.
func TestNamespaced(t *testing.T) {
	for name, tc := range map[string]struct {
		auth *v1alpha1.ConnectionAuth
		tls  *v1alpha1.ConnectionTLS
		want Refs
	}{
		"no auth, no TLS": {},
		"basic, default keys": {
			auth: &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: "creds"}}},
			want: Refs{Basic: ref("team", "creds", "username", "password")},
		},
		"basic, custom keys": {
			auth: &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{
				Name: "creds", UsernameKey: "user", PasswordKey: "pass"}}},
			want: Refs{Basic: ref("team", "creds", "user", "pass")},
		},
		"AWS, default keys, no session token": {
			auth: &v1alpha1.ConnectionAuth{AWSSigV4: &v1alpha1.AWSSigV4Auth{AWSSigV4Settings: signing,
				SecretRef: &v1alpha1.AWSCredentialsSecretReference{Name: "aws"}}},
			want: Refs{AWSSigV4: &signing, AWSKeys: ref("team", "aws", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")},
		},
		"AWS, custom keys and session token": {
			auth: &v1alpha1.ConnectionAuth{AWSSigV4: &v1alpha1.AWSSigV4Auth{AWSSigV4Settings: signing,
				SecretRef: &v1alpha1.AWSCredentialsSecretReference{Name: "aws", AccessKeyIDKey: "id",
					SecretAccessKeyKey: "secret", SessionTokenKey: "token"}}},
			want: Refs{AWSSigV4: &signing, AWSKeys: ref("team", "aws", "id", "secret", "token")},
		},
		"AWS without secretRef": {
			auth: &v1alpha1.ConnectionAuth{AWSSigV4: &v1alpha1.AWSSigV4Auth{AWSSigV4Settings: signing}},
			want: Refs{AWSSigV4: &signing},
		},
		"CA, default key; client cert; insecure": {
			tls: &v1alpha1.ConnectionTLS{CASecretRef: &v1alpha1.SecretKeyReference{Name: "ca"},
				ClientCertSecretRef: &v1alpha1.LocalSecretReference{Name: "mtls"}, InsecureSkipVerify: true},
			want: Refs{CA: ref("team", "ca", "ca.crt"), ClientCert: ref("team", "mtls", "tls.crt", "tls.key"), InsecureSkipVerify: true},
		},
		"CA, custom key": {
			tls:  &v1alpha1.ConnectionTLS{CASecretRef: &v1alpha1.SecretKeyReference{Name: "ca", Key: "bundle.pem"}},
			want: Refs{CA: ref("team", "ca", "bundle.pem")},
		},
	} {
		conn := &v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "os"}}
		conn.Spec.Auth, conn.Spec.TLS = tc.auth, tc.tls
		if got := Namespaced(conn); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Namespaced = %s, want %s", name, show(got), show(tc.want))
		}
	}
}

// TestCluster pins the same for a ClusterOpenSearchConnection, whose
// references each name their Secret's namespace.
func TestCluster(t *testing.T) {
	for name, tc := range map[string]struct {
		auth *v1alpha1.ClusterConnectionAuth
		tls  *v1alpha1.ClusterConnectionTLS
		want Refs
	}{
		"no auth, no TLS": {},
		"basic, default keys": {
			auth: &v1alpha1.ClusterConnectionAuth{Basic: &v1alpha1.ClusterBasicAuth{SecretRef: v1alpha1.NamespacedCredentialsSecretReference{
				Namespace: "ops", CredentialsSecretReference: v1alpha1.CredentialsSecretReference{Name: "creds"}}}},
			want: Refs{Basic: ref("ops", "creds", "username", "password")},
		},
		"basic, custom keys": {
			auth: &v1alpha1.ClusterConnectionAuth{Basic: &v1alpha1.ClusterBasicAuth{SecretRef: v1alpha1.NamespacedCredentialsSecretReference{
				Namespace: "ops", CredentialsSecretReference: v1alpha1.CredentialsSecretReference{
					Name: "creds", UsernameKey: "user", PasswordKey: "pass"}}}},
			want: Refs{Basic: ref("ops", "creds", "user", "pass")},
		},
		"AWS, default keys, no session token": {
			auth: &v1alpha1.ClusterConnectionAuth{AWSSigV4: &v1alpha1.ClusterAWSSigV4Auth{AWSSigV4Settings: signing,
				SecretRef: &v1alpha1.NamespacedAWSCredentialsSecretReference{Namespace: "aws-ns",
					AWSCredentialsSecretReference: v1alpha1.AWSCredentialsSecretReference{Name: "aws"}}}},
			want: Refs{AWSSigV4: &signing, AWSKeys: ref("aws-ns", "aws", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")},
		},
		"AWS, session token": {
			auth: &v1alpha1.ClusterConnectionAuth{AWSSigV4: &v1alpha1.ClusterAWSSigV4Auth{AWSSigV4Settings: signing,
				SecretRef: &v1alpha1.NamespacedAWSCredentialsSecretReference{Namespace: "aws-ns",
					AWSCredentialsSecretReference: v1alpha1.AWSCredentialsSecretReference{Name: "aws", SessionTokenKey: "token"}}}},
			want: Refs{AWSSigV4: &signing, AWSKeys: ref("aws-ns", "aws", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "token")},
		},
		"AWS without secretRef: the default chain": {
			auth: &v1alpha1.ClusterConnectionAuth{AWSSigV4: &v1alpha1.ClusterAWSSigV4Auth{AWSSigV4Settings: signing}},
			want: Refs{AWSSigV4: &signing},
		},
		"CA, default key; client cert; each in its own namespace": {
			tls: &v1alpha1.ClusterConnectionTLS{
				CASecretRef: &v1alpha1.NamespacedSecretKeyReference{Namespace: "pki", SecretKeyReference: v1alpha1.SecretKeyReference{Name: "ca"}},
				ClientCertSecretRef: &v1alpha1.NamespacedSecretReference{Namespace: "certs",
					LocalSecretReference: v1alpha1.LocalSecretReference{Name: "mtls"}}},
			want: Refs{CA: ref("pki", "ca", "ca.crt"), ClientCert: ref("certs", "mtls", "tls.crt", "tls.key")},
		},
		"insecure only": {
			tls:  &v1alpha1.ClusterConnectionTLS{InsecureSkipVerify: true},
			want: Refs{InsecureSkipVerify: true},
		},
	} {
		conn := &v1alpha1.ClusterOpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: "os"}}
		conn.Spec.Auth, conn.Spec.TLS = tc.auth, tc.tls
		if got := Cluster(conn); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Cluster = %s, want %s", name, show(got), show(tc.want))
		}
	}
}

// show prints the Refs a failed case compares, pointers followed.
func show(r Refs) string {
	s := ""
	for _, f := range []struct {
		name string
		ref  *Ref
	}{{"basic", r.Basic}, {"awsKeys", r.AWSKeys}, {"ca", r.CA}, {"clientCert", r.ClientCert}} {
		if f.ref != nil {
			s += fmt.Sprintf(" %s=%s%v", f.name, f.ref.NamespacedName, f.ref.Keys)
		}
	}
	if r.AWSSigV4 != nil {
		s += fmt.Sprintf(" awsSigV4=%+v", *r.AWSSigV4)
	}
	return fmt.Sprintf("{%s insecure=%t}", s, r.InsecureSkipVerify)
}
