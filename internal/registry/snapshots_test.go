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

package registry

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

var (
	stT0     = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stT1     = stT0.Add(time.Minute)
	testConn = ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "conn"}
	// testSource is the cluster testConn points at.
	testSource = "http://os-a:9200"
)

// listerStub is a Lister whose List counts its calls. When entered
// is set, each List sends a fresh release channel on it and blocks until the
// test closes that channel, so calls overlap exactly as the test arranges.
type listerStub struct {
	calls   atomic.Int32
	entered chan chan struct{}
	items   []opensearch.RemoteDataSource
	err     error
}

func (f *listerStub) ListKept(_ context.Context, keep func(string) bool) (opensearch.Listing, error) {
	f.calls.Add(1)
	if f.entered != nil {
		release := make(chan struct{})
		f.entered <- release
		<-release
	}
	if f.err != nil {
		return opensearch.Listing{}, f.err
	}
	var l opensearch.Listing
	for _, it := range f.items {
		l.Names = append(l.Names, it.Name)
		if keep == nil || keep(it.Name) {
			l.Items = append(l.Items, it)
		}
	}
	return l, nil
}

// stClock is a settable clock for Snapshots.
type stClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// stRecv receives from ch, failing the test instead of hanging when
// nothing arrives.
func stRecv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func stCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSnapshotFreshSharesOneList(t *testing.T) {
	const waiters = 8
	clock := &stClock{t: stT0}
	api := &listerStub{
		entered: make(chan chan struct{}, 16),
		items:   []opensearch.RemoteDataSource{{Name: "a"}, {Name: "b", DataSourceID: "id-b"}},
	}
	s := NewSnapshots(clock.now)
	ctx := stCtx(t)
	notBefore := stT0.Add(-time.Second)

	type result struct {
		snap *Snapshot
		err  error
	}
	results := make(chan result, waiters+1)
	call := func() {
		snap, err := s.Fresh(ctx, testConn, testSource, api, notBefore)
		results <- result{snap, err}
	}

	go call()
	release := stRecv(t, api.entered, "the first List") // in flight and blocked
	var started sync.WaitGroup
	for i := 0; i < waiters; i++ {
		started.Add(1)
		go func() { started.Done(); call() }()
	}
	started.Wait()
	// Give the waiters a moment to reach the in-flight call; whether they
	// join it or find its result stored, no second list may start.
	time.Sleep(5 * time.Millisecond)
	close(release)

	var first *Snapshot
	for i := 0; i < waiters+1; i++ {
		var r result
	wait:
		for {
			select {
			case r = <-results:
				break wait
			case extra := <-api.entered:
				close(extra) // a List that should not have started; counted below
			case <-time.After(5 * time.Second):
				t.Fatalf("timed out waiting for Fresh result %d", i)
			}
		}
		if r.err != nil {
			t.Fatalf("Fresh: %v", r.err)
		}
		if first == nil {
			first = r.snap
		} else if r.snap != first {
			t.Errorf("waiters got different snapshots")
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Errorf("List called %d times, want 1", n)
	}
	if !first.FetchedAt.Equal(stT0) {
		t.Errorf("FetchedAt = %v, want the time the list started, %v", first.FetchedAt, stT0)
	}
	if len(first.Items) != 2 || first.Items["b"].DataSourceID != "id-b" {
		t.Errorf("Items = %+v", first.Items)
	}
	if got := s.Latest(testConn, testSource); got != first {
		t.Errorf("Latest = %p, want the shared snapshot %p", got, first)
	}
	if got := s.Latest(ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "other"}, testSource); got != nil {
		t.Errorf("Latest of an unknown connection = %+v, want nil", got)
	}
}

