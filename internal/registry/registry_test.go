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
	"fmt"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// namedClient is a Lister that says which build made it.
type namedClient struct{ name string }

func (namedClient) ListKept(context.Context, func(string) bool) (opensearch.Listing, error) {
	return opensearch.Listing{}, nil
}

func TestClientReusedUntilSettingsChange(t *testing.T) {
	r := New[namedClient](time.Now)
	builds := 0
	var sawPrevious []string
	build := func(name string) func(*namedClient) (namedClient, error) {
		return func(previous *namedClient) (namedClient, error) {
			builds++
			if previous != nil {
				sawPrevious = append(sawPrevious, previous.name)
			}
			return namedClient{name}, nil
		}
	}
	first, _ := r.Client(testConn, 0, "h1", build("first"))
	again, _ := r.Client(testConn, 0, "h1", build("unused"))
	if first.name != "first" || again.name != "first" || builds != 1 {
		t.Fatalf("same hash: got %q then %q after %d builds, want one build reused", first.name, again.name, builds)
	}
	second, _ := r.Client(testConn, 0, "h2", build("second"))
	if second.name != "second" || len(sawPrevious) != 1 || sawPrevious[0] != "first" {
		t.Errorf("new hash: got %q, build saw previous %v; want a rebuild that sees the first client", second.name, sawPrevious)
	}
	if _, err := r.Client(testConn, 0, "h3", func(*namedClient) (namedClient, error) { return namedClient{}, errors.New("bad CA") }); err == nil {
		t.Error("a failed build returned no error")
	}
	if kept, _ := r.Client(testConn, 0, "h2", build("unused")); kept.name != "second" {
		t.Errorf("a failed build replaced the cached client: got %q", kept.name)
	}
	r.Forget(testConn)
	if fresh, _ := r.Client(testConn, r.Epoch(testConn), "h2", build("third")); fresh.name != "third" {
		t.Errorf("after Forget got %q, want a new build", fresh.name)
	}
}

// TestClientRefusedAfterForget pins that a caller who read the connection
// before it was deleted cannot cache a client for it afterwards, while one
// who read its successor (same name) can.
func TestClientRefusedAfterForget(t *testing.T) {
	r := New[namedClient](time.Now)
	other := ID{Kind: "ClusterOpenSearchConnection", Name: "conn"}
	before, otherEpoch := r.Epoch(testConn), r.Epoch(other)
	r.Forget(testConn)
	built := false
	_, err := r.Client(testConn, before, "h", func(*namedClient) (namedClient, error) {
		built = true
		return namedClient{"stale"}, nil
	})
	if !errors.Is(err, ErrForgotten) || built {
		t.Fatalf("Client with the epoch read before Forget: err %v, built %v; want ErrForgotten and no build", err, built)
	}
	if r.Live(testConn, before) {
		t.Error("Live reports a forgotten epoch")
	}
	var previous *namedClient
	c, err := r.Client(testConn, r.Epoch(testConn), "h", func(p *namedClient) (namedClient, error) {
		previous = p
		return namedClient{"successor"}, nil
	})
	if err != nil || c.name != "successor" || previous != nil {
		t.Errorf("successor: %q, %v, previous %v; want a first build with nothing cached before it", c.name, err, previous)
	}
	if _, err := r.Client(other, otherEpoch, "h", func(*namedClient) (namedClient, error) { return namedClient{"o"}, nil }); err != nil {
		t.Errorf("forgetting one connection ended another's epoch: %v", err)
	}
}

func TestThrottle(t *testing.T) {
	r := New[namedClient](time.Now)
	now := stT0
	r.Throttle(testConn, Throttle{Until: now.Add(time.Minute), Message: "later"})
	r.Throttle(testConn, Throttle{Until: now.Add(time.Second), Message: "sooner"})
	if got, ok := r.Throttled(testConn, now); !ok || got.Message != "later" {
		t.Errorf("Throttled = %+v, %v; want the later of two throttles kept", got, ok)
	}
	other := ID{Kind: "ClusterOpenSearchConnection", Name: "conn"}
	if _, ok := r.Throttled(other, now); ok {
		t.Error("a throttle on one connection held another")
	}
	if _, ok := r.Throttled(testConn, now.Add(time.Minute)); ok {
		t.Error("a throttle held at its Until")
	}
	r.Throttle(testConn, Throttle{Until: now.Add(time.Hour)})
	r.ClearThrottle(testConn)
	if _, ok := r.Throttled(testConn, now); ok {
		t.Error("ClearThrottle (a successful probe) left the throttle in force")
	}
	r.Throttle(testConn, Throttle{Until: now.Add(time.Hour)})
	r.Forget(testConn)
	if _, ok := r.Throttled(testConn, now); ok {
		t.Error("Forget left the connection's throttle")
	}
}

func TestIDString(t *testing.T) {
	if got := testConn.String(); got != "OpenSearchConnection/ns/conn" {
		t.Errorf("namespaced ID = %q", got)
	}
	if got := (ID{Kind: "ClusterOpenSearchConnection", Name: "shared"}).String(); got != "ClusterOpenSearchConnection/shared" {
		t.Errorf("cluster ID = %q", got)
	}
}

// A deleted connection, and a name no connection has, leave no entry
// behind, however many come and go.
func TestForgottenNamesLeaveNothing(t *testing.T) {
	r := New[namedClient](time.Now)
	for i := range 1000 {
		id := ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: fmt.Sprint("conn-", i)}
		e := r.Epoch(id)
		if _, err := r.Client(id, e, "h", func(*namedClient) (namedClient, error) { return namedClient{"c"}, nil }); err != nil {
			t.Fatal(err)
		}
		r.Forget(id)
		missing := ID{Kind: "OpenSearchConnection", Namespace: "ns", Name: fmt.Sprint("missing-", i)}
		r.Release(missing, r.Epoch(missing))
	}
	if n := len(r.epochs); n != 0 {
		t.Fatalf("%d entries left behind", n)
	}
}

// Release keeps the epoch of a connection whose client is cached: a
// reconcile that missed the object in a stale cache must not end it.
func TestReleaseKeepsCachedConnections(t *testing.T) {
	r := New[namedClient](time.Now)
	e := r.Epoch(testConn)
	if _, err := r.Client(testConn, e, "h", func(*namedClient) (namedClient, error) { return namedClient{"c"}, nil }); err != nil {
		t.Fatal(err)
	}
	r.Release(testConn, r.Epoch(testConn))
	if !r.Live(testConn, e) {
		t.Fatal("Release ended the epoch of a cached connection")
	}
}
