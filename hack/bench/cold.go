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
	"strings"
	"time"
)

// managerRun is one cold start of the manager.
type managerRun struct {
	Seconds float64 `json:"seconds"`
	// FirstReady is when the first DataSource was Ready: what starting the
	// process, syncing caches and probing the connections cost.
	FirstReady float64 `json:"firstReadySeconds"`
	// CPU is the manager's CPU time until the measurement ended.
	CPU float64 `json:"cpuSeconds"`
	// ControlPlane is the control plane's CPU time from the manager's
	// start until all were Ready.
	ControlPlane controlPlaneCPU `json:"controlPlaneCPU"`
	// Memory is read settleTime after the last DataSource became Ready.
	Memory memory   `json:"memory"`
	Ops    opCounts `json:"openSearchRequests"`
	// Connections is how many TCP connections the fakes accepted.
	Connections int       `json:"tcpConnections"`
	API         apiCounts `json:"manager"`
}

// coldResult is the cold start at one connection count.
type coldResult struct {
	Connections int `json:"connections"`
	DataSources int `json:"dataSources"`
	// Seconds of each repeat.
	Floor   []float64 `json:"floorSeconds"`
	Plain   []float64 `json:"noSecretsSeconds"`
	Secrets []float64 `json:"ownSecretSeconds"`
	// The last repeat's details.
	FloorRun   floorRun   `json:"floor"`
	PlainRun   managerRun `json:"noSecrets"`
	SecretsRun managerRun `json:"ownSecret"`
}

// settleTime is how long after the last Ready the bench waits before it
// reads memory or starts counting.
const settleTime = 2 * time.Second

// managerColdStart starts the manager on a fresh fleet of spec and measures
// the time until every DataSource is Ready.
func (b *bench) managerColdStart(ctx context.Context, spec fleetSpec) (managerRun, error) {
	s, err := b.startSession(ctx, spec)
	if err != nil {
		return managerRun{}, err
	}
	defer s.close()
	before, err := b.cl.cpu()
	if err != nil {
		return managerRun{}, err
	}
	first, d, err := s.coldStart(ctx)
	if err != nil {
		return managerRun{}, err
	}
	after, err := b.cl.cpu()
	if err != nil {
		return managerRun{}, err
	}
	settle(ctx, settleTime)
	mem, err := s.mgr.memory()
	if err != nil {
		return managerRun{}, err
	}
	api, err := s.mgr.counts(ctx)
	if err != nil {
		return managerRun{}, err
	}
	cpu, err := s.mgr.cpuSeconds()
	if err != nil {
		return managerRun{}, err
	}
	return managerRun{Seconds: seconds(d), FirstReady: seconds(first), CPU: cpu, ControlPlane: after.minus(before), Memory: mem,
		Ops: countOps(s.fleet.fakes), Connections: acceptedConnections(s.fleet.fakes), API: api}, nil
}

// floorRun is one run of the ideal controller.
type floorRun struct {
	Seconds      float64         `json:"seconds"`
	ControlPlane controlPlaneCPU `json:"controlPlaneCPU"`
}

// floorColdStart runs the ideal controller on a fresh fleet of spec.
func (b *bench) floorColdStart(ctx context.Context, spec fleetSpec) (floorRun, error) {
	f, err := newFleet(ctx, b.cl.c, spec)
	if err != nil {
		return floorRun{}, err
	}
	defer f.close()
	tctx, stop := context.WithCancel(ctx)
	defer stop()
	t, err := startTracker(tctx, b.cl.cfg, spec.namespace, spec.dataSources())
	if err != nil {
		return floorRun{}, err
	}
	before, err := b.cl.cpu()
	if err != nil {
		return floorRun{}, err
	}
	start := time.Now()
	if err := runFloor(ctx, b.cl.c, f, b.workers); err != nil {
		return floorRun{}, err
	}
	_, last, err := t.waitAllReady(ctx, readyTimeout(spec.dataSources()))
	if err != nil {
		return floorRun{}, err
	}
	after, err := b.cl.cpu()
	if err != nil {
		return floorRun{}, err
	}
	return floorRun{Seconds: seconds(last.Sub(start)), ControlPlane: after.minus(before)}, nil
}

