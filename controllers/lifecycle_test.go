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
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// gatherText renders a metrics registry in the Prometheus text format.
func gatherText(reg *prometheus.Registry) string {
	families, err := reg.Gather()
	Expect(err).NotTo(HaveOccurred())
	var b strings.Builder
	for _, f := range families {
		_, err := expfmt.MetricFamilyToText(&b, f)
		Expect(err).NotTo(HaveOccurred())
	}
	return b.String()
}

var _ = Describe("Operator restart", func() {
	It("makes no write to OpenSearch or to status when nothing changed", func() {
		ns := newNamespace(isolatedLabel, "true")
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		isolated := cache.Options{
			DefaultLabelSelector: labels.SelectorFromSet(labels.Set{isolatedLabel: "true"}),
			DefaultNamespaces:    map[string]cache.Config{ns: {}},
		}

		first, stopFirst := context.WithCancel(context.Background())
		DeferCleanup(stopFirst)
		startManager(first, "restart-a-"+rand.String(4), isolated)
		f := newFixture(inNamespace(ns), onFake(fake), withDialect(v1alpha1.DialectAuto), withLabels(isolatedLabel, "true"))
		conn := f.conn
		ds := f.dataSource("metrics")
		ds.Labels = map[string]string{isolatedLabel: "true"}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Eventually(func() v1alpha1.Dialect { return get(conn).(*v1alpha1.OpenSearchConnection).Status.Dialect }, timeout, interval).
			Should(Equal(v1alpha1.DialectSQLPlugin))
		stopFirst()
		time.Sleep(500 * time.Millisecond)

		dsVersion, connVersion := get(ds).GetResourceVersion(), get(conn).GetResourceVersion()
		fake.ResetCounts()
		second, stopSecond := context.WithCancel(context.Background())
		DeferCleanup(stopSecond)
		reg := startManager(second, "restart-b-"+rand.String(4), isolated)

		// The new manager has compared the DataSource with the cluster once
		// it reports it Synced in its metrics.
		Eventually(func() string { return gatherText(reg) }, timeout, interval).
			Should(ContainSubstring(`opensearch_datasource_operator_datasources{reason="Synced"} 1`))
		Consistently(func(g Gomega) {
			g.Expect(fake.CountMethod("PUT") + fake.CountMethod("POST") + fake.CountMethod("DELETE")).To(BeZero())
			g.Expect(get(ds).GetResourceVersion()).To(Equal(dsVersion), "DataSource written")
			g.Expect(get(conn).GetResourceVersion()).To(Equal(connVersion), "connection written")
		}, 2*time.Second, 200*time.Millisecond).Should(Succeed())
		// One list served both the connection's probe and the drift check.
		Expect(fake.Count(fakeopensearch.OpList)).To(Equal(1))
	})
})

