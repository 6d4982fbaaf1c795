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
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// rotationResult is how one Secret's change reached the DataSources using it.
type rotationResult struct {
	DataSources int `json:"dataSources"`
	// Stored is, per data source that got the new value, how long after
	// the Secret's update the fake stored it.
	P50    float64  `json:"p50Seconds"`
	P99    float64  `json:"p99Seconds"`
	Max    float64  `json:"maxSeconds"`
	Stored int      `json:"stored"`
	Ops    opCounts `json:"openSearchRequests"`
	// PutsPerDataSource is the fewest and most PUTs one data source got.
	MinPuts int `json:"minPuts"`
	MaxPuts int `json:"maxPuts"`
	// Reported is how many DataSources' status shows the rotation's write
	// (the PUTs go first, the status patches after them), and
	// AllReported how long after the Secret's update the last one did.
	Reported    int     `json:"reported"`
	AllReported float64 `json:"allReportedSeconds"`
}

// rotationWait bounds how long the bench waits for a rotation to land.
const rotationWait = 30 * time.Second

// rotationTable updates one Secret used by sz.rotation DataSources and times
// until each fake stores the new value.
func (b *bench) rotationTable(ctx context.Context) table {
	t := table{Scenario: "rotation",
		Title:  fmt.Sprintf("Rotation: one Secret used by %d DataSources (%d connections)", b.sz.rotation, b.sz.rotation/b.sz.perConnection),
		Target: "p99 until the fake stores the new value ≤ 2 s; exactly one PUT per data source, no GET",
		Header: []string{"DATASOURCES", "STORED", "P50", "P99", "MAX", "PUTS/DS (MIN–MAX)", "STATUS REPORTED (ALL BY)", "OPENSEARCH REQUESTS"}}
	r, err := b.rotation(ctx)
	if err != nil {
		t.Err = err.Error()
		return t
	}
	t.Data = r
	t.Rows = [][]string{{fmt.Sprint(r.DataSources), fmt.Sprint(r.Stored), dur(r.P50), dur(r.P99), dur(r.Max),
		fmt.Sprintf("%d–%d", r.MinPuts, r.MaxPuts), fmt.Sprintf("%d (%s)", r.Reported, dur(r.AllReported)), r.Ops.String()}}
	t.Checks = []check{
		exactly("data sources holding the new value", float64(r.Stored), float64(r.DataSources)),
		atMost("p99 seconds", r.P99, 2),
		exactly("PUTs", float64(r.Ops[fakeopensearch.OpUpdate]), float64(r.DataSources)),
		exactly("fewest PUTs to one data source", float64(r.MinPuts), 1),
		exactly("most PUTs to one data source", float64(r.MaxPuts), 1),
		exactly("GETs", float64(r.Ops[fakeopensearch.OpGet]), 0),
		exactly("statuses reporting the rotation's write", float64(r.Reported), float64(r.DataSources)),
	}
	return t
}

func (b *bench) rotation(ctx context.Context) (*rotationResult, error) {
	spec := fleetSpec{namespace: b.namespace("rotation"), connections: b.sz.rotation / b.sz.perConnection,
		perConnection: b.sz.perConnection, secrets: sharedSecret}
	s, err := b.startReady(ctx, spec)
	if err != nil {
		return nil, err
	}
	defer s.close()
	settle(ctx, settleTime)
	const rotated = "rotated"
	w := s.watchStores("prometheus.auth.password", rotated)
	secret := &corev1.Secret{}
	if err := b.cl.c.Get(ctx, client.ObjectKey{Namespace: spec.namespace, Name: sharedSecretName}, secret); err != nil {
		return nil, err
	}
	secret.Data["password"] = []byte(rotated)
	w.start = time.Now()
	if err := b.cl.c.Update(ctx, secret); err != nil {
		return nil, err
	}
	w.wait(ctx, rotationWait)
	reported, allReported, err := b.waitReported(ctx, spec.namespace, spec.dataSources(), w.start)
	if err != nil {
		return nil, err
	}
	// Let late or repeated writes arrive before counting.
	settle(ctx, settleTime)
	r := w.result(spec.dataSources())
	r.Ops = countOps(s.fleet.fakes)
	r.Reported, r.AllReported = reported, seconds(allReported)
	progress("rotation: p50 %.2fs p99 %.2fs, %s; %d statuses reported it, the last after %.2fs", r.P50, r.P99, r.Ops,
		r.Reported, r.AllReported)
	return r, nil
}