func TestSnapshotFreshReuse(t *testing.T) {
	fetched := stT0
	cases := []struct {
		name      string
		notBefore time.Time
		clockAt   time.Time
		wantCalls int32
		wantAt    time.Time
	}{
		{"older notBefore: stored snapshot reused", fetched.Add(-time.Nanosecond), fetched.Add(time.Hour), 1, fetched},
		{"zero notBefore: stored snapshot reused", time.Time{}, fetched.Add(time.Hour), 1, fetched},
		{"notBefore equal to the fetch time: listed again", fetched, fetched.Add(time.Second), 2, fetched.Add(time.Second)},
		{"newer notBefore: listed again", fetched.Add(time.Minute), fetched.Add(time.Hour), 2, fetched.Add(time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &stClock{t: fetched}
			api := &listerStub{items: []opensearch.RemoteDataSource{{Name: "a"}}}
			s := NewSnapshots(clock.now)
			ctx := stCtx(t)
			first, err := s.Fresh(ctx, testConn, testSource, api, fetched.Add(-time.Minute))
			if err != nil || api.calls.Load() != 1 {
				t.Fatalf("first Fresh: err %v, %d calls", err, api.calls.Load())
			}

			clock.set(tc.clockAt)
			got, err := s.Fresh(ctx, testConn, testSource, api, tc.notBefore)
			if err != nil {
				t.Fatalf("Fresh: %v", err)
			}
			if n := api.calls.Load(); n != tc.wantCalls {
				t.Errorf("List called %d times, want %d", n, tc.wantCalls)
			}
			if !got.FetchedAt.Equal(tc.wantAt) {
				t.Errorf("FetchedAt = %v, want %v", got.FetchedAt, tc.wantAt)
			}
			if (got == first) != (tc.wantCalls == 1) {
				t.Errorf("snapshot reused = %v, want %v", got == first, tc.wantCalls == 1)
			}
			if !got.FetchedAt.After(tc.notBefore) {
				t.Errorf("FetchedAt %v is not after notBefore %v", got.FetchedAt, tc.notBefore)
			}
			if s.Latest(testConn, testSource) != got {
				t.Errorf("Latest is not the snapshot Fresh returned")
			}
		})
	}
}

func TestSnapshotFreshOldInflightNotShared(t *testing.T) {
	clock := &stClock{t: stT0}
	api := &listerStub{entered: make(chan chan struct{}, 4)}
	s := NewSnapshots(clock.now)
	ctx := stCtx(t)

	older, newer := make(chan *Snapshot, 1), make(chan *Snapshot, 1)
	go func() { snap, _ := s.Fresh(ctx, testConn, testSource, api, stT0.Add(-time.Second)); older <- snap }()
	releaseOlder := stRecv(t, api.entered, "the first List")
	// The list in flight started at stT0; a caller needing one fetched
	// after stT0 must not wait for it.
	clock.set(stT1)
	go func() { snap, _ := s.Fresh(ctx, testConn, testSource, api, stT0); newer <- snap }()
	releaseNewer := stRecv(t, api.entered, "a second List")

	// The newer list finishes first; the older one, finishing later, must
	// not replace it as Latest.
	close(releaseNewer)
	b := stRecv(t, newer, "the second Fresh")
	if b == nil || !b.FetchedAt.Equal(stT1) {
		t.Fatalf("second Fresh = %+v, want a snapshot fetched at %v", b, stT1)
	}
	close(releaseOlder)
	a := stRecv(t, older, "the first Fresh")
	if a == nil || !a.FetchedAt.Equal(stT0) {
		t.Fatalf("first Fresh = %+v, want a snapshot fetched at %v", a, stT0)
	}
	if n := api.calls.Load(); n != 2 {
		t.Errorf("List called %d times, want 2", n)
	}
	if got := s.Latest(testConn, testSource); got != b {
		t.Errorf("Latest = %+v, want the newer snapshot (fetched %v)", got, stT1)
	}
}

func TestSnapshotFreshErrors(t *testing.T) {
	clock := &stClock{t: stT0}
	listErr := &opensearch.Error{Kind: opensearch.KindUnavailable, Operation: "list", Message: "down"}
	api := &listerStub{err: listErr}
	s := NewSnapshots(clock.now)
	ctx := stCtx(t)

	snap, err := s.Fresh(ctx, testConn, testSource, api, time.Time{})
	if !errors.Is(err, listErr) || snap != nil {
		t.Fatalf("Fresh = %+v, %v; want nil, %v", snap, err, listErr)
	}
	if s.Latest(testConn, testSource) != nil {
		t.Errorf("a failed list was stored")
	}
	// The failed call is not cached: the next Fresh lists again.
	api.err = nil
	clock.set(stT1)
	snap, err = s.Fresh(ctx, testConn, testSource, api, time.Time{})
	if err != nil || snap == nil || api.calls.Load() != 2 {
		t.Fatalf("Fresh after failure = %+v, %v with %d calls; want a snapshot after 2 calls", snap, err, api.calls.Load())
	}

	// A cancelled caller returns at once, while the list goes on.
	blocked := &listerStub{entered: make(chan chan struct{}, 1)}
	cctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := s.Fresh(cctx, ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "other"}, testSource, blocked, time.Time{})
		errc <- err
	}()
	releaseBlocked := stRecv(t, blocked.entered, "the List")
	cancel()
	if err := stRecv(t, errc, "the cancelled Fresh"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Fresh = %v, want context.Canceled", err)
	}
	close(releaseBlocked)
	// Wait for the detached list to store its snapshot.
	for deadline := time.Now().Add(5 * time.Second); s.Latest(ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "other"}, testSource) == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the detached list never stored its snapshot")
		}
	}
	if _, err := s.Fresh(ctx, ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "other"}, testSource, blocked, time.Time{}); err != nil {
		t.Errorf("Fresh after the detached list finished: %v", err)
	}
	if n := blocked.calls.Load(); n != 1 {
		t.Errorf("List called %d times, want 1 (the detached list is reused)", n)
	}

	s.Forget(testConn)
	if s.Latest(testConn, testSource) != nil {
		t.Errorf("Latest after Forget is not nil")
	}
}

