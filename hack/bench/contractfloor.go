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

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// contractFloor is the least a controller with this operator's contract
// (docs/operations.md, the API's status fields) must do to bring a fleet of
// new DataSources to Ready, at the manager's concurrency:
//
//   - an informer on the namespace's DataSources, synced before any work
//     and running until the end, so that the floor, like any controller,
//     decodes the watch event each of its own writes causes;
//   - per DataSource: a finalizer patch; the intent record (a status patch
//     of status.pendingCreate before the POST, which the contract requires
//     so that a crash between the create and its record is safe); with
//     Secrets one GET of the DataSource's Secret; one POST to OpenSearch;
//     one Normal Event, sent beside the work as client-go's recorder does;
//     and one status patch with Ready and the status fields the API
//     defines (the write's reply, lastSyncTime, a fingerprint, the
//     connection written to, the credential keys).
//
// Like the bare floor it knows everything else in advance: no connection
// to probe, no dialect to learn, nothing to compare.
type contractFloor struct {
	c     client.Client
	fleet *fleet
	apis  map[string]*opensearch.Client
	// conns are the connections' records by name, as status.connection
	// and status.pendingCreate hold them.
	conns map[string]v1alpha1.WrittenConnection
	// events are the Events in flight.
	events sync.WaitGroup
	failed atomic.Pointer[error]
}

// runContractFloor brings f's DataSources to Ready as contractFloor says;
// it returns once every DataSource was worked on and every Event sent,
// with the requests its client made by method.
func runContractFloor(ctx context.Context, cfg *rest.Config, f *fleet, workers int) (map[string]float64, error) {
	counted, counts := countingConfig(cfg)
	c, err := client.New(counted, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return nil, err
	}
	informer, err := cache.New(counted, cache.Options{Scheme: testenv.Scheme(),
		DefaultNamespaces: map[string]cache.Config{f.spec.namespace: {}}})
	if err != nil {
		return nil, err
	}
	if _, err := informer.GetInformer(ctx, &v1alpha1.DataSource{}); err != nil {
		return nil, err
	}
	ictx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = informer.Start(ictx) }()
	if !informer.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the floor's informer on %s did not sync", f.spec.namespace)
	}
	cf := &contractFloor{c: c, fleet: f, apis: map[string]*opensearch.Client{}, conns: map[string]v1alpha1.WrittenConnection{}}
	if err := cf.connect(ctx); err != nil {
		return nil, err
	}
	defer cf.close()
	var list v1alpha1.DataSourceList
	if err := informer.List(ctx, &list); err != nil {
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range list.Items {
		ds := list.Items[i].DeepCopy()
		g.Go(func() error { return cf.one(gctx, ds) })
	}
	err = g.Wait()
	cf.events.Wait()
	if p := cf.failed.Load(); err == nil && p != nil {
		err = *p
	}
	return counts.snapshot(), err
}

// connect makes an OpenSearch client per connection and reads the
// connections' uids for their records.
func (cf *contractFloor) connect(ctx context.Context) error {
	var conns v1alpha1.OpenSearchConnectionList
	if err := cf.c.List(ctx, &conns, client.InNamespace(cf.fleet.spec.namespace)); err != nil {
		return err
	}
	for i := range conns.Items {
		conn := &conns.Items[i]
		fake := cf.fleet.byConnection[conn.Name]
		api, err := opensearch.New(opensearch.Config{Endpoint: fake.url, Dialect: opensearch.DialectSQLPlugin})
		if err != nil {
			return err
		}
		cf.apis[conn.Name] = api
		cf.conns[conn.Name] = v1alpha1.WrittenConnection{Kind: v1alpha1.KindOpenSearchConnection, Name: conn.Name,
			UID: conn.UID, Endpoint: fake.url, ClusterUUID: fake.ClusterUUID()}
	}
	return nil
}

func (cf *contractFloor) close() {
	for _, api := range cf.apis {
		api.Close()
	}
}

