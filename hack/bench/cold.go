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
	// Seconds of each repeat: the bare floor, the contract floor without
	// and with a Secret each, and the manager without and with.
	Floor           []float64 `json:"floorSeconds"`
	Contract        []float64 `json:"contractFloorSeconds"`
	ContractSecrets []float64 `json:"contractFloorOwnSecretSeconds"`
	Plain           []float64 `json:"noSecretsSeconds"`
	Secrets         []float64 `json:"ownSecretSeconds"`
	// CPU seconds of every process of each repeat of the contract floor
	// and the manager, without and with Secrets: on a machine whose cores
	// other work shares, their ratio is steadier than the times'.
	ContractCPU        []float64 `json:"contractFloorCPUSeconds"`
	PlainCPU           []float64 `json:"noSecretsCPUSeconds"`
	ContractSecretsCPU []float64 `json:"contractFloorOwnSecretCPUSeconds"`
	SecretsCPU         []float64 `json:"ownSecretCPUSeconds"`
	// The last repeat's details.
	FloorRun           floorRun   `json:"floor"`
	ContractRun        floorRun   `json:"contractFloor"`
	ContractSecretsRun floorRun   `json:"contractFloorOwnSecret"`
	PlainRun           managerRun `json:"noSecrets"`
	SecretsRun         managerRun `json:"ownSecret"`
}

// settleTime is how long after the last Ready the bench waits before it
// reads memory or starts counting.
const settleTime = 2 * time.Second

// managerColdStart starts the manager on a fresh fleet of spec and measures
// the time until every DataSource is Ready.
func (b *bench) managerColdStart(ctx context.Context, spec fleetSpec) (managerRun, error) {
	return b.managerColdStartOf(ctx, b.managerBin, spec)
}