var _ = Describe("Secret values", func() {
	It("never appear in status, events, logs or metrics", func() {
		canary := "canary-" + rand.String(10)
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withDialect(v1alpha1.DialectAuto), withResync(time.Second), withCreds(map[string]string{"username": "prom", "password": canary}))
		fake := f.fake
		createSecret(ns, "extra", map[string]string{"token": canary})

		ok := f.dataSource("metrics")
		ok.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{{Key: "alertmanager.auth.password", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "extra", Key: "token"}}}
		Expect(k8s.Create(ctx, ok)).To(Succeed())
		expectReady(ok, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Properties).To(HaveKeyWithValue("prometheus.auth.password", canary))

		By("going through a rejection, a missing key and drift correction")
		bad := f.dataSource("bad")
		bad.Spec.Properties = map[string]apiextensionsv1.JSON{"prometheus.auth.type": jsonValue("noauth")}
		bad.Spec.Configuration = nil
		bad.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{{Key: "prometheus.uri", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "extra", Key: "token"}}}
		Expect(k8s.Create(ctx, bad)).To(Succeed())
		expectReady(bad, metav1.ConditionFalse, v1alpha1.ReasonRejected)
		// OpenSearch repeats a bad URI in its error; the URI came from a
		// Secret, under a key the client cannot know to be secret.
		createSecret(ns, "bad-uri", map[string]string{"uri": "http://[" + canary})
		echoed := &v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "echoed"},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:      "prometheus",
					PropertiesFrom: []v1alpha1.PropertyFromSecret{{Key: "prometheus.uri", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "bad-uri", Key: "uri"}}},
				},
			},
		}
		Expect(k8s.Create(ctx, echoed)).To(Succeed())
		expectReady(echoed, metav1.ConditionFalse, v1alpha1.ReasonRejected)
		Expect(readyOf(echoed).Message).To(ContainSubstring("Invalid URI in prometheus properties"))
		Expect(readyOf(echoed).Message).To(ContainSubstring("[REDACTED]"), "the server did not echo the URI, so this case proves nothing")
		missing := prometheusDataSource(ns, "missing", "os", "extra")
		Expect(k8s.Create(ctx, missing)).To(Succeed())
		expectReady(missing, metav1.ConditionFalse, v1alpha1.ReasonSecretKeyNotFound)
		fake.Mutate("metrics", func(d *fakeopensearch.Document) { d.Description = "drift" })
		expectEvent(ok, "Normal DriftCorrected")

		for _, obj := range []*v1alpha1.DataSource{ok, bad, echoed, missing} {
			status, err := json.Marshal(get(obj).(*v1alpha1.DataSource).Status)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(status)).NotTo(ContainSubstring(canary))
			Expect(joined(eventsFor(obj))).NotTo(ContainSubstring(canary))
		}
		Expect(logs.String()).To(ContainSubstring(ns), "the logs were not captured")
		Expect(logs.String()).NotTo(ContainSubstring(canary))
		metrics := gatherText(suiteMetrics)
		Expect(metrics).To(ContainSubstring("opensearch_datasource_operator_requests_total"), "the metrics were not gathered")
		Expect(metrics).To(ContainSubstring(`operation="create"`))
		Expect(metrics).NotTo(ContainSubstring(canary))
	})
})

// watchedSecrets reads the shared manager's count of watched Secrets.
func watchedSecrets() string {
	for _, line := range strings.Split(gatherText(suiteMetrics), "\n") {
		if strings.HasPrefix(line, "opensearch_datasource_operator_watched_secrets ") {
			return strings.TrimPrefix(line, "opensearch_datasource_operator_watched_secrets ")
		}
	}
	return ""
}

var _ = Describe("Secrets nobody references", func() {
	It("are neither watched nor cached", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Minute)
		before := settledWatchedSecrets()

		big := strings.Repeat("x", 64<<10)
		for i := 0; i < 50; i++ {
			createSecret(ns, fmt.Sprintf("unrelated-%02d", i), map[string]string{"blob": big})
		}
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "os", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		// The gauge counts every spec's Secrets, and earlier specs'
		// namespaces may still be releasing theirs: only bounds hold. One
		// more Secret is watched, not fifty-one.
		withRef := settledWatchedSecrets()
		Expect(withRef).To(BeNumerically("<=", before+1), "Secrets nobody references are watched")

		By("dropping the watch when the reference goes")
		update(ds, func(d *v1alpha1.DataSource) {
			d.Spec.Configuration = nil
			d.Spec.Properties = map[string]apiextensionsv1.JSON{"prometheus.uri": jsonValue("http://prometheus:9090")}
		})
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Eventually(watchedSecretCount, timeout, interval).Should(BeNumerically("<", withRef))
	})
})

// watchedSecretCount is the watched-Secrets gauge as a number (-1 before
// it is exported).
func watchedSecretCount() int {
	n, err := strconv.Atoi(watchedSecrets())
	if err != nil {
		return -1
	}
	return n
}

// settledWatchedSecrets waits until the gauge holds still for a second
// (other specs' cleanup releases Secrets for a while) and returns it.
func settledWatchedSecrets() int {
	var last int
	EventuallyWithOffset(1, func() bool {
		first := watchedSecretCount()
		time.Sleep(time.Second)
		last = watchedSecretCount()
		return first >= 0 && first == last
	}, timeout, interval).Should(BeTrue(), "the watched-Secrets gauge never settled")
	return last
}

