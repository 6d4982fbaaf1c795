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
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

var (
	stT0 = metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	stT1 = metav1.NewTime(stT0.Add(time.Minute))
	stT2 = metav1.NewTime(stT0.Add(time.Hour))
)

func stDataSource(generation int64, status v1alpha1.DataSourceStatus) *v1alpha1.DataSource {
	ds := &v1alpha1.DataSource{Status: status}
	ds.Name, ds.Namespace, ds.Generation = "ds", "ns", generation
	return ds
}

func stCond(conds []metav1.Condition, typ string) *metav1.Condition {
	return meta.FindStatusCondition(conds, typ)
}

func stSynced(fingerprint string) outcome {
	return outcome{
		ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced, message: "matches",
		written:     &opensearch.WriteResult{DataSourceID: "id-1", Name: "prom", Status: "ACTIVE", Message: "Updated DataSource with name prom"},
		fingerprint: fingerprint,
	}
}

func TestComputeStatusReady(t *testing.T) {
	cases := []struct {
		name       string
		previous   v1alpha1.DataSourceStatus
		generation int64
		out        outcome
		wantStatus metav1.ConditionStatus
		wantReason string
		wantLTT    metav1.Time
	}{
		{
			name: "first reconcile", generation: 1,
			out:        notReady(v1alpha1.ReasonSecretNotFound, "missing"),
			wantStatus: metav1.ConditionFalse, wantReason: v1alpha1.ReasonSecretNotFound, wantLTT: stT1,
		},
		{
			name:       "status flips: transition time moves",
			generation: 2,
			previous: v1alpha1.DataSourceStatus{ObservedGeneration: 1, Conditions: []metav1.Condition{{
				Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonUnavailable,
				Message: "down", ObservedGeneration: 1, LastTransitionTime: stT0,
			}}},
			out:        stSynced("sha256:a"),
			wantStatus: metav1.ConditionTrue, wantReason: v1alpha1.ReasonSynced, wantLTT: stT1,
		},
		{
			name:       "same status, other reason: transition time kept",
			generation: 1,
			previous: v1alpha1.DataSourceStatus{ObservedGeneration: 1, Conditions: []metav1.Condition{{
				Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonUnavailable,
				Message: "down", ObservedGeneration: 1, LastTransitionTime: stT0,
			}}},
			out:        notReady(v1alpha1.ReasonRejected, "no"),
			wantStatus: metav1.ConditionFalse, wantReason: v1alpha1.ReasonRejected, wantLTT: stT0,
		},
		{
			name:       "new generation, same outcome: observedGeneration follows, transition time kept",
			generation: 5,
			previous: v1alpha1.DataSourceStatus{ObservedGeneration: 4, Conditions: []metav1.Condition{{
				Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonRejected,
				Message: "no", ObservedGeneration: 4, LastTransitionTime: stT0,
			}}},
			out:        notReady(v1alpha1.ReasonRejected, "no"),
			wantStatus: metav1.ConditionFalse, wantReason: v1alpha1.ReasonRejected, wantLTT: stT0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(tc.generation, tc.previous)
			before := ds.Status.DeepCopy()
			st := computeStatus(ds, tc.out, stT1)
			if !reflect.DeepEqual(&ds.Status, before) {
				t.Errorf("computeStatus modified the DataSource's status in place")
			}
			if st.ObservedGeneration != tc.generation {
				t.Errorf("ObservedGeneration = %d, want %d", st.ObservedGeneration, tc.generation)
			}
			c := stCond(st.Conditions, v1alpha1.ConditionReady)
			if c == nil {
				t.Fatalf("no Ready condition in %+v", st.Conditions)
			}
			if c.Status != tc.wantStatus || c.Reason != tc.wantReason || c.Message != tc.out.message {
				t.Errorf("Ready = %s/%s/%q, want %s/%s/%q", c.Status, c.Reason, c.Message, tc.wantStatus, tc.wantReason, tc.out.message)
			}
			if c.ObservedGeneration != tc.generation {
				t.Errorf("Ready.ObservedGeneration = %d, want %d", c.ObservedGeneration, tc.generation)
			}
			if !c.LastTransitionTime.Equal(&tc.wantLTT) {
				t.Errorf("Ready.LastTransitionTime = %v, want %v", c.LastTransitionTime, tc.wantLTT)
			}
		})
	}
}

