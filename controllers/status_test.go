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
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

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

// TestDriftedCondition is the Drifted condition's one table: what each
// finding of a reconcile makes of the previous condition.
func TestDriftedCondition(t *testing.T) {
	drifted := func(status metav1.ConditionStatus, reason, msg string) *metav1.Condition {
		return &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: status, Reason: reason, Message: msg}
	}
	remoteChanged := drifted(metav1.ConditionTrue, v1alpha1.ReasonRemoteChanged, "Changed outside Kubernetes: description")
	differs := drifted(metav1.ConditionTrue, v1alpha1.ReasonDiffers, "Differs from the spec: description")
	inSync := drifted(metav1.ConditionFalse, v1alpha1.ReasonInSync, "The data source matches the spec")
	corrected := drifted(metav1.ConditionFalse, v1alpha1.ReasonCorrected, "Corrected: description")
	fields := []string{"description", "properties[a] (not in spec)"}
	cases := []struct {
		name    string
		prev    *metav1.Condition
		finding driftFinding
		// want nil: Drifted stays as it is.
		want *metav1.Condition
	}{
		{name: "not compared, never drifted", finding: driftFinding{}},
		{name: "not compared, drifted before: left as it is", prev: remoteChanged, finding: driftFinding{}},
		{name: "changed outside Kubernetes", finding: driftFinding{kind: driftChanged, fields: fields},
			want: drifted(metav1.ConditionTrue, v1alpha1.ReasonRemoteChanged, "Changed outside Kubernetes: description, properties[a] (not in spec)")},
		{name: "observed and differs", prev: inSync, finding: driftFinding{kind: driftDiffers, fields: fields},
			want: drifted(metav1.ConditionTrue, v1alpha1.ReasonDiffers, "Differs from the spec: description, properties[a] (not in spec)")},
		{name: "observed and matches, never compared before: said anyway", finding: driftFinding{kind: driftObservedMatch}, want: inSync},
		{name: "observed and matches after differing", prev: differs, finding: driftFinding{kind: driftObservedMatch}, want: inSync},
		{name: "already matched, never drifted: no condition", finding: driftFinding{kind: driftMatched}},
		{name: "already matched after drifting: the drift is over", prev: remoteChanged, finding: driftFinding{kind: driftMatched}, want: inSync},
		{name: "already matched after a correction: left as it is", prev: corrected, finding: driftFinding{kind: driftMatched}},
		{name: "a write corrected fields", prev: remoteChanged, finding: driftFinding{kind: driftCorrected, fields: []string{"description"}}, want: corrected},
		{name: "a write with nothing to correct", finding: driftFinding{kind: driftCorrected}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := driftedCondition(tc.prev, tc.finding)
			switch {
			case tc.want == nil && got != nil:
				t.Fatalf("Drifted = %+v, want it left as it is", *got)
			case tc.want != nil && got == nil:
				t.Fatalf("Drifted left as it is, want %+v", *tc.want)
			case tc.want != nil && !equality.Semantic.DeepEqual(*got, *tc.want):
				t.Errorf("Drifted = %+v\nwant      %+v", *got, *tc.want)
			}
		})
	}
}

