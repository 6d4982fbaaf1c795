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
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// crashPoint says where the manager process dies, and how.
type crashPoint struct {
	name string
	// scenario is what the DataSource goes through: "create" (a new
	// DataSource on cluster a), "move" (one settled on a, moved to b) or
	// "delete" (one settled on a, deleted).
	scenario string
	// method is the request that stops the manager, on cluster target.
	method, target string
	// phase is when, around that request: "arrived" (before the server
	// stores it), "stored" (stored, answer lost) or "answered".
	phase string
	// signal is how the manager dies: SIGKILL, or SIGTERM (a graceful
	// stop, as a rollout or a node drain gives it).
	signal syscall.Signal
	// deleteWhileDown deletes the DataSource while no manager runs.
	deleteWhileDown bool
}

// TestCrashPointsKeepOwnership kills the manager binary at each point of
// a create, a move and a deletion, and starts a new one: the end state must
// be the one an uninterrupted run reaches. The connections are
// ClusterOpenSearchConnections, whose adoption defaults to Deny, so a
// manager that forgot it created a data source reports AdoptionDenied for
// its own data source; a DataSource deleted in the window must still delete
// what it created, and a move must still release the old cluster.
func TestCrashPointsKeepOwnership(t *testing.T) {
	testenv.Assets(t)
	root := testenv.Root(t)
	kubeconfig, k8s := startAPIServer(t, root)
	bin := managerbin.Build(t, root)
	kill := syscall.SIGKILL
	for i, point := range []crashPoint{
		{name: "intent recorded, create not stored", scenario: "create", method: http.MethodPost, target: "a", phase: "arrived", signal: kill},
		{name: "create stored, answer lost", scenario: "create", method: http.MethodPost, target: "a", phase: "stored", signal: kill},
		{name: "answer received, status not patched", scenario: "create", method: http.MethodPost, target: "a", phase: "answered", signal: kill},
		{name: "graceful stop right after the answer", scenario: "create", method: http.MethodPost, target: "a", phase: "answered", signal: syscall.SIGTERM},
		{name: "create stored, DataSource deleted while down", scenario: "create", method: http.MethodPost, target: "a", phase: "stored", signal: kill, deleteWhileDown: true},
		{name: "move: written on the new cluster, old not released", scenario: "move", method: http.MethodPost, target: "b", phase: "stored", signal: kill},
		{name: "move: old cluster's DELETE stored, status not patched", scenario: "move", method: http.MethodDelete, target: "a", phase: "stored", signal: kill},
		{name: "deletion: DELETE stored, finalizer not removed", scenario: "delete", method: http.MethodDelete, target: "a", phase: "stored", signal: kill},
	} {
		t.Run(point.name, func(t *testing.T) {
			runCrashPoint(t, k8s, bin, kubeconfig, fmt.Sprintf("crash-%d", i), point)
		})
	}
}

func runCrashPoint(t *testing.T, k8s client.Client, bin, kubeconfig, ns string, point crashPoint) {
	ctx := context.Background()
	killer := &requestKiller{point: point}
	fakes, urls := map[string]*fakeopensearch.Server{}, map[string]string{}
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		fakes[name] = fakeopensearch.New(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin})
		urls[name] = serveWithKiller(t, fakes[name], killer, name)
		conn := &v1alpha1.ClusterOpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Name: ns + "-" + name},
			Spec: v1alpha1.ClusterOpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: urls[name], Dialect: v1alpha1.DialectSQLPlugin},
				AllowedNamespaces:  &v1alpha1.AllowedNamespaces{Names: []string{ns}},
			},
		}
		if err := k8s.Create(ctx, conn); err != nil {
			t.Fatal(err)
		}
	}
	ds := &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "metrics"},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: v1alpha1.ConnectionReference{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: ns + "-a"},
			DataSourceParameters: v1alpha1.DataSourceParameters{
				Connector:   "prometheus",
				Description: "cluster metrics",
				Properties:  map[string]apiextensionsv1.JSON{"prometheus.uri": {Raw: []byte(`"` + promEndpoint + `"`)}},
			},
		},
	}
	if err := k8s.Create(ctx, ds); err != nil {
		t.Fatal(err)
	}

	first := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false")
	final := "a"
	switch point.scenario {
	case "move":
		eventually(t, "the DataSource settling on a", time.Minute, func() error { return recordsOwnCreate(k8s, ds, urls["a"]) })
		final = "b"
		killer.arm(first)
		eventually(t, "moving the DataSource to b", time.Minute, func() error {
			var cur v1alpha1.DataSource
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(ds), &cur); err != nil {
				return err
			}
			cur.Spec.ConnectionRef.Name = ns + "-b"
			return k8s.Update(ctx, &cur)
		})
	case "delete":
		eventually(t, "the DataSource settling on a", time.Minute, func() error { return recordsOwnCreate(k8s, ds, urls["a"]) })
		killer.arm(first)
		if err := k8s.Delete(ctx, ds); err != nil {
			t.Fatal(err)
		}
	default:
		killer.arm(first)
	}
	select {
	case exit := <-first.Exited:
		t.Logf("the first manager stopped at the %s (%v)", point.method, exit)
	case <-time.After(2 * time.Minute):
		t.Fatalf("the manager was never stopped at the %s; it logged:\n%s", point.method, first.Logs.String())
	}
	if point.deleteWhileDown {
		if err := k8s.Delete(ctx, ds); err != nil {
			t.Fatal(err)
		}
	}

	second := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false")
	defer func() {
		_ = second.Cmd.Process.Kill()
		if err := <-second.Exited; err != nil {
			t.Logf("the second manager stopped: %v", err)
		}
	}()
	if point.scenario != "delete" && !point.deleteWhileDown {
		eventually(t, "the DataSource recording its own create on "+final, time.Minute, func() error {
			return recordsOwnCreate(k8s, ds, urls[final])
		})
		eventually(t, "exactly one copy, on "+final, time.Minute, func() error { return heldOnlyOn(fakes, final) })
		if err := k8s.Delete(ctx, ds); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "deleting the DataSource and its data source", time.Minute, func() error {
		return deletedEverywhere(k8s, fakes, ds)
	})
}

