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

package rbac

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

const poll = 200 * time.Millisecond

func createIfMissing(ctx context.Context, t *testing.T, c client.Client, obj client.Object) {
	t.Helper()
	if err := c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating %T %s/%s: %v", obj, obj.GetNamespace(), obj.GetName(), err)
	}
}

// tokenConfig returns a rest.Config that authenticates as sa with a token
// from the TokenRequest API, and nothing else: the admin's client
// certificate is dropped, so the API server authorises every request of the
// manager against sa's RBAC alone.
func tokenConfig(ctx context.Context, t *testing.T, cfg *rest.Config, admin client.Client, sa account) *rest.Config {
	t.Helper()
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := kube.CoreV1().ServiceAccounts(sa.namespace).CreateToken(ctx, sa.name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/%s: %v", sa.namespace, sa.name, err)
	}
	saCfg := rest.AnonymousClientConfig(cfg)
	saCfg.BearerToken = tr.Status.Token
	return saCfg
}

// checkCanList asks the API server, as the ServiceAccount, whether it may
// list Secrets where the samples are (it must) and in every namespace (only
// when the manager watches all of them): the token really carries the mode's
// RBAC and no more.
func checkCanList(ctx context.Context, t *testing.T, saCfg *rest.Config, m mode) {
	t.Helper()
	kube, err := kubernetes.NewForConfig(saCfg)
	if err != nil {
		t.Fatal(err)
	}
	for ns, want := range map[string]bool{m.samples: true, "": len(m.watch) == 0} {
		review, err := kube.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns, Verb: "list", Resource: "secrets"}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SelfSubjectAccessReview as the ServiceAccount: %v", err)
		}
		if review.Status.Allowed != want {
			t.Errorf("may list Secrets in namespace %q: %v, want %v", ns, review.Status.Allowed, want)
		}
	}
}

// startFake runs a fake OpenSearch that accepts the sample connection's
// credentials.
func startFake(t *testing.T) string {
	t.Helper()
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "admin", Password: "change-me"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	return fake.URL()
}

// startManager runs the operator's controllers in-process with saCfg, set
// up as main.go sets them up (leader election included, so its Role is
// exercised); metrics and probes are off. The returned func stops it.
// managerRuns numbers the managers this process starts.
var managerRuns atomic.Int32

func startManager(t *testing.T, saCfg *rest.Config, m mode) func() {
	t.Helper()
	opts := ctrl.Options{
		Metrics:                       metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress:        "0",
		LeaderElection:                true,
		LeaderElectionNamespace:       m.sa.namespace,
		LeaderElectionID:              "rbac-" + m.name,
		LeaderElectionReleaseOnCancel: true,
	}
	if len(m.watch) > 0 {
		opts.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{}}
		for _, ns := range m.watch {
			opts.Cache.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	mgr, err := ctrl.NewManager(saCfg, controllers.ManagerOptions(opts))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := controllers.Setup(ctx, mgr, controllers.Options{
		MetricsRegistry: prometheus.NewRegistry(),
		// Controller names are unique per process, and -count runs this
		// test more than once in one.
		Name: fmt.Sprintf("rbac-%s-%d", m.name, managerRuns.Add(1)),
	}); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("manager: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("the manager did not stop within a minute")
		}
	}
}

// applySamples creates the sample connection (pointed at the fake), the
// sample Prometheus DataSource and their Secrets in ns.
func applySamples(ctx context.Context, t *testing.T, admin client.Client, ns, fakeURL string) {
	t.Helper()
	for _, file := range []string{"opensearch_v1alpha1_opensearchconnection.yaml", "opensearch_v1alpha1_datasource_prometheus.yaml"} {
		path := filepath.Join(root, "config", "samples", file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(t.TempDir(), file)
		if err := os.WriteFile(tmp, []byte(strings.Replace(string(data), "http://127.0.0.1:9200", fakeURL, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, obj := range testenv.DecodeFile(t, tmp) {
			obj.SetNamespace(ns)
			if err := admin.Create(ctx, obj); err != nil {
				t.Fatalf("creating the sample %s %s: %v", obj.GetKind(), obj.GetName(), err)
			}
		}
	}
}

// waitReady polls until the DataSource is Ready=True for its current
// generation, or ctx's deadline passes.
func waitReady(ctx context.Context, t *testing.T, admin client.Client, key client.ObjectKey) {
	t.Helper()
	var last string
	for {
		var ds v1alpha1.DataSource
		if err := admin.Get(ctx, key, &ds); err == nil {
			c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
			if c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == ds.Generation {
				return
			}
			last = fmt.Sprintf("conditions: %+v", ds.Status.Conditions)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("DataSource %s never became Ready; last seen %s", key, last)
		case <-time.After(poll):
		}
	}
}

// assertNoClusterSecretAccess fails if any ClusterRole bound to sa
// cluster-wide grants anything on Secrets.
func assertNoClusterSecretAccess(t *testing.T, admin client.Client, sa account) {
	t.Helper()
	ctx := context.Background()
	var bindings rbacv1.ClusterRoleBindingList
	if err := admin.List(ctx, &bindings); err != nil {
		t.Fatal(err)
	}
	for _, b := range bindings.Items {
		if !bindsAccount(b.Subjects, sa) {
			continue
		}
		var role rbacv1.ClusterRole
		if err := admin.Get(ctx, client.ObjectKey{Name: b.RoleRef.Name}, &role); err != nil {
			t.Fatal(err)
		}
		for _, r := range role.Rules {
			if anyOf(r.APIGroups, "", "*") && anyOf(r.Resources, "secrets", "*") {
				t.Errorf("ClusterRole %s (bound by %s) grants %v on Secrets cluster-wide", role.Name, b.Name, r.Verbs)
			}
		}
	}
}

func anyOf(list []string, values ...string) bool {
	for _, v := range list {
		for _, w := range values {
			if v == w {
				return true
			}
		}
	}
	return false
}

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *syncBuffer) String() string { return b.Since(0) }

// Since returns what was written after the first n bytes.
func (b *syncBuffer) Since(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()[n:]
}
