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
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

var _ = Describe("A tenant whose server stalls every write", func() {
	// The suite's manager runs 4 workers; tenant A has more DataSources
	// than that, each of whose writes takes far longer than the test.
	const stall = 25 * time.Second
	const fast = 10 * time.Second

	It("holds none of the workers another tenant's new DataSources and rotation need", func() {
		slowNS, fastNS := newNamespace(), newNamespace()
		slow := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(slowNS, "os", slow, v1alpha1.DialectSQLPlugin, time.Minute)
		patchConnection(slowNS, "os", func(c *v1alpha1.OpenSearchConnection) {
			c.Spec.RequestTimeout = &metav1.Duration{Duration: 30 * time.Second}
		})
		slow.SetOpLatency(fakeopensearch.OpCreate, stall)
		slow.SetOpLatency(fakeopensearch.OpUpdate, stall)
		DeferCleanup(func() {
			slow.SetOpLatency(fakeopensearch.OpCreate, 0)
			slow.SetOpLatency(fakeopensearch.OpUpdate, 0)
		})
		createSecret(slowNS, "prom", map[string]string{"username": "u", "password": "p"})
		for i := range 6 {
			ds := prometheusDataSource(slowNS, fmt.Sprint("stalled-", i), "os", "prom")
			Expect(k8s.Create(ctx, ds)).To(Succeed())
			DeferCleanup(func() { _ = k8s.Delete(context.Background(), ds) })
		}
		// Every stalled DataSource has had its turn at a worker.
		Eventually(func() int { return slow.Count(fakeopensearch.OpCreate) }, timeout, interval).Should(BeNumerically(">=", 2))

		other := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(fastNS, "os", other, v1alpha1.DialectSQLPlugin, time.Minute)
		secret := createSecret(fastNS, "prom", map[string]string{"username": "u", "password": "p"})
		began := time.Now()
		var created []*v1alpha1.DataSource
		for i := range 3 {
			ds := prometheusDataSource(fastNS, fmt.Sprint("fresh-", i), "os", "prom")
			Expect(k8s.Create(ctx, ds)).To(Succeed())
			created = append(created, ds)
		}
		for _, ds := range created {
			Eventually(func(g Gomega) {
				g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds)).To(Succeed())
				g.Expect(meta.IsStatusConditionTrue(ds.Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue())
			}, fast, interval).Should(Succeed(), func() string {
				return fmt.Sprintf("%s was not Ready %s after its creation", ds.Name, time.Since(began))
			})
		}
		began = time.Now()
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
				return err
			}
			secret.Data["password"] = []byte("rotated")
			return k8s.Update(ctx, secret)
		}, fast, interval).Should(Succeed())
		for _, ds := range created {
			Eventually(func() any { return stored(other, ds.Name).Properties["prometheus.auth.password"] }, fast, interval).
				Should(Equal("rotated"), func() string {
					return fmt.Sprintf("%s was not rotated %s after the Secret changed", ds.Name, time.Since(began))
				})
		}
	})
})

var _ = Describe("A namespaced connection asking for more than the operator allows", func() {
	It("gets the operator's limits, and its status says so", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Second)
		patchConnection(ns, "os", func(c *v1alpha1.OpenSearchConnection) {
			c.Spec.RequestTimeout = &metav1.Duration{Duration: 5 * time.Minute}
		})
		conn := &v1alpha1.OpenSearchConnection{}
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "os"}, conn)).To(Succeed())
			ready := meta.FindStatusCondition(conn.Status.Conditions, v1alpha1.ConditionReady)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.ObservedGeneration).To(Equal(conn.Generation))
			g.Expect(ready.Message).To(SatisfyAll(
				ContainSubstring("resyncPeriod 1s is below the operator's minimum, so 2s applies"),
				ContainSubstring("requestTimeout 5m0s is above the operator's maximum, so 30s applies")))
		}, timeout, interval).Should(Succeed())
		// One probe every 2s, not every second.
		fake.ResetCounts()
		time.Sleep(5 * time.Second)
		Expect(fake.Count(fakeopensearch.OpInfo)).To(BeNumerically("<=", 3))

		// After an edit the message says what applies now, once.
		patchConnection(ns, "os", func(c *v1alpha1.OpenSearchConnection) {
			c.Spec.ResyncPeriod = &metav1.Duration{Duration: 1500 * time.Millisecond}
		})
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "os"}, conn)).To(Succeed())
			ready := meta.FindStatusCondition(conn.Status.Conditions, v1alpha1.ConditionReady)
			g.Expect(ready.ObservedGeneration).To(Equal(conn.Generation))
			g.Expect(ready.Message).To(ContainSubstring("resyncPeriod 1.5s is below the operator's minimum, so 2s applies"))
			g.Expect(ready.Message).NotTo(ContainSubstring("resyncPeriod 1s"))
			g.Expect(strings.Count(ready.Message, "requestTimeout 5m0s")).To(Equal(1), ready.Message)
		}, timeout, interval).Should(Succeed())
	})
})

var _ = Describe("A probe that finds nothing new", func() {
	It("does not enqueue the connection's DataSources", func() {
		const count = 20
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, 2*time.Second)
		createSecret(ns, "prom", map[string]string{"username": "u", "password": "p"})
		for i := range count {
			ds := prometheusDataSource(ns, fmt.Sprint("ds-", i), "os", "prom")
			Expect(k8s.Create(ctx, ds)).To(Succeed())
			DeferCleanup(func() { _ = k8s.Delete(context.Background(), ds) })
		}
		Eventually(func() int { return len(fake.StoredNames()) }, timeout, interval).Should(Equal(count))
		// Let the probe after the creations fan out once.
		listed := fake.Count(fakeopensearch.OpInfo)
		Eventually(func() int { return fake.Count(fakeopensearch.OpInfo) }, timeout, interval).Should(BeNumerically(">=", listed+2))

		before := dataSourceReconciles()
		probes := fake.Count(fakeopensearch.OpInfo)
		Eventually(func() int { return fake.Count(fakeopensearch.OpInfo) }, timeout, interval).Should(BeNumerically(">=", probes+3))
		Expect(dataSourceReconciles()-before).To(BeNumerically("<", count),
			"three probes that found nothing new reconciled the connection's DataSources")
	})
})

// dataSourceReconciles is how many reconciles the suite's DataSource
// controller has run.
func dataSourceReconciles() float64 {
	families, err := crmetrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	total := 0.0
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" && l.GetValue() == "datasource" {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

// patchConnection changes a namespaced connection, retrying on conflicts.
func patchConnection(ns, name string, change func(*v1alpha1.OpenSearchConnection)) {
	c := &v1alpha1.OpenSearchConnection{}
	EventuallyWithOffset(1, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, c); err != nil {
			return err
		}
		change(c)
		return k8s.Update(context.Background(), c)
	}, timeout, interval).Should(Succeed())
}