func TestComputeStatusDrifted(t *testing.T) {
	inSyncAt := func(gen int64, at metav1.Time) metav1.Condition {
		return metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonInSync,
			Message: "No change made outside Kubernetes has been seen", ObservedGeneration: gen, LastTransitionTime: at}
	}
	remoteChanged := metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRemoteChanged,
		Message: "Changed outside Kubernetes: description", ObservedGeneration: 1, LastTransitionTime: stT0}
	cases := []struct {
		name       string
		previous   []metav1.Condition
		generation int64
		drifted    *metav1.Condition
		want       metav1.Condition
	}{
		{
			name: "absent: InSync added", generation: 3,
			want: inSyncAt(3, stT1),
		},
		{
			name: "present and drifted nil: untouched, even with an older generation", generation: 2,
			previous: []metav1.Condition{remoteChanged},
			want:     remoteChanged,
		},
		{
			name: "present InSync and drifted nil: untouched", generation: 9,
			previous: []metav1.Condition{inSyncAt(1, stT0)},
			want:     inSyncAt(1, stT0),
		},
		{
			name: "drifted set: replaces, with observedGeneration", generation: 2,
			previous: []metav1.Condition{inSyncAt(1, stT0)},
			drifted:  &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRemoteChanged, Message: "m"},
			want: metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRemoteChanged,
				Message: "m", ObservedGeneration: 2, LastTransitionTime: stT1},
		},
		{
			name: "drifted set on first reconcile: no InSync in between", generation: 1,
			drifted: &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected, Message: "Corrected: x"},
			want: metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected,
				Message: "Corrected: x", ObservedGeneration: 1, LastTransitionTime: stT1},
		},
		{
			name: "corrected after RemoteChanged: status flips, time moves", generation: 1,
			previous: []metav1.Condition{remoteChanged},
			drifted:  &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected, Message: "Corrected: description"},
			want: metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected,
				Message: "Corrected: description", ObservedGeneration: 1, LastTransitionTime: stT1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(tc.generation, v1alpha1.DataSourceStatus{Conditions: tc.previous})
			out := notReady(v1alpha1.ReasonUnavailable, "x")
			out.drifted = tc.drifted
			st := computeStatus(ds, out, stT1)
			got := stCond(st.Conditions, v1alpha1.ConditionDrifted)
			if got == nil {
				t.Fatalf("no Drifted condition in %+v", st.Conditions)
			}
			if !equality.Semantic.DeepEqual(*got, tc.want) {
				t.Errorf("Drifted = %+v\nwant      %+v", *got, tc.want)
			}
			if tc.drifted != nil && tc.drifted.ObservedGeneration != 0 {
				t.Errorf("computeStatus modified outcome.drifted: %+v", tc.drifted)
			}
			if n := len(st.Conditions); n != 2 {
				t.Errorf("%d conditions, want Ready and Drifted: %+v", n, st.Conditions)
			}
		})
	}
}

