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
	"slices"
	"testing"
)

func TestConcurrencyOf(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 4},
		{[]string{"--zap-log-level=info"}, 4},
		{[]string{"--max-concurrent-reconciles=16"}, 16},
		{[]string{"-max-concurrent-reconciles", "8"}, 8},
		{[]string{"--max-concurrent-reconciles"}, 4},
		{[]string{"--max-concurrent-reconciles=0"}, 4},
		{[]string{"--max-concurrent-reconciles=x"}, 4},
		{[]string{"max-concurrent-reconciles=9"}, 4},
	} {
		if got := concurrencyOf(tc.args, 4); got != tc.want {
			t.Errorf("concurrencyOf(%q) = %d, want %d", tc.args, got, tc.want)
		}
	}
}

func TestSizesKeepTheirShape(t *testing.T) {
	for name, s := range map[string]sizes{"full": fullSizes(), "quick": quickSizes()} {
		if s.large%s.largeConnections != 0 || s.rotation%s.perConnection != 0 {
			t.Errorf("%s: DataSources must split evenly over connections: %+v", name, s)
		}
		found := false
		for _, c := range s.cold {
			found = found || c == s.memoryConnections
		}
		if !found {
			t.Errorf("%s: the memory scenario's baseline (%d connections) is not a cold start size %v", name, s.memoryConnections, s.cold)
		}
	}
}

func TestOptionsSizes(t *testing.T) {
	full, quick := fullSizes(), quickSizes()
	cases := []struct {
		name       string
		opts       options
		mode       string
		cold       []int
		memoryConn int
		repeats    int
	}{
		{name: "full", opts: options{}, mode: "full", cold: full.cold, memoryConn: full.memoryConnections, repeats: full.repeats},
		{name: "quick", opts: options{quick: true}, mode: "quick", cold: quick.cold, memoryConn: quick.memoryConnections, repeats: quick.repeats},
		{name: "-cold keeps a memory size it includes", opts: options{cold: []int{full.memoryConnections}}, mode: "full",
			cold: []int{full.memoryConnections}, memoryConn: full.memoryConnections, repeats: full.repeats},
		{name: "-cold without the memory size measures memory at its largest", opts: options{cold: []int{3, 7}, repeats: 2}, mode: "full",
			cold: []int{3, 7}, memoryConn: 7, repeats: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mode, sz := tc.opts.sizes()
			if mode != tc.mode || !slices.Equal(sz.cold, tc.cold) || sz.memoryConnections != tc.memoryConn || sz.repeats != tc.repeats {
				t.Fatalf("sizes() = %s %v memory %d repeats %d, want %s %v memory %d repeats %d",
					mode, sz.cold, sz.memoryConnections, sz.repeats, tc.mode, tc.cold, tc.memoryConn, tc.repeats)
			}
		})
	}
}
