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
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// writesTo counts the requests that could change what fake stores.
func writesTo(fake *fakeopensearch.Server) int {
	return fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate) +
		fake.Count(fakeopensearch.OpPatch) + fake.Count(fakeopensearch.OpDelete)
}

// overwrites counts the requests that change or remove a stored data
// source: a create can at most be refused with 409 when one exists.
func overwrites(fake *fakeopensearch.Server) int {
	return fake.Count(fakeopensearch.OpUpdate) + fake.Count(fakeopensearch.OpPatch) + fake.Count(fakeopensearch.OpDelete)
}

// seedPrometheus stores, out of band, the data source prometheusDataSource
// describes on the SQL plugin, credentials included.
func seedPrometheus(fake *fakeopensearch.Server, name string) {
	fake.Seed(fakeopensearch.Document{
		Name: name, Connector: "PROMETHEUS", Description: "cluster metrics", AllowedRoles: []string{"prometheus_access"},
		Properties: map[string]any{
			"prometheus.uri": "http://prometheus.monitoring.svc:9090", "prometheus.auth.type": "basicauth",
			"prometheus.auth.username": "by-hand", "prometheus.auth.password": "by-hand-pass",
		},
	})
}

func observed(ds *v1alpha1.DataSource) *v1alpha1.DataSource {
	ds.Spec.ManagementPolicy = v1alpha1.ManagementObserve
	return ds
}

// observeWhileRemoved switches ds to Observe, removes its data source name
// from fake out of band, and returns ds once it reports NotFound.
func observeWhileRemoved(ds *v1alpha1.DataSource, fake *fakeopensearch.Server, name string) *v1alpha1.DataSource {
	By("observing it while someone removes it")
	update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementObserve })
	expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)
	ExpectWithOffset(1, fake.Remove(name)).To(BeTrue())
	// An edit makes it compare with a list newer than the removal.
	update(ds, func(d *v1alpha1.DataSource) { d.Spec.Suspend = true })
	update(ds, func(d *v1alpha1.DataSource) { d.Spec.Suspend = false })
	return expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonNotFound)
}

// allowObserve sets spec.observe Allow on cc.
func allowObserve(cc *v1alpha1.ClusterOpenSearchConnection) {
	Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(cc), cc); err != nil {
			return err
		}
		cc.Spec.Observe = v1alpha1.ObserveAllow
		return k8s.Update(ctx, cc)
	}, timeout, interval).Should(Succeed())
}

func driftedOf(ds *v1alpha1.DataSource) *metav1.Condition {
	return meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionDrifted)
}

