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

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
)

var _ = Describe("The manager's cache", func() {
	const shard = "test.datasource-operator.io/cache-shard"
	DescribeTable("keeps only what the reconciles read",
		func(selector string) {
			ns := newNamespace(isolatedLabel, "true", shard, "a")
			ctx, stop := context.WithCancel(context.Background())
			DeferCleanup(stop)
			opts, err := controllers.WatchLabelSelector(controllers.ManagerOptions(ctrl.Options{
				Scheme:  scheme,
				Cache:   cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
				Metrics: metricsserver.Options{BindAddress: "0"},
			}), selector)
			Expect(err).NotTo(HaveOccurred())
			mgr, err := ctrl.NewManager(cfg, opts)
			Expect(err).NotTo(HaveOccurred())
			go func() {
				defer GinkgoRecover()
				Expect(mgr.Start(ctx)).To(Succeed())
			}()

			// As kubectl apply leaves them: the whole object again in an
			// annotation, and managedFields naming the writer.
			annotations := map[string]string{corev1.LastAppliedConfigAnnotation: `{"spec":{"connector":"prometheus"}}`, "team": "metrics"}
			labels := map[string]string{isolatedLabel: "true", shard: "a"}
			conn := &v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "os", Labels: labels,
				Annotations: annotations}}
			conn.Spec.Endpoint = "http://opensearch.example:9200"
			ds := prometheusDataSource(ns, "metrics", "os", "prom")
			ds.Labels, ds.Annotations = labels, annotations
			for _, obj := range []client.Object{conn, ds} {
				Expect(k8s.Create(ctx, obj)).To(Succeed())
				DeferCleanup(func() { _ = k8s.Delete(context.Background(), obj) })
				Expect(get(obj).GetManagedFields()).NotTo(BeEmpty(), "the API server records managedFields")
			}

			for _, obj := range []client.Object{&v1alpha1.OpenSearchConnection{}, &v1alpha1.DataSource{}} {
				key := client.ObjectKeyFromObject(conn)
				if _, isDS := obj.(*v1alpha1.DataSource); isDS {
					key = client.ObjectKeyFromObject(ds)
				}
				Eventually(func() error { return mgr.GetCache().Get(ctx, key, obj) }, timeout, interval).Should(Succeed())
				Expect(obj.GetManagedFields()).To(BeEmpty(), "%T in the cache", obj)
				Expect(obj.GetAnnotations()).To(Equal(map[string]string{"team": "metrics"}), "%T in the cache", obj)
				Expect(obj.GetLabels()).To(Equal(labels))
			}
			cached := &v1alpha1.DataSource{}
			Expect(mgr.GetCache().Get(ctx, client.ObjectKeyFromObject(ds), cached)).To(Succeed())
			Expect(cached.Spec).To(Equal(ds.Spec), "the spec is kept whole")

			// A Namespace is only looked up for its labels.
			namespace := &corev1.Namespace{}
			Eventually(func() error { return mgr.GetCache().Get(ctx, client.ObjectKey{Name: ns}, namespace) }, timeout, interval).
				Should(Succeed())
			Expect(namespace.Labels).To(HaveKeyWithValue(shard, "a"))
			Expect(namespace.ManagedFields).To(BeEmpty())
			Expect(namespace.Status).To(Equal(corev1.NamespaceStatus{}))
			Expect(namespace.Spec).To(Equal(corev1.NamespaceSpec{}))
			Expect(get(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}).(*corev1.Namespace).Status.Phase).
				To(Equal(corev1.NamespaceActive), "the API server has it")
		},
		Entry("built as main builds it", ""),
		Entry("built as a shard's, whose selector sets each kind's cache options", shard+"=a"),
	)
})