// managerColdStartOf is managerColdStart with the manager binary bin.
func (b *bench) managerColdStartOf(ctx context.Context, bin string, spec fleetSpec) (managerRun, error) {
	s, err := b.startSessionOf(ctx, bin, spec)
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

// floorRun is one run of an ideal controller.
type floorRun struct {
	Seconds      float64         `json:"seconds"`
	ControlPlane controlPlaneCPU `json:"controlPlaneCPU"`
	// Requests are the floor's API requests by method, when counted.
	Requests map[string]float64 `json:"requests,omitempty"`
}

// writesPer is the floor's API writes per DataSource of n.
func (r floorRun) writesPer(n int) float64 {
	return apiCounts{Requests: r.Requests}.writes() / float64(n)
}

// floorFunc runs an ideal controller on a fleet and returns its API
// requests by method (nil when it does not count them).
type floorFunc func(ctx context.Context, f *fleet) (map[string]float64, error)

// bareFloor is runFloor at the manager's concurrency.
func (b *bench) bareFloor(ctx context.Context, f *fleet) (map[string]float64, error) {
	return nil, runFloor(ctx, b.cl.c, f, b.workers)
}

// contractFloor is runContractFloor at the manager's concurrency.
func (b *bench) contractFloor(ctx context.Context, f *fleet) (map[string]float64, error) {
	return runContractFloor(ctx, b.cl.cfg, f, b.workers)
}

// floorColdStart runs an ideal controller on a fresh fleet of spec, timed
// from its start until the bench's watch has seen every DataSource Ready.
func (b *bench) floorColdStart(ctx context.Context, spec fleetSpec, run floorFunc) (floorRun, error) {
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
	requests, err := run(ctx, f)
	if err != nil {
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
	return floorRun{Seconds: seconds(last.Sub(start)), ControlPlane: after.minus(before), Requests: requests}, nil
}

// coldAt measures, sz.repeats times at c connections, the bare floor, the
// contract floor and the manager without Secrets, then the contract floor
// and the manager with one Secret per DataSource. Interleaving them puts
// each ratio's two sides under the same load.
func (b *bench) coldAt(ctx context.Context, c int) (*coldResult, error) {
	r := &coldResult{Connections: c, DataSources: c * b.sz.perConnection}
	spec := func(what string, secrets secretMode) fleetSpec {
		return fleetSpec{namespace: b.namespace(fmt.Sprintf("cold-%d-%s", c, what)), connections: c,
			perConnection: b.sz.perConnection, secrets: secrets}
	}
	floor := func(what string, secrets secretMode, run floorFunc, to *floorRun, times, cpu *[]float64) error {
		var err error
		if *to, err = b.floorColdStart(ctx, spec(what, secrets), run); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		*times, *cpu = append(*times, to.Seconds), append(*cpu, to.ControlPlane.sum(0))
		return nil
	}
	manager := func(what string, secrets secretMode, to *managerRun, times, cpu *[]float64) error {
		var err error
		if *to, err = b.managerColdStart(ctx, spec(what, secrets)); err != nil {
			return fmt.Errorf("manager %s: %w", what, err)
		}
		*times, *cpu = append(*times, to.Seconds), append(*cpu, to.ControlPlane.sum(to.CPU))
		return nil
	}
	var bareCPU []float64
	for range b.sz.repeats {
		for _, step := range []func() error{
			func() error { return floor("floor", noSecrets, b.bareFloor, &r.FloorRun, &r.Floor, &bareCPU) },
			func() error {
				return floor("contract", noSecrets, b.contractFloor, &r.ContractRun, &r.Contract, &r.ContractCPU)
			},
			func() error { return manager("plain", noSecrets, &r.PlainRun, &r.Plain, &r.PlainCPU) },
			func() error {
				return floor("contract-secrets", ownSecret, b.contractFloor, &r.ContractSecretsRun, &r.ContractSecrets,
					&r.ContractSecretsCPU)
			},
			func() error { return manager("secrets", ownSecret, &r.SecretsRun, &r.Secrets, &r.SecretsCPU) },
		} {
			if err := step(); err != nil {
				return nil, err
			}
		}
		progress("cold start C=%d: bare floor %.2fs (CPU: %s); contract floor %.2fs (CPU: %s); no Secrets %.2fs "+
			"(first Ready %.2fs, %d TCP connections; CPU: %s); contract floor with Secrets %.2fs (CPU: %s); "+
			"one Secret each %.2fs (first Ready %.2fs; CPU: %s)", c,
			r.FloorRun.Seconds, r.FloorRun.ControlPlane.describe(0), r.ContractRun.Seconds, r.ContractRun.ControlPlane.describe(0),
			r.PlainRun.Seconds, r.PlainRun.FirstReady, r.PlainRun.Connections, r.PlainRun.ControlPlane.describe(r.PlainRun.CPU),
			r.ContractSecretsRun.Seconds, r.ContractSecretsRun.ControlPlane.describe(0),
			r.SecretsRun.Seconds, r.SecretsRun.FirstReady, r.SecretsRun.ControlPlane.describe(r.SecretsRun.CPU))
	}
	return r, nil
}

// coldStartTable measures every cold start size.
func (b *bench) coldStartTable(ctx context.Context) table {
	t := table{Scenario: "cold-start",
		Title: fmt.Sprintf("Cold start: C connections × %d DataSources, manager started on existing objects until all Ready", b.sz.perConnection),
		Target: fmt.Sprintf("≤ 1.2 × the contract floor without Secrets, ≤ 1.3 × the contract floor with one Secret each, "+
			"medians of %d runs; one OpenSearch write per DataSource. Contract floor, %d at a time: an informer on the "+
			"DataSources; per object a finalizer patch, the intent record (status.pendingCreate, patched before the POST "+
			"as the contract requires), [the Secret's GET,] one POST, one Event, one status patch. Bare floor: finalizer "+
			"patch, POST, status patch, no informer, no Event", b.sz.repeats, b.workers),
		Header: []string{"C", "DATASOURCES", "BARE FLOOR", "CONTRACT FLOOR", "NO SECRETS", "×CONTRACT", "×BARE",
			"CONTRACT FLOOR (SECRETS)", "ONE SECRET EACH", "×CONTRACT (SECRETS)", "×CONTRACT (NO SECRETS)",
			"API WRITES/DS FLOOR–MANAGER", "(SECRETS)", "OPENSEARCH (NO SECRETS)", "OPENSEARCH (SECRETS)", "TCP CONNECTIONS"}}
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
		t.Notes = append(t.Notes, fmt.Sprintf("C=%d runs (median of %d): bare floor %s; contract floor %s; no Secrets %s; "+
			"contract floor with Secrets %s; one Secret each %s", c, len(r.Floor), secondsList(r.Floor), secondsList(r.Contract),
			secondsList(r.Plain), secondsList(r.ContractSecrets), secondsList(r.Secrets)),
			fmt.Sprintf("C=%d CPU seconds of all processes (median): contract floor %s, no Secrets %s (× %s); "+
				"contract floor with Secrets %s, one Secret each %s (× %s)", c,
				dur(median(r.ContractCPU)), dur(median(r.PlainCPU)), num(ratio(median(r.PlainCPU), median(r.ContractCPU))),
				dur(median(r.ContractSecretsCPU)), dur(median(r.SecretsCPU)),
				num(ratio(median(r.SecretsCPU), median(r.ContractSecretsCPU)))))
	}
	t.Data = data
	return t
}

func (r *coldResult) row() []string {
	floor, contract, contractSecrets := median(r.Floor), median(r.Contract), median(r.ContractSecrets)
	plain, secrets := median(r.Plain), median(r.Secrets)
	n := float64(r.DataSources)
	return []string{fmt.Sprint(r.Connections), fmt.Sprint(r.DataSources), dur(floor), dur(contract),
		dur(plain), num(ratio(plain, contract)), num(ratio(plain, floor)),
		dur(contractSecrets), dur(secrets), num(ratio(secrets, contractSecrets)), num(ratio(secrets, contract)),
		num(r.ContractRun.writesPer(r.DataSources)) + "–" + num(r.PlainRun.API.writes()/n),
		num(r.ContractSecretsRun.writesPer(r.DataSources)) + "–" + num(r.SecretsRun.API.writes()/n),
		r.PlainRun.Ops.String(), r.SecretsRun.Ops.String(), fmt.Sprint(r.PlainRun.Connections)}
}

func (r *coldResult) checks() []check {
	n := float64(r.DataSources)
	return []check{
		atMost(fmt.Sprintf("C=%d no Secrets: median time / contract floor", r.Connections),
			ratio(median(r.Plain), median(r.Contract)), 1.2),
		atMost(fmt.Sprintf("C=%d one Secret each: median time / contract floor with Secrets", r.Connections),
			ratio(median(r.Secrets), median(r.ContractSecrets)), 1.3),
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