func TestComputeStatusWrittenAndFingerprint(t *testing.T) {
	lastSync := stT0
	previous := v1alpha1.DataSourceStatus{
		DataSourceID: "old-id", Name: "old", Status: "DISABLED", Message: "old message",
		LastSyncTime: &lastSync, Fingerprint: "sha256:old",
	}
	cases := []struct {
		name            string
		out             outcome
		wantID, wantMsg string
		wantLastSync    metav1.Time
		wantFingerprint string
	}{
		{
			name: "write fills the server's reply and the sync time", out: stSynced("sha256:new"),
			wantID: "id-1", wantMsg: "Updated DataSource with name prom", wantLastSync: stT1, wantFingerprint: "sha256:new",
		},
		{
			name: "write without a fingerprint keeps the old one",
			out: func() outcome {
				o := stSynced("")
				return o
			}(),
			wantID: "id-1", wantMsg: "Updated DataSource with name prom", wantLastSync: stT1, wantFingerprint: "sha256:old",
		},
		{
			name:   "no write keeps the reply and the sync time",
			out:    notReady(v1alpha1.ReasonUnavailable, "down"),
			wantID: "old-id", wantMsg: "old message", wantLastSync: stT0, wantFingerprint: "sha256:old",
		},
		{
			name: "fingerprint without a write still replaces it",
			out: outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced, message: "m",
				fingerprint: "sha256:only"},
			wantID: "old-id", wantMsg: "old message", wantLastSync: stT0, wantFingerprint: "sha256:only",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(1, *previous.DeepCopy())
			st := computeStatus(ds, tc.out, stT1)
			if st.DataSourceID != tc.wantID || st.Message != tc.wantMsg {
				t.Errorf("DataSourceID/Message = %q/%q, want %q/%q", st.DataSourceID, st.Message, tc.wantID, tc.wantMsg)
			}
			if tc.out.written != nil && (st.Name != tc.out.written.Name || st.Status != tc.out.written.Status) {
				t.Errorf("Name/Status = %q/%q, want %q/%q", st.Name, st.Status, tc.out.written.Name, tc.out.written.Status)
			}
			if tc.out.written == nil && (st.Name != "old" || st.Status != "DISABLED") {
				t.Errorf("Name/Status = %q/%q, want them kept", st.Name, st.Status)
			}
			if st.LastSyncTime == nil || !st.LastSyncTime.Equal(&tc.wantLastSync) {
				t.Errorf("LastSyncTime = %v, want %v", st.LastSyncTime, tc.wantLastSync)
			}
			if st.Fingerprint != tc.wantFingerprint {
				t.Errorf("Fingerprint = %q, want %q", st.Fingerprint, tc.wantFingerprint)
			}
			if ds.Status.LastSyncTime != &lastSync && !ds.Status.LastSyncTime.Equal(&stT0) {
				t.Errorf("the DataSource's own LastSyncTime changed to %v", ds.Status.LastSyncTime)
			}
		})
	}
}

// TestComputeStatusIdempotent applies an outcome, then the same outcome to
// the result, later: nothing changes, so patchStatus writes nothing.
func TestComputeStatusIdempotent(t *testing.T) {
	drift := &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRemoteChanged, Message: "m"}
	withDrift := notReady(v1alpha1.ReasonUnavailable, "down")
	withDrift.drifted = drift
	cases := []struct {
		name        string
		out         outcome
		secondNow   metav1.Time
		wantChanged bool
	}{
		{name: "not ready, later", out: notReady(v1alpha1.ReasonSecretNotFound, "missing"), secondNow: stT2},
		{name: "drifted, later", out: withDrift, secondNow: stT2},
		{name: "no-write Synced, later", out: outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced, message: "ok"}, secondNow: stT2},
		{name: "written, same instant", out: stSynced("sha256:f"), secondNow: stT1},
		// A second write is a new sync: only lastSyncTime moves.
		{name: "written, later", out: stSynced("sha256:f"), secondNow: stT2, wantChanged: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(4, v1alpha1.DataSourceStatus{})
			first := computeStatus(ds, tc.out, stT1)
			ds.Status = *first.DeepCopy()
			second := computeStatus(ds, tc.out, tc.secondNow)
			if !tc.wantChanged {
				if !reflect.DeepEqual(first, second) || !equality.Semantic.DeepEqual(first, second) {
					t.Errorf("second computeStatus differs:\nfirst  %+v\nsecond %+v", first, second)
				}
				return
			}
			if second.LastSyncTime == nil || !second.LastSyncTime.Equal(&tc.secondNow) {
				t.Errorf("LastSyncTime = %v, want %v", second.LastSyncTime, tc.secondNow)
			}
			second.LastSyncTime = first.LastSyncTime
			if !reflect.DeepEqual(first, second) {
				t.Errorf("more than LastSyncTime changed:\nfirst  %+v\nsecond %+v", first, second)
			}
		})
	}
}

