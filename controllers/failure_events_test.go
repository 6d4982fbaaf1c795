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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// warningsFor lists the Warning events with reason about obj.
func warningsFor(obj client.Object, reason string) []eventsv1.Event {
	var list eventsv1.EventList
	ExpectWithOffset(1, k8s.List(context.Background(), &list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Name == obj.GetName() && e.Type == "Warning" && e.Reason == reason {
			out = append(out, e)
		}
	}
	return out
}

// expectOneWarning waits for the Warning event with reason about obj and
// then checks, for a few seconds, that it stays the only one: the
// recorder turns a repeat into a series on the same Event, so a retry
// that recorded it again would show as Series.
func expectOneWarning(obj client.Object, reason string) {
	EventuallyWithOffset(1, func() int { return len(warningsFor(obj, reason)) }, timeout, interval).Should(Equal(1),
		"no Warning %s event about %s; events: %v", reason, obj.GetName(), eventsFor(obj))
	ConsistentlyWithOffset(1, func(g Gomega) {
		evs := warningsFor(obj, reason)
		g.Expect(evs).To(HaveLen(1))
		g.Expect(evs[0].Series).To(BeNil(), "Warning %s was recorded again on a retry", reason)
	}, 3*time.Second, interval).Should(Succeed())
}

var _ = Describe("Warning events for failures", func() {
	var (
		ns   string
		fake *fakeopensearch.Server
	)
	BeforeEach(func() {
		ns = newNamespace()
		fake = startFake(fakeopensearch.ModeSQLPlugin)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
	})

	It("records each transition into a failing reason once, for connections and DataSources", func() {
		By("a connection whose password OpenSearch refuses")
		createSecret(ns, "wrong-auth", map[string]string{"username": "operator", "password": "canary-wrong-pass"})
		bad := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "bad"},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
				Auth:               &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: "wrong-auth"}}},
			},
		}
		Expect(k8s.Create(ctx, bad)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), bad) })
		expectOneWarning(bad, v1alpha1.ReasonForbidden)
		Expect(eventsFor(bad)).NotTo(ContainElement(ContainSubstring("canary-wrong-pass")))

		By("a DataSource on it, reconciled twice in the same reason")
		notReady := prometheusDataSource(ns, "not-ready", "bad", "prom-creds")
		Expect(k8s.Create(ctx, notReady)).To(Succeed())
		expectReady(notReady, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		update(notReady, func(d *v1alpha1.DataSource) { d.Spec.Description = "reconciled again" })
		expectReady(notReady, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		expectOneWarning(notReady, v1alpha1.ReasonConnectionNotReady)

		By("a DataSource on a connection that does not exist")
		missing := prometheusDataSource(ns, "no-connection", "nowhere", "prom-creds")
		Expect(k8s.Create(ctx, missing)).To(Succeed())
		expectOneWarning(missing, v1alpha1.ReasonConnectionNotFound)

		conn := createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Minute)
		By("a missing Secret, then one without the key")
		noSecret := prometheusDataSource(ns, "no-secret", "os", "absent")
		Expect(k8s.Create(ctx, noSecret)).To(Succeed())
		expectOneWarning(noSecret, v1alpha1.ReasonSecretNotFound)
		createSecret(ns, "absent", map[string]string{"username": "prom"})
		expectOneWarning(noSecret, v1alpha1.ReasonSecretKeyNotFound)

		By("a data source someone else created, under adoption Deny")
		Eventually(func() error {
			get(conn)
			conn.Spec.Adoption = v1alpha1.AdoptionDeny
			return k8s.Update(ctx, conn)
		}, timeout, interval).Should(Succeed())
		fake.Seed(fakeopensearch.Document{Name: "theirs", Connector: "PROMETHEUS", Properties: map[string]any{"prometheus.uri": "http://p:9090"}})
		denied := prometheusDataSource(ns, "theirs", "os", "prom-creds")
		Expect(k8s.Create(ctx, denied)).To(Succeed())
		expectOneWarning(denied, v1alpha1.ReasonAdoptionDenied)

		By("two DataSources for one data source")
		first := prometheusDataSource(ns, "first", "os", "prom-creds")
		Expect(k8s.Create(ctx, first)).To(Succeed())
		expectReady(first, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		second := prometheusDataSource(ns, "second", "os", "prom-creds")
		second.Spec.Name = "first"
		Expect(k8s.Create(ctx, second)).To(Succeed())
		expectOneWarning(second, v1alpha1.ReasonConflict)
		Expect(warningsFor(first, v1alpha1.ReasonConflict)).To(BeEmpty())
	})

	It("records NamespaceNotAllowed and ObserveDenied on a cluster connection", func() {
		other := newNamespace()
		cc := clusterConnection(fake, other, nil)
		refused := prometheusDataSource(ns, "refused", cc.Name, "prom-creds")
		refused.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, refused)).To(Succeed())
		expectOneWarning(refused, v1alpha1.ReasonNamespaceNotAllowed)

		createSecret(other, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		spy := observed(prometheusDataSource(other, "spy", cc.Name, "prom-creds"))
		spy.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, spy)).To(Succeed())
		expectOneWarning(spy, v1alpha1.ReasonObserveDenied)
	})
})
