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
	"strconv"
	"strings"
	"time"
)

// sizes are the scale of each scenario.
type sizes struct {
	// cold lists the connection counts of the cold start, each with
	// perConnection DataSources; repeats runs each that many times.
	cold          []int
	perConnection int
	repeats       int
	// steadyConnections resync every steadyPeriod, observed for
	// steadyPeriods periods.
	steadyConnections int
	steadyPeriod      time.Duration
	steadyPeriods     int
	// rotation DataSources share one Secret.
	rotation int
	// memoryConnections is the cold start the unrelated Secrets are added
	// to: unrelated Secrets of unrelatedBytes each.
	memoryConnections, unrelated, unrelatedBytes int
	// large DataSources over largeConnections connections.
	large, largeConnections int
	// slowTenant DataSources stall on one connection while as many of
	// another tenant's rotate and as many new ones are created.
	slowTenant int
	// hostile connections each list the largest reply the limits allow.
	hostile int
}

// fullSizes are the sizes the targets are stated for; the whole run takes
// 40 to 60 minutes on two cores, most of it the cold starts' three repeats.
func fullSizes() sizes {
	return sizes{
		cold: []int{10, 50, 100}, perConnection: 20, repeats: 3,
		steadyConnections: 10, steadyPeriod: 3 * time.Second, steadyPeriods: 5,
		rotation:          500,
		memoryConnections: 100, unrelated: 20000, unrelatedBytes: 10 << 10,
		large: 10000, largeConnections: 500,
		slowTenant: 50, hostile: 8,
	}
}

// quickSizes keep every scenario's shape at a fraction of its size, in
// about 5 minutes; the small cold start is repeated and quoted by median.
func quickSizes() sizes {
	return sizes{
		cold: []int{10}, perConnection: 20, repeats: 3,
		steadyConnections: 5, steadyPeriod: 2 * time.Second, steadyPeriods: 3,
		rotation:          500,
		memoryConnections: 10, unrelated: 2000, unrelatedBytes: 10 << 10,
		large: 1000, largeConnections: 50,
		slowTenant: 20, hostile: 8,
	}
}

// concurrencyOf is the --max-concurrent-reconciles among the manager's
// args, or def when they do not set it.
func concurrencyOf(args []string, def int) int {
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "max-concurrent-reconciles" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return def
			}
			value = args[i+1]
		}
		if n, err := strconv.Atoi(value); err == nil && n > 0 {
			return n
		}
	}
	return def
}
