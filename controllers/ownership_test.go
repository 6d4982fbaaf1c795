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
	"fmt"
	"net"
	"strings"
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

var _ = Describe("Ownership", func() {
	It("records where it wrote and which credential keys, never their values", func() {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Hour))
		fake := f.fake
		conn := f.conn
		ds := f.synced("metrics")
		Expect(ds.Status.Connection).NotTo(BeNil())
		Expect(*ds.Status.Connection).To(Equal(v1alpha1.WrittenConnection{
			Kind: v1alpha1.KindOpenSearchConnection, Name: "os", UID: conn.UID, Endpoint: normalized(fake.URL()), ClusterUUID: fake.ClusterUUID()}))
		Expect(ds.Status.Adopted).To(BeFalse(), "this DataSource created the data source")
		Expect(ds.Status.CredentialKeys).To(Equal([]string{"prometheus.auth.password", "prometheus.auth.username"}))
	})

	It("moves the data source when connectionRef changes, deleting it from the old cluster because it created it", func() {
		ns := newNamespace()
		oldFake, newFake := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "old", oldFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createConnection(ns, "new", newFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "old", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(oldFake, "metrics")

		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "new" })
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(newFake, "metrics")
		Eventually(func() bool { _, ok := oldFake.Stored("metrics"); return ok }, timeout, interval).Should(BeFalse(),
			"the data source stayed on the old cluster")
		Expect(ds.Status.Connection.Name).To(Equal("new"))
		expectEvent(ds, "Moved", "deleted it from")

		deleteAndWaitGone(ds)
		_, ok := newFake.Stored("metrics")
		Expect(ok).To(BeFalse(), "deletion did not act where the status says the data source is")
	})

	It("does not take a data source someone else made for its own after moving back to where it once created one", func() {
		ns := newNamespace()
		xFake, yFake := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		x := createConnection(ns, "x", xFake, v1alpha1.DialectSQLPlugin, time.Hour)
		editConnection(x, func(c *v1alpha1.OpenSearchConnection) { c.Spec.Adoption = v1alpha1.AdoptionDeny })
		// y already holds one, so the move adopts it there and creates
		// nothing: the create on x is the last this DataSource made.
		createConnection(ns, "y", yFake, v1alpha1.DialectSQLPlugin, time.Hour)
		seedPrometheus(yFake, "metrics")
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "x", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "y" })
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Adopted).To(BeTrue())
		Eventually(func() bool { _, ok := xFake.Stored("metrics"); return ok }, timeout, interval).Should(BeFalse())

		By("another team creating the same name on x, then moving back")
		xFake.Seed(fakeopensearch.Document{Name: "metrics", Connector: "PROMETHEUS", Description: "another team's",
			Properties: map[string]any{"prometheus.uri": "http://theirs:9090"}})
		xFake.ResetCounts()
		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "x" })
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonAdoptionDenied)
		Expect(readyOf(ds).Message).To(Equal(fmt.Sprintf("data source \"metrics\" already exists on %s and this DataSource did not create it; "+
			"OpenSearchConnection/%s/x has spec.adoption Deny; to go on, set spec.adoption: Allow on the connection, "+
			"delete the data source in OpenSearch, or give a new DataSource another spec.name", xFake.URL(), ns)))
		// A list from before the other team's create may lead to a POST,
		// which the server refuses with 409; nothing else may reach it.
		Expect(overwrites(xFake)).To(BeZero(), "the other team's data source was written over")
		Expect(stored(xFake, "metrics").Description).To(Equal("another team's"))
		Expect(ds.Status.Connection.Name).To(Equal("y"), "the record of the write on y was lost")
		Expect(ds.Status.PendingCreate).To(BeNil(), "a create the server refused is still recorded as pending")
	})

	It("takes no list of the old cluster for one of a connection's new endpoint", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		conn := createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		// No credential: a data source that matches is kept without a write.
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "solo"},
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
		written := ds.Status.Connection.Endpoint

		By("pointing the connection at a server that never answers")
		// Its probe hangs for the request timeout, so the connection still
		// reads Ready from before the edit while the DataSources reconcile
		// against the new endpoint: the old cluster's list must not stand in.
		silent := silentServer()
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(conn), conn); err != nil {
				return err
			}
			conn.Spec.Endpoint = silent
			conn.Spec.RequestTimeout = &metav1.Duration{Duration: 5 * time.Second}
			return k8s.Update(ctx, conn)
		}, timeout, interval).Should(Succeed())
		Consistently(func() string { return get(ds).(*v1alpha1.DataSource).Status.Connection.Endpoint }, 4*time.Second, interval).Should(
			Equal(written), "status.connection names an endpoint no request was answered by")
		Expect(eventsFor(ds)).NotTo(ContainElement(ContainSubstring("Moved")))
		Expect(eventsFor(ds)).NotTo(ContainElement(ContainSubstring("already matches the spec")))

		By("deleting it releases it without a call to the new endpoint")
		deleteAndWaitGone(ds)
		_, ok := fake.Stored("solo")
		Expect(ok).To(BeTrue(), "the data source on the cluster the connection no longer names was deleted")
	})

	It("keeps an adopted data source on the old cluster when it moves", func() {
		ns := newNamespace()
		oldFake, newFake := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		oldFake.Seed(fakeopensearch.Document{Name: "metrics", Connector: "PROMETHEUS",
			Properties: map[string]any{"prometheus.uri": "http://by-hand:9090"}})
		createConnection(ns, "old", oldFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createConnection(ns, "new", newFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "old", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Adopted).To(BeTrue(), "the data source existed before the DataSource")

		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "new" })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(newFake, "metrics")
		Consistently(func() bool { _, ok := oldFake.Stored("metrics"); return ok }, time.Second, interval).Should(BeTrue())
		Expect(oldFake.CountMethod("DELETE")).To(BeZero())
		expectEvent(ds, "Moved", "did not create it there")
	})

	It("releases the old cluster when it moves onto one that already holds a matching data source", func() {
		ns := newNamespace()
		oldFake, newFake := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		newFake.Seed(fakeopensearch.Document{Name: "logs", Connector: "OPENSEARCH", Description: "local"})
		createConnection(ns, "old", oldFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createConnection(ns, "new", newFake, v1alpha1.DialectSQLPlugin, time.Hour)
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "logs"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "old"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:   "opensearch",
					Description: "local",
				},
			},
		}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Adopted).To(BeFalse())

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ConnectionRef.Name = "new" })
		Eventually(func() string {
			c := get(ds).(*v1alpha1.DataSource).Status.Connection
			if c == nil {
				return ""
			}
			return c.Name
		}, timeout, interval).Should(Equal("new"))
		Eventually(func() bool { _, ok := oldFake.Stored("logs"); return ok }, timeout, interval).Should(BeFalse(),
			"the copy this DataSource created on the old cluster stayed behind")
		Expect(writesTo(newFake)).To(BeZero(), "the matching data source needed no write: create %d update %d patch %d list %d", newFake.Count(fakeopensearch.OpCreate), newFake.Count(fakeopensearch.OpUpdate), newFake.Count(fakeopensearch.OpPatch), newFake.Count(fakeopensearch.OpList))
		expectEvent(ds, "Moved", "deleted it from")
	})

	It("sees a conflict across two connections to one cluster, and the loser's deletion keeps the data source", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "a", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		createConnection(ns, "b", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		first := prometheusDataSource(ns, "first", "a", "prom-creds")
		first.Spec.Name = "shared"
		Expect(k8s.Create(ctx, first)).To(Succeed())
		expectReady(first, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		second := prometheusDataSource(ns, "second", "b", "prom-creds")
		second.Spec.Name, second.Spec.Description = "shared", "the other one"
		Expect(k8s.Create(ctx, second)).To(Succeed())
		second = expectReady(second, metav1.ConditionFalse, v1alpha1.ReasonConflict)
		Expect(readyOf(second).Message).To(ContainSubstring(ns + "/first"))
		Expect(second.Status.Connection).To(BeNil())
		Expect(stored(fake, "shared").Description).To(Equal("cluster metrics"))

		deleteAndWaitGone(second)
		_, ok := fake.Stored("shared")
		Expect(ok).To(BeTrue(), "the DataSource that lost the conflict deleted the data source")
	})

	It("denies adoption on a ClusterOpenSearchConnection by default, writing nothing", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		fake.Seed(fakeopensearch.Document{Name: "by-hand", Connector: "PROMETHEUS",
			Properties: map[string]any{"prometheus.uri": "http://by-hand:9090"}})
		cc := clusterConnection(fake, ns, nil)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "taker", cc.Name, "prom-creds")
		ds.Spec.Name, ds.Spec.ConnectionRef.Kind = "by-hand", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonAdoptionDenied)
		Expect(readyOf(ds).Message).To(ContainSubstring("adoption Deny"))
		Expect(fake.CountMethod("PUT")+fake.CountMethod("POST")).To(BeZero(), "a write reached the server")
		Expect(stored(fake, "by-hand").Properties["prometheus.uri"]).To(Equal("http://by-hand:9090"))

		deleteAndWaitGone(ds)
		_, ok := fake.Stored("by-hand")
		Expect(ok).To(BeTrue(), "a DataSource denied adoption deleted the data source")
	})

	It("adopts a data source its connection listed before the DataSource existed, sending no create", func() {
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		seedPrometheus(fake, "legacy")
		seedPrometheus(fake, "unrelated")
		f := newFixture(onFake(fake), withResync(time.Hour))
		Expect(fake.Count(fakeopensearch.OpList)).To(BeNumerically(">", 0), "the connection's list was never fetched")
		fake.ResetCounts()
		// The list was taken when no DataSource named "legacy": the
		// operator kept none of its details, and must not read that as
		// missing.
		ds := f.synced("legacy")
		Expect(fake.Count(fakeopensearch.OpCreate)).To(BeZero(), "a create was sent for a data source the list had")
		Expect(fake.Count(fakeopensearch.OpUpdate) + fake.Count(fakeopensearch.OpPatch)).To(Equal(1))
		Expect(ds.Status.Adopted).To(BeTrue())
	})

	It("denies adoption when the data source appears after the list that said it was missing", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		cc := clusterConnection(fake, ns, nil)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		first := prometheusDataSource(ns, "first", cc.Name, "prom-creds")
		first.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, first)).To(Succeed())
		expectReady(first, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(fake.Count(fakeopensearch.OpList)).To(BeNumerically(">", 0), "the connection's list was never fetched")

		fake.Seed(fakeopensearch.Document{Name: "by_hand", Connector: "PROMETHEUS",
			Properties: map[string]any{"prometheus.uri": "http://by-hand:9090"}})
		fake.ResetCounts()
		ds := prometheusDataSource(ns, "taker", cc.Name, "prom-creds")
		ds.Spec.Name, ds.Spec.ConnectionRef.Kind = "by_hand", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonAdoptionDenied)
		Expect(fake.CountMethod("PUT")).To(BeZero(), "the 409 of the create led to a write over the data source")
		Expect(stored(fake, "by_hand").Properties["prometheus.uri"]).To(Equal("http://by-hand:9090"))
		Expect(ds.Status.Connection).To(BeNil(), "the denied DataSource recorded the data source as its own")
	})
})

