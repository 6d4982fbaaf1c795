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
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// secretRequests counts what a manager asks of the API server about
// Secrets: watches, and GETs of one Secret.
type secretRequests struct {
	mu             sync.Mutex
	watches, reads int
}

func (s *secretRequests) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTrip(func(req *http.Request) (*http.Response, error) {
		if strings.Contains(req.URL.Path, "/secrets") {
			s.mu.Lock()
			switch {
			case req.URL.Query().Get("watch") == "true":
				s.watches++
			case req.Method == http.MethodGet && !strings.HasSuffix(req.URL.Path, "/secrets"):
				s.reads++
			}
			s.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

func (s *secretRequests) counts() (watches, reads int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watches, s.reads
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// startCountedManager runs a manager limited to namespace ns whose
// requests about Secrets are counted.
func startCountedManager(ctx context.Context, ns string) *secretRequests {
	counted := rest.CopyConfig(cfg)
	reqs := &secretRequests{}
	counted.WrapTransport = reqs.wrap
	mgr, err := ctrl.NewManager(counted, controllers.ManagerOptions(ctrl.Options{
		Scheme: scheme,
		Cache: cache.Options{
			DefaultLabelSelector: labels.SelectorFromSet(labels.Set{isolatedLabel: "true"}),
			DefaultNamespaces:    map[string]cache.Config{ns: {}},
		},
		Metrics: metricsserver.Options{BindAddress: "0"},
	}))
	Expect(err).NotTo(HaveOccurred())
	Expect(controllers.Setup(ctx, mgr, controllers.Options{
		MetricsRegistry: prometheus.NewRegistry(),
		Name:            "secrets-" + rand.String(6),
	})).To(Succeed())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
	return reqs
}

var _ = Describe("Referenced Secrets", func() {
	It("are watched with one watch however many there are, and each read once", func() {
		ns := newNamespace(isolatedLabel, "true")
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		ctx, stop := context.WithCancel(context.Background())
		DeferCleanup(stop)
		reqs := startCountedManager(ctx, ns)

		createConnection(ns, "os", fake, v1alpha1.DialectSQLPlugin, time.Hour, isolatedLabel, "true")
		// The SQL plugin holds at most 20 data sources.
		const n = 15
		var all []*v1alpha1.DataSource
		for i := range n {
			name := fmt.Sprintf("metrics-%02d", i)
			createSecret(ns, name, map[string]string{"username": "prom", "password": "pass-" + name})
			ds := prometheusDataSource(ns, name, "os", name)
			ds.Labels = map[string]string{isolatedLabel: "true"}
			Expect(k8s.Create(ctx, ds)).To(Succeed())
			all = append(all, ds)
		}
		for _, ds := range all {
			expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		}
		watches, reads := reqs.counts()
		Expect(watches).To(Equal(1), "%d Secrets referenced: one watch for all of them", n+1)
		Expect(reads).To(Equal(n+1), "each referenced Secret is read once while it does not change")

		// A rotation reaches the one DataSource that uses the Secret, which
		// reads it once more.
		secret := &corev1.Secret{}
		secret.Namespace, secret.Name = ns, "metrics-07"
		rotatePassword(secret, fake, "metrics-07", "rotated")
		Consistently(func() int { _, reads := reqs.counts(); return reads }, time.Second, interval).Should(Equal(n + 2))
	})
})