func (cf *contractFloor) one(ctx context.Context, ds *v1alpha1.DataSource) error {
	patch := client.MergeFromWithOptions(ds.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.AddFinalizer(ds, v1alpha1.DataSourceFinalizer)
	if err := cf.c.Patch(ctx, ds, patch); err != nil {
		return fmt.Errorf("contract floor: finalizer of %s: %w", ds.Name, err)
	}
	record := cf.conns[ds.Spec.ConnectionRef.Name]
	orig := ds.DeepCopy()
	ds.Status.PendingCreate = &record
	if err := cf.c.Status().Patch(ctx, ds, client.MergeFrom(orig)); err != nil {
		return fmt.Errorf("contract floor: intent record of %s: %w", ds.Name, err)
	}
	props, credentialKeys, err := cf.properties(ctx, ds)
	if err != nil {
		return err
	}
	body := opensearch.DataSource{Name: ds.Name, Connector: ds.Spec.Connector, Properties: props}
	res, err := cf.apis[ds.Spec.ConnectionRef.Name].Create(ctx, body)
	if err != nil {
		return fmt.Errorf("contract floor: POST %s: %w", ds.Name, err)
	}
	cf.event(ds, fmt.Sprintf("Created data source %q on OpenSearchConnection/%s: %s", ds.Name, record.Name, res.Message))
	orig = ds.DeepCopy()
	now := metav1.Now()
	meta.SetStatusCondition(&ds.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue,
		Reason: v1alpha1.ReasonSynced, ObservedGeneration: ds.Generation,
		Message: fmt.Sprintf("Data source %q on OpenSearchConnection/%s matches the spec", ds.Name, record.Name)})
	st := &ds.Status
	st.ObservedGeneration, st.DataSourceID, st.Name, st.Status, st.Message = ds.Generation, res.DataSourceID, res.Name, res.Status, res.Message
	st.LastSyncTime, st.Fingerprint, st.Connection, st.CredentialKeys, st.PendingCreate = &now, fingerprint(body), &record, credentialKeys, nil
	if err := cf.c.Status().Patch(ctx, ds, client.MergeFrom(orig)); err != nil {
		return fmt.Errorf("contract floor: status of %s: %w", ds.Name, err)
	}
	return nil
}

// properties is the body's properties: the spec's, and with Secrets the
// values read from them, one GET each.
func (cf *contractFloor) properties(ctx context.Context, ds *v1alpha1.DataSource) (map[string]json.RawMessage, []string, error) {
	props := map[string]json.RawMessage{}
	for k, v := range ds.Spec.Properties {
		props[k] = v.Raw
	}
	var keys []string
	for _, from := range ds.Spec.PropertiesFrom {
		var secret corev1.Secret
		if err := cf.c.Get(ctx, client.ObjectKey{Namespace: ds.Namespace, Name: from.SecretKeyRef.Name}, &secret); err != nil {
			return nil, nil, fmt.Errorf("contract floor: Secret of %s: %w", ds.Name, err)
		}
		value, err := json.Marshal(string(secret.Data[from.SecretKeyRef.Key]))
		if err != nil {
			return nil, nil, err
		}
		props[from.Key] = value
		keys = append(keys, from.Key)
	}
	return props, keys, nil
}

// event records a Normal event for ds without holding the worker, as
// client-go's events recorder sends each from its own goroutine.
func (cf *contractFloor) event(ds *v1alpha1.DataSource, note string) {
	now := metav1.NowMicro()
	ev := &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: fmt.Sprintf("%s.%x", ds.Name, now.UnixNano())},
		EventTime:  now, ReportingController: "bench-contract-floor", ReportingInstance: "bench-contract-floor",
		Action: "Create", Reason: "Created", Type: corev1.EventTypeNormal, Note: note,
		Regarding: corev1.ObjectReference{APIVersion: v1alpha1.GroupVersion.String(), Kind: "DataSource",
			Namespace: ds.Namespace, Name: ds.Name, UID: ds.UID, ResourceVersion: ds.ResourceVersion},
	}
	cf.events.Add(1)
	go func() {
		defer cf.events.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cf.c.Create(ctx, ev); err != nil {
			err = fmt.Errorf("contract floor: event of %s: %w", ds.Name, err)
			cf.failed.CompareAndSwap(nil, &err)
		}
	}()
}

// fingerprint stands for the operator's: a hash of the body written.
func fingerprint(ds opensearch.DataSource) string {
	b, _ := json.Marshal(ds)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// methodCounts counts a client's requests by HTTP method.
type methodCounts struct {
	mu sync.Mutex
	n  map[string]float64
}

func (m *methodCounts) add(method string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n[method]++
}

func (m *methodCounts) snapshot() map[string]float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]float64, len(m.n))
	for k, v := range m.n {
		out[k] = v
	}
	return out
}

// countingConfig is cfg with a transport that counts each request.
func countingConfig(cfg *rest.Config) (*rest.Config, *methodCounts) {
	counts := &methodCounts{n: map[string]float64{}}
	out := rest.CopyConfig(cfg)
	out.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			counts.add(r.Method)
			return rt.RoundTrip(r)
		})
	})
	return out, counts
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
