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
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// laggingClient plays a cache that lags the API server: while a copy of a
// DataSource is held, reads of it answer that copy. It keeps every
// DataSource its status patches returned: the versions an informer may
// still deliver after newer ones were written.
type laggingClient struct {
	client.Client
	mu      sync.Mutex
	held    map[types.NamespacedName]*v1alpha1.DataSource
	patched []*v1alpha1.DataSource
}

func (c *laggingClient) newClient(config *rest.Config, options client.Options) (client.Client, error) {
	inner, err := client.New(config, options)
	c.Client = inner
	return c, err
}

func (c *laggingClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if ds, ok := obj.(*v1alpha1.DataSource); ok {
		c.mu.Lock()
		held := c.held[key]
		c.mu.Unlock()
		if held != nil {
			held.DeepCopyInto(ds)
			return nil
		}
	}
	return c.Client.Get(ctx, key, obj, opts...)
}

func (c *laggingClient) Status() client.SubResourceWriter {
	return &recordingStatusWriter{SubResourceWriter: c.Client.Status(), c: c}
}

// hold makes reads of ds answer this copy of it; nil lets them through.
func (c *laggingClient) hold(key types.NamespacedName, ds *v1alpha1.DataSource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held[key] = ds
}

// firstPatched is the oldest copy a status patch returned that match takes.
func (c *laggingClient) firstPatched(match func(*v1alpha1.DataSource) bool) *v1alpha1.DataSource {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ds := range c.patched {
		if match(ds) {
			return ds.DeepCopy()
		}
	}
	return nil
}

type recordingStatusWriter struct {
	client.SubResourceWriter
	c *laggingClient
}

func (w *recordingStatusWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	err := w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
	if ds, ok := obj.(*v1alpha1.DataSource); ok && err == nil {
		w.c.mu.Lock()
		w.c.patched = append(w.c.patched, ds.DeepCopy())
		w.c.mu.Unlock()
	}
	return err
}

var _ = Describe("A cache that lags the API server", func() {
	It("never sends a create on an old record of it, and reports nothing from it", func() {
		lag, fake, ds := syncedBehindLaggingClient()
		ns := ds.Namespace
		Expect(ds.Status.PendingCreate).To(BeNil())
		key := client.ObjectKeyFromObject(ds)

		By("reading the copy the create's intent left, after the data source is gone from OpenSearch")
		old := lag.firstPatched(func(d *v1alpha1.DataSource) bool { return d.Status.PendingCreate != nil })
		Expect(old).NotTo(BeNil(), "no status patch recorded a create intent")
		recorded := ds.ResourceVersion
		lag.hold(key, old)
		fake.ResetCounts()
		Expect(fake.Remove("metrics")).To(BeTrue())
		Eventually(func() bool { return logHas("lags the API server", ns) }, timeout, interval).Should(BeTrue(),
			"the reconcile on the old copy never found out")
		Consistently(func(g Gomega) {
			g.Expect(fake.Count(fakeopensearch.OpCreate)).To(BeZero(), "a create was sent on an old record")
			g.Expect(get(ds).GetResourceVersion()).To(Equal(recorded), "a reconcile on an old copy wrote status")
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())

		By("reading the API server's copy again")
		lag.hold(key, nil)
		Eventually(func() int { return fake.Count(fakeopensearch.OpCreate) }, timeout, interval).Should(Equal(1))
		stored(fake, "metrics")
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, key, ds)).To(Succeed())
			g.Expect(ds.Status.PendingCreate).To(BeNil())
			g.Expect(readyOf(ds).Reason).To(Equal(v1alpha1.ReasonSynced))
		}, timeout, interval).Should(Succeed())
	})
})

var _ = Describe("A cache that lags the API server, mid re-create", func() {
	It("reports the re-create it could not finish instead of staying Synced", func() {
		lag, fake, ds := syncedBehindLaggingClient()
		key := client.ObjectKeyFromObject(ds)

		By("reading a copy older than the API server's while a property added by hand must go")
		old := get(ds).(*v1alpha1.DataSource).DeepCopy()
		update(ds, func(d *v1alpha1.DataSource) { d.Labels["touched"] = "yes" })
		lag.hold(key, old)
		Expect(fake.Mutate("metrics", func(d *fakeopensearch.Document) { d.Properties["added.by.hand"] = "x" })).To(BeTrue())

		// Removing a property takes a delete and a create; the create's
		// record cannot be written over the old copy.
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, key, ds)).To(Succeed())
			g.Expect(readyOf(ds).Reason).To(Equal(v1alpha1.ReasonUnavailable))
			g.Expect(readyOf(ds).Message).To(ContainSubstring("older than the API server's copy"))
		}, timeout, interval).Should(Succeed(), "the delete went out and the DataSource still says Synced")
		Expect(fake.Count(fakeopensearch.OpDelete)).To(BeNumerically(">", 0))

		By("reading the API server's copy again")
		lag.hold(key, nil)
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		Expect(stored(fake, "metrics").Properties).NotTo(HaveKey("added.by.hand"))
	})
})

// syncedBehindLaggingClient runs a manager of its own whose client is a
// laggingClient, in a namespace of its own, and returns them with a Synced
// DataSource "metrics" on the fake.
func syncedBehindLaggingClient() (*laggingClient, *fakeopensearch.Server, *v1alpha1.DataSource) {
	ns := newNamespace(isolatedLabel, "true")
	fake := startFake(fakeopensearch.ModeSQLPlugin)
	lag := &laggingClient{held: map[types.NamespacedName]*v1alpha1.DataSource{}}
	mctx, stop := context.WithCancel(context.Background())
	DeferCleanup(stop)
	startManagerWith(mctx, "lag-"+rand.String(4), cache.Options{
		DefaultLabelSelector: labels.SelectorFromSet(labels.Set{isolatedLabel: "true"}),
		DefaultNamespaces:    map[string]cache.Config{ns: {}},
	}, lag.newClient)
	f := newFixture(inNamespace(ns), onFake(fake), withResync(2*time.Second), withLabels(isolatedLabel, "true"))
	ds := f.dataSource("metrics")
	ds.Labels = map[string]string{isolatedLabel: "true"}
	ExpectWithOffset(1, k8s.Create(ctx, ds)).To(Succeed())
	return lag, fake, expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
}

// logHas says whether one line of the managers' logs holds every part.
func logHas(parts ...string) bool {
	for line := range strings.SplitSeq(logs.String(), "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