var _ = Describe("A resync period with nothing changing", func() {
	It("costs one list call per connection and no writes at all", func() {
		const count = 100
		const resync = 2 * time.Second
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		fake.SetLimit(10 * count)
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, resync)
		for i := 0; i < count; i++ {
			Expect(k8s.Create(ctx, &v1alpha1.DataSource{
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("ds-%03d", i)},
				Spec: v1alpha1.DataSourceSpec{
					ConnectionRef: v1alpha1.ConnectionReference{Name: "os"},
					DataSourceParameters: v1alpha1.DataSourceParameters{
						Connector:  "prometheus",
						Properties: map[string]apiextensionsv1.JSON{"prometheus.uri": jsonValue("http://prometheus:9090")},
					},
				},
			})).To(Succeed())
		}
		versions := func() map[string]string {
			var list v1alpha1.DataSourceList
			Expect(k8s.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
			out := map[string]string{}
			for _, d := range list.Items {
				if meta.IsStatusConditionTrue(d.Status.Conditions, v1alpha1.ConditionReady) {
					out[d.Name] = d.ResourceVersion
				}
			}
			return out
		}
		Eventually(func() int { return len(versions()) }, 60*time.Second, 500*time.Millisecond).Should(Equal(count))
		// Let the first resync after creation pass: it is the first time each
		// DataSource compares itself with a list.
		listed := fake.Count(fakeopensearch.OpList)
		Eventually(func() int { return fake.Count(fakeopensearch.OpList) }, timeout, interval).Should(BeNumerically(">=", listed+2))

		before := versions()
		fake.ResetCounts()
		start := time.Now()
		const periods = 3
		Eventually(func() int { return fake.Count(fakeopensearch.OpList) }, timeout, 50*time.Millisecond).Should(Equal(periods))
		elapsed := time.Since(start)
		time.Sleep(resync / 2)

		lists, infos := fake.Count(fakeopensearch.OpList), fake.Count(fakeopensearch.OpInfo)
		writes := fake.CountMethod("PUT") + fake.CountMethod("POST") + fake.CountMethod("DELETE")
		gets := fake.Count(fakeopensearch.OpGet)
		after := versions()
		statusWrites := 0
		for name, v := range before {
			if after[name] != v {
				statusWrites++
			}
		}
		report := fmt.Sprintf("%d DataSources, %d resync periods of %s in %s: %d list calls, %d GET /, %d GET one, %d PUT/POST/DELETE, %d status writes",
			count, periods, resync, elapsed.Round(time.Millisecond), lists, infos, gets, writes, statusWrites)
		AddReportEntry("resync cost", report)
		GinkgoWriter.Println(report)
		Expect(writes).To(BeZero())
		Expect(gets).To(BeZero())
		Expect(statusWrites).To(BeZero())
		Expect(lists).To(BeNumerically("<=", periods+1))
		Expect(lists).To(Equal(infos), "each probe lists once")
	})
})

var _ = Describe("kubectl", func() {
	It("shows the printer columns and waits for Ready", func() {
		kubectl, path := testenv.Kubectl(GinkgoT()), controlPlane.Kubeconfig
		run := func(args ...string) string {
			out, err := exec.Command(kubectl, append([]string{"--kubeconfig", path}, args...)...).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
			return string(out)
		}

		f := newFixture()
		ns := f.ns
		f.create("metrics", func(d *v1alpha1.DataSource) { d.Spec.Name = "my_metrics" })

		Expect(run("wait", "--for=condition=Ready", "datasource/metrics", "-n", ns, "--timeout=30s")).To(ContainSubstring("condition met"))
		table := run("get", "osds", "-n", ns)
		lines := strings.Split(strings.TrimSpace(table), "\n")
		Expect(lines).To(HaveLen(2), table)
		Expect(strings.Fields(lines[0])).To(Equal([]string{"NAME", "DATASOURCE", "CONNECTION", "CONNECTOR", "STATUS", "READY", "REASON", "AGE"}))
		Expect(strings.Fields(lines[1])[:7]).To(Equal([]string{"metrics", "my_metrics", "os", "prometheus", "ACTIVE", "True", "Synced"}))
		Expect(run("get", "opensearch", "-n", ns)).To(ContainSubstring("opensearchconnection.opensearch.datasource-operator.io/os"))
	})
})
