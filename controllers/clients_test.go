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

package controllers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connconfig"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// recordingSecrets is a secretReader that keeps, like the real watcher,
// which owner references which Secrets.
type recordingSecrets struct {
	mu    sync.Mutex
	owned map[secretwatch.Owner]map[types.NamespacedName]bool
}

func (r *recordingSecrets) Get(_ context.Context, owner secretwatch.Owner, nn types.NamespacedName) (*corev1.Secret, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owned[owner] == nil {
		r.owned[owner] = map[types.NamespacedName]bool{}
	}
	r.owned[owner][nn] = true
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name, UID: "s1", ResourceVersion: "1"},
		Data: map[string][]byte{"username": []byte("u"), "password": []byte("p")}}, nil
}

func (r *recordingSecrets) Retain(owner secretwatch.Owner, keep []types.NamespacedName) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for nn := range r.owned[owner] {
		if !containsName(keep, nn) {
			delete(r.owned[owner], nn)
		}
	}
	if len(r.owned[owner]) == 0 {
		delete(r.owned, owner)
	}
}

func (r *recordingSecrets) watched() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.owned {
		n += len(s)
	}
	return n
}

func containsName(list []types.NamespacedName, nn types.NamespacedName) bool {
	for _, n := range list {
		if n == nn {
			return true
		}
	}
	return false
}

// oneConnection is a cache holding one connection: a reconcile that read
// it before its deletion.
type oneConnection struct {
	conn *v1alpha1.OpenSearchConnection
}

func (o oneConnection) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	into, ok := obj.(*v1alpha1.OpenSearchConnection)
	if !ok || key != client.ObjectKeyFromObject(o.conn) {
		return errors.New("not in this cache")
	}
	o.conn.DeepCopyInto(into)
	return nil
}

func (oneConnection) List(context.Context, client.ObjectList, ...client.ListOption) error {
	return errors.New("not in this cache")
}

// TestDeletedConnectionStaysForgotten plays a reconcile that read its
// connection just before the connection was deleted and resumes after the
// connection's cleanup ran: it must bring back neither the client, nor the
// Secret watches, nor the metric series.
func TestDeletedConnectionStaysForgotten(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer server.Close()
	conn := &v1alpha1.OpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "os", UID: "c1"},
		Spec: v1alpha1.OpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: server.URL, Dialect: v1alpha1.DialectSQLPlugin},
			Auth: &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{
				SecretRef: v1alpha1.CredentialsSecretReference{Name: "os-auth"}}},
		},
	}
	reader := oneConnection{conn}
	secrets := &recordingSecrets{owned: map[secretwatch.Owner]map[types.NamespacedName]bool{}}
	metrics := newOperatorMetrics(secrets.watched)
	gatherer := prometheus.NewRegistry()
	if err := metrics.Register(gatherer); err != nil {
		t.Fatal(err)
	}
	reg := registry.New[OpenSearchAPI](time.Now)
	clients := &connectionClients{registry: reg, secrets: secrets, factory: NewOpenSearchClient, metrics: metrics}
	id := registry.ID{Kind: string(v1alpha1.KindOpenSearchConnection), Namespace: "ns", Name: "os"}
	ctx := context.Background()

	// A reconcile before the deletion: its client's requests are counted.
	live, err := clients.connection(ctx, reader, id, time.Minute)
	if err != nil || live == nil {
		t.Fatalf("reading the connection: %v, %v", live, err)
	}
	earlier, err := clients.clientFor(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = earlier.Info(ctx)
	if seriesOf(t, gatherer, id.String()) == 0 {
		t.Fatal("the live connection's request was not counted")
	}
	// The in-flight reconcile has read the connection; then it is deleted
	// and its cleanup runs.
	inFlight, err := clients.connection(ctx, reader, id, time.Minute)
	if err != nil || inFlight == nil {
		t.Fatalf("reading the connection: %v, %v", inFlight, err)
	}
	clients.forget(id)
	if secrets.watched() != 0 {
		t.Fatalf("forget left %d Secret watches", secrets.watched())
	}

	_, err = clients.clientFor(ctx, inFlight)
	var why *blocked
	if !errors.As(err, &why) || why.Reason != v1alpha1.ReasonConnectionNotFound {
		t.Errorf("clientFor after the cleanup: %v, want blocked with %s", err, v1alpha1.ReasonConnectionNotFound)
	}
	if n := secrets.watched(); n != 0 {
		t.Errorf("the in-flight reconcile re-added %d Secret watches", n)
	}
	built := false
	if _, err := reg.Client(id, reg.Epoch(id), "probe", func(previous *OpenSearchAPI) (OpenSearchAPI, error) {
		built = previous == nil
		return nil, nil
	}); err != nil || !built {
		t.Errorf("the registry still held a client for the deleted connection (err %v)", err)
	}
	// A request the older client finishes after the cleanup.
	_, _ = earlier.Info(ctx)
	if n := seriesOf(t, gatherer, id.String()); n != 0 {
		t.Errorf("a request finished after the cleanup re-created %d series of the deleted connection", n)
	}
}