// TestSnapshotForgetDisownsListInFlight: a list that was running when its
// connection was forgotten must not store its snapshot afterwards, or a
// connection re-created under the same name would compare against the old
// cluster's data sources.
func TestSnapshotForgetDisownsListInFlight(t *testing.T) {
	clock := &stClock{t: stT0}
	s := NewSnapshots(clock.now)
	api := &listerStub{entered: make(chan chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { _, err := s.Fresh(stCtx(t), testConn, testSource, api, time.Time{}); done <- err }()
	release := stRecv(t, api.entered, "the List")
	s.Forget(testConn)
	close(release)
	if err := stRecv(t, done, "Fresh"); err != nil {
		t.Fatalf("Fresh: %v", err)
	}
	if s.Latest(testConn, testSource) != nil {
		t.Error("a list started before Forget stored its snapshot after it")
	}
}

// A list answers only for the cluster it was taken from: after the
// connection's endpoint changes, the list of the old cluster is neither
// the latest list nor a fresh one of the new cluster.
func TestSnapshotsAnswerOnlyForTheirCluster(t *testing.T) {
	ctx := stCtx(t)
	s := NewSnapshots(func() time.Time { return stT0 })
	api := &listerStub{}
	old, err := s.Fresh(ctx, testConn, testSource, api, time.Time{})
	if err != nil || old.Source != testSource {
		t.Fatalf("Fresh = %+v, %v", old, err)
	}
	const moved = "http://os-b:9200"
	if got := s.Latest(testConn, moved); got != nil {
		t.Errorf("Latest for the new endpoint returned the old cluster's list %+v", got)
	}
	snap, err := s.Fresh(ctx, testConn, moved, api, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if snap == old || snap.Source != moved || api.calls.Load() != 2 {
		t.Errorf("Fresh for the new endpoint reused the old list (source %q, %d list calls)", snap.Source, api.calls.Load())
	}
	if got := s.Latest(testConn, testSource); got != nil {
		t.Errorf("the old cluster's list is still the latest after a list of the new one")
	}
}

// A list that shows what the one before showed keeps its generation; one
// that shows a change takes the next.
func TestSnapshotGenerationCountsChanges(t *testing.T) {
	clock := &stClock{t: stT0}
	s := NewSnapshots(clock.now)
	api := &listerStub{items: []opensearch.RemoteDataSource{{Name: "a", Properties: map[string]string{"k": "v"}}}}
	fetch := func(at time.Time) uint64 {
		t.Helper()
		clock.set(at)
		snap, err := s.Fresh(stCtx(t), testConn, testSource, api, at.Add(-time.Nanosecond))
		if err != nil {
			t.Fatal(err)
		}
		return snap.Generation
	}
	if g := fetch(stT0); g != 1 {
		t.Fatalf("first list: generation %d, want 1", g)
	}
	if g := fetch(stT1); g != 1 {
		t.Fatalf("the same list again: generation %d, want 1", g)
	}
	api.items = []opensearch.RemoteDataSource{{Name: "a", Properties: map[string]string{"k": "changed"}}}
	if g := fetch(stT1.Add(time.Minute)); g != 2 {
		t.Fatalf("a changed list: generation %d, want 2", g)
	}
}

func TestSnapshotKeepsOnlyNamedDataSources(t *testing.T) {
	s := NewSnapshots(func() time.Time { return stT0 })
	other := ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "other"}
	s.Keep(func(conn ID) func(string) bool {
		if conn != testConn {
			return func(string) bool { return true }
		}
		return func(name string) bool { return name == "ours" }
	})
	api := &listerStub{items: []opensearch.RemoteDataSource{
		{Name: "ours", Connector: "PROMETHEUS"},
		{Name: "theirs", Connector: "PROMETHEUS", Properties: map[string]string{"k": "v"}},
	}}
	snap, err := s.Fresh(stCtx(t), testConn, testSource, api, stT0.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		want      Presence
		connector string
	}{
		{"ours", Kept, "PROMETHEUS"},
		{"theirs", ListedNotKept, ""},
		{"absent", Missing, ""},
		{"", Missing, ""},
		{"ours\n", Missing, ""},
	}
	for _, tt := range tests {
		got, listing := snap.Lookup(tt.name)
		if listing != tt.want || got.Connector != tt.connector {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.name, got.Connector, listing, tt.connector, tt.want)
		}
	}
	if len(snap.Items) != 1 {
		t.Errorf("kept %d data sources, want 1", len(snap.Items))
	}
	all, err := s.Fresh(stCtx(t), other, testSource, api, stT0.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, listing := all.Lookup("theirs"); listing != Kept {
		t.Errorf("another connection's keep rule: theirs is %v, want Kept", listing)
	}
}

func TestSnapshotWithoutKeepKeepsEverything(t *testing.T) {
	s := NewSnapshots(func() time.Time { return stT0 })
	api := &listerStub{items: []opensearch.RemoteDataSource{{Name: "a"}, {Name: "b"}}}
	snap, err := s.Fresh(stCtx(t), testConn, testSource, api, stT0.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if _, listing := snap.Lookup(name); listing != Kept {
			t.Errorf("Lookup(%q) = %v, want Kept", name, listing)
		}
	}
}

func TestSameOnServer(t *testing.T) {
	ds := func(name, uri string) opensearch.RemoteDataSource {
		return opensearch.RemoteDataSource{Name: name, Properties: map[string]string{"uri": uri}}
	}
	// snap is a list of listed data sources keeping those named in kept.
	snap := func(listed []opensearch.RemoteDataSource, kept ...string) *Snapshot {
		var l opensearch.Listing
		for _, it := range listed {
			l.Names = append(l.Names, it.Name)
			if slices.Contains(kept, it.Name) {
				l.Items = append(l.Items, it)
			}
		}
		return newSnapshot(&listCall{}, l)
	}
	a, b, a2 := ds("a", "x"), ds("b", "y"), ds("a", "changed")
	tests := []struct {
		name      string
		cur, next *Snapshot
		want      bool
	}{
		{"nothing changed", snap([]opensearch.RemoteDataSource{a, b}, "a"), snap([]opensearch.RemoteDataSource{a, b}, "a"), true},
		{"a kept data source changed", snap([]opensearch.RemoteDataSource{a}, "a"), snap([]opensearch.RemoteDataSource{a2}, "a"), false},
		{"a kept data source was deleted", snap([]opensearch.RemoteDataSource{a, b}, "a"), snap([]opensearch.RemoteDataSource{b}), false},
		{"a named data source appeared", snap([]opensearch.RemoteDataSource{b}), snap([]opensearch.RemoteDataSource{a, b}, "a"), false},
		{"a DataSource began naming a listed one", snap([]opensearch.RemoteDataSource{a, b}, "a"), snap([]opensearch.RemoteDataSource{a, b}, "a", "b"), true},
		{"a DataSource stopped naming one", snap([]opensearch.RemoteDataSource{a, b}, "a", "b"), snap([]opensearch.RemoteDataSource{a, b}, "a"), true},
		{"an unnamed data source changed", snap([]opensearch.RemoteDataSource{a, b}, "a"), snap([]opensearch.RemoteDataSource{a, ds("b", "z")}, "a"), true},
		{"an unnamed data source appeared", snap([]opensearch.RemoteDataSource{a}, "a"), snap([]opensearch.RemoteDataSource{a, b}, "a"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameOnServer(tt.cur, tt.next); got != tt.want {
				t.Errorf("sameOnServer = %v, want %v", got, tt.want)
			}
		})
	}
}
