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
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// probes counts the requests a connection's probe sends: the version and
// the list.
func probes(fake *fakeopensearch.Server) int {
	return fake.Count(fakeopensearch.OpInfo) + fake.Count(fakeopensearch.OpList)
}

// settledProbes waits until no probe request arrives for a second and
// returns the count.
func settledProbes(fake *fakeopensearch.Server) int {
	var n int
	Eventually(func() bool {
		before := probes(fake)
		time.Sleep(time.Second)
		n = probes(fake)
		return n == before
	}, timeout, interval).Should(BeTrue(), "the fake kept receiving probes")
	return n
}

// editConnection applies change to c and waits until the operator has
// observed the new generation.
func editConnection(c *v1alpha1.OpenSearchConnection, change func(*v1alpha1.OpenSearchConnection)) {
	Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(c), c); err != nil {
			return err
		}
		change(c)
		return k8s.Update(ctx, c)
	}, timeout, interval).Should(Succeed())
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
		ready := meta.FindStatusCondition(c.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.ObservedGeneration).To(Equal(c.Generation))
	}, timeout, interval).Should(Succeed(), "the edited connection's generation was not observed")
}

// readyWatch samples the Ready condition of objs until stopped and keeps
// every sample that was not True: a flip between two writes of the
// operator shows even when it lasts a moment.
type readyWatch struct {
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	notTrue []string
}

func watchReady(objs ...client.Object) *readyWatch {
	w := &readyWatch{stop: make(chan struct{}), done: make(chan struct{})}
	// The sampler reads copies taken here: the spec goes on reading into
	// objs while it samples.
	own := make([]client.Object, len(objs))
	for i, obj := range objs {
		own[i] = obj.DeepCopyObject().(client.Object)
	}
	objs = own
	go func() {
		defer GinkgoRecover()
		defer close(w.done)
		for {
			for _, obj := range objs {
				w.sample(obj)
			}
			select {
			case <-w.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return w
}

func (w *readyWatch) sample(obj client.Object) {
	o := obj.DeepCopyObject().(client.Object)
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(o), o); err != nil {
		return
	}
	if c := readyConditionOf(o); c == nil || c.Status != metav1.ConditionTrue {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.notTrue = append(w.notTrue, fmt.Sprintf("%T %s: %+v", o, o.GetName(), c))
	}
}

// flips stops sampling and returns the samples that were not Ready.
func (w *readyWatch) flips() []string {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.notTrue
}

var _ = Describe("Editing a connection", func() {
	// readyDataSource is a connection to a fresh fake, probed every hour,
	// and a Ready DataSource on it.
	readyDataSource := func() (*fakeopensearch.Server, *v1alpha1.OpenSearchConnection, *v1alpha1.DataSource) {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Hour))
		fake := f.fake
		conn := f.conn
		ds := f.create("metrics")
		return fake, conn, expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
	}

	It("neither probes nor writes when resyncPeriod or adoption change", func() {
		fake, conn, ds := readyDataSource()
		sent := settledProbes(fake)
		writes := fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)
		version := ds.ResourceVersion
		flips := watchReady(ds, conn)

		editConnection(conn, func(c *v1alpha1.OpenSearchConnection) {
			c.Spec.ResyncPeriod = &metav1.Duration{Duration: 30 * time.Minute}
		})
		editConnection(conn, func(c *v1alpha1.OpenSearchConnection) { c.Spec.Adoption = v1alpha1.AdoptionDeny })
		Consistently(func() int { return probes(fake) }, 2*time.Second, interval).Should(Equal(sent),
			"an edit that does not change how the server is reached was probed")
		Expect(flips.flips()).To(BeEmpty())
		Expect(get(ds).GetResourceVersion()).To(Equal(version), "the DataSource was written")
		Expect(fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)).To(Equal(writes))
	})

	It("re-probes at once when credentials or the endpoint change, Ready throughout", func() {
		fake, conn, ds := readyDataSource()
		sent := settledProbes(fake)
		flips := watchReady(ds, conn)

		createSecret(conn.Namespace, "os-auth-copy", map[string]string{"username": "operator", "password": "operator-pass"})
		editConnection(conn, func(c *v1alpha1.OpenSearchConnection) { c.Spec.Auth.Basic.SecretRef.Name = "os-auth-copy" })
		Expect(probes(fake)).To(BeNumerically(">", sent), "new credentials were not probed before the generation was observed")
		sent = probes(fake)

		editConnection(conn, func(c *v1alpha1.OpenSearchConnection) { c.Spec.Endpoint = fake.URL() + "/" })
		Expect(probes(fake)).To(BeNumerically(">", sent), "a new endpoint was not probed before the generation was observed")
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(flips.flips()).To(BeEmpty())
	})

	It("turns its DataSources unready when the new probe fails", func() {
		_, conn, ds := readyDataSource()
		// Nothing listens on port 1: the probe is refused at once.
		editConnection(conn, func(c *v1alpha1.OpenSearchConnection) { c.Spec.Endpoint = "http://127.0.0.1:1" })
		Expect(meta.IsStatusConditionFalse(conn.Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue(),
			"conditions: %+v", conn.Status.Conditions)
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
	})
})

var _ = Describe("Pointing a connection at another server", func() {
	It("lists the new server at once instead of trusting the old one's list", func() {
		ns := newNamespace()
		old, next := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		conn := createConnection(ns, "os", old, v1alpha1.DialectSQLPlugin, time.Hour)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "os", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)

		editConnection(conn, func(c *v1alpha1.OpenSearchConnection) { c.Spec.Endpoint = next.URL() })
		Expect(next.Count(fakeopensearch.OpList)).To(BeNumerically(">", 0), "the new server was not listed")
		stored(next, "metrics")
	})
})

var _ = Describe("Editing a ClusterOpenSearchConnection", func() {
	It("neither probes nor writes when allowedNamespaces grows", func() {
		ns, extra := newNamespace(), newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		cc := clusterConnection(fake, ns, nil)
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", cc.Name, "prom-creds")
		ds.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		ds = expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		sent := settledProbes(fake)
		version := ds.ResourceVersion
		flips := watchReady(ds)

		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(cc), cc); err != nil {
				return err
			}
			cc.Spec.AllowedNamespaces.Names = append(cc.Spec.AllowedNamespaces.Names, extra)
			return k8s.Update(ctx, cc)
		}, timeout, interval).Should(Succeed())
		Eventually(func() int64 { return get(cc).(*v1alpha1.ClusterOpenSearchConnection).Status.ObservedGeneration }, timeout, interval).
			Should(Equal(cc.Generation), "the edited connection's generation was not observed")
		Consistently(func() int { return probes(fake) }, 2*time.Second, interval).Should(Equal(sent),
			"an edit of allowedNamespaces was probed")
		Expect(flips.flips()).To(BeEmpty())
		Expect(get(ds).GetResourceVersion()).To(Equal(version), "the DataSource was written")
	})
})
