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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

var ctx = context.Background()

func jsonValue(v any) apiextensionsv1.JSON {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return apiextensionsv1.JSON{Raw: b}
}

var _ = Describe("DataSource on the SQL plugin", func() {
	var (
		ns   string
		fake *fakeopensearch.Server
	)
	BeforeEach(func() {
		ns = newNamespace()
		fake = startFake(fakeopensearch.ModeSQLPlugin)
	})

	It("creates a Prometheus data source with Auto resolving to SQLPlugin, folding configuration into properties", func() {
		f := newFixture(inNamespace(ns), onFake(fake), withDialect(v1alpha1.DialectAuto))
		conn := f.conn
		ds := f.create("metrics")

		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		doc := stored(fake, "metrics")
		Expect(doc.Connector).To(Equal("PROMETHEUS"))
		Expect(doc.Description).To(Equal("cluster metrics"))
		Expect(doc.AllowedRoles).To(Equal([]string{"prometheus_access"}))
		Expect(doc.Properties).To(Equal(map[string]any{
			"prometheus.uri":           "http://prometheus.monitoring.svc:9090",
			"prometheus.auth.type":     "basicauth",
			"prometheus.auth.username": "prom",
			"prometheus.auth.password": "prom-pass",
		}))
		Expect(doc.ResultIndex).To(Equal("query_execution_result_metrics"))
		Expect(ds.Status.DataSourceID).To(Equal("metrics"))
		Expect(ds.Status.Message).To(Equal("Created DataSource with name metrics"))
		Expect(ds.Status.Status).To(Equal("ACTIVE"))
		Expect(ds.Status.LastSyncTime).NotTo(BeNil())
		Expect(ds.Status.Fingerprint).To(HavePrefix("sha256:"))
		// Ready is the only condition of a synced DataSource that never
		// drifted: Drifted, Reconciling and Stalled appear when they have
		// something to say.
		Expect(ds.Status.Conditions).To(HaveLen(1))
		Expect(ds.Finalizers).To(ContainElement(v1alpha1.DataSourceFinalizer))
		expectEvent(ds, "Normal Created", `data source "metrics"`)

		Eventually(func() v1alpha1.Dialect {
			return get(conn).(*v1alpha1.OpenSearchConnection).Status.Dialect
		}, timeout, interval).Should(Equal(v1alpha1.DialectSQLPlugin))
		Expect(conn.Status.Version).To(Equal(fakeopensearch.DefaultVersion))
	})

	It("writes every field change completely, with PATCH while the credentials stand", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		ds := f.synced("metrics")

		changes := []struct {
			what   string
			change func(*v1alpha1.DataSource)
			check  func(fakeopensearch.Document) bool
		}{
			{"description", func(d *v1alpha1.DataSource) { d.Spec.Description = "new words" },
				func(doc fakeopensearch.Document) bool { return doc.Description == "new words" }},
			{"allowedRoles", func(d *v1alpha1.DataSource) { d.Spec.AllowedRoles = []string{"b", "a"} },
				func(doc fakeopensearch.Document) bool {
					return len(doc.AllowedRoles) == 2 && doc.AllowedRoles[0] == "b"
				}},
			{"resultIndex", func(d *v1alpha1.DataSource) { d.Spec.ResultIndex = "query_execution_result_custom" },
				func(doc fakeopensearch.Document) bool { return doc.ResultIndex == "query_execution_result_custom" }},
			{"status", func(d *v1alpha1.DataSource) { d.Spec.Status = v1alpha1.StateDisabled },
				func(doc fakeopensearch.Document) bool { return doc.Status == "DISABLED" }},
			{"properties", func(d *v1alpha1.DataSource) {
				d.Spec.Properties = map[string]apiextensionsv1.JSON{"prometheus.region": jsonValue("eu"), "timeout": jsonValue(30)}
			}, func(doc fakeopensearch.Document) bool {
				return doc.Properties["prometheus.region"] == "eu" && doc.Properties["timeout"] == "30"
			}},
			{"endpoint", func(d *v1alpha1.DataSource) { d.Spec.Configuration.Endpoint = "http://prom2.monitoring.svc:9090" },
				func(doc fakeopensearch.Document) bool {
					return doc.Properties["prometheus.uri"] == "http://prom2.monitoring.svc:9090"
				}},
		}
		for _, c := range changes {
			By("changing " + c.what)
			patches := fake.Count(fakeopensearch.OpPatch)
			update(ds, c.change)
			expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
			Eventually(func() bool { doc, _ := fake.Stored("metrics"); return c.check(doc) }, timeout, interval).Should(BeTrue(), c.what)
			// No credential changed, so the write is a PATCH (SQL plugin
			// 2.12+), which keeps the stored credentials without resending
			// them.
			Expect(fake.Count(fakeopensearch.OpPatch)).To(BeNumerically(">", patches))
			doc, _ := fake.Stored("metrics")
			Expect(doc.Properties).To(HaveKeyWithValue("prometheus.auth.password", "prom-pass"))
		}
		Expect(ds.Status.Status).To(Equal("DISABLED"))
		expectEvent(ds, "Normal Updated")
	})

	It("applies a rotated Secret within seconds", func() {
		f := newFixture(inNamespace(ns), onFake(fake), withCreds(map[string]string{"username": "prom", "password": "old-pass"}))
		secret := f.creds
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		before := ds.Status.Fingerprint

		secret.StringData = map[string]string{"password": "new-pass"}
		Expect(k8s.Update(ctx, secret)).To(Succeed())
		Eventually(func() any {
			doc, _ := fake.Stored("metrics")
			return doc.Properties["prometheus.auth.password"]
		}, timeout, interval).Should(Equal("new-pass"))
		Eventually(func() string { return get(ds).(*v1alpha1.DataSource).Status.Fingerprint }, timeout, interval).ShouldNot(Equal(before))
	})

	It("removes a property key dropped from the spec by deleting and re-creating", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		ds := f.synced("metrics", func(d *v1alpha1.DataSource) {
			d.Spec.Properties = map[string]apiextensionsv1.JSON{"keep": jsonValue("1"), "drop": jsonValue("2")}
		})
		Expect(stored(fake, "metrics").Properties).To(HaveKey("drop"))

		update(ds, func(d *v1alpha1.DataSource) { delete(d.Spec.Properties, "drop") })
		Eventually(func(g Gomega) {
			doc, ok := fake.Stored("metrics")
			g.Expect(ok).To(BeTrue())
			g.Expect(doc.Properties).NotTo(HaveKey("drop"))
			g.Expect(doc.Properties).To(HaveKey("keep"))
		}, timeout, interval).Should(Succeed())
		doc, _ := fake.Stored("metrics")
		Expect(doc.Properties).To(HaveKeyWithValue("keep", "1"))
		Expect(doc.Properties).To(HaveKeyWithValue("prometheus.auth.password", "prom-pass"))
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		expectEvent(ds, "Normal Recreating", "drop")
		Expect(fake.Count(fakeopensearch.OpDelete)).To(Equal(1))
	})

	It("removes a credential property dropped from the spec, although OpenSearch never shows it", func() {
		f := newFixture(inNamespace(ns), onFake(fake), withCreds(map[string]string{"username": "prom", "password": "prom-pass", "am": "am-pass"}))
		ds := f.dataSource("metrics")
		ds.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{{Key: "alertmanager.auth.password", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "prom-creds", Key: "am"}}}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Properties).To(HaveKeyWithValue("alertmanager.auth.password", "am-pass"))

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.PropertiesFrom = nil })
		Eventually(func(g Gomega) {
			doc, ok := fake.Stored("metrics")
			g.Expect(ok).To(BeTrue())
			g.Expect(doc.Properties).NotTo(HaveKey("alertmanager.auth.password"))
			g.Expect(doc.Properties).To(HaveKeyWithValue("prometheus.auth.password", "prom-pass"))
		}, timeout, interval).Should(Succeed())
		expectEvent(ds, "Normal Recreating", "alertmanager.auth.password")
	})

	It("corrects drift found by the periodic list and records it", func() {
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Second))
		ds := f.synced("metrics")

		Expect(fake.Mutate("metrics", func(d *fakeopensearch.Document) {
			d.Description = "changed by hand"
			d.AllowedRoles = []string{"intruder"}
		})).To(BeTrue())
		Eventually(func() string { doc, _ := fake.Stored("metrics"); return doc.Description }, timeout, interval).Should(Equal("cluster metrics"))
		doc, _ := fake.Stored("metrics")
		Expect(doc.AllowedRoles).To(Equal([]string{"prometheus_access"}))
		expectEvent(ds, "Warning DriftDetected", "allowedRoles", "description")
		expectEvent(ds, "Normal DriftCorrected")
		Eventually(func() string { return conditionState(ds, v1alpha1.ConditionDrifted) }, timeout, interval).Should(Equal("False/Corrected"))

		By("keeping Drifted True while a correction fails")
		fake.Forbid(fakeopensearch.ActionUpdate, fakeopensearch.ActionPatch)
		fake.Mutate("metrics", func(d *fakeopensearch.Document) { d.Description = "changed again" })
		Eventually(func() string { return conditionStateWithMessage(ds, v1alpha1.ConditionDrifted) }, timeout, interval).Should(
			Equal("True/RemoteChanged: Changed outside Kubernetes: description"))
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonRejected)
		fake.Forbid()
		Eventually(func() string { doc, _ := fake.Stored("metrics"); return doc.Description }, timeout, interval).Should(Equal("cluster metrics"))
		Eventually(func() string { return conditionState(ds, v1alpha1.ConditionDrifted) }, timeout, interval).Should(Equal("False/Corrected"))
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		By("re-creating a data source deleted out of band")
		Expect(fake.Remove("metrics")).To(BeTrue())
		stored(fake, "metrics")
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})

	It("reports NotFound for UpdateOnly when the data source does not exist, and never creates it", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		ds := f.create("metrics", func(d *v1alpha1.DataSource) {
			d.Spec.ManagementPolicy = v1alpha1.ManagementUpdateOnly
		})
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonNotFound)
		Expect(readyOf(ds).Message).To(ContainSubstring("UpdateOnly never creates"))
		Expect(fake.Count(fakeopensearch.OpCreate)).To(BeZero())

		By("updating it once it exists, and leaving it on deletion")
		fake.Seed(fakeopensearch.Document{Name: "metrics", Connector: "PROMETHEUS", Properties: map[string]any{"prometheus.uri": "http://old:9090"}})
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "adopted" })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Description).To(Equal("adopted"))
		deleteAndWaitGone(ds)
		_, still := fake.Stored("metrics")
		Expect(still).To(BeTrue())
		Expect(fake.Count(fakeopensearch.OpCreate)).To(BeZero())
	})

	It("deletes the data source under deletionPolicy Delete and keeps it under Retain", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		gone := f.dataSource("gone")
		kept := f.dataSource("kept")
		kept.Spec.DeletionPolicy = v1alpha1.DeletionRetain
		Expect(k8s.Create(ctx, gone)).To(Succeed())
		Expect(k8s.Create(ctx, kept)).To(Succeed())
		expectReady(gone, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		expectReady(kept, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		deleteAndWaitGone(gone)
		deleteAndWaitGone(kept)
		_, ok := fake.Stored("gone")
		Expect(ok).To(BeFalse())
		_, ok = fake.Stored("kept")
		Expect(ok).To(BeTrue())
	})

	It("releases the finalizer with a Warning when the connection was deleted first", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		conn := f.conn
		ds := f.synced("metrics")

		deleteAndWaitGone(conn)
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotFound)
		Expect(k8s.Delete(ctx, ds)).To(Succeed())
		expectEvent(ds, "Warning ConnectionGone", "no longer exists")
		Eventually(func() error { return k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds) }, timeout, interval).ShouldNot(Succeed())
	})

	It("waits for a missing Secret and applies as soon as it is created", func() {
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Minute)
		ds := prometheusDataSource(ns, "metrics", "os", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonSecretNotFound)
		Expect(readyOf(ds).Message).To(ContainSubstring("prom-creds"))

		createSecret(ns, "prom-creds", map[string]string{"username": "prom"})
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonSecretKeyNotFound)
		Expect(readyOf(ds).Message).To(ContainSubstring(`"password"`))

		var s corev1.Secret
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "prom-creds"}, &s)).To(Succeed())
		s.StringData = map[string]string{"password": "late"}
		Expect(k8s.Update(ctx, &s)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Properties).To(HaveKeyWithValue("prometheus.auth.password", "late"))
	})

	It("reports OpenSearch's own reason for a 4xx and does not retry hot", func() {
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Minute)
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "noprom"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:  "prometheus",
					Properties: map[string]apiextensionsv1.JSON{"prometheus.region": jsonValue("eu")},
				},
			},
		}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonRejected)
		Expect(readyOf(ds).Message).To(ContainSubstring("Missing [prometheus.uri] fields in the connector properties."))
		expectEvent(ds, "Warning Rejected", "prometheus.uri")
		writes := fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)
		Consistently(func() int {
			return fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)
		}, 2*time.Second, 200*time.Millisecond).Should(Equal(writes))

		By("retrying when the spec changes")
		update(ds, func(d *v1alpha1.DataSource) {
			d.Spec.Properties["prometheus.uri"] = jsonValue("http://prometheus:9090")
		})
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})

	It("reports InvalidSpec for configuration on a connector the SQL plugin cannot fold it into", func() {
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Minute)
		createSecret(ns, "db-creds", map[string]string{"username": "u", "password": "p"})
		ds := prometheusDataSource(ns, "db", "os", "db-creds")
		ds.Spec.Connector = "opensearch"
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonInvalidSpec)
		Expect(readyOf(ds).Message).To(ContainSubstring("propert"))
		Expect(fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)).To(BeZero())
	})

	It("backs off on 5xx and recovers", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		fake.FailRate(1, fakeopensearch.Fault{Status: 503})
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonUnavailable)
		Expect(readyOf(ds).Message).To(ContainSubstring("503"))
		// A new data source is written without a read first, so a retry
		// shows as another request of any kind for it.
		attempts := func() int {
			return fake.Count(fakeopensearch.OpGet) + fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)
		}
		failed := attempts()
		Eventually(attempts, timeout, interval).Should(BeNumerically(">", failed), "retried")
		fake.FailRate(0, fakeopensearch.Fault{})
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(fake, "metrics")
	})

	It("honours Retry-After on 429", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		fake.FailNext(1, fakeopensearch.Fault{Status: 429, RetryAfter: 3 * time.Second})
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonUnavailable)
		Expect(readyOf(ds).Message).To(ContainSubstring("retrying after 3s"))
		// Nothing is sent until Retry-After has passed, whatever else
		// triggers a reconcile meanwhile.
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "changed while throttled" })
		Consistently(func() int {
			return fake.Count(fakeopensearch.OpGet) + fake.CountMethod("PUT") + fake.CountMethod("POST")
		}, time.Second, 100*time.Millisecond).Should(Equal(1))
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Description).To(Equal("changed while throttled"))
	})

	It("makes no call while suspended", func() {
		f := newFixture(inNamespace(ns), onFake(fake))
		ds := f.create("metrics", func(d *v1alpha1.DataSource) {
			d.Spec.Suspend = true
		})
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonSuspended)
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "still suspended" })
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonSuspended)
		Expect(fake.Count(fakeopensearch.OpGet) + fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)).To(BeZero())

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Suspend = false })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Description).To(Equal("still suspended"))
	})

	It("says a cluster connection's unreadable allowedNamespaces.selector is the connection's fault", func() {
		cc := clusterConnection(fake, newNamespace(), nil)
		Eventually(func() error {
			get(cc)
			// The CRD checks the operators; a label key it cannot check
			// reaches the operator.
			cc.Spec.AllowedNamespaces.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"team a!": "x"}}
			return k8s.Update(ctx, cc)
		}, timeout, interval).Should(Succeed())
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "unreadable", cc.Name, "prom-creds")
		ds.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		Eventually(func() string { return conditionStateWithMessage(ds, v1alpha1.ConditionReady) }, timeout, interval).Should(And(
			HavePrefix("False/InvalidSpec: ClusterOpenSearchConnection/"+cc.Name+": spec.allowedNamespaces.selector is not a valid label selector ("),
			HaveSuffix("); an administrator must fix the connection")))
		_, ok := fake.Stored("unreadable")
		Expect(ok).To(BeFalse())

		By("not holding off a DataSource of the same name that may write")
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Minute)
		writer := prometheusDataSource(ns, "writer", "os", "prom-creds")
		writer.Spec.Name = "unreadable"
		Expect(k8s.Create(ctx, writer)).To(Succeed())
		expectReady(writer, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})

	It("refuses a cluster connection from a namespace it does not allow", func() {
		other := newNamespace()
		cc := clusterConnection(fake, other, nil)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		createSecret(other, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})

		refused := prometheusDataSource(ns, "refused", cc.Name, "prom-creds")
		refused.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, refused)).To(Succeed())
		expectReady(refused, metav1.ConditionFalse, v1alpha1.ReasonNamespaceNotAllowed)
		_, ok := fake.Stored("refused")
		Expect(ok).To(BeFalse())

		By("letting it in as soon as its namespace gets a label the selector matches")
		selected := prometheusDataSource(ns, "selected", cc.Name, "prom-creds")
		selected.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Eventually(func() error {
			get(cc)
			cc.Spec.AllowedNamespaces.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"team": "analytics"}}
			return k8s.Update(ctx, cc)
		}, timeout, interval).Should(Succeed())
		Expect(k8s.Create(ctx, selected)).To(Succeed())
		expectReady(selected, metav1.ConditionFalse, v1alpha1.ReasonNamespaceNotAllowed)
		var namespace corev1.Namespace
		Expect(k8s.Get(ctx, client.ObjectKey{Name: ns}, &namespace)).To(Succeed())
		namespace.Labels["team"] = "analytics"
		Expect(k8s.Update(ctx, &namespace)).To(Succeed())
		expectReady(selected, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		expectReady(refused, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		allowed := prometheusDataSource(other, "allowed", cc.Name, "prom-creds")
		allowed.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, allowed)).To(Succeed())
		expectReady(allowed, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})
})

