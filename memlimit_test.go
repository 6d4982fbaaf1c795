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
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/go-logr/logr"
)

func TestMemoryLimitProvider(t *testing.T) {
	tests := []struct {
		limit   string
		want    uint64
		refused bool
	}{
		{limit: "256Mi", want: 256 << 20},
		{limit: "1G", want: 1_000_000_000},
		{limit: "0", refused: true},
		{limit: "-1Mi", refused: true},
		{limit: "lots", refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.limit, func(t *testing.T) {
			p, err := memoryLimitProvider(tt.limit)
			if tt.refused {
				if err == nil {
					t.Fatalf("memoryLimitProvider(%q) accepted it", tt.limit)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := p(); got != tt.want {
				t.Errorf("limit = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSetMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	// The library reads a ratio from AUTOMEMLIMIT before the flag's.
	t.Setenv("AUTOMEMLIMIT", "")
	if err := os.Unsetenv("AUTOMEMLIMIT"); err != nil {
		t.Fatal(err)
	}
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	tests := []struct {
		name  string
		ratio float64
		limit string
		want  int64
	}{
		{"a tenth below the limit", 0.9, "256Mi", 241_591_910},
		{"off leaves the runtime alone", 0, "256Mi", math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			if err := setMemoryLimit(tt.ratio, tt.limit, logr.Discard()); err != nil {
				t.Fatal(err)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.want {
				t.Errorf("runtime memory limit = %d, want %d", got, tt.want)
			}
		})
	}
}
