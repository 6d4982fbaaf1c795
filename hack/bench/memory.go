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
)

// memoryTable compares the manager's memory after the cold starts with and
// without Secrets, and after a cold start beside many unrelated Secrets.
func (b *bench) memoryTable(ctx context.Context) table {
	t := table{Scenario: "memory",
		Title: "Memory: manager RSS (VmRSS) 2 s after the cold start; peak is VmHWM",
		Target: fmt.Sprintf("one Secret each ≤ 1.25 × no Secrets; with %d unrelated %d KiB Secrets ≤ 1.1 × without",
			b.sz.unrelated, b.sz.unrelatedBytes>>10),
		Header: []string{"RUN", "DATASOURCES", "RSS", "PEAK", "× NO SECRETS"}}
	c := b.sz.memoryConnections
	base, ok := b.cold[c]
	if !ok {
		var err error
		if base, err = b.coldAt(ctx, c); err != nil {
			t.Err = err.Error()
			return t
		}
		b.cold[c] = base
	}
	for _, cc := range b.sz.cold {
		r, ok := b.cold[cc]
		if !ok {
			continue
		}
		plain, secrets := r.PlainRun.Memory, r.SecretsRun.Memory
		t.Rows = append(t.Rows,
			[]string{fmt.Sprintf("C=%d no Secrets", cc), fmt.Sprint(r.DataSources), mib(plain.RSSKiB), mib(plain.HWMKiB), "1"},
			[]string{fmt.Sprintf("C=%d one Secret each", cc), fmt.Sprint(r.DataSources), mib(secrets.RSSKiB), mib(secrets.HWMKiB),
				num(ratio(float64(secrets.RSSKiB), float64(plain.RSSKiB)))})
		t.Checks = append(t.Checks, atMost(fmt.Sprintf("C=%d RSS one Secret each / no Secrets", cc),
			ratio(float64(secrets.RSSKiB), float64(plain.RSSKiB)), 1.25))
	}
	spec := fleetSpec{namespace: b.namespace("unrelated"), connections: c, perConnection: b.sz.perConnection,
		unrelated: b.sz.unrelated, unrelatedBytes: b.sz.unrelatedBytes}
	run, err := b.managerColdStart(ctx, spec)
	if err != nil {
		t.Err = fmt.Sprintf("with unrelated Secrets: %v", err)
		return t
	}
	progress("memory: %d unrelated Secrets: RSS %s (no Secrets: %s)", b.sz.unrelated, mib(run.Memory.RSSKiB), mib(base.PlainRun.Memory.RSSKiB))
	t.Data = run
	rel := ratio(float64(run.Memory.RSSKiB), float64(base.PlainRun.Memory.RSSKiB))
	t.Rows = append(t.Rows, []string{fmt.Sprintf("C=%d no Secrets, %d unrelated Secrets", c, b.sz.unrelated),
		fmt.Sprint(spec.dataSources()), mib(run.Memory.RSSKiB), mib(run.Memory.HWMKiB), num(rel)})
	t.Checks = append(t.Checks, atMost(fmt.Sprintf("C=%d RSS with unrelated Secrets / without", c), rel, 1.1))
	t.Notes = append(t.Notes, fmt.Sprintf("with unrelated Secrets the cold start took %s (without: %s)",
		dur(run.Seconds), dur(median(base.Plain))))
	return t
}