// waitReported polls until n DataSources in namespace have a status
// recording a write after start, or rotationWait passes; it returns how
// many do and when the last one was seen.
func (b *bench) waitReported(ctx context.Context, namespace string, n int, start time.Time) (int, time.Duration, error) {
	deadline := start.Add(rotationWait)
	for {
		var list v1alpha1.DataSourceList
		if err := b.cl.c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
			return 0, 0, err
		}
		reported := 0
		for i := range list.Items {
			// lastSyncTime has one-second granularity.
			if t := list.Items[i].Status.LastSyncTime; t != nil && !t.Time.Before(start.Truncate(time.Second)) &&
				strings.HasPrefix(list.Items[i].Status.Message, "Updated") {
				reported++
			}
		}
		if reported >= n || time.Now().After(deadline) {
			return reported, time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return reported, time.Since(start), ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// storeWatch records when each data source first held a property's new
// value and how many PUTs each got.
type storeWatch struct {
	fleet      *fleet
	key, value string
	start      time.Time

	mu     sync.Mutex
	stored map[string]time.Duration
	puts   map[string]int
	all    chan struct{}
	want   int
}

// watchStores resets the fleet's counters and starts a storeWatch of key
// reaching value on every fake.
func (s *session) watchStores(key, value string) *storeWatch {
	w := newStoreWatch(s.fleet, key, value)
	hook := writeHook(w.hook)
	for _, f := range s.fleet.fakes {
		f.ResetCounts()
		f.hook.Store(&hook)
	}
	return w
}

func newStoreWatch(f *fleet, key, value string) *storeWatch {
	return &storeWatch{fleet: f, key: key, value: value, stored: map[string]time.Duration{}, puts: map[string]int{},
		all: make(chan struct{}), want: f.spec.dataSources()}
}

// hook is the fakes' writeHook: it runs after the fake handled the write.
func (w *storeWatch) hook(method, name string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if method == http.MethodPut {
		w.puts[name]++
	}
	if _, done := w.stored[name]; done {
		return
	}
	for _, f := range w.fleet.fakes {
		if doc, ok := f.Stored(name); ok && doc.Properties[w.key] == w.value {
			w.stored[name] = at.Sub(w.start)
			if len(w.stored) == w.want {
				close(w.all)
			}
			return
		}
	}
}

func (w *storeWatch) wait(ctx context.Context, timeout time.Duration) {
	select {
	case <-w.all:
	case <-time.After(timeout):
	case <-ctx.Done():
	}
}

func (w *storeWatch) result(n int) *rotationResult {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ds []time.Duration
	for _, d := range w.stored {
		ds = append(ds, d)
	}
	r := &rotationResult{DataSources: n, Stored: len(ds), P50: seconds(percentile(ds, 50)), P99: seconds(percentile(ds, 99)),
		Max: seconds(percentile(ds, 100))}
	r.MinPuts, r.MaxPuts = minMaxPuts(w.puts, n)
	return r
}

// minMaxPuts is the fewest and most PUTs among n data sources; a data
// source missing from puts got none.
func minMaxPuts(puts map[string]int, n int) (lo, hi int) {
	if len(puts) < n {
		lo = 0
	} else {
		lo = -1
	}
	for _, p := range puts {
		if lo < 0 || p < lo {
			lo = p
		}
		hi = max(hi, p)
	}
	return max(lo, 0), hi
}