func TestComputeStatusSetCondition(t *testing.T) {
	old := metav1.Condition{Type: "X", Status: metav1.ConditionTrue, Reason: "R", Message: "m", ObservedGeneration: 1, LastTransitionTime: stT0}
	cases := []struct {
		name    string
		c       metav1.Condition
		wantLTT metav1.Time
		same    bool
	}{
		{"identical: untouched", metav1.Condition{Type: "X", Status: metav1.ConditionTrue, Reason: "R", Message: "m", ObservedGeneration: 1}, stT0, true},
		{"message only: kept time", metav1.Condition{Type: "X", Status: metav1.ConditionTrue, Reason: "R", Message: "m2", ObservedGeneration: 1}, stT0, false},
		{"generation only: kept time", metav1.Condition{Type: "X", Status: metav1.ConditionTrue, Reason: "R", Message: "m", ObservedGeneration: 2}, stT0, false},
		{"status flip: now", metav1.Condition{Type: "X", Status: metav1.ConditionFalse, Reason: "R", Message: "m", ObservedGeneration: 1}, stT1, false},
		{"status Unknown: now", metav1.Condition{Type: "X", Status: metav1.ConditionUnknown, Reason: "R", Message: "m", ObservedGeneration: 1}, stT1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conds := []metav1.Condition{old, {Type: "Other", Status: metav1.ConditionTrue, Reason: "O", LastTransitionTime: stT0}}
			setCondition(&conds, tc.c, stT1)
			if len(conds) != 2 {
				t.Fatalf("conditions = %+v", conds)
			}
			got := *stCond(conds, "X")
			if !got.LastTransitionTime.Equal(&tc.wantLTT) {
				t.Errorf("LastTransitionTime = %v, want %v", got.LastTransitionTime, tc.wantLTT)
			}
			if tc.same != reflect.DeepEqual(got, old) {
				t.Errorf("condition = %+v, old %+v, want same=%v", got, old, tc.same)
			}
			if got.Status != tc.c.Status || got.Message != tc.c.Message || got.ObservedGeneration != tc.c.ObservedGeneration {
				t.Errorf("condition = %+v, want the fields of %+v", got, tc.c)
			}
		})
	}
}

