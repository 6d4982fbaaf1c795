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
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// isolatedLabel marks objects that the suite's shared manager must not see,
// so a test can run managers of its own over them (the restart test).
const isolatedLabel = "test.datasource-operator.io/isolated"

var (
	// controlPlane is the suite's kube-apiserver and etcd; its Kubeconfig
	// serves the real kubectl.
	controlPlane *testenv.ControlPlane
	cfg          *rest.Config
	k8s          client.Client
	scheme       = testenv.Scheme()
	logs         = &syncBuffer{}
	suiteCtx     context.Context
	suiteStop    context.CancelFunc
	// suiteMetrics is the shared manager's metrics registry.
	suiteMetrics *prometheus.Registry
)

// syncBuffer collects the managers' logs so tests can search them.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controllers Suite")
}

var _ = BeforeSuite(func() {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.MultiWriter(GinkgoWriter, logs)), zap.UseDevMode(true)))
	controlPlane = testenv.StartT(GinkgoT(), testenv.WithUser("e2e"))
	cfg, k8s = controlPlane.Config, controlPlane.Client(GinkgoT())

	suiteCtx, suiteStop = context.WithCancel(context.Background())
	notIsolated, err := labels.NewRequirement(isolatedLabel, selection.DoesNotExist, nil)
	Expect(err).NotTo(HaveOccurred())
	suiteMetrics = startManager(suiteCtx, "", cache.Options{DefaultLabelSelector: labels.NewSelector().Add(*notIsolated)})
})

var _ = AfterSuite(func() {
	// The control plane stops in the cleanup StartT registered.
	if suiteStop != nil {
		suiteStop()
	}
})

// startManager runs the operator in-process, as main does, until ctx ends.
// Every manager gets its own metrics registry and controller names.
func startManager(ctx context.Context, name string, cacheOpts cache.Options) *prometheus.Registry {
	return startManagerWith(ctx, name, cacheOpts, client.New)
}

// startManagerWith is startManager with the manager's client made by
// newClient: a test can stand between the operator and the API server.
func startManagerWith(ctx context.Context, name string, cacheOpts cache.Options, newClient client.NewClientFunc) *prometheus.Registry {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:    scheme,
		Cache:     cacheOpts,
		Metrics:   metricsserver.Options{BindAddress: "0"},
		Client:    client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
		NewClient: newClient,
	})
	Expect(err).NotTo(HaveOccurred())
	reg := prometheus.NewRegistry()
	Expect(controllers.Setup(ctx, mgr, controllers.Options{
		MetricsRegistry:         reg,
		Name:                    name,
		DefaultResyncPeriod:     time.Minute,
		MaxConcurrentReconciles: 4,
		// Below the default, so that tests of drift see a resync soon,
		// and above the API's 1s, so that the limit is tested too.
		MinResyncPeriod: 2 * time.Second,
	})).To(Succeed())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	return reg
}
