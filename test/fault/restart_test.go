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

package fault

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// restartSeed drives the random spec edits, moves and policy switches.
const restartSeed = 19

// TestRestartTakesTheSameDecisions applies random sequences of spec edits,
// connectionRef moves, managementPolicy switches and deletions; whenever
// the fleet has settled it kills the manager and starts a new one, which
// knows only the API objects. The new process must take the decisions the
// old one recorded: no request that changes OpenSearch, and the same
// ownership records and Ready reasons.
func TestRestartTakesTheSameDecisions(t *testing.T) {
	testenv.Assets(t)
	root := testenv.Root(t)
	kubeconfig, k8s := startAPIServer(t, root)
	bin := managerbin.Build(t, root)
	ctx := context.Background()
	const ns = "restart"
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	clusters := map[string]*fakeopensearch.Server{}
	for _, name := range []string{"x", "y"} {
		fake, err := fakeopensearch.Start(fakeopensearch.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(fake.Close)
		clusters[name] = fake
		conn := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: v1alpha1.OpenSearchConnectionSpec{ConnectionSettings: v1alpha1.ConnectionSettings{
				Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin, ResyncPeriod: &metav1.Duration{Duration: time.Hour}}},
		}
		if err := k8s.Create(ctx, conn); err != nil {
			t.Fatal(err)
		}
	}
	// A data source made by hand on x, which DataSources naming it adopt.
	clusters["x"].Seed(fakeopensearch.Document{Name: "ds-2", Connector: "PROMETHEUS", Description: "by hand",
		Properties: map[string]any{"prometheus.uri": "http://by-hand:9090"}})

	rng := rand.New(rand.NewPCG(restartSeed, 0))
	manager := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false")
	for round := range 6 {
		for range 4 {
			op := restartOp(t, k8s, rng, ns)
			t.Logf("round %d: %s", round, op)
		}
		eventually(t, "the fleet settling", 2*time.Minute, func() error { return settled(k8s, ns) })
		before := recordedDecisions(t, k8s, ns)
		writes := writeCounts(clusters)

		_ = manager.Cmd.Process.Kill()
		if err := <-manager.Exited; err != nil {
			t.Logf("round %d: the manager was killed: %v", round, err)
		}
		manager = managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false")
		// Long enough for the new process to reconcile every DataSource
		// once from a cold cache.
		time.Sleep(8 * time.Second)
		eventually(t, "the fleet settling after the restart", time.Minute, func() error { return settled(k8s, ns) })
		if got := writeCounts(clusters); got != writes {
			t.Errorf("round %d: the new process changed OpenSearch: writes %s before the restart, %s after", round, writes, got)
		}
		if after := recordedDecisions(t, k8s, ns); after != before {
			t.Errorf("round %d: the new process decided otherwise:\nbefore:\n%s\nafter:\n%s", round, before, after)
		}
	}
}

// restartOp makes one random change to the fleet of DataSources ds-0 to
// ds-3 and says what it did.
func restartOp(t *testing.T, k8s client.Client, rng *rand.Rand, ns string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("ds-%d", rng.IntN(4))
	var ds v1alpha1.DataSource
	err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &ds)
	switch {
	case apierrors.IsNotFound(err):
		conn := []string{"x", "y"}[rng.IntN(2)]
		ds = v1alpha1.DataSource{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: v1alpha1.DataSourceSpec{
				ConnectionRef: v1alpha1.ConnectionReference{Name: conn},
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:   "prometheus",
					Description: "v0",
					Properties:  map[string]apiextensionsv1.JSON{"prometheus.uri": {Raw: []byte(`"http://prometheus:9090"`)}},
				},
			},
		}
		if err := k8s.Create(ctx, &ds); err != nil {
			t.Fatal(err)
		}
		return "create " + name + " on " + conn
	case err != nil:
		t.Fatal(err)
	case !ds.DeletionTimestamp.IsZero():
		return "wait for " + name + " to go"
	}
	n, description := rng.IntN(10), fmt.Sprintf("v%d", rng.IntN(100))
	if n >= 8 {
		if err := k8s.Delete(ctx, &ds); err != nil {
			t.Fatal(err)
		}
		return "delete " + name
	}
	var what string
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(&ds), &ds); err != nil {
			return err
		}
		switch {
		case n < 3:
			ds.Spec.Description = description
			what = "edit " + name
		case n < 6:
			ds.Spec.ConnectionRef.Name = map[string]string{"x": "y", "y": "x"}[ds.Spec.ConnectionRef.Name]
			what = "move " + name + " to " + ds.Spec.ConnectionRef.Name
		default:
			policy := v1alpha1.ManagementObserve
			if ds.Spec.ManagementPolicy == v1alpha1.ManagementObserve {
				policy = v1alpha1.ManagementCreateOrUpdate
			}
			ds.Spec.ManagementPolicy = policy
			what = "switch " + name + " to " + string(policy)
		}
		return k8s.Update(ctx, &ds)
	})
	if err != nil {
		t.Fatal(err)
	}
	return what
}

// settled is nil once no DataSource is being deleted and each reports on
// its current generation without converging further.
func settled(k8s client.Client, ns string) error {
	var list v1alpha1.DataSourceList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, ds := range list.Items {
		ready := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
		switch {
		case !ds.DeletionTimestamp.IsZero():
			return fmt.Errorf("%s is still being deleted", ds.Name)
		case ready == nil || ready.ObservedGeneration != ds.Generation:
			return fmt.Errorf("%s has not reported generation %d", ds.Name, ds.Generation)
		case meta.IsStatusConditionTrue(ds.Status.Conditions, v1alpha1.ConditionReconciling):
			return fmt.Errorf("%s is still converging: %s", ds.Name, ready.Message)
		}
	}
	return nil
}

// recordedDecisions renders what the status of each DataSource decides:
// its Ready reason and its ownership records.
func recordedDecisions(t *testing.T, k8s client.Client, ns string) string {
	t.Helper()
	var list v1alpha1.DataSourceList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, ds := range list.Items {
		ready := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
		conn := "none"
		if c := ds.Status.Connection; c != nil {
			conn = c.Name + "@" + c.Endpoint
		}
		lines = append(lines, fmt.Sprintf("%s: %s/%s connection=%s adopted=%t pendingCreate=%t",
			ds.Name, ready.Status, ready.Reason, conn, ds.Status.Adopted, ds.Status.PendingCreate != nil))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// writeCounts renders the requests that changed each cluster.
func writeCounts(clusters map[string]*fakeopensearch.Server) string {
	var parts []string
	for _, name := range []string{"x", "y"} {
		c := clusters[name]
		parts = append(parts, fmt.Sprintf("%s: create %d update %d patch %d delete %d", name,
			c.Count(fakeopensearch.OpCreate), c.Count(fakeopensearch.OpUpdate), c.Count(fakeopensearch.OpPatch), c.Count(fakeopensearch.OpDelete)))
	}
	return strings.Join(parts, "; ")
}
