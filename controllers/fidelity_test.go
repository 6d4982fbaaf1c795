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
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// canaryPassword is a credential that must never show in status or events.
const canaryPassword = "canary-Pw-7c1e95"

// startFakeWith starts a SQL plugin fake with the suite's operator
// credentials and opts' cluster settings.
func startFakeWith(opts fakeopensearch.Options) *fakeopensearch.Server {
	opts.Mode, opts.Username, opts.Password = fakeopensearch.ModeSQLPlugin, "operator", "operator-pass"
	s, err := fakeopensearch.Start(opts)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	return s
}

// glueDataSource is an s3glue data source whose index store needs no
// credentials; extra properties are added to the connector's own.
func glueDataSource(ns, name, conn string, extra map[string]string) *v1alpha1.DataSource {
	ds := &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: v1alpha1.ConnectionReference{Name: conn},
			DataSourceParameters: v1alpha1.DataSourceParameters{
				Connector: "s3glue",
			},
		},
	}
	props := map[string]string{
		"glue.auth.type": "iam_role", "glue.auth.role_arn": "arn:aws:iam::123456789012:role/glue",
		"glue.indexstore.opensearch.uri": "http://opensearch.search.svc:9200", "glue.indexstore.opensearch.auth": "noauth",
	}
	for k, v := range extra {
		props[k] = v
	}
	ds.Spec.Properties = map[string]apiextensionsv1.JSON{}
	for k, v := range props {
		ds.Spec.Properties[k] = jsonValue(v)
	}
	return ds
}

// expectStalled waits for ds to be Ready=False with reason and Stalled,
// with a message naming every part and no secret.
func expectStalled(ds *v1alpha1.DataSource, reason string, parts ...string) {
	expectReady(ds, metav1.ConditionFalse, reason)
	EventuallyWithOffset(1, func() string { return conditionState(ds, v1alpha1.ConditionStalled) }, timeout, interval).
		Should(Equal("True/" + reason))
	msg := readyOf(get(ds).(*v1alpha1.DataSource)).Message
	for _, p := range parts {
		ExpectWithOffset(1, msg).To(ContainSubstring(p))
	}
	ExpectWithOffset(1, msg).NotTo(ContainSubstring(canaryPassword))
	ExpectWithOffset(1, joined(eventsFor(ds))).NotTo(ContainSubstring(canaryPassword))
}