// normalized is the fake's URL as status.connection records it: the fake
// listens on an explicit port and no path.
func normalized(url string) string { return strings.TrimSuffix(url, "/") }

// silentServer is the URL of a loopback server that accepts connections
// and never answers; it stops when the spec ends.
func silentServer() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	done := make(chan struct{})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { <-done; _ = c.Close() }()
		}
	}()
	DeferCleanup(func() { close(done); _ = l.Close() })
	return "http://" + l.Addr().String()
}

var _ = Describe("Cluster identity", func() {
	// aliasedConnections makes a namespace with two connections to one
	// fake: "by-ip" at its URL, and "by-name" at the URL with the IP
	// replaced by a host name that resolves to it (another spelling of the
	// same cluster), probed; and the Secret prom-creds.
	aliasedConnections := func() (string, *fakeopensearch.Server) {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "by-ip", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		byHost := createConnection(ns, "by-name", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		editConnection(byHost, func(c *v1alpha1.OpenSearchConnection) {
			c.Spec.Endpoint = strings.Replace(fake.URL(), "127.0.0.1", "localhost", 1)
		})
		Eventually(func() string { return get(byHost).(*v1alpha1.OpenSearchConnection).Status.ClusterUUID }, timeout, interval).Should(
			Equal(fake.ClusterUUID()))
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		return ns, fake
	}

	It("does not delete the data source when it moves between two addresses of one cluster", func() {
		ns, fake := aliasedConnections()
		ds := prometheusDataSource(ns, "metrics", "by-ip", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Connection.ClusterUUID).To(Equal(fake.ClusterUUID()))

		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "by-name" })
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Connection.Name).To(Equal("by-name"))
		Expect(fake.CountMethod("DELETE")).To(BeZero(), "the move deleted the data source it had just written, from the same cluster")
		stored(fake, "metrics")
		Expect(eventsFor(ds)).NotTo(ContainElement(ContainSubstring("Moved")))
	})

	It("does not delete on a move between aliases when the record predates the cluster's uuid", func() {
		ns, fake := aliasedConnections()
		ds := prometheusDataSource(ns, "metrics", "by-ip", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		By("making the record look like one an earlier release wrote, without the uuid")
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds); err != nil {
				return err
			}
			ds.Status.Connection.ClusterUUID = ""
			return k8s.Status().Update(ctx, ds)
		}, timeout, interval).Should(Succeed())

		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "by-name" })
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(ds.Status.Connection.Name).To(Equal("by-name"))
		Expect(fake.CountMethod("DELETE")).To(BeZero(), "the move deleted the data source it had just written, from the same cluster")
		stored(fake, "metrics")
	})

	It("sees a conflict between two DataSources that reach one cluster through different addresses", func() {
		ns, fake := aliasedConnections()
		first := prometheusDataSource(ns, "first", "by-ip", "prom-creds")
		first.Spec.Name = "shared"
		Expect(k8s.Create(ctx, first)).To(Succeed())
		expectReady(first, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		second := prometheusDataSource(ns, "second", "by-name", "prom-creds")
		second.Spec.Name, second.Spec.Description = "shared", "the other one"
		Expect(k8s.Create(ctx, second)).To(Succeed())
		expectReady(second, metav1.ConditionFalse, v1alpha1.ReasonConflict)
		Expect(stored(fake, "shared").Description).To(Equal("cluster metrics"))
	})

	It("tells two clusters apart that one address reached in turn", func() {
		a, b := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		Expect(a.ClusterUUID()).NotTo(Equal(b.ClusterUUID()))
		shared, err := fakeopensearch.Start(fakeopensearch.Options{ClusterUUID: a.ClusterUUID()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(shared.Close)
		Expect(shared.ClusterUUID()).To(Equal(a.ClusterUUID()))
	})
})

var _ = Describe("Rivals", func() {
	It("lets no DataSource that can never write hold off one that can", func() {
		ns, squatter := newNamespace(), newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		// The cluster connection admits ns only.
		cc := clusterConnection(fake, ns, nil)
		for _, n := range []string{ns, squatter} {
			createSecret(n, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		}
		older := prometheusDataSource(squatter, "squat", cc.Name, "prom-creds")
		older.Spec.Name, older.Spec.ConnectionRef.Kind = "shared", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, older)).To(Succeed())
		expectReady(older, metav1.ConditionFalse, v1alpha1.ReasonNamespaceNotAllowed)
		// Creation times have one-second granularity: be younger for sure.
		time.Sleep(1100 * time.Millisecond)

		owner := prometheusDataSource(ns, "owner", cc.Name, "prom-creds")
		owner.Spec.Name, owner.Spec.ConnectionRef.Kind = "shared", v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, owner)).To(Succeed())
		expectReady(owner, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(fake, "shared")

		By("a suspended DataSource on a never-Ready connection naming the same endpoint")
		createConnection(squatter, "never-ready", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		var s corev1.Secret
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: squatter, Name: "never-ready-auth"}, &s)).To(Succeed())
		s.StringData = map[string]string{"password": "wrong"}
		Expect(k8s.Update(ctx, &s)).To(Succeed())
		Eventually(func() string {
			return conditionState(&v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: squatter, Name: "never-ready"}},
				v1alpha1.ConditionReady)
		}, timeout, interval).Should(Equal("False/" + v1alpha1.ReasonForbidden))
		update(older, func(d *v1alpha1.DataSource) {
			d.Spec.ConnectionRef = v1alpha1.ConnectionReference{Name: "never-ready"}
		})
		expectReady(older, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		update(owner, func(d *v1alpha1.DataSource) { d.Spec.Description = "still mine" })
		expectReady(owner, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "shared").Description).To(Equal("still mine"))
	})
})