var _ = Describe("DataSources that must not touch a data source", func() {
	It("lets only the older of two DataSources manage one data source, and the other never deletes it", func() {
		ns, other := newNamespace(), newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		cc := clusterConnection(fake, other, []string{ns})
		for _, n := range []string{ns, other} {
			createSecret(n, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		}
		first := prometheusDataSource(other, "first", cc.Name, "prom-creds")
		first.Spec.Name, first.Spec.ConnectionRef.Kind = "shared", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, first)).To(Succeed())
		expectReady(first, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		second := prometheusDataSource(ns, "second", cc.Name, "prom-creds")
		second.Spec.Name, second.Spec.ConnectionRef.Kind = "shared", v1alpha1.KindClusterOpenSearchConnection
		second.Spec.Description = "the other one"
		Expect(k8s.Create(ctx, second)).To(Succeed())
		expectReady(second, metav1.ConditionFalse, v1alpha1.ReasonConflict)
		Expect(readyOf(second).Message).To(ContainSubstring("a DataSource in another namespace already manages"))
		Expect(readyOf(second).Message).NotTo(ContainSubstring(other), "a tenant read another namespace's name")
		Expect(stored(fake, "shared").Description).To(Equal("cluster metrics"))

		deleteAndWaitGone(second)
		_, ok := fake.Stored("shared")
		Expect(ok).To(BeTrue(), "the DataSource that lost the conflict deleted the data source")
	})

	It("never deletes a data source from a connection its namespace may not use", func() {
		ns, other := newNamespace(), newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		fake.Seed(fakeopensearch.Document{Name: "victim", Connector: "PROMETHEUS", Properties: map[string]any{"prometheus.uri": "http://p:9090"}})
		cc := clusterConnection(fake, other, nil)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "attacker", cc.Name, "prom-creds")
		ds.Spec.Name, ds.Spec.ConnectionRef.Kind = "victim", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonNamespaceNotAllowed)
		deleteAndWaitGone(ds)
		_, ok := fake.Stored("victim")
		Expect(ok).To(BeTrue())
		Expect(fake.CountMethod("DELETE")).To(BeZero())
	})
})