func TestClassifyConnectionError(t *testing.T) {
	const resync = 10 * time.Minute
	unavailable := &opensearch.Error{Kind: opensearch.KindUnavailable, Operation: "info", Message: "connection refused"}
	plain := errors.New("dial tcp: no route")
	cases := []struct {
		name       string
		err        error
		wantReason string
		wantResult ctrl.Result
		wantErr    error
		msgPrefix  string
	}{
		{"forbidden", &opensearch.Error{Kind: opensearch.KindForbidden, StatusCode: 403, Message: "no permissions"},
			v1alpha1.ReasonForbidden, ctrl.Result{RequeueAfter: resync}, nil, "OpenSearch refused the operator: "},
		{"forbidden, wrapped", fmt.Errorf("probing: %w", &opensearch.Error{Kind: opensearch.KindForbidden, Message: "401"}),
			v1alpha1.ReasonForbidden, ctrl.Result{RequeueAfter: resync}, nil, "OpenSearch refused the operator: "},
		{"rejected", &opensearch.Error{Kind: opensearch.KindRejected, StatusCode: 400, Message: "bad"},
			v1alpha1.ReasonRejected, ctrl.Result{RequeueAfter: resync}, nil, "OpenSearch rejected the probe: "},
		{"not found", &opensearch.Error{Kind: opensearch.KindNotFound, StatusCode: 404, Message: "no API"},
			v1alpha1.ReasonRejected, ctrl.Result{RequeueAfter: resync}, nil, "OpenSearch rejected the probe: "},
		{"already exists", &opensearch.Error{Kind: opensearch.KindAlreadyExists, Message: "dup"},
			v1alpha1.ReasonRejected, ctrl.Result{RequeueAfter: resync}, nil, "OpenSearch rejected the probe: "},
		{"too many requests with Retry-After", &opensearch.Error{Kind: opensearch.KindTooManyRequests, Message: "slow down", RetryAfter: 42 * time.Second},
			v1alpha1.ReasonUnavailable, ctrl.Result{RequeueAfter: 42 * time.Second}, nil, "OpenSearch is throttling requests; retrying in 42s: "},
		{"too many requests without Retry-After", &opensearch.Error{Kind: opensearch.KindTooManyRequests, Message: "slow down"},
			v1alpha1.ReasonUnavailable, ctrl.Result{RequeueAfter: 5 * time.Second}, nil, "OpenSearch is throttling requests; retrying in 5s: "},
		{"unavailable", unavailable, v1alpha1.ReasonUnavailable, ctrl.Result{}, unavailable, "OpenSearch is unavailable: "},
		{"unavailable with Retry-After still backs off", &opensearch.Error{Kind: opensearch.KindUnavailable, RetryAfter: time.Minute},
			v1alpha1.ReasonUnavailable, ctrl.Result{}, nil, "OpenSearch is unavailable: "},
		{"not an opensearch error", plain, v1alpha1.ReasonUnavailable, ctrl.Result{}, plain, "OpenSearch is unavailable: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reason, msg, result, err := classifyConnectionError(tc.err, resync)
			if reason != tc.wantReason {
				t.Errorf("reason = %q, want %q", reason, tc.wantReason)
			}
			if result != tc.wantResult {
				t.Errorf("result = %+v, want %+v", result, tc.wantResult)
			}
			backoff := tc.wantResult == ctrl.Result{}
			switch {
			case backoff && err != tc.err:
				t.Errorf("err = %v, want the input error %v returned for backoff", err, tc.err)
			case !backoff && err != nil:
				t.Errorf("err = %v, want nil (requeued after a delay)", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if !strings.HasPrefix(msg, tc.msgPrefix) || !strings.HasSuffix(msg, tc.err.Error()) {
				t.Errorf("msg = %q, want %q + %q", msg, tc.msgPrefix, tc.err.Error())
			}
		})
	}
}

func TestDialectCheck(t *testing.T) {
	cases := []struct{ in, want opensearch.Dialect }{
		{opensearch.DialectAuto, opensearch.DialectDocumented},
		{opensearch.DialectDocumented, opensearch.DialectDocumented},
		{opensearch.DialectSQLPlugin, opensearch.DialectSQLPlugin},
	}
	for _, tc := range cases {
		if got := checkDialect(tc.in); got != tc.want {
			t.Errorf("checkDialect(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// stFakeAPI is an OpenSearchAPI whose List counts its calls. When entered
// is set, each List sends a fresh release channel on it and blocks until the
// test closes that channel, so calls overlap exactly as the test arranges.
type stFakeAPI struct {
	calls   atomic.Int32
	entered chan chan struct{}
	items   []opensearch.RemoteDataSource
	err     error
}

func (f *stFakeAPI) Dialect() opensearch.Dialect { return opensearch.DialectAuto }
func (f *stFakeAPI) Info(context.Context) (opensearch.ServerInfo, error) {
	return opensearch.ServerInfo{}, errors.New("unexpected Info call")
}
func (f *stFakeAPI) List(context.Context) ([]opensearch.RemoteDataSource, error) {
	f.calls.Add(1)
	if f.entered != nil {
		release := make(chan struct{})
		f.entered <- release
		<-release
	}
	return f.items, f.err
}
func (f *stFakeAPI) Get(context.Context, string) (opensearch.RemoteDataSource, error) {
	return opensearch.RemoteDataSource{}, errors.New("unexpected Get call")
}
func (f *stFakeAPI) Create(context.Context, opensearch.DataSource) (opensearch.WriteResult, error) {
	return opensearch.WriteResult{}, errors.New("unexpected Create call")
}
func (f *stFakeAPI) Update(context.Context, opensearch.DataSource) (opensearch.WriteResult, error) {
	return opensearch.WriteResult{}, errors.New("unexpected Update call")
}
func (f *stFakeAPI) Delete(context.Context, string) error {
	return errors.New("unexpected Delete call")
}

var _ OpenSearchAPI = (*stFakeAPI)(nil)

// stClock is a settable clock for snapshotStore.
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
	clock := &stClock{t: stT0.Time}
	api := &stFakeAPI{
		entered: make(chan chan struct{}, 16),
		items:   []opensearch.RemoteDataSource{{Name: "a"}, {Name: "b", DataSourceID: "id-b"}},
	}
	s := newSnapshotStore(clock.now)
	ctx := stCtx(t)
	notBefore := stT0.Add(-time.Second)

	type result struct {
		snap *remoteSnapshot
		err  error
	}
	results := make(chan result, waiters+1)
	call := func() {
		snap, err := s.Fresh(ctx, "conn", api, notBefore)
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

	var first *remoteSnapshot
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
	if !first.FetchedAt.Equal(stT0.Time) {
		t.Errorf("FetchedAt = %v, want the time the list started, %v", first.FetchedAt, stT0.Time)
	}
	if len(first.Items) != 2 || first.Items["b"].DataSourceID != "id-b" {
		t.Errorf("Items = %+v", first.Items)
	}
	if got := s.Latest("conn"); got != first {
		t.Errorf("Latest = %p, want the shared snapshot %p", got, first)
	}
	if got := s.Latest("other"); got != nil {
		t.Errorf("Latest of an unknown connection = %+v, want nil", got)
	}
}

func TestSnapshotFreshReuse(t *testing.T) {
	fetched := stT0.Time
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
			api := &stFakeAPI{items: []opensearch.RemoteDataSource{{Name: "a"}}}
			s := newSnapshotStore(clock.now)
			ctx := stCtx(t)
			first, err := s.Fresh(ctx, "conn", api, fetched.Add(-time.Minute))
			if err != nil || api.calls.Load() != 1 {
				t.Fatalf("first Fresh: err %v, %d calls", err, api.calls.Load())
			}

			clock.set(tc.clockAt)
			got, err := s.Fresh(ctx, "conn", api, tc.notBefore)
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
			if s.Latest("conn") != got {
				t.Errorf("Latest is not the snapshot Fresh returned")
			}
		})
	}
}

func TestSnapshotFreshOldInflightNotShared(t *testing.T) {
	clock := &stClock{t: stT0.Time}
	api := &stFakeAPI{entered: make(chan chan struct{}, 4)}
	s := newSnapshotStore(clock.now)
	ctx := stCtx(t)

	older, newer := make(chan *remoteSnapshot, 1), make(chan *remoteSnapshot, 1)
	go func() { snap, _ := s.Fresh(ctx, "conn", api, stT0.Add(-time.Second)); older <- snap }()
	releaseOlder := stRecv(t, api.entered, "the first List")
	// The list in flight started at stT0; a caller needing one fetched
	// after stT0 must not wait for it.
	clock.set(stT1.Time)
	go func() { snap, _ := s.Fresh(ctx, "conn", api, stT0.Time); newer <- snap }()
	releaseNewer := stRecv(t, api.entered, "a second List")

	// The newer list finishes first; the older one, finishing later, must
	// not replace it as Latest.
	close(releaseNewer)
	b := stRecv(t, newer, "the second Fresh")
	if b == nil || !b.FetchedAt.Equal(stT1.Time) {
		t.Fatalf("second Fresh = %+v, want a snapshot fetched at %v", b, stT1.Time)
	}
	close(releaseOlder)
	a := stRecv(t, older, "the first Fresh")
	if a == nil || !a.FetchedAt.Equal(stT0.Time) {
		t.Fatalf("first Fresh = %+v, want a snapshot fetched at %v", a, stT0.Time)
	}
	if n := api.calls.Load(); n != 2 {
		t.Errorf("List called %d times, want 2", n)
	}
	if got := s.Latest("conn"); got != b {
		t.Errorf("Latest = %+v, want the newer snapshot (fetched %v)", got, stT1.Time)
	}
}

func TestSnapshotFreshErrors(t *testing.T) {
	clock := &stClock{t: stT0.Time}
	listErr := &opensearch.Error{Kind: opensearch.KindUnavailable, Operation: "list", Message: "down"}
	api := &stFakeAPI{err: listErr}
	s := newSnapshotStore(clock.now)
	ctx := stCtx(t)

	snap, err := s.Fresh(ctx, "conn", api, time.Time{})
	if !errors.Is(err, listErr) || snap != nil {
		t.Fatalf("Fresh = %+v, %v; want nil, %v", snap, err, listErr)
	}
	if s.Latest("conn") != nil {
		t.Errorf("a failed list was stored")
	}
	// The failed call is not cached: the next Fresh lists again.
	api.err = nil
	clock.set(stT1.Time)
	snap, err = s.Fresh(ctx, "conn", api, time.Time{})
	if err != nil || snap == nil || api.calls.Load() != 2 {
		t.Fatalf("Fresh after failure = %+v, %v with %d calls; want a snapshot after 2 calls", snap, err, api.calls.Load())
	}

	// A cancelled caller returns at once, while the list goes on.
	blocked := &stFakeAPI{entered: make(chan chan struct{}, 1)}
	cctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := s.Fresh(cctx, "other", blocked, time.Time{}); errc <- err }()
	releaseBlocked := stRecv(t, blocked.entered, "the List")
	cancel()
	if err := stRecv(t, errc, "the cancelled Fresh"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Fresh = %v, want context.Canceled", err)
	}
	close(releaseBlocked)
	// Wait for the detached list to store its snapshot.
	for deadline := time.Now().Add(5 * time.Second); s.Latest("other") == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the detached list never stored its snapshot")
		}
	}
	if _, err := s.Fresh(ctx, "other", blocked, time.Time{}); err != nil {
		t.Errorf("Fresh after the detached list finished: %v", err)
	}
	if n := blocked.calls.Load(); n != 1 {
		t.Errorf("List called %d times, want 1 (the detached list is reused)", n)
	}

	s.Forget("conn")
	if s.Latest("conn") != nil {
		t.Errorf("Latest after Forget is not nil")
	}
}

// TestSnapshotForgetDisownsListInFlight: a list that was running when its
// connection was forgotten must not store its snapshot afterwards, or a
// connection re-created under the same name would compare against the old
// cluster's data sources.
func TestSnapshotForgetDisownsListInFlight(t *testing.T) {
	clock := &stClock{t: stT0.Time}
	s := newSnapshotStore(clock.now)
	api := &stFakeAPI{entered: make(chan chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { _, err := s.Fresh(stCtx(t), "conn", api, time.Time{}); done <- err }()
	release := stRecv(t, api.entered, "the List")
	s.Forget("conn")
	close(release)
	if err := stRecv(t, done, "Fresh"); err != nil {
		t.Fatalf("Fresh: %v", err)
	}
	if s.Latest("conn") != nil {
		t.Error("a list started before Forget stored its snapshot after it")
	}
}
