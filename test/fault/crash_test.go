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
	"os"
	"path/filepath"
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
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// crashPoint says where, around the create of a data source, the manager
// process dies.
type crashPoint struct {
	name string
	// answered says the server's answer to the create reaches the
	// manager before it dies; otherwise it dies with the create stored
	// and unanswered.
	answered bool
	// signal is how the manager dies: SIGKILL, or SIGTERM (a graceful
	// stop, as a rollout or a lost node drain gives it).
	signal syscall.Signal
	// deleteWhileDown deletes the DataSource while no manager runs.
	deleteWhileDown bool
}

// TestCrashPointsKeepOwnership kills the manager binary at each point of
// a create and starts a new one: the end state must be the one an
// uninterrupted run reaches. The connection is a ClusterOpenSearchConnection,
// whose adoption defaults to Deny, so a manager that forgot it created the
// data source reports AdoptionDenied for its own data source; and a
// DataSource deleted in the window must still delete what it created.
func TestCrashPointsKeepOwnership(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver and etcd into bin/k8s/ and sets it")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, k8s := startAPIServer(t, root)
	bin := managerbin.Build(t, root)
	for i, point := range []crashPoint{
		{name: "create stored, answer lost", signal: syscall.SIGKILL},
		{name: "answer received, status not patched", answered: true, signal: syscall.SIGKILL},
		{name: "graceful stop right after the answer", answered: true, signal: syscall.SIGTERM},
		{name: "create stored, DataSource deleted while down", signal: syscall.SIGKILL, deleteWhileDown: true},
	} {
		t.Run(point.name, func(t *testing.T) {
			runCrashPoint(t, k8s, bin, kubeconfig, fmt.Sprintf("crash-%d", i), point)
		})
	}
}

func runCrashPoint(t *testing.T, k8s client.Client, bin, kubeconfig, ns string, point crashPoint) {
	ctx := context.Background()
	fake := fakeopensearch.New(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin})
	killer := &createKiller{point: point}
	url := serveWithKiller(t, fake, killer)
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	conn := &v1alpha1.ClusterOpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Name: ns},
		Spec: v1alpha1.ClusterOpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: url, Dialect: v1alpha1.DialectSQLPlugin},
			AllowedNamespaces:  &v1alpha1.AllowedNamespaces{Names: []string{ns}},
		},
	}
	ds := &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "metrics"},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: v1alpha1.ConnectionReference{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: ns},
			Connector:     "prometheus", Description: "cluster metrics",
			Properties: map[string]apiextensionsv1.JSON{"prometheus.uri": {Raw: []byte(`"` + promEndpoint + `"`)}},
		},
	}
	for _, obj := range []client.Object{conn, ds} {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}

	first := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false")
	killer.arm(first)
	select {
	case <-first.Exited:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the manager was never stopped at the create; it logged:\n%s", first.Logs.String())
	}
	if _, ok := fake.Stored("metrics"); !ok {
		t.Fatal("the create was not stored before the manager died")
	}
	if point.deleteWhileDown {
		if err := k8s.Delete(ctx, ds); err != nil {
			t.Fatal(err)
		}
	}

	second := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false")
	if point.deleteWhileDown {
		eventually(t, "deleting the DataSource and its data source", time.Minute, func() error {
			return deletedEverywhere(k8s, fake, ds)
		})
	} else {
		eventually(t, "the DataSource recording its own create", time.Minute, func() error {
			return recordsOwnCreate(k8s, ds, url)
		})
		if names := fake.StoredNames(); len(names) != 1 {
			t.Errorf("the cluster holds %v, want only metrics", names)
		}
		if err := k8s.Delete(ctx, ds); err != nil {
			t.Fatal(err)
		}
		eventually(t, "deleting the DataSource and its data source", time.Minute, func() error {
			return deletedEverywhere(k8s, fake, ds)
		})
	}
	_ = second.Cmd.Process.Kill()
	<-second.Exited
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
// data source from the cluster.
func deletedEverywhere(k8s client.Client, fake *fakeopensearch.Server, ds *v1alpha1.DataSource) error {
	var got v1alpha1.DataSource
	err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ds), &got)
	switch {
	case err == nil:
		return fmt.Errorf("the DataSource is still there (finalizers %v)", got.Finalizers)
	case !apierrors.IsNotFound(err):
		return err
	}
	if _, ok := fake.Stored("metrics"); ok {
		return fmt.Errorf("the data source this DataSource created is still on the cluster")
	}
	return nil
}

// createKiller stops the armed manager process at the first create the
// server stores.
type createKiller struct {
	point crashPoint
	mu    sync.Mutex
	proc  *managerbin.Process
}

func (k *createKiller) arm(p *managerbin.Process) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.proc = p
}

// fire stops the armed process, once, and waits until it has exited.
func (k *createKiller) fire() {
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

// serveWithKiller serves fake on a loopback address and stops the armed
// manager when a create is stored: before the answer leaves, or right after.
func serveWithKiller(t *testing.T, fake *fakeopensearch.Server, k *createKiller) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inner := fake.Handler()
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isCreate := r.Method == http.MethodPost && r.URL.Path == "/_plugins/_query/_datasources"
		if !isCreate || k.point.answered {
			inner.ServeHTTP(w, r)
			if isCreate {
				if f, ok := w.(http.Flusher); ok {
					f.Flush()
				}
				k.fire()
			}
			return
		}
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		if rec.Code < 300 {
			k.fire()
		}
		// The dead manager never reads an answer; one still alive (the
		// create was refused) gets it.
		for key, values := range rec.Header() {
			w.Header()[key] = values
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String()
}
