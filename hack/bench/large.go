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

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// largeTable cold-starts the manager on sz.large DataSources over
// sz.largeConnections connections.
func (b *bench) largeTable(ctx context.Context) table {
	n, c := b.sz.large, b.sz.largeConnections
	t := table{Scenario: "large",
		Title:  fmt.Sprintf("Large: %d DataSources over %d connections, cold start", n, c),
		Target: "all Ready; one OpenSearch write per DataSource and no GET",
		Header: []string{"DATASOURCES", "TIME TO READY", "DS/S", "RSS", "PEAK RSS", "OPENSEARCH REQUESTS",
			"API REQUESTS/DS", "API WRITES/DS", "RECONCILES/DS"}}
	spec := fleetSpec{namespace: b.namespace("large"), connections: c, perConnection: n / c}
	r, err := b.managerColdStart(ctx, spec)
	if err != nil {
		t.Err = err.Error()
		return t
	}
	t.Data = r
	progress("large: %d DataSources Ready in %.1fs, peak RSS %s", n, r.Seconds, mib(r.Memory.HWMKiB))
	total := 0.0
	for _, v := range r.API.Requests {
		total += v
	}
	fn := float64(n)
	t.Rows = [][]string{{fmt.Sprint(n), dur(r.Seconds), num(fn / r.Seconds), mib(r.Memory.RSSKiB), mib(r.Memory.HWMKiB),
		r.Ops.String(), num(total / fn), num(r.API.writes() / fn), num(r.API.Reconciles["datasource"] / fn)}}
	t.Checks = []check{
		exactly("OpenSearch writes per DataSource", float64(r.Ops.writes())/fn, 1),
		exactly("OpenSearch GETs", float64(r.Ops[fakeopensearch.OpGet]), 0),
	}
	return t
}
