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
	"slices"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// largeMemoryTarget is the most the manager's peak RSS may reach for
// 10,000 DataSources over 500 connections.
const largeMemoryTarget = 250 << 10 // KiB

// largeTable cold-starts the manager on sz.large DataSources over
// sz.largeConnections connections. Its memory per DataSource is the slope
// of peak RSS between the largest cold start without Secrets (measured
// again here when that scenario did not run) and this run.
func (b *bench) largeTable(ctx context.Context) table {
	n, c := b.sz.large, b.sz.largeConnections
	t := table{Scenario: "large",
		Title: fmt.Sprintf("Large: %d DataSources over %d connections, cold start", n, c),
		Target: fmt.Sprintf("all Ready; one OpenSearch write per DataSource and no GET; peak RSS ≤ %s (the target for 10,000 "+
			"DataSources over 500 connections); the slope of peak RSS per 1,000 DataSources is printed", mib(largeMemoryTarget)),
		Header: []string{"DATASOURCES", "TIME TO READY", "DS/S", "RSS (ANON + FILE)", "PEAK RSS", "PEAK RSS/1,000 DS (SLOPE)", "OPENSEARCH REQUESTS",
			"API REQUESTS/DS", "API WRITES/DS", "RECONCILES/DS"}}
	var base *managerRun
	if b.baselineBin != "" {
		// The baseline first: a fleet of this size leaves the API server
		// busier for whatever follows, so the build under test is not
		// favoured.
		r, err := b.managerColdStartOf(ctx, b.baselineBin, fleetSpec{namespace: b.namespace("large-baseline"), connections: c,
			perConnection: n / c})
		if err != nil {
			t.Err = fmt.Sprintf("the manager at %s: %v", b.baselineRev, err)
			return t
		}
		base = &r
		progress("large at %s: %d DataSources Ready in %.1fs, peak RSS %s", b.baselineRev, n, r.Seconds, mib(r.Memory.HWMKiB))
	}
	spec := fleetSpec{namespace: b.namespace("large"), connections: c, perConnection: n / c}
	r, err := b.managerColdStart(ctx, spec)
	if err != nil {
		t.Err = err.Error()
		return t
	}
	progress("large: %d DataSources Ready in %.1fs, peak RSS %s", n, r.Seconds, mib(r.Memory.HWMKiB))
	small, err := b.slopeBase(ctx)
	if err != nil {
		t.Err = fmt.Sprintf("the cold start to take the slope from: %v", err)
		return t
	}
	slope := ratio(float64(r.Memory.HWMKiB-small.PlainRun.Memory.HWMKiB)/1024, float64(n-small.DataSources)/1000)
	t.Data = map[string]any{"run": r, "slopeMiBPer1000": slope, "slopeFrom": small.PlainRun, "slopeFromDataSources": small.DataSources,
		"baseline": base}
	total := 0.0
	for _, v := range r.API.Requests {
		total += v
	}
	fn := float64(n)
	t.Rows = [][]string{{fmt.Sprint(n), dur(r.Seconds), num(fn / r.Seconds), rssSplit(r.Memory), mib(r.Memory.HWMKiB),
		fmt.Sprintf("%.1f MiB (%d → %d)", slope, small.DataSources, n),
		r.Ops.String(), num(total / fn), num(r.API.writes() / fn), num(r.API.Reconciles["datasource"] / fn)}}
	t.Checks = []check{
		exactly("OpenSearch writes per DataSource", float64(r.Ops.writes())/fn, 1),
		exactly("OpenSearch GETs", float64(r.Ops[fakeopensearch.OpGet]), 0),
		atMost(fmt.Sprintf("peak RSS MiB at %d DataSources", n), float64(r.Memory.HWMKiB)/1024, largeMemoryTarget/1024),
	}
	if base != nil {
		b.addBaseline(&t, r, *base, n)
	} else {
		t.Notes = append(t.Notes, "run with -baseline=<revision> to compare the time to all Ready with an earlier manager in the same run")
	}
	t.Notes = append(t.Notes, fmt.Sprintf("slope from the cold start of %d DataSources without Secrets (peak %s) to this one (peak %s)",
		small.DataSources, mib(small.PlainRun.Memory.HWMKiB), mib(r.Memory.HWMKiB)))
	return t
}

// addBaseline adds the baseline manager's row to t, and the check that
// r, the build under test, reached all Ready no slower.
func (b *bench) addBaseline(t *table, r, base managerRun, n int) {
	fn := float64(n)
	t.Rows = append(t.Rows, []string{fmt.Sprintf("%d at %s", n, b.baselineRev), dur(base.Seconds), num(fn / base.Seconds),
		rssSplit(base.Memory), mib(base.Memory.HWMKiB), "", base.Ops.String(), "", num(base.API.writes() / fn),
		num(base.API.Reconciles["datasource"] / fn)})
	t.Checks = append(t.Checks, atMost(fmt.Sprintf("time to all Ready / the manager at %s's (no worse, within "+
		"the 10%% one run varies by here)", b.baselineRev), ratio(r.Seconds, base.Seconds), 1.1))
}

// slopeBase is the largest cold start measured, or a new one of that size.
func (b *bench) slopeBase(ctx context.Context) (*coldResult, error) {
	c := slices.Max(b.sz.cold)
	if r, ok := b.cold[c]; ok {
		return r, nil
	}
	r := &coldResult{Connections: c, DataSources: c * b.sz.perConnection}
	var err error
	r.PlainRun, err = b.managerColdStart(ctx, fleetSpec{namespace: b.namespace(fmt.Sprintf("cold-%d-plain", c)), connections: c,
		perConnection: b.sz.perConnection})
	return r, err
}

// rssSplit is the RSS with what of it the process allocated and what are
// pages of its binary: only the first grows with the fleet.
func rssSplit(m memory) string {
	return fmt.Sprintf("%s (%s + %s)", mib(m.RSSKiB), mib(m.AnonKiB), mib(m.FileKiB))
}
