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
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// shardKey is the label the sharding test splits its objects by.
const shardKey = "test.datasource-operator.io/shard"

// writeLog records the data sources one manager wrote.
type writeLog struct {
	mu    sync.Mutex
	names []string
}

func (w *writeLog) add(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.names = append(w.names, name)
}

func (w *writeLog) written() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.names)
}

// factory builds production clients whose writes w records.
func (w *writeLog) factory(cfg opensearch.Config) (controllers.OpenSearchAPI, error) {
	api, err := controllers.NewOpenSearchClient(cfg)
	if err != nil {
		return nil, err
	}
	return &recordingAPI{OpenSearchAPI: api, log: w}, nil
}

type recordingAPI struct {
	controllers.OpenSearchAPI
	log *writeLog
}

func (r *recordingAPI) Create(ctx context.Context, ds opensearch.DataSource) (opensearch.WriteResult, error) {
	r.log.add(ds.Name)
	return r.OpenSearchAPI.Create(ctx, ds)
}

func (r *recordingAPI) Update(ctx context.Context, ds opensearch.DataSource) (opensearch.WriteResult, error) {
	r.log.add(ds.Name)
	return r.OpenSearchAPI.Update(ctx, ds)
}

// startShard runs a manager built as main builds one with
// --watch-label-selector=selector, limited to namespace ns so that other
// tests' objects stay out of it.
func startShard(ctx context.Context, ns, selector string) *writeLog {
	opts, err := controllers.WatchLabelSelector(controllers.ManagerOptions(ctrl.Options{
		Scheme:  scheme,
		Cache:   cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
		Metrics: metricsserver.Options{BindAddress: "0"},
	}), selector)
	Expect(err).NotTo(HaveOccurred())
	mgr, err := ctrl.NewManager(cfg, opts)
	Expect(err).NotTo(HaveOccurred())
	log := &writeLog{}
	Expect(controllers.Setup(ctx, mgr, controllers.Options{
		MetricsRegistry: prometheus.NewRegistry(),
		Name:            "shard-" + rand.String(6),
		ClientFactory:   log.factory,
	})).To(Succeed())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	return log
}

var _ = Describe("Sharding with --watch-label-selector", func() {
	It("lets two managers with disjoint selectors each reconcile only their own objects", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		ctx, stop := context.WithCancel(context.Background())
		DeferCleanup(stop)
		logA := startShard(ctx, ns, shardKey+"=a")
		logB := startShard(ctx, ns, shardKey+"=b")

		// Every object carries the isolated label, which keeps the suite's
		// own manager away; only the shard label decides which shard acts.
		createConnection(ns, "os-a", fake, v1alpha1.DialectSQLPlugin, time.Minute, isolatedLabel, "true", shardKey, "a")
		createConnection(ns, "os-b", fake, v1alpha1.DialectSQLPlugin, time.Minute, isolatedLabel, "true", shardKey, "b")
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		newDS := func(name, conn string, labels map[string]string) *v1alpha1.DataSource {
			ds := prometheusDataSource(ns, name, conn, "prom-creds")
			ds.Labels = labels
			Expect(k8s.Create(ctx, ds)).To(Succeed())
			DeferCleanup(func() { _ = k8s.Delete(context.Background(), ds) })
			return ds
		}
		inA := newDS("in-a", "os-a", map[string]string{isolatedLabel: "true", shardKey: "a"})
		inB := newDS("in-b", "os-b", map[string]string{isolatedLabel: "true", shardKey: "b"})
		unsharded := newDS("unsharded", "os-a", map[string]string{isolatedLabel: "true"})
		// A DataSource of shard a whose connection belongs to shard b: shard
		// a does not see the connection, which is why both must match.
		split := newDS("split", "os-b", map[string]string{isolatedLabel: "true", shardKey: "a"})

		expectReady(inA, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		expectReady(inB, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		expectReady(split, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotFound)
		stored(fake, "in-a")
		stored(fake, "in-b")
		Consistently(func(g Gomega) {
			g.Expect(logA.written()).To(HaveEach("in-a"))
			g.Expect(logB.written()).To(HaveEach("in-b"))
			u := get(unsharded).(*v1alpha1.DataSource)
			g.Expect(u.Finalizers).To(BeEmpty(), "a DataSource no shard selects got a finalizer")
			g.Expect(u.Status.Conditions).To(BeEmpty(), "a DataSource no shard selects got a status")
			_, ok := fake.Stored("unsharded")
			g.Expect(ok).To(BeFalse())
		}, 2*time.Second, 200*time.Millisecond).Should(Succeed())
		Expect(logA.written()).To(ContainElement("in-a"))
		Expect(logB.written()).To(ContainElement("in-b"))
		Expect(get(inA).GetFinalizers()).NotTo(BeEmpty())
	})

	It("does not release a DataSource without its DELETE when its connection leaves the shard", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		ctx, stop := context.WithCancel(context.Background())
		DeferCleanup(stop)
		startShard(ctx, ns, shardKey+"=a")
		conn := createConnection(ns, "os-a", fake, v1alpha1.DialectSQLPlugin, time.Minute, isolatedLabel, "true", shardKey, "a")
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "in-a", "os-a", "prom-creds")
		ds.Labels = map[string]string{isolatedLabel: "true", shardKey: "a"}
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		stored(fake, "in-a")

		relabel := func(shard string) {
			Eventually(func() error {
				if err := k8s.Get(ctx, client.ObjectKeyFromObject(conn), conn); err != nil {
					return err
				}
				conn.Labels[shardKey] = shard
				return k8s.Update(ctx, conn)
			}, timeout, interval).Should(Succeed())
		}
		By("moving the connection to another shard, then deleting the DataSource")
		relabel("b")
		Expect(k8s.Delete(ctx, ds)).To(Succeed())
		Eventually(func() string { return conditionStateWithMessage(ds, v1alpha1.ConditionReady) }, timeout, interval).Should(
			ContainSubstring("--watch-label-selector does not select it"))
		Consistently(func() bool { _, ok := fake.Stored("in-a"); return ok }, 2*time.Second, interval).Should(BeTrue())
		Expect(get(ds).GetFinalizers()).NotTo(BeEmpty(), "the DataSource was released with no DELETE")
		Expect(eventsFor(ds)).NotTo(ContainElement(ContainSubstring("ConnectionGone")))

		By("bringing the connection back to the shard")
		relabel("a")
		Eventually(func() bool { _, ok := fake.Stored("in-a"); return ok }, timeout, interval).Should(BeFalse())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(ds), &v1alpha1.DataSource{}))
		}, timeout, interval).Should(BeTrue())
	})
})