func TestFieldsToCorrect(t *testing.T) {
	cases := []struct {
		name  string
		prev  *metav1.Condition
		found []string
		want  []string
	}{
		{name: "nothing found, never drifted"},
		{name: "found by this reconcile", found: []string{"description"}, want: []string{"description"}},
		{name: "found earlier, correction failed then", prev: &metav1.Condition{Status: metav1.ConditionTrue,
			Message: "Changed outside Kubernetes: description, status"}, want: []string{"description, status"}},
		{name: "differed while observed, now managed", prev: &metav1.Condition{Status: metav1.ConditionTrue,
			Message: "Differs from the spec: status"}, want: []string{"status"}},
		{name: "corrected already", prev: &metav1.Condition{Status: metav1.ConditionFalse, Message: "Corrected: status"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fieldsToCorrect(tc.prev, tc.found); !slices.Equal(got, tc.want) {
				t.Errorf("fieldsToCorrect = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestComputeStatusDrifted pins how computeStatus places the Drifted
// condition: with the observed generation, the transition time moving only
// when the status flips, and none added for a DataSource that never
// drifted.
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
		drift      driftFinding
		// want nil: no Drifted condition.
		want *metav1.Condition
	}{
		{
			name: "absent and nothing compared: none added", generation: 3,
		},
		{
			name: "present and nothing compared: untouched, even with an older generation", generation: 2,
			previous: []metav1.Condition{remoteChanged},
			want:     &remoteChanged,
		},
		{
			name: "present InSync and nothing compared: untouched", generation: 9,
			previous: []metav1.Condition{inSyncAt(1, stT0)},
			want:     ptr.To(inSyncAt(1, stT0)),
		},
		{
			name: "drift found: replaces, with observedGeneration", generation: 2,
			previous: []metav1.Condition{inSyncAt(1, stT0)},
			drift:    driftFinding{kind: driftChanged, fields: []string{"m"}},
			want: &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRemoteChanged,
				Message: "Changed outside Kubernetes: m", ObservedGeneration: 2, LastTransitionTime: stT1},
		},
		{
			name: "corrected on first reconcile: no InSync in between", generation: 1,
			drift: driftFinding{kind: driftCorrected, fields: []string{"x"}},
			want: &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected,
				Message: "Corrected: x", ObservedGeneration: 1, LastTransitionTime: stT1},
		},
		{
			name: "corrected after RemoteChanged: status flips, time moves", generation: 1,
			previous: []metav1.Condition{remoteChanged},
			drift:    driftFinding{kind: driftCorrected, fields: []string{"description"}},
			want: &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonCorrected,
				Message: "Corrected: description", ObservedGeneration: 1, LastTransitionTime: stT1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(tc.generation, v1alpha1.DataSourceStatus{Conditions: tc.previous})
			out := notReady(v1alpha1.ReasonUnavailable, "x")
			out.drift = tc.drift
			st := computeStatus(ds, out, stT1)
			got := stCond(st.Conditions, v1alpha1.ConditionDrifted)
			switch {
			case tc.want == nil && got != nil:
				t.Fatalf("Drifted = %+v, want none", *got)
			case tc.want != nil && got == nil:
				t.Fatalf("no Drifted condition in %+v", st.Conditions)
			case tc.want != nil && !equality.Semantic.DeepEqual(*got, *tc.want):
				t.Errorf("Drifted = %+v\nwant      %+v", *got, *tc.want)
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
			name: "a write reported later keeps the time it was made",
			out: func() outcome {
				o := stSynced("sha256:new")
				o.writtenAt = stT0.Add(30 * time.Second)
				return o
			}(),
			wantID: "id-1", wantMsg: "Updated DataSource with name prom", wantLastSync: metav1.NewTime(stT0.Add(30 * time.Second)),
			wantFingerprint: "sha256:new",
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
	withDrift := notReady(v1alpha1.ReasonUnavailable, "down")
	withDrift.drift = driftFinding{kind: driftChanged, fields: []string{"m"}}
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

// TestUnchangedWithoutReadyCondition reproduces a panic: the memory said
// Synced while the cached object had no Ready condition yet (a DataSource
// deleted and re-created under the same name, or a cache that lags the
// write), and unchanged dereferenced the missing condition.
func TestUnchangedWithoutReadyCondition(t *testing.T) {
	fallback := outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced, message: "matches"}
	ds := stDataSource(1, v1alpha1.DataSourceStatus{})
	if got := unchanged(ds, fallback); got.reason != fallback.reason || got.ready != fallback.ready {
		t.Errorf("unchanged without a Ready condition = %+v, want the fallback %+v", got, fallback)
	}
	ds.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse,
		Reason: v1alpha1.ReasonUnavailable, Message: "down"}}
	if got := unchanged(ds, fallback); got.reason != v1alpha1.ReasonUnavailable || got.message != "down" {
		t.Errorf("unchanged with a Ready condition = %+v, want that condition kept", got)
	}
}

// TestComputeStatusBoundsMessages keeps a server's long answer from making
// the status too large to store.
func TestComputeStatusBoundsMessages(t *testing.T) {
	long := strings.Repeat("rejected because ", 1000)
	ds := stDataSource(1, v1alpha1.DataSourceStatus{})
	drift := driftFinding{kind: driftChanged, fields: []string{long}}
	st := computeStatus(ds, outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonRejected, message: long, drift: drift}, stT1)
	for _, c := range st.Conditions {
		if len(c.Message) > opensearch.MaxStatusMessage {
			t.Errorf("%s message is %d bytes, want at most %d", c.Type, len(c.Message), opensearch.MaxStatusMessage)
		}
	}
	if got := stCond(st.Conditions, v1alpha1.ConditionReady).Message; !strings.HasPrefix(got, "rejected because") {
		t.Errorf("Ready message lost its beginning: %.40q", got)
	}
}

// TestKstatusConditionsOnlyWhileTrue pins that Reconciling and Stalled are
// present exactly while True, whatever the previous status held.
func TestKstatusConditionsOnlyWhileTrue(t *testing.T) {
	both := []metav1.Condition{
		{Type: v1alpha1.ConditionReconciling, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonUnavailable, LastTransitionTime: stT0},
		{Type: v1alpha1.ConditionStalled, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRejected, LastTransitionTime: stT0},
	}
	// An object written by an earlier release carries them as False.
	oldFalse := []metav1.Condition{
		{Type: v1alpha1.ConditionReconciling, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonSynced, LastTransitionTime: stT0},
		{Type: v1alpha1.ConditionStalled, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonSynced, LastTransitionTime: stT0},
	}
	cases := []struct {
		out      outcome
		previous []metav1.Condition
		want     []string
	}{
		{stSynced("sha256:x"), both, nil},
		{stSynced("sha256:x"), oldFalse, nil},
		{notReady(v1alpha1.ReasonUnavailable, "down"), nil, []string{v1alpha1.ConditionReconciling}},
		{notReady(v1alpha1.ReasonUnavailable, "down"), both, []string{v1alpha1.ConditionReconciling}},
		{notReady(v1alpha1.ReasonRejected, "400"), oldFalse, []string{v1alpha1.ConditionStalled}},
		{notReady(v1alpha1.ReasonSuspended, "suspended"), both, nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s after %d conditions", tc.out.reason, len(tc.previous)), func(t *testing.T) {
			st := computeStatus(stDataSource(1, v1alpha1.DataSourceStatus{Conditions: slices.Clone(tc.previous)}), tc.out, stT1)
			var got []string
			for _, c := range st.Conditions {
				if c.Type != v1alpha1.ConditionReconciling && c.Type != v1alpha1.ConditionStalled {
					continue
				}
				if c.Status != metav1.ConditionTrue || c.Reason != tc.out.reason {
					t.Errorf("%s = %s/%s, want True/%s", c.Type, c.Status, c.Reason, tc.out.reason)
				}
				got = append(got, c.Type)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("kstatus conditions %v, want %v: %+v", got, tc.want, st.Conditions)
			}
		})
	}
}

func TestComputeStatusPendingCreate(t *testing.T) {
	intent := &v1alpha1.WrittenConnection{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: "shared", Endpoint: "http://os:9200"}
	owned := &ownership{connection: *intent}
	cases := []struct {
		name string
		out  outcome
		want *v1alpha1.WrittenConnection
	}{
		{"a recorded write replaces the intent", outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced, owner: owned}, nil},
		{"a refused create voids it", outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonRejected, createRefused: true}, nil},
		{"losing a conflict voids it", outcome{ready: metav1.ConditionFalse, reason: v1alpha1.ReasonConflict, disown: true}, nil},
		{"an outage leaves the outcome unknown: kept", notReady(v1alpha1.ReasonUnavailable, "timeout"), intent},
		{"a failure before the create: kept", notReady(v1alpha1.ReasonSecretNotFound, "missing"), intent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(1, v1alpha1.DataSourceStatus{PendingCreate: intent.DeepCopy(), Fingerprint: "sha256:a"})
			st := computeStatus(ds, tc.out, stT1)
			if !reflect.DeepEqual(st.PendingCreate, tc.want) {
				t.Errorf("pendingCreate = %+v, want %+v", st.PendingCreate, tc.want)
			}
		})
	}
}