// seriesOf counts the series labelled with connection.
func seriesOf(t *testing.T, g prometheus.Gatherer, connection string) int {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "connection" && l.GetValue() == connection {
					n++
				}
			}
		}
	}
	return n
}

// TestDeniedEgressAppliesToBothConnectionKinds: the manager's denied
// networks reach the client of every connection, namespaced or cluster
// scoped: with loopback denied, a connection to a server on loopback is
// refused before a request is sent; with nothing denied it answers.
func TestDeniedEgressAppliesToBothConnectionKinds(t *testing.T) {
	var requests atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		_, _ = w.Write([]byte(`{"version":{"number":"2.19.1"}}`))
	}))
	defer server.Close()
	settings := v1alpha1.ConnectionSettings{Endpoint: server.URL, Dialect: v1alpha1.DialectSQLPlugin}
	conns := []client.Object{
		&v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "os"},
			Spec: v1alpha1.OpenSearchConnectionSpec{ConnectionSettings: settings}},
		&v1alpha1.ClusterOpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: "cos"},
			Spec: v1alpha1.ClusterOpenSearchConnectionSpec{ConnectionSettings: settings}},
	}
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, denied := range [][]netip.Prefix{loopback, nil} {
		secrets := &recordingSecrets{owned: map[secretwatch.Owner]map[types.NamespacedName]bool{}}
		reg := registry.New[OpenSearchAPI](time.Now)
		clients := &connectionClients{registry: reg, secrets: secrets, factory: NewOpenSearchClient,
			metrics: newOperatorMetrics(secrets.watched), deniedEgress: denied}
		for _, obj := range conns {
			v := viewOf(obj, time.Minute)
			v.epoch = reg.Epoch(v.ID)
			api, err := clients.clientFor(context.Background(), v)
			if err != nil {
				t.Fatalf("%s: %v", v.ID, err)
			}
			before := requests.Load()
			_, err = api.Info(context.Background())
			var refused *opensearch.EgressDeniedError
			switch {
			case denied != nil && (!errors.As(err, &refused) || requests.Load() != before):
				t.Errorf("%s with loopback denied: %v, %d requests sent; want EgressDeniedError and none",
					v.ID, err, requests.Load()-before)
			case denied == nil && err != nil:
				t.Errorf("%s with nothing denied: %v", v.ID, err)
			}
		}
	}
}

// TestBlockedBy pins how the reconcilers read the shared rules' refusals:
// the reason a connection's (and its DataSources') Ready carries.
func TestBlockedBy(t *testing.T) {
	readErr := errors.New("the Kubernetes API failed")
	cases := []struct {
		name       string
		err        error
		wantReason string // "" the error passes through
	}{
		{name: "an empty AWS key is the Secret owner's to fill in",
			err:        &connconfig.RefusedError{EmptyKey: true, Message: `key "AWS_ACCESS_KEY_ID" of Secret team/aws is empty`},
			wantReason: v1alpha1.ReasonSecretKeyNotFound},
		{name: "an OpenSearchConnection asking for the default chain is a spec fault",
			err:        &connconfig.RefusedError{Message: "spec.auth.awsSigV4.secretRef: an OpenSearchConnection must name a Secret"},
			wantReason: v1alpha1.ReasonInvalidSpec},
		{name: "a wrapped refusal is still one", err: fmt.Errorf("resolving: %w", &connconfig.RefusedError{Message: "m"}),
			wantReason: v1alpha1.ReasonInvalidSpec},
		{name: "a read error passes through", err: readErr},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := blockedBy(tc.err)
			var b *blocked
			switch {
			case tc.wantReason == "" && got != tc.err:
				t.Errorf("blockedBy = %v, want the error itself", got)
			case tc.wantReason != "" && (!errors.As(got, &b) || b.Reason != tc.wantReason):
				t.Errorf("blockedBy = %#v, want reason %s", got, tc.wantReason)
			}
		})
	}
}