// coldAt measures the floor, the manager without Secrets and the manager
// with one Secret per DataSource at c connections, sz.repeats times each.
func (b *bench) coldAt(ctx context.Context, c int) (*coldResult, error) {
	r := &coldResult{Connections: c, DataSources: c * b.sz.perConnection}
	spec := func(what string, secrets secretMode) fleetSpec {
		return fleetSpec{namespace: b.namespace(fmt.Sprintf("cold-%d-%s", c, what)), connections: c,
			perConnection: b.sz.perConnection, secrets: secrets}
	}
	for range b.sz.repeats {
		var err error
		if r.FloorRun, err = b.floorColdStart(ctx, spec("floor", noSecrets)); err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
		r.Floor = append(r.Floor, r.FloorRun.Seconds)
		if r.PlainRun, err = b.managerColdStart(ctx, spec("plain", noSecrets)); err != nil {
			return nil, fmt.Errorf("manager without Secrets: %w", err)
		}
		r.Plain = append(r.Plain, r.PlainRun.Seconds)
		if r.SecretsRun, err = b.managerColdStart(ctx, spec("secrets", ownSecret)); err != nil {
			return nil, fmt.Errorf("manager with Secrets: %w", err)
		}
		r.Secrets = append(r.Secrets, r.SecretsRun.Seconds)
		progress("cold start C=%d: floor %.2fs (CPU: %s); no Secrets %.2fs (first Ready %.2fs, %d TCP connections; CPU: %s); "+
			"one Secret each %.2fs (first Ready %.2fs; CPU: %s)", c, r.FloorRun.Seconds, r.FloorRun.ControlPlane.describe(0),
			r.PlainRun.Seconds, r.PlainRun.FirstReady, r.PlainRun.Connections, r.PlainRun.ControlPlane.describe(r.PlainRun.CPU),
			r.SecretsRun.Seconds, r.SecretsRun.FirstReady, r.SecretsRun.ControlPlane.describe(r.SecretsRun.CPU))
	}
	return r, nil
}

// coldStartTable measures every cold start size.
func (b *bench) coldStartTable(ctx context.Context) table {
	t := table{Scenario: "cold-start",
		Title: fmt.Sprintf("Cold start: C connections × %d DataSources, manager started on existing objects until all Ready", b.sz.perConnection),
		Target: fmt.Sprintf("≤ 1.2 × floor without Secrets, ≤ 1.3 × floor with one Secret each; one OpenSearch write per DataSource "+
			"(floor: finalizer patch, one POST, one status patch per object, %d at a time)", b.workers),
		Header: []string{"C", "DATASOURCES", "FLOOR", "NO SECRETS", "×FLOOR", "ONE SECRET EACH", "×FLOOR",
			"OPENSEARCH (NO SECRETS)", "OPENSEARCH (SECRETS)", "TCP CONNECTIONS", "API WRITES/DS", "API WRITES/DS (SECRETS)"}}
	var data []*coldResult
	for _, c := range b.sz.cold {
		r, err := b.coldAt(ctx, c)
		if err != nil {
			t.Err, t.Data = fmt.Sprintf("C=%d: %v", c, err), data
			return t
		}
		b.cold[c] = r
		data = append(data, r)
		t.Rows = append(t.Rows, r.row())
		t.Checks = append(t.Checks, r.checks()...)
		if len(r.Floor) > 1 {
			t.Notes = append(t.Notes, fmt.Sprintf("C=%d medians of %d runs: floor %s, no Secrets %s, with Secrets %s",
				c, len(r.Floor), secondsList(r.Floor), secondsList(r.Plain), secondsList(r.Secrets)))
		}
	}
	t.Data = data
	return t
}

func (r *coldResult) row() []string {
	floor, plain, secrets := median(r.Floor), median(r.Plain), median(r.Secrets)
	n := float64(r.DataSources)
	return []string{fmt.Sprint(r.Connections), fmt.Sprint(r.DataSources), dur(floor),
		dur(plain), num(ratio(plain, floor)), dur(secrets), num(ratio(secrets, floor)),
		r.PlainRun.Ops.String(), r.SecretsRun.Ops.String(), fmt.Sprint(r.PlainRun.Connections),
		num(r.PlainRun.API.writes() / n), num(r.SecretsRun.API.writes() / n)}
}

func (r *coldResult) checks() []check {
	floor, n := median(r.Floor), float64(r.DataSources)
	return []check{
		atMost(fmt.Sprintf("C=%d no Secrets: time / floor", r.Connections), ratio(median(r.Plain), floor), 1.2),
		atMost(fmt.Sprintf("C=%d one Secret each: time / floor", r.Connections), ratio(median(r.Secrets), floor), 1.3),
		exactly(fmt.Sprintf("C=%d OpenSearch writes per DataSource (no Secrets)", r.Connections), float64(r.PlainRun.Ops.writes())/n, 1),
		exactly(fmt.Sprintf("C=%d OpenSearch writes per DataSource (Secrets)", r.Connections), float64(r.SecretsRun.Ops.writes())/n, 1),
	}
}

// secondsList prints repeats as "1.20s 1.31s 1.25s".
func secondsList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = dur(x)
	}
	return strings.Join(parts, " ")
}
