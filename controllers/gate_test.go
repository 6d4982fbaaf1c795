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
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

func TestConnectionGate(t *testing.T) {
	g := newConnectionGate(2)
	a, b := registry.ID{Kind: "OpenSearchConnection", Namespace: "a", Name: "os"}, registry.ID{Kind: "OpenSearchConnection", Namespace: "b", Name: "os"}
	for i := range 2 {
		if !g.tryAcquire(a) {
			t.Fatalf("a connection could not take slot %d of 2", i+1)
		}
	}
	if g.tryAcquire(a) {
		t.Fatal("a connection took a third slot")
	}
	if !g.tryAcquire(b) {
		t.Fatal("one connection's slots held another's")
	}
	g.release(a)
	if !g.tryAcquire(a) {
		t.Fatal("a released slot was not free")
	}
	g.release(a)
	g.release(a)
	g.release(b)
	if len(g.inUse) != 0 {
		t.Fatalf("connections with no slot taken left %d entries", len(g.inUse))
	}
}

func TestConnectionLimitsClamp(t *testing.T) {
	lim := connectionLimits{minResync: 10 * time.Second, maxRequestTimeout: 30 * time.Second}
	for _, tc := range []struct {
		name            string
		kind            v1alpha1.ConnectionKind
		resync, timeout time.Duration
		wantResync      time.Duration
		wantTimeout     time.Duration
		notes           []string
	}{
		{"within", v1alpha1.KindOpenSearchConnection, time.Minute, 10 * time.Second, time.Minute, 10 * time.Second, nil},
		{"at the limits", v1alpha1.KindOpenSearchConnection, 10 * time.Second, 30 * time.Second, 10 * time.Second, 30 * time.Second, nil},
		{"both over", v1alpha1.KindOpenSearchConnection, time.Second, 5 * time.Minute, 10 * time.Second, 30 * time.Second,
			[]string{"resyncPeriod 1s is below the operator's minimum, so 10s applies", "requestTimeout 5m0s is above the operator's maximum, so 30s applies"}},
		{"cluster connections are the administrators'", v1alpha1.KindClusterOpenSearchConnection, time.Second, 5 * time.Minute,
			time.Second, 5 * time.Minute, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &connectionView{ID: registry.ID{Kind: string(tc.kind), Name: "os"}, ResyncPeriod: tc.resync, RequestTimeout: tc.timeout}
			lim.clamp(v)
			if v.ResyncPeriod != tc.wantResync || v.RequestTimeout != tc.wantTimeout || strings.Join(v.Clamped, "|") != strings.Join(tc.notes, "|") {
				t.Fatalf("got %s, %s, %q", v.ResyncPeriod, v.RequestTimeout, v.Clamped)
			}
		})
	}
	off := connectionLimits{minResync: -1, maxRequestTimeout: -1}
	v := &connectionView{ID: registry.ID{Kind: string(v1alpha1.KindOpenSearchConnection)}, ResyncPeriod: time.Second, RequestTimeout: 5 * time.Minute}
	if off.clamp(v); v.ResyncPeriod != time.Second || v.RequestTimeout != 5*time.Minute {
		t.Fatal("limits turned off still clamped")
	}
}

// A probe enqueues its connection's DataSources only when they have
// something new to see.
func TestFanoutOnlyOnNews(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ready := func(msg string) *v1alpha1.ConnectionStatus {
		return &v1alpha1.ConnectionStatus{Version: "2.19.1", Conditions: []metav1.Condition{
			{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonConnected, Message: msg}}}
	}
	view := func(gen int64, status *v1alpha1.ConnectionStatus) *connectionView {
		return &connectionView{ID: registry.ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: "os"},
			Generation: gen, Status: status, ResyncPeriod: time.Second}
	}
	list := func(gen uint64) *registry.Snapshot { return &registry.Snapshot{Generation: gen} }
	var f fanouts
	steps := []struct {
		name string
		v    *connectionView
		snap *registry.Snapshot
		at   time.Time
		want bool
	}{
		{"the first probe", view(1, ready("up")), list(1), t0, true},
		{"nothing new", view(1, ready("up")), list(1), t0.Add(time.Second), false},
		{"a changed list", view(1, ready("up")), list(2), t0.Add(2 * time.Second), true},
		{"a changed condition", view(1, ready("down")), list(2), t0.Add(3 * time.Second), true},
		{"an edit", view(2, ready("down")), list(2), t0.Add(4 * time.Second), true},
		{"no list", view(2, ready("down")), nil, t0.Add(5 * time.Second), true},
		{"nothing new again", view(2, ready("down")), nil, t0.Add(6 * time.Second), false},
		{"ten periods later", view(2, ready("down")), nil, t0.Add(15 * time.Second), true},
	}
	for _, s := range steps {
		if got := f.due(s.v, s.snap, s.at); got != s.want {
			t.Fatalf("%s: due = %t, want %t", s.name, got, s.want)
		}
	}
	f.forget(steps[0].v.ID)
	if !f.due(view(2, ready("down")), nil, t0.Add(16*time.Second)) {
		t.Fatal("a forgotten connection's next probe did not fan out")
	}
}

// The clamped settings are said once, as they are now, however often a
// standing probe's message is reported again.
func TestWithClamped(t *testing.T) {
	first := withClamped("OpenSearch 2.19.1 answered", []string{"resyncPeriod 1s is below the operator's minimum, so 10s applies"})
	if again := withClamped(first, []string{"resyncPeriod 1s is below the operator's minimum, so 10s applies"}); again != first {
		t.Fatalf("said again: %q", again)
	}
	changed := withClamped(first, []string{"resyncPeriod 2s is below the operator's minimum, so 10s applies"})
	if changed != "OpenSearch 2.19.1 answered; the operator's limits apply: resyncPeriod 2s is below the operator's minimum, so 10s applies" {
		t.Fatalf("changed: %q", changed)
	}
	if none := withClamped(first, nil); none != "OpenSearch 2.19.1 answered" {
		t.Fatalf("no longer clamped: %q", none)
	}
}