func TestDisownClearsEveryRecordOfAWrite(t *testing.T) {
	at := metav1.NewTime(stT0.Time)
	ds := stDataSource(1, v1alpha1.DataSourceStatus{
		Connection: &v1alpha1.WrittenConnection{Kind: v1alpha1.KindOpenSearchConnection, Name: "os", Endpoint: "http://os:9200"},
		Adopted:    true, CredentialKeys: []string{"prometheus.auth.password"}, LastSyncTime: &at, Fingerprint: "sha256:a",
	})
	out := notReady(v1alpha1.ReasonNotFound, "gone")
	out.disown = true
	st := computeStatus(ds, out, stT1)
	if st.Connection != nil || st.Adopted || st.CredentialKeys != nil || st.LastSyncTime != nil || st.Fingerprint != "" {
		t.Errorf("after disowning, status still records a write: %+v", st)
	}
}

func TestCreateRefusedBy(t *testing.T) {
	cases := []struct {
		kind opensearch.ErrorKind
		want bool
	}{
		{opensearch.KindAlreadyExists, true},
		{opensearch.KindRejected, true},
		{opensearch.KindForbidden, true},
		{opensearch.KindTooManyRequests, true},
		{opensearch.KindUnavailable, false},
		{opensearch.KindNotFound, false},
	}
	for _, tc := range cases {
		if got := createRefusedBy(&opensearch.Error{Kind: tc.kind}); got != tc.want {
			t.Errorf("createRefusedBy(%s) = %v, want %v", tc.kind, got, tc.want)
		}
	}
	if createRefusedBy(context.DeadlineExceeded) {
		t.Errorf("a timeout says nothing of whether the create was stored")
	}
}

