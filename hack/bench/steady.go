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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// steadyResult is what a settled fleet cost over several resync periods.
type steadyResult struct {
	Connections int       `json:"connections"`
	DataSources int       `json:"dataSources"`
	Period      float64   `json:"periodSeconds"`
	Periods     int       `json:"periods"`
	Ops         opCounts  `json:"openSearchRequests"`
	API         apiCounts `json:"manager"`
	Seen        activity  `json:"seen"`
}

// editResult is what editing every connection's resyncPeriod caused.
type editResult struct {
	Window float64   `json:"windowSeconds"`
	Ops    opCounts  `json:"openSearchRequests"`
	API    apiCounts `json:"manager"`
	Seen   activity  `json:"seen"`
}

// steadyAndEditTables runs a fleet with a short resyncPeriod to a settled
// state, counts what the operator does over sz.steadyPeriods periods, then
// edits every connection's resyncPeriod and counts again.
func (b *bench) steadyAndEditTables(ctx context.Context) (table, table) {
	steady := table{Scenario: "steady-state",
		Title:  fmt.Sprintf("Steady state: %d connections × %d DataSources, nothing changing", b.sz.steadyConnections, b.sz.perConnection),
		Target: "one list per connection per resync period, no OpenSearch write, no Kubernetes write",
		Header: []string{"PERIOD", "PERIODS", "LISTS/CONN/PERIOD", "OTHER OPENSEARCH REQUESTS", "OPENSEARCH WRITES",
			"DATASOURCE WRITES", "CONNECTION WRITES", "MANAGER API WRITES", "MANAGER API READS"}}
	edit := table{Scenario: "connection-edit",
		Title:  "Connection edit: every connection's resyncPeriod changed on a settled fleet",
		Target: "no DataSource status write, no Ready flip",
		Header: []string{"WINDOW", "DATASOURCE WRITES", "READY FLIPS", "NOT READY AT END", "CONNECTION WRITES", "OPENSEARCH REQUESTS"}}
	sr, er, err := b.steadyAndEdit(ctx)
	steady.Data, edit.Data = sr, er
	if err != nil {
		steady.Err, edit.Err = err.Error(), err.Error()
		return steady, edit
	}
	if sr != nil {
		perConn := ratio(float64(sr.Ops[fakeopensearch.OpList]), float64(sr.Connections*sr.Periods))
		other := sr.Ops.total() - sr.Ops[fakeopensearch.OpList] - sr.Ops.writes()
		slack := 1 / float64(sr.Periods)
		steady.Rows = [][]string{{dur(sr.Period), fmt.Sprint(sr.Periods), num(perConn), fmt.Sprint(other), fmt.Sprint(sr.Ops.writes()),
			fmt.Sprint(sr.Seen.DataSourceWrites), fmt.Sprint(sr.Seen.ConnectionWrites), num(sr.API.writes()), num(sr.API.reads())}}
		steady.Checks = []check{
			atLeast("lists per connection per period", perConn, 1-slack),
			atMost("lists per connection per period", perConn, 1+slack),
			exactly("OpenSearch writes", float64(sr.Ops.writes()), 0),
			exactly("DataSource and connection writes", float64(sr.Seen.DataSourceWrites+sr.Seen.ConnectionWrites), 0),
			exactly("manager API writes", sr.API.writes(), 0),
		}
		steady.Notes = append(steady.Notes, fmt.Sprintf("OpenSearch requests in the window: %s; the ±1/%d slack is where the window cuts a period",
			sr.Ops, sr.Periods))
	}
	if er != nil {
		edit.Rows = [][]string{{dur(er.Window), fmt.Sprint(er.Seen.DataSourceWrites), fmt.Sprint(er.Seen.ReadyFlips),
			fmt.Sprint(er.Seen.NotReadyNow), fmt.Sprint(er.Seen.ConnectionWrites), er.Ops.String()}}
		edit.Checks = []check{
			exactly("DataSource status writes", float64(er.Seen.DataSourceWrites), 0),
			exactly("Ready flips", float64(er.Seen.ReadyFlips), 0),
		}
	}
	return steady, edit
}

func (b *bench) steadyAndEdit(ctx context.Context) (*steadyResult, *editResult, error) {
	spec := fleetSpec{namespace: b.namespace("steady"), connections: b.sz.steadyConnections,
		perConnection: b.sz.perConnection, resync: b.sz.steadyPeriod}
	// The manager raises a resyncPeriod below --min-resync-period to it;
	// the bench's short periods stand for the default ten minutes.
	s, err := b.startReady(ctx, spec, "--min-resync-period="+b.sz.steadyPeriod.String())
	if err != nil {
		return nil, nil, err
	}
	defer s.close()
	// Two periods for the first resyncs after the cold start to pass.
	settle(ctx, 2*b.sz.steadyPeriod+settleTime)
	sr := &steadyResult{Connections: spec.connections, DataSources: spec.dataSources(),
		Period: seconds(b.sz.steadyPeriod), Periods: b.sz.steadyPeriods}
	window := time.Duration(b.sz.steadyPeriods) * b.sz.steadyPeriod
	if sr.Ops, sr.API, sr.Seen, err = s.observe(ctx, window, nil); err != nil {
		return nil, nil, err
	}
	progress("steady state: %s over %s", sr.Ops, window)
	er := &editResult{}
	newPeriod := b.sz.steadyPeriod + time.Second
	windowEdit := 2*newPeriod + settleTime
	er.Window = seconds(windowEdit)
	if er.Ops, er.API, er.Seen, err = s.observe(ctx, windowEdit, func() error {
		return b.editResync(ctx, s.fleet, newPeriod)
	}); err != nil {
		return sr, nil, err
	}
	progress("connection edit: %d DataSource writes, %d Ready flips", er.Seen.DataSourceWrites, er.Seen.ReadyFlips)
	return sr, er, nil
}

// observe starts counting, runs act (if any), waits window and returns
// what happened meanwhile.
func (s *session) observe(ctx context.Context, window time.Duration, act func() error) (opCounts, apiCounts, activity, error) {
	for _, f := range s.fleet.fakes {
		f.ResetCounts()
	}
	s.tracker.mark()
	before, err := s.mgr.counts(ctx)
	if err != nil {
		return nil, apiCounts{}, activity{}, err
	}
	if act != nil {
		if err := act(); err != nil {
			return nil, apiCounts{}, activity{}, err
		}
	}
	settle(ctx, window)
	after, err := s.mgr.counts(ctx)
	if err != nil {
		return nil, apiCounts{}, activity{}, err
	}
	return countOps(s.fleet.fakes), after.minus(before), s.tracker.mark(), nil
}

// editResync sets every connection's spec.resyncPeriod to period.
func (b *bench) editResync(ctx context.Context, f *fleet, period time.Duration) error {
	for i := range f.fakes {
		conn := &v1alpha1.OpenSearchConnection{}
		conn.Namespace, conn.Name = f.spec.namespace, connectionName(i)
		patch := fmt.Sprintf(`{"spec":{"resyncPeriod":%q}}`, metav1.Duration{Duration: period}.Duration.String())
		if err := b.cl.c.Patch(ctx, conn, client.RawPatch("application/merge-patch+json", []byte(patch))); err != nil {
			return err
		}
	}
	return nil
}
