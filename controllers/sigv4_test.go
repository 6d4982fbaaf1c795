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
	"context"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// sigV4Keys is the key pair the SigV4 fakes know.
var sigV4Keys = fakeopensearch.SigV4{
	Region: "eu-west-1", AccessKeyID: "AKIDOPERATORTEST", SecretAccessKey: "operator-test-secret-access-key",
}

// startSigV4Fake runs a fake that, as Amazon OpenSearch Service, accepts
// only requests signed with keys.
func startSigV4Fake(keys fakeopensearch.SigV4) *fakeopensearch.Server {
	s, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, SigV4: &keys})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	return s
}

var _ = Describe("AWS SigV4 (Amazon OpenSearch Service)", func() {
	It("signs with the Secret's key pair, reports a wrong one and applies a rotation", func() {
		ns := newNamespace()
		fake := startSigV4Fake(sigV4Keys)
		canary := "canary-" + rand.String(10)
		keys := createSecret(ns, "aws-keys", map[string]string{
			"AWS_ACCESS_KEY_ID": sigV4Keys.AccessKeyID, "AWS_SECRET_ACCESS_KEY": canary,
		})
		conn := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "aws"},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
				Auth: &v1alpha1.ConnectionAuth{AWSSigV4: &v1alpha1.AWSSigV4Auth{
					AWSSigV4Settings: v1alpha1.AWSSigV4Settings{Region: "eu-west-1"},
					SecretRef:        &v1alpha1.AWSCredentialsSecretReference{Name: "aws-keys"},
				}},
			},
		}
		Expect(k8s.Create(ctx, conn)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), conn) })
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "aws", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())

		By("reporting a wrong secret access key as AWS refusing the signature")
		Eventually(func(g Gomega) {
			c := readyConditionOf(get(conn))
			g.Expect(c).NotTo(BeNil())
			g.Expect(string(c.Status) + "/" + c.Reason).To(Equal("False/" + v1alpha1.ReasonForbidden))
			g.Expect(c.Message).To(ContainSubstring("The request signature we calculated does not match the signature you provided"))
		}, timeout, interval).Should(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		_, written := fake.Stored("metrics")
		Expect(written).To(BeFalse())

		By("applying the rotated key pair like a rotated password")
		update := keys.DeepCopy()
		update.StringData = map[string]string{"AWS_SECRET_ACCESS_KEY": sigV4Keys.SecretAccessKey}
		Expect(k8s.Update(ctx, update)).To(Succeed())
		Eventually(func() string { return conditionState(conn, v1alpha1.ConditionReady) }, timeout, interval).Should(Equal("True/" + v1alpha1.ReasonConnected))
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Properties).To(HaveKeyWithValue("prometheus.auth.password", "prom-pass"))

		By("never showing the key pair")
		for obj, status := range map[client.Object]any{conn: &conn.Status, ds: &ds.Status} {
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
			text, err := json.Marshal(status)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(text)).To(ContainSubstring("Ready"), "the status was not read")
			Expect(string(text)).NotTo(ContainSubstring(canary))
			Expect(string(text)).NotTo(ContainSubstring(sigV4Keys.SecretAccessKey))
			Expect(joined(eventsFor(obj))).NotTo(ContainSubstring(canary))
		}
		Expect(logs.String()).To(ContainSubstring("The request signature we calculated"), "the refusal was not logged")
		Expect(logs.String()).NotTo(ContainSubstring(canary))
		Expect(logs.String()).NotTo(ContainSubstring(sigV4Keys.SecretAccessKey))
		Expect(gatherText(suiteMetrics)).NotTo(ContainSubstring(canary))
	})

	It("refuses a Secret with empty AWS keys rather than signing as the operator", func() {
		ns := newNamespace()
		fake := startSigV4Fake(sigV4Keys)
		createSecret(ns, "aws-empty", map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
		conn := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "aws"},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
				Auth: &v1alpha1.ConnectionAuth{AWSSigV4: &v1alpha1.AWSSigV4Auth{
					AWSSigV4Settings: v1alpha1.AWSSigV4Settings{Region: "eu-west-1"},
					SecretRef:        &v1alpha1.AWSCredentialsSecretReference{Name: "aws-empty"},
				}},
			},
		}
		Expect(k8s.Create(ctx, conn)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), conn) })
		Eventually(func(g Gomega) {
			c := readyConditionOf(get(conn))
			g.Expect(c).NotTo(BeNil())
			g.Expect(string(c.Status) + "/" + c.Reason).To(Equal("False/" + v1alpha1.ReasonSecretKeyNotFound))
			g.Expect(c.Message).To(ContainSubstring(`key "AWS_ACCESS_KEY_ID" of Secret ` + ns + `/aws-empty`))
			g.Expect(c.Message).To(ContainSubstring("is empty"))
		}, timeout, interval).Should(Succeed())
		Consistently(func() int {
			n := 0
			for _, m := range []string{"GET", "HEAD", "POST", "PUT", "DELETE"} {
				n += fake.CountMethod(m)
			}
			return n
		}, "1s", interval).Should(BeZero(), "a request was sent without the Secret's keys")
	})

	It("signs for a ClusterOpenSearchConnection with temporary credentials from another namespace", func() {
		keys := sigV4Keys
		keys.Service, keys.SessionToken = "aoss", "operator-test-session-token"
		fake := startSigV4Fake(keys)
		secrets, ns := newNamespace(), newNamespace()
		createSecret(secrets, "aws-temporary", map[string]string{
			"id": keys.AccessKeyID, "secret": keys.SecretAccessKey, "token": keys.SessionToken,
		})
		cc := &v1alpha1.ClusterOpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Name: "aws-" + ns},
			Spec: v1alpha1.ClusterOpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
				Auth: &v1alpha1.ClusterConnectionAuth{AWSSigV4: &v1alpha1.ClusterAWSSigV4Auth{
					AWSSigV4Settings: v1alpha1.AWSSigV4Settings{Region: "eu-west-1", Service: v1alpha1.AWSServiceAOSS},
					SecretRef: &v1alpha1.NamespacedAWSCredentialsSecretReference{Namespace: secrets,
						AWSCredentialsSecretReference: v1alpha1.AWSCredentialsSecretReference{
							Name: "aws-temporary", AccessKeyIDKey: "id", SecretAccessKeyKey: "secret", SessionTokenKey: "token",
						}},
				}},
				Adoption: v1alpha1.AdoptionAllow,
			},
		}
		Expect(k8s.Create(ctx, cc)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), cc) })
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", cc.Name, "prom-creds")
		ds.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(fake, "metrics")

		By("reporting a missing session token key by name")
		var s corev1.Secret
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: secrets, Name: "aws-temporary"}, &s)).To(Succeed())
		delete(s.Data, "token")
		Expect(k8s.Update(ctx, &s)).To(Succeed())
		Eventually(func(g Gomega) {
			c := readyConditionOf(get(cc))
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonSecretKeyNotFound))
			g.Expect(c.Message).To(ContainSubstring(`spec.auth.awsSigV4.secretRef`))
			g.Expect(c.Message).To(ContainSubstring(`no key "token"`))
		}, timeout, interval).Should(Succeed())
	})
})
