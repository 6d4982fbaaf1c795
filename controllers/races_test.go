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
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

var _ = Describe("Races", func() {
	It("lets exactly one of two DataSources created in the same second write a shared data source", func() {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Hour))
		fake := f.fake
		// Slow answers keep both reconciles in flight at once, which is
		// when both used to write before either saw the other.
		fake.SetLatency(300 * time.Millisecond)
		a := f.dataSource("a")
		b := f.dataSource("b")
		a.Spec.Name, b.Spec.Name = "shared", "shared"
		a.Spec.Description, b.Spec.Description = "from a", "from b"
		createInOneSecond(a, b)
		Expect(a.CreationTimestamp).To(Equal(b.CreationTimestamp), "the two DataSources were not created in the same second")

		// Equal creation times: the name decides (a), unless the API
		// server stored b first and b's write was under way before a was
		// seen; then b's claim stands. Either way exactly one writes.
		winner, loser := settledPair(a, b)
		Expect(readyOf(loser).Message).To(ContainSubstring("already manages data source \"shared\""))
		Expect(readyOf(loser).Message).NotTo(ContainSubstring(string(winner.UID)), "the message names the winner by uid")
		Expect(loser.Status.Connection).To(BeNil(), "the loser recorded a write")
		Expect(stored(fake, "shared").Description).To(Equal(winner.Spec.Description))
		Expect(fake.Count(fakeopensearch.OpCreate)).To(Equal(1), "both DataSources created the data source")
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(BeZero(), "the loser overwrote the winner")

		deleteAndWaitGone(loser)
		Expect(fake.CountMethod("DELETE")).To(BeZero(), "the loser's deletion reached the server")
		Expect(stored(fake, "shared").Description).To(Equal(winner.Spec.Description))
		expectReady(winner, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	})

	It("lifts a Retry-After hold at the next successful probe, long before it would expire", func() {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Hour))
		fake := f.fake
		conn := f.conn
		fake.FailNext(1, fakeopensearch.Fault{Status: 429, RetryAfter: 10 * time.Minute})
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonUnavailable)
		Expect(readyOf(ds).Message).To(ContainSubstring("retrying after 5m0s"), "the hold was not clamped to --max-retry-after")
		writes := fake.Count(fakeopensearch.OpCreate)

		// An edit of the connection makes it probe at once; the server
		// answers in full, which ends whatever it asked to wait for.
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(conn), conn); err != nil {
				return err
			}
			conn.Spec.ResyncPeriod = &metav1.Duration{Duration: 30 * time.Minute}
			return k8s.Update(ctx, conn)
		}, timeout, interval).Should(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(fake.Count(fakeopensearch.OpCreate)).To(Equal(writes + 1))
		stored(fake, "metrics")
	})

	It("still knows it created the data source on the new cluster when releasing the old one failed", func() {
		ns := newNamespace()
		oldFake, newFake := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		createConnection(ns, "old", oldFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createConnection(ns, "new", newFake, v1alpha1.DialectSQLPlugin, time.Hour)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "old", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		// The move creates the data source on the new cluster, then the
		// old cluster fails the deletion once.
		deletes := oldFake.CountMethod("DELETE")
		oldFake.FailNext(1, fakeopensearch.Fault{Status: 503})
		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "new" })
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds)).To(Succeed())
			g.Expect(ds.Status.Connection).NotTo(BeNil())
			g.Expect(ds.Status.Connection.Name).To(Equal("new"))
		}, timeout, interval).Should(Succeed())
		Expect(oldFake.CountMethod("DELETE")).To(Equal(deletes+2), "the failed deletion was not retried")
		Expect(ds.Status.Adopted).To(BeFalse(), "the data source this DataSource created counts as adopted")

		// Created there, so moving away deletes it there.
		update(ds, func(ds *v1alpha1.DataSource) { ds.Spec.ConnectionRef.Name = "old" })
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(oldFake, "metrics")
		Eventually(func() []string { return newFake.StoredNames() }, timeout, interval).Should(BeEmpty(),
			"the data source was left on the cluster this DataSource created it on")
	})

	It("drops a connection's metric series when the connection is deleted", func() {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Hour))
		conn := f.conn
		ds := f.synced("metrics")
		label := "OpenSearchConnection/" + ns + "/os"
		Expect(connectionSeries(label)).To(ContainElements(
			"opensearch_datasource_operator_requests_total", "opensearch_datasource_operator_request_duration_seconds"))

		deleteAndWaitGone(conn)
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotFound)
		Eventually(func() []string { return connectionSeries(label) }, timeout, interval).Should(BeEmpty())
	})
})

// settledPair waits until one of a and b is Ready and the other lost the
// conflict, and returns them in that order.
func settledPair(a, b *v1alpha1.DataSource) (winner, loser *v1alpha1.DataSource) {
	state := func(ds *v1alpha1.DataSource) string {
		c := readyOf(ds)
		if c == nil || c.ObservedGeneration != ds.Generation {
			return ""
		}
		return string(c.Status) + "/" + c.Reason
	}
	ready, conflict := "True/"+v1alpha1.ReasonSynced, "False/"+v1alpha1.ReasonConflict
	EventuallyWithOffset(1, func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(a), a)).To(Succeed())
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(b), b)).To(Succeed())
		g.Expect([]string{state(a), state(b)}).To(ConsistOf(ready, conflict))
	}, timeout, interval).Should(Succeed())
	if state(a) == ready {
		return a, b
	}
	return b, a
}

// createInOneSecond creates objs at once at the start of a second, so that
// their creation timestamps (whole seconds) are equal.
func createInOneSecond(objs ...client.Object) {
	// Waiting for the next second is setup, not an assertion: the caller
	// checks the timestamps it got.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	var wg sync.WaitGroup
	errs := make([]error, len(objs))
	for i, o := range objs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = k8s.Create(ctx, o)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		ExpectWithOffset(1, err).NotTo(HaveOccurred())
	}
}

// connectionSeries lists the names of the shared manager's metric
// families that have a series labelled with connection.
func connectionSeries(connection string) []string {
	families, err := suiteMetrics.Gather()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	var names []string
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "connection" && l.GetValue() == connection {
					names = append(names, f.GetName())
				}
			}
		}
	}
	return names
}
