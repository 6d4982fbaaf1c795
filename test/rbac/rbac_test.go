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

// Package rbac proves that the RBAC the operator ships is all it needs: it
// runs the manager in envtest as a ServiceAccount bound only to that RBAC,
// with the ServiceAccount's own token, and drives the samples to Ready. It
// does so cluster-wide (the RBAC of dist/install.yaml) and limited to one
// namespace (the chart's per-namespace split, which must grant no
// cluster-wide Secret permission).
package rbac

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// root is the repository, two levels up from this package.
var root = filepath.Join("..", "..")

// logs collects the managers' and client-go's logs, shown when a test fails
// and searched for permission errors.
var logs = &syncBuffer{}

var setLoggers sync.Once

func TestManagerNeedsNoMoreThanTheRenderedRBAC(t *testing.T) {
	testenv.Assets(t)
	// Set once per process: goroutines of an earlier run (-count) may
	// still log through klog while a second SetLogger would race them.
	setLoggers.Do(func() {
		logger := zap.New(zap.WriteTo(logs), zap.UseDevMode(true))
		logf.SetLogger(logger)
		klog.SetLogger(logger)
	})
	cp := testenv.StartT(t)
	cfg, admin := cp.Config, cp.Client(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	})

	// One after the other: a cluster-wide manager would also reconcile the
	// namespaced mode's objects.
	t.Run("cluster-wide", func(t *testing.T) {
		objs, sa := clusterWideRBAC(t)
		runMode(t, cfg, admin, mode{name: "cluster", rbac: objs, sa: sa, samples: "team-cluster"})
	})
	t.Run("namespaced", func(t *testing.T) {
		objs, sa := namespacedRBAC(t, "rbac-operator", "team-a")
		runMode(t, cfg, admin, mode{name: "namespaced", rbac: objs, sa: sa, samples: "team-a", watch: []string{"team-a"}})
		assertNoClusterSecretAccess(t, admin, sa)
	})
}

// mode is one way of running the operator: its RBAC, the ServiceAccount
// that RBAC binds, where the samples go and which namespaces it watches
// (none: all).
type mode struct {
	name    string
	rbac    []client.Object
	sa      account
	samples string
	watch   []string
}

// account names a ServiceAccount.
type account struct{ namespace, name string }

// runMode installs the mode's RBAC, starts a manager under the
// ServiceAccount's token and waits for the samples to become Ready.
func runMode(t *testing.T, cfg *rest.Config, admin client.Client, m mode) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, ns := range []string{m.sa.namespace, m.samples} {
		createIfMissing(ctx, t, admin, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	for _, obj := range m.rbac {
		createIfMissing(ctx, t, admin, obj)
	}
	saCfg := tokenConfig(ctx, t, cfg, admin, m.sa)
	checkCanList(ctx, t, saCfg, m)
	fakeURL := startFake(t)
	stop := startManager(t, saCfg, m)
	defer stop()
	mark := logs.Len()
	applySamples(ctx, t, admin, m.samples, fakeURL)
	waitReady(ctx, t, admin, client.ObjectKey{Namespace: m.samples, Name: "my-prometheus"})
	if denied := forbiddenLines(logs.Since(mark)); len(denied) > 0 {
		t.Errorf("the manager was denied something on its way to Ready:\n%s", strings.Join(denied, "\n"))
	}
}

// forbiddenLines picks the log lines where the API server refused the
// manager: an RBAC gap that did not block Ready (an Event, say) shows here.
func forbiddenLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(strings.ToLower(line), "forbidden") {
			out = append(out, line)
		}
	}
	return out
}