// heldOnlyOn is nil once the data source is on cluster want and no other.
func heldOnlyOn(fakes map[string]*fakeopensearch.Server, want string) error {
	for name, fake := range fakes {
		_, ok := fake.Stored("metrics")
		if ok != (name == want) {
			return fmt.Errorf("cluster %s holds the data source: %t", name, ok)
		}
	}
	return nil
}

// recordsOwnCreate is nil once ds is Synced with a status that says it
// created its data source on the cluster at url.
func recordsOwnCreate(k8s client.Client, ds *v1alpha1.DataSource, url string) error {
	var got v1alpha1.DataSource
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ds), &got); err != nil {
		return err
	}
	c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady)
	switch {
	case c == nil || c.Status != metav1.ConditionTrue:
		return fmt.Errorf("not Ready: %+v", c)
	case got.Status.Connection == nil || got.Status.Connection.Endpoint != url:
		return fmt.Errorf("status.connection = %+v, want the cluster at %s", got.Status.Connection, url)
	case got.Status.Adopted:
		return fmt.Errorf("status.adopted is true for a data source this DataSource created")
	case got.Status.PendingCreate != nil:
		return fmt.Errorf("status.pendingCreate is still %+v after the write was recorded", got.Status.PendingCreate)
	}
	return nil
}

// deletedEverywhere is nil once ds is gone from the API server and its
// data source from every cluster.
func deletedEverywhere(k8s client.Client, fakes map[string]*fakeopensearch.Server, ds *v1alpha1.DataSource) error {
	var got v1alpha1.DataSource
	err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ds), &got)
	switch {
	case err == nil:
		return fmt.Errorf("the DataSource is still there (finalizers %v)", got.Finalizers)
	case !apierrors.IsNotFound(err):
		return err
	}
	for name, fake := range fakes {
		if _, ok := fake.Stored("metrics"); ok {
			return fmt.Errorf("the data source this DataSource created is still on cluster %s", name)
		}
	}
	return nil
}

// requestKiller stops the armed manager process at the first request of
// its point's method to its point's cluster.
type requestKiller struct {
	point crashPoint
	mu    sync.Mutex
	proc  *managerbin.Process
}

func (k *requestKiller) arm(p *managerbin.Process) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.proc = p
}

// armed says whether r on cluster is the request to stop at.
func (k *requestKiller) armed(cluster string, r *http.Request) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.proc != nil && cluster == k.point.target && r.Method == k.point.method &&
		strings.HasPrefix(r.URL.Path, "/_plugins/_query/_datasources")
}

// fire stops the armed process, once, and waits until it has exited.
func (k *requestKiller) fire() {
	k.mu.Lock()
	p := k.proc
	k.proc = nil
	k.mu.Unlock()
	if p == nil {
		return
	}
	_ = p.Cmd.Process.Signal(k.point.signal)
	if k.point.signal == syscall.SIGKILL {
		// Exited is the test's to read; signal 0 fails once the process
		// is gone and reaped.
		for p.Cmd.Process.Signal(syscall.Signal(0)) == nil {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// serveWithKiller serves fake, as cluster name, on a loopback address and
// stops the armed manager at its point: when the request arrives (the
// server never sees it), once the server stored it (the answer is lost), or
// right after the answer left.
func serveWithKiller(t *testing.T, fake *fakeopensearch.Server, k *requestKiller, name string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inner := fake.Handler()
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !k.armed(name, r) {
			inner.ServeHTTP(w, r)
			return
		}
		switch k.point.phase {
		case "arrived":
			k.fire()
			http.Error(w, "the client is gone", http.StatusServiceUnavailable)
		case "answered":
			inner.ServeHTTP(w, r)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			k.fire()
		default:
			rec := httptest.NewRecorder()
			inner.ServeHTTP(rec, r)
			if rec.Code < 300 {
				k.fire()
			}
			// The dead manager never reads an answer; one still alive
			// (the request was refused) gets it.
			for key, values := range rec.Header() {
				w.Header()[key] = values
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		}
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String()
}