var _ = Describe("What the SQL plugin refuses, and what it destroys", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("reports MasterKeyMissing naming the setting, while data sources without credentials work", func() {
		fake := startFakeWith(fakeopensearch.Options{NoMasterKey: true})
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Hour), withCreds(map[string]string{"username": "prom", "password": canaryPassword}))
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectStalled(ds, v1alpha1.ReasonMasterKeyMissing, "plugins.query.datasources.encryption.masterkey", "opensearch.yml")
		expectEvent(ds, "Warning MasterKeyMissing")

		open := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "open"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:  "prometheus",
					Properties: map[string]apiextensionsv1.JSON{"prometheus.uri": jsonValue("http://prometheus.monitoring.svc:9090")},
				},
			},
		}
		Expect(k8s.Create(ctx, open)).To(Succeed())
		expectReady(open, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})

	It("retries a host OpenSearch cannot resolve yet with backoff, under its own reason", func() {
		var exists atomic.Bool
		fake := startFakeWith(fakeopensearch.Options{Resolver: func(host string) ([]net.IP, error) {
			if host == "prometheus.monitoring.svc" && !exists.Load() {
				return nil, errors.New(host + ": Name or service not known")
			}
			return []net.IP{fakeopensearch.DefaultResolvedIP}, nil
		}})
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Hour), withCreds(map[string]string{"username": "prom", "password": canaryPassword}))
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonHostUnresolvable)
		Expect(readyOf(ds).Message).To(ContainSubstring("prometheus.uri"))
		Expect(conditionState(ds, v1alpha1.ConditionReconciling)).To(Equal("True/" + v1alpha1.ReasonHostUnresolvable))
		Expect(conditionState(ds, v1alpha1.ConditionStalled)).To(Equal(absentCondition))

		By("the Service appearing: the next retry succeeds without a spec change or a resync")
		exists.Store(true)
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})

	It("reports HostDenied and LimitReached naming their settings", func() {
		fake := startFakeWith(fakeopensearch.Options{DenyList: []string{fakeopensearch.DefaultResolvedIP.String()}})
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Hour), withCreds(map[string]string{"username": "prom", "password": canaryPassword}))
		denied := f.dataSource("denied")
		Expect(k8s.Create(ctx, denied)).To(Succeed())
		expectStalled(denied, v1alpha1.ReasonHostDenied, "plugins.query.datasources.uri.hosts.denylist")

		fake.SetLimit(1)
		fake.Seed(fakeopensearch.Document{Name: "someone_elses", Connector: "OPENSEARCH"})
		full := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "full"},
			Spec:       v1alpha1.DataSourceSpec{ConnectionRef: v1alpha1.ConnectionReference{Name: "os"}, DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "opensearch"}},
		}
		Expect(k8s.Create(ctx, full)).To(Succeed())
		expectStalled(full, v1alpha1.ReasonLimitReached, "plugins.query.datasources.limit")
	})

	It("reports APIDisabled naming the setting", func() {
		fake := startFakeWith(fakeopensearch.Options{})
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		fake.SetEnabled(false)
		ds := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "off"},
			Spec:       v1alpha1.DataSourceSpec{ConnectionRef: v1alpha1.ConnectionReference{Name: "os"}, DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "opensearch"}},
		}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectStalled(ds, v1alpha1.ReasonAPIDisabled, "plugins.query.datasources.enabled")
	})

	It("never deletes and re-creates an s3glue data source implicitly, and retains it on deletion", func() {
		fake := startFakeWith(fakeopensearch.Options{})
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		ds := glueDataSource(ns, "lake", "os", map[string]string{"glue.extra": "1"})
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		fake.AddFlintIndex("lake", "flint_lake_default_logs_skipping_index")

		By("removing a property the server keeps: RecreateRequired, no DELETE")
		update(ds, func(d *v1alpha1.DataSource) { delete(d.Spec.Properties, "glue.extra") })
		expectStalled(ds, v1alpha1.ReasonRecreateRequired, "glue.extra", "spec.recreatePolicy")
		Expect(fake.Count(fakeopensearch.OpDelete)).To(BeZero())
		fake.RunHousekeeper()
		Expect(fake.FlintIndices("lake")).To(HaveLen(1))

		By("allowing it: re-created, the key gone")
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.RecreatePolicy = v1alpha1.RecreateAllow })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "lake").Properties).NotTo(HaveKey("glue.extra"))
		expectEvent(ds, "Recreated")

		By("deleting the DataSource: the data source stays (deletionPolicy unset is Retain for s3glue)")
		kept := glueDataSource(ns, "kept", "os", nil)
		Expect(k8s.Create(ctx, kept)).To(Succeed())
		expectReady(kept, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		deletes := fake.Count(fakeopensearch.OpDelete)
		deleteAndWaitGone(kept)
		Expect(fake.StoredNames()).To(ContainElement("kept"))
		Expect(fake.Count(fakeopensearch.OpDelete)).To(Equal(deletes))
	})

	It("warns before setting an s3glue data source DISABLED, and says so in an Observe plan", func() {
		fake := startFakeWith(fakeopensearch.Options{})
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Hour)
		ds := glueDataSource(ns, "lake", "os", nil)
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Status = v1alpha1.StateDisabled })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "lake").Status).To(Equal("DISABLED"))
		expectEvent(ds, "Warning Disabling", "auto-refresh", "Flint")

		watcher := glueDataSource(ns, "watcher", "os", nil)
		watcher.Spec.Name = "seen"
		watcher.Spec.ManagementPolicy = v1alpha1.ManagementObserve
		watcher.Spec.Status = v1alpha1.StateDisabled
		fake.Seed(fakeopensearch.Document{Name: "seen", Connector: "S3GLUE", Properties: map[string]any{
			"glue.auth.type": "iam_role", "glue.auth.role_arn": "arn:aws:iam::123456789012:role/glue",
			"glue.indexstore.opensearch.uri": "http://opensearch.search.svc:9200", "glue.indexstore.opensearch.auth": "noauth"}})
		Expect(k8s.Create(ctx, watcher)).To(Succeed())
		expectReady(watcher, metav1.ConditionFalse, v1alpha1.ReasonDrifted)
		Eventually(func() string { return conditionStateWithMessage(watcher, v1alpha1.ConditionDrifted) }, timeout, interval).
			Should(ContainSubstring(`status ("ACTIVE" → "DISABLED"; writing DISABLED: `))
	})

	It("changes what holds no credential with PATCH, keeping DISABLED, and resends credentials with PUT", func() {
		fake := startFakeWith(fakeopensearch.Options{})
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Hour), withCreds(map[string]string{"username": "prom", "password": canaryPassword}))
		secret := f.creds
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		fake.ResetCounts()

		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "patched"; d.Spec.Status = v1alpha1.StateDisabled })
		Eventually(func() string { return stored(fake, "metrics").Description }, timeout, interval).Should(Equal("patched"))
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.ResultIndex = "query_execution_result_moved" })
		Eventually(func() string { return stored(fake, "metrics").ResultIndex }, timeout, interval).Should(Equal("query_execution_result_moved"))
		doc := stored(fake, "metrics")
		Expect(doc.Status).To(Equal("DISABLED"), "a resultIndex PATCH without status re-activates")
		Expect(doc.Properties["prometheus.auth.password"]).To(Equal(canaryPassword))
		Expect(fake.Count(fakeopensearch.OpPatch)).To(Equal(2))
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(BeZero())

		rotatePassword(secret, fake, "metrics", "rotated-Pw-31")
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(Equal(1))

		By("a user without the patch permission: PUT instead")
		fake.Forbid(fakeopensearch.ActionPatch)
		update(ds, func(d *v1alpha1.DataSource) { d.Spec.Description = "put again" })
		Eventually(func() string { return stored(fake, "metrics").Description }, timeout, interval).Should(Equal("put again"))
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(Equal(2))
	})

	It("rewrites credentials changed inside OpenSearch after the connection's credentialRewritePeriod", func() {
		fake := startFakeWith(fakeopensearch.Options{})
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Second), withCreds(map[string]string{"username": "prom", "password": canaryPassword}))
		conn := f.conn
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		changedInside := func() {
			fake.Mutate("metrics", func(d *fakeopensearch.Document) { d.Properties["prometheus.auth.password"] = "set-by-hand" })
		}
		backdate := func() {
			Eventually(func() error {
				get(ds)
				patch := client.MergeFrom(ds.DeepCopy())
				ds.Status.LastSyncTime = &metav1.Time{Time: time.Now().Add(-2 * time.Hour)}
				return k8s.Status().Patch(ctx, ds, patch)
			}, timeout, interval).Should(Succeed())
		}
		password := func() any { return stored(fake, "metrics").Properties["prometheus.auth.password"] }

		By("without a period, nothing shows the change, so nothing is written")
		changedInside()
		backdate()
		Consistently(password, 3*time.Second, interval).Should(Equal("set-by-hand"))

		By("with a period that has passed since the last write, the credentials are written again")
		Eventually(func() error {
			get(conn)
			conn.Spec.CredentialRewritePeriod = &metav1.Duration{Duration: time.Hour}
			return k8s.Update(ctx, conn)
		}, timeout, interval).Should(Succeed())
		Eventually(password, timeout, interval).Should(Equal(canaryPassword))
		Expect(strings.Join(eventsFor(ds), "\n")).NotTo(ContainSubstring(canaryPassword))
	})
})