// TestComputeStatusDialect pins that status.dialect records the wire
// dialect of a write or comparison, never Auto, and stays when a reconcile
// says nothing of it.
func TestComputeStatusDialect(t *testing.T) {
	cases := []struct {
		name     string
		previous v1alpha1.Dialect
		dialect  opensearch.Dialect
		want     v1alpha1.Dialect
	}{
		{name: "first write on the SQL plugin", dialect: opensearch.DialectSQLPlugin, want: v1alpha1.DialectSQLPlugin},
		{name: "a server that turned out documented", previous: v1alpha1.DialectSQLPlugin, dialect: opensearch.DialectDocumented,
			want: v1alpha1.DialectDocumented},
		{name: "nothing written or compared: kept", previous: v1alpha1.DialectSQLPlugin, want: v1alpha1.DialectSQLPlugin},
		{name: "Auto is never recorded", previous: v1alpha1.DialectDocumented, dialect: opensearch.DialectAuto,
			want: v1alpha1.DialectDocumented},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := stDataSource(1, v1alpha1.DataSourceStatus{Dialect: tc.previous})
			out := stSynced("sha256:f")
			out.dialect = tc.dialect
			if got := computeStatus(ds, out, stT1).Dialect; got != tc.want {
				t.Errorf("dialect = %q, want %q", got, tc.want)
			}
		})
	}
}