var _ = Describe("DataSource on the documented API", func() {
	It("runs the seed page's example end to end", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeDocumented)
		conn := createConnection(ns, "os", fake, v1alpha1.DialectDocumented, time.Minute)
		createSecret(ns, "mysql-creds", map[string]string{"username": "db_user", "password": "new_db_password"})
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "mysql-customer-database"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Description:  "Updated connection to customer database - Production",
					Connector:    "mysql",
					ResultIndex:  "customer_data_results",
					Status:       v1alpha1.StateActive,
					AllowedRoles: []string{"analyst_role", "admin_role", "reporting_role"},
					Configuration: &v1alpha1.DataSourceConfiguration{
						Endpoint:    "jdbc:mysql://mysql-server:3306/customers",
						Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: "mysql-creds"}},
					},
					Properties: map[string]apiextensionsv1.JSON{
						"database": jsonValue("customers"), "port": jsonValue("3306"), "host": jsonValue("mysql-server"),
						"encryption": jsonValue(true), "connectionTimeout": jsonValue(60000),
					},
				},
			},
		}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		doc := stored(fake, "mysql-customer-database")
		Expect(doc.Configuration).NotTo(BeNil())
		Expect(*doc.Configuration).To(Equal(fakeopensearch.Configuration{
			Endpoint: "jdbc:mysql://mysql-server:3306/customers", Username: "db_user", Password: "new_db_password"}))
		Expect(doc.Properties).To(HaveKeyWithValue("encryption", true))
		Expect(doc.Properties).To(HaveKeyWithValue("connectionTimeout", BeNumerically("==", 60000)))
		Expect(doc.AllowedRoles).To(Equal([]string{"analyst_role", "admin_role", "reporting_role"}))
		Expect(ds.Status.DataSourceID).To(Equal(doc.DataSourceID))
		Expect(ds.Status.DataSourceID).NotTo(BeEmpty())
		Expect(ds.Status.Message).To(Equal("Data source created successfully."))

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "changed" })
		Eventually(func() string { return get(ds).(*v1alpha1.DataSource).Status.Message }, timeout, interval).
			Should(Equal("Data source updated successfully."))
		Expect(ds.Status.DataSourceID).To(Equal(doc.DataSourceID))
		Expect(get(conn).(*v1alpha1.OpenSearchConnection).Status.Dialect).To(Equal(v1alpha1.DialectDocumented))
	})

	It("sees no drift in an unchanged data source, and corrects a real one", func() {
		f := newFixture(withMode(fakeopensearch.ModeDocumented), withResync(time.Second))
		fake := f.fake
		ds := f.synced("metrics", func(d *v1alpha1.DataSource) {
			d.Spec.Properties = map[string]apiextensionsv1.JSON{"port": jsonValue(3306), "tls": jsonValue(true), "ratio": jsonValue(1.5)}
		})
		lists := fake.Count(fakeopensearch.OpList)
		writes := fake.CountMethod("PUT") + fake.CountMethod("POST")
		Eventually(func() int { return fake.Count(fakeopensearch.OpList) }, timeout, interval).Should(BeNumerically(">=", lists+3))
		Expect(fake.CountMethod("PUT")+fake.CountMethod("POST")).To(Equal(writes), "an unchanged data source was rewritten")

		fake.Mutate("metrics", func(d *fakeopensearch.Document) { d.Properties["port"] = 1 })
		Eventually(func() any { doc, _ := fake.Stored("metrics"); return doc.Properties["port"] }, timeout, interval).Should(BeNumerically("==", 3306))
		expectEvent(ds, "Normal DriftCorrected", "properties[port]")
	})

	It("resolves Auto to Documented from the server's reply", func() {
		f := newFixture(withMode(fakeopensearch.ModeDocumented), withDialect(v1alpha1.DialectAuto))
		fake, conn := f.fake, f.conn
		f.synced("metrics")
		Expect(stored(fake, "metrics").Configuration).NotTo(BeNil())
		Eventually(func() v1alpha1.Dialect {
			return get(conn).(*v1alpha1.OpenSearchConnection).Status.Dialect
		}, timeout, interval).Should(Equal(v1alpha1.DialectDocumented))
	})
})