var _ = Describe("managementPolicy Observe", func() {
	var (
		ns   string
		fake *fakeopensearch.Server
		f    *fixture
	)
	BeforeEach(func() {
		// The Secret's values differ from the stored ones: credentials are
		// not compared.
		f = newFixture(withResync(time.Hour))
		ns, fake = f.ns, f.fake
	})

	It("reports a matching data source as Observed, writing nothing and claiming nothing", func() {
		seedPrometheus(fake, "metrics")
		ds := observed(f.dataSource("metrics"))
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)
		Expect(readyOf(ds).Message).To(ContainSubstring("matches the spec"))
		Expect(driftedOf(ds).Status).To(Equal(metav1.ConditionFalse))
		Expect(ds.Status.Status).To(Equal("ACTIVE"))
		Expect(ds.Status.Connection).To(BeNil())
		Expect(ds.Status.Adopted).To(BeFalse())
		Expect(ds.Status.CredentialKeys).To(BeEmpty())
		Expect(ds.Status.Fingerprint).To(BeEmpty())
		Expect(ds.Status.LastSyncTime).To(BeNil())
		Expect(controllerutil.ContainsFinalizer(ds, v1alpha1.DataSourceFinalizer)).To(BeFalse())
		expectEvent(ds, "Observed", "matches the spec")
		Expect(writesTo(fake)).To(BeZero())
		Expect(stored(fake, "metrics").Properties["prometheus.auth.password"]).To(Equal("by-hand-pass"))
	})

	It("names the differing fields under Drifted, with their values from → to, writing nothing", func() {
		seedPrometheus(fake, "metrics")
		fake.Mutate("metrics", func(d *fakeopensearch.Document) {
			d.Description = "edited by hand"
			d.Properties["team"] = "sre"
		})
		ds := observed(f.dataSource("metrics"))
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonDrifted)
		plan := `description ("edited by hand" → "cluster metrics"), properties[team] (not in spec; "sre")`
		Expect(readyOf(ds).Message).To(ContainSubstring(plan))
		d := driftedOf(ds)
		Expect(d.Status).To(Equal(metav1.ConditionTrue))
		Expect(d.Reason).To(Equal(v1alpha1.ReasonDiffers))
		Expect(d.Message).To(Equal("Differs from the spec: " + plan))
		Expect(meta.IsStatusConditionTrue(ds.Status.Conditions, v1alpha1.ConditionStalled)).To(BeTrue())
		expectEvent(ds, "Warning Drifted", "description")

		By("clearing Drifted once the spec says what OpenSearch holds")
		update(ds, func(d *v1alpha1.DataSource) {
			d.Spec.Description = "edited by hand"
			d.Spec.Properties = map[string]apiextensionsv1.JSON{"team": jsonValue("sre")}
		})
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)
		Expect(driftedOf(ds).Status).To(Equal(metav1.ConditionFalse))
		Expect(writesTo(fake)).To(BeZero())
	})

	It("reports a missing data source as NotFound, creating nothing", func() {
		ds := observed(f.dataSource("metrics"))
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonNotFound)
		Expect(readyOf(ds).Message).To(ContainSubstring("Observe never creates"))
		Expect(meta.IsStatusConditionTrue(ds.Status.Conditions, v1alpha1.ConditionStalled)).To(BeTrue())
		Expect(writesTo(fake)).To(BeZero())

		By("seeing it once it exists, at the connection's next list")
		seedPrometheus(fake, "metrics")
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Suspend = true })
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Suspend = false })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)
		Expect(writesTo(fake)).To(BeZero())
	})

	It("forgets what it wrote once it sees the data source gone, so a switch back meets the adoption rule", func() {
		conn := &v1alpha1.OpenSearchConnection{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "os"}, conn)).To(Succeed())
		conn.Spec.Adoption = v1alpha1.AdoptionDeny
		Expect(k8s.Update(ctx, conn)).To(Succeed())
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Connection).NotTo(BeNil())

		ds = observeWhileRemoved(ds, fake, "metrics")
		Expect(ds.Status.Connection).To(BeNil(), "the record of a write whose data source is gone was kept")
		Expect(ds.Status.LastSyncTime).To(BeNil())

		By("someone else making one of that name, then switching back")
		fake.Seed(fakeopensearch.Document{Name: "metrics", Connector: "PROMETHEUS",
			Properties: map[string]any{"prometheus.uri": "http://someone-else:9090"}})
		fake.ResetCounts()
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementCreateOrUpdate })
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonAdoptionDenied)
		// The list from before someone else's create may send a POST, which
		// the server refuses with 409; nothing may overwrite or delete.
		Expect(overwrites(fake)).To(BeZero())
		Expect(stored(fake, "metrics").Properties["prometheus.uri"]).To(Equal("http://someone-else:9090"))
	})

	It("never takes a matching data source someone else made for its own because its fingerprint matches", func() {
		conn := &v1alpha1.OpenSearchConnection{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "os"}, conn)).To(Succeed())
		conn.Spec.Adoption = v1alpha1.AdoptionDeny
		Expect(k8s.Update(ctx, conn)).To(Succeed())
		// Nothing OpenSearch hides: what the server shows is the whole spec.
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "plain"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:  "prometheus",
					Properties: map[string]apiextensionsv1.JSON{"prometheus.uri": {Raw: []byte(`"http://prometheus:9090"`)}},
				},
			},
		}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Fingerprint).NotTo(BeEmpty())

		ds = observeWhileRemoved(ds, fake, "plain")
		Expect(ds.Status.Fingerprint).To(BeEmpty(), "the fingerprint of a write whose data source is gone was kept")

		By("someone else making an identical one, then switching back")
		fake.Seed(fakeopensearch.Document{Name: "plain", Connector: "PROMETHEUS",
			Properties: map[string]any{"prometheus.uri": "http://prometheus:9090"}})
		fake.ResetCounts()
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementCreateOrUpdate })
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonAdoptionDenied)
		Expect(ds.Status.Connection).To(BeNil(), "the other party's data source was recorded as this DataSource's")
		deleteAndWaitGone(ds)
		_, ok := fake.Stored("plain")
		Expect(ok).To(BeTrue(), "deleting the DataSource deleted a data source someone else made")
	})

	It("applies the spec with one write once switched to CreateOrUpdate", func() {
		seedPrometheus(fake, "metrics")
		fake.Mutate("metrics", func(d *fakeopensearch.Document) { d.Description = "edited by hand" })
		ds := observed(f.dataSource("metrics"))
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonDrifted)
		Expect(writesTo(fake)).To(BeZero())

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementCreateOrUpdate })
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(writesTo(fake)).To(Equal(1))
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(Equal(1))
		doc := stored(fake, "metrics")
		Expect(doc.Description).To(Equal("cluster metrics"))
		Expect(doc.Properties["prometheus.auth.password"]).To(Equal("prom-pass"))
		Expect(ds.Status.Adopted).To(BeTrue(), "the data source existed before the DataSource wrote it")
		Expect(ds.Status.Connection).NotTo(BeNil())
		Expect(driftedOf(ds).Reason).To(Equal(v1alpha1.ReasonCorrected))
		Expect(controllerutil.ContainsFinalizer(ds, v1alpha1.DataSourceFinalizer)).To(BeTrue())
	})

	It("never deletes the data source when the DataSource is deleted", func() {
		seedPrometheus(fake, "metrics")
		ds := observed(f.dataSource("metrics"))
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)
		deleteAndWaitGone(ds)
		Consistently(func() bool { _, ok := fake.Stored("metrics"); return ok }, time.Second, interval).Should(BeTrue())
		Expect(writesTo(fake)).To(BeZero())
	})

	It("leaves the data source when a DataSource that wrote it is switched to Observe and deleted", func() {
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementObserve })
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)
		Expect(ds.Status.Connection).NotTo(BeNil(), "Observe leaves the record of the earlier write as it is")
		deleteAndWaitGone(ds)
		_, ok := fake.Stored("metrics")
		Expect(ok).To(BeTrue())
		Expect(fake.Count(fakeopensearch.OpDelete)).To(BeZero())
		expectEvent(ds, "Retained", "Observe never deletes")
	})

	It("neither blocks a DataSource that writes the data source nor is blocked by it", func() {
		watcher := observed(f.dataSource("watcher"))
		watcher.Spec.Name = "shared"
		Expect(k8s.Create(ctx, watcher)).To(Succeed())
		expectReady(watcher, metav1.ConditionFalse, v1alpha1.ReasonNotFound)

		writer := f.dataSource("writer")
		writer.Spec.Name = "shared"
		Expect(k8s.Create(ctx, writer)).To(Succeed())
		expectReady(writer, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		update(watcher, func(d *v1alpha1.DataSource) { d.Spec.Description = "cluster metrics " })
		update(watcher, func(d *v1alpha1.DataSource) { d.Spec.Description = "cluster metrics" })
		expectReady(watcher, metav1.ConditionTrue, v1alpha1.ReasonObserved)

		By("and the watcher's deletion leaves the writer's data source")
		deleteAndWaitGone(watcher)
		Expect(stored(fake, "shared").Description).To(Equal("cluster metrics"))
		Expect(fake.Count(fakeopensearch.OpDelete)).To(BeZero())
	})

	It("does not write empty credentials from a Secret stub when switched to CreateOrUpdate", func() {
		seedPrometheus(fake, "metrics")
		createSecret(ns, "stub", map[string]string{"username": "", "password": ""})
		ds := observed(prometheusDataSource(ns, "metrics", "os", "stub"))
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementCreateOrUpdate })
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonSecretKeyNotFound)
		Expect(readyOf(ds).Message).To(ContainSubstring(`key "username" (spec.configuration.credentials) is empty`))
		Expect(writesTo(fake)).To(BeZero())
		Expect(stored(fake, "metrics").Properties["prometheus.auth.password"]).To(Equal("by-hand-pass"))
	})
})

