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

package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

var _ = Describe("OpenSearchConnection", func() {
	It("reports refused credentials and re-probes as soon as the Secret is fixed", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		createSecret(ns, "auth", map[string]string{"username": "operator", "password": "wrong"})
		c := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "os"},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL()},
				Auth:               &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: "auth"}}},
			},
		}
		Expect(k8s.Create(ctx, c)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(ctx, c) })
		Eventually(readyState(c), timeout, interval).Should(Equal("False/Forbidden"))
		Expect(readyConditionOf(c).Message).NotTo(ContainSubstring("wrong"))

		var s corev1.Secret
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "auth"}, &s)).To(Succeed())
		s.StringData = map[string]string{"password": "operator-pass"}
		Expect(k8s.Update(ctx, &s)).To(Succeed())
		Eventually(readyState(c), timeout, interval).Should(Equal("True/Connected"))
		Expect(c.Status.Version).To(Equal(fakeopensearch.DefaultVersion))
		Expect(c.Status.Dialect).To(Equal(v1alpha1.DialectAuto))
	})

	It("reports its readiness in a metric of its own, gone once it is deleted", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		const canary = "canary-password-9f3e"
		createSecret(ns, "auth", map[string]string{"username": "operator", "password": canary})
		c := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "os"},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL()},
				Auth:               &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: "auth"}}},
			},
		}
		Expect(k8s.Create(ctx, c)).To(Succeed())
		series := `opensearch_datasource_operator_connection_ready{connection="OpenSearchConnection/` + ns + `/os"}`
		Eventually(readyState(c), timeout, interval).Should(Equal("False/Forbidden"))
		Eventually(func() string { return gatherText(suiteMetrics) }, timeout, interval).Should(ContainSubstring(series + " 0"))
		Expect(gatherText(suiteMetrics)).NotTo(ContainSubstring(canary))

		var s corev1.Secret
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "auth"}, &s)).To(Succeed())
		s.StringData = map[string]string{"password": "operator-pass"}
		Expect(k8s.Update(ctx, &s)).To(Succeed())
		Eventually(func() string { return gatherText(suiteMetrics) }, timeout, interval).Should(ContainSubstring(series + " 1"))

		Expect(k8s.Delete(ctx, c)).To(Succeed())
		Eventually(func() string { return gatherText(suiteMetrics) }, timeout, interval).ShouldNot(ContainSubstring(series))
	})

	It("verifies TLS with the CA from a Secret", func() {
		ns := newNamespace()
		fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, TLS: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(fake.Close)
		c := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "os"},
			Spec:       v1alpha1.OpenSearchConnectionSpec{ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL()}},
		}
		Expect(k8s.Create(ctx, c)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(ctx, c) })
		Eventually(readyState(c), timeout, interval).Should(Equal("False/TLSFailed"), "an unknown CA must not verify")
		Expect(readyConditionOf(get(c)).Message).To(Equal("the TLS certificate of spec.endpoint " + fake.URL() +
			" is signed by an authority the operator does not trust: set spec.tls.caSecretRef to a Secret holding that CA (PEM)"))
		expectEvent(c, "Warning TLSFailed", "spec.tls.caSecretRef")

		createSecret(ns, "ca", map[string]string{"ca.crt": string(fake.CACertPEM())})
		Eventually(func() error {
			get(c)
			c.Spec.TLS = &v1alpha1.ConnectionTLS{CASecretRef: &v1alpha1.SecretKeyReference{Name: "ca"}}
			return k8s.Update(ctx, c)
		}, timeout, interval).Should(Succeed())
		Eventually(readyState(c), 30*time.Second, interval).Should(Equal("True/Connected"))
	})

	It("reports a missing auth Secret and becomes Ready once it exists", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		c := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "os"},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL()},
				Auth:               &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: "auth"}}},
			},
		}
		Expect(k8s.Create(ctx, c)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(ctx, c) })
		Eventually(readyState(c), timeout, interval).Should(Equal("False/SecretNotFound"))
		createSecret(ns, "auth", map[string]string{"username": "operator", "password": "operator-pass"})
		Eventually(readyState(c), timeout, interval).Should(Equal("True/Connected"))
	})
})
