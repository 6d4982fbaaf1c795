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
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// seriesIn counts the series c holds.
func seriesIn(t *testing.T, c prometheus.Collector) int {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range families {
		n += len(f.GetMetric())
	}
	return n
}

// A drift correction that saw its connection live while the connection was
// being forgotten does not bring the connection's series back: the
// deletion waits for it and removes what it wrote.
func TestDriftCorrectionAfterForgetLeavesNoSeries(t *testing.T) {
	m := newOperatorMetrics(func() int { return 0 })
	const conn = "OpenSearchConnection/ns/gone"
	m.driftCorrection(conn, func() bool { return true })
	if n := seriesIn(t, m.driftCorrected); n != 1 {
		t.Fatalf("%d series after a correction, want 1", n)
	}

	forgotten := make(chan struct{})
	m.driftCorrection(conn, func() bool {
		// The connection is deleted right after this check said live.
		go func() { m.forgetConnection(conn); close(forgotten) }()
		select {
		case <-forgotten:
		case <-time.After(200 * time.Millisecond):
		}
		return true
	})
	<-forgotten
	if n := seriesIn(t, m.driftCorrected); n != 0 {
		t.Fatalf("%d series after the connection was forgotten, want none", n)
	}
	m.driftCorrection(conn, func() bool { return false })
	if n := seriesIn(t, m.driftCorrected); n != 0 {
		t.Fatalf("a correction on a forgotten connection made %d series", n)
	}
}

// A connection's readiness is one series that follows its Ready condition,
// goes with the connection, and is not brought back by a probe that ends
// after the connection was forgotten.
func TestConnectionReadySeries(t *testing.T) {
	m := newOperatorMetrics(func() int { return 0 })
	const conn = "OpenSearchConnection/ns/os"
	live := func() bool { return true }
	m.connectionReady(conn, false, live)
	m.connectionReady(conn, true, live)
	if n := seriesIn(t, m.connections); n != 1 {
		t.Fatalf("%d series after two probes of one connection, want 1", n)
	}
	m.forgetConnection(conn)
	if n := seriesIn(t, m.connections); n != 0 {
		t.Fatalf("%d series after the connection was forgotten, want none", n)
	}
	m.connectionReady(conn, true, func() bool { return false })
	if n := seriesIn(t, m.connections); n != 0 {
		t.Fatalf("a probe of a forgotten connection made %d series", n)
	}
}