var _ = Describe("managementPolicy Observe on a ClusterOpenSearchConnection", func() {
	It("reads nothing it did not write unless the connection's spec.observe allows it", func() {
		ns, other := newNamespace(), newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		cc := clusterConnection(fake, ns, []string{other})
		for _, n := range []string{ns, other} {
			createSecret(n, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		}
		owner := prometheusDataSource(other, "theirs", cc.Name, "prom-creds")
		owner.Spec.Name, owner.Spec.ConnectionRef.Kind = "private", v1alpha1.KindClusterOpenSearchConnection
		owner.Spec.Properties = map[string]apiextensionsv1.JSON{"team": {Raw: []byte(`"secret-project"`)}}
		Expect(k8s.Create(ctx, owner)).To(Succeed())
		expectReady(owner, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		By("a tenant guessing at another namespace's data source")
		spy := observed(prometheusDataSource(ns, "spy", cc.Name, "prom-creds"))
		spy.Spec.Name, spy.Spec.ConnectionRef.Kind = "private", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, spy)).To(Succeed())
		spy = expectReady(spy, metav1.ConditionFalse, v1alpha1.ReasonObserveDenied)
		Expect(readyOf(spy).Message).To(ContainSubstring("spec.observe Deny"))
		Expect(readyOf(spy).Message).NotTo(ContainSubstring("team"))
		Expect(driftedOf(spy)).To(BeNil(), "a Drifted condition told the tenant which fields differ")
		Expect(spy.Status.DataSourceID).To(BeEmpty())

		By("an administrator allowing it")
		allowObserve(cc)
		expectReady(spy, metav1.ConditionFalse, v1alpha1.ReasonDrifted)
	})

	It("reports AdoptionDenied after a switch to CreateOrUpdate under the default adoption Deny", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		seedPrometheus(fake, "metrics")
		cc := clusterConnection(fake, ns, nil)
		allowObserve(cc)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := observed(prometheusDataSource(ns, "metrics", cc.Name, "prom-creds"))
		ds.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonObserved)

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ManagementPolicy = v1alpha1.ManagementCreateOrUpdate })
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonAdoptionDenied)
		Expect(readyOf(ds).Message).To(ContainSubstring("adoption Deny"))
		Expect(writesTo(fake)).To(BeZero())
	})
})

var _ = Describe("CreateOrUpdate over a data source that already matches", func() {
	It("adopts it without a write when the spec holds nothing OpenSearch hides", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		fake.Seed(fakeopensearch.Document{Name: "logs", Connector: "OPENSEARCH", Description: "local"})
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "logs"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:   "opensearch",
					Description: "local",
				},
			},
		}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Adopted).To(BeTrue())
		Expect(ds.Status.Connection).NotTo(BeNil())
		Expect(ds.Status.Fingerprint).NotTo(BeEmpty())
		expectEvent(ds, "Matched", "nothing was written")
		Expect(writesTo(fake)).To(BeZero())

		By("writing as usual once the spec differs")
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "changed" })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Eventually(func() string { return stored(fake, "logs").Description }, timeout, interval).Should(Equal("changed"))
	})
})
