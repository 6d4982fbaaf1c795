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
	"strings"
	"testing"
)

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		c    check
		pass bool
	}{
		{atMost("ratio", 1.19, 1.2), true},
		{atMost("ratio", 1.2, 1.2), true},
		{atMost("ratio", 1.21, 1.2), false},
		{atMost("ratio", math.Inf(1), 1.2), false},
		{atLeast("ready", 500, 500), true},
		{atLeast("ready", 499, 500), false},
		{exactly("PUTs", 500, 500), true},
		{exactly("PUTs", 501, 500), false},
		{exactly("GETs", 0, 0), true},
	} {
		if tc.c.Pass != tc.pass {
			t.Errorf("%s %v %s %v: pass = %v, want %v", tc.c.What, tc.c.Got, tc.c.Op, tc.c.Limit, tc.c.Pass, tc.pass)
		}
	}
}

func TestTablePass(t *testing.T) {
	ok, bad := atMost("a", 1, 2), atMost("b", 3, 2)
	for _, tc := range []struct {
		name string
		t    table
		want string
	}{
		{"every check holds", table{Checks: []check{ok, ok}}, "PASS"},
		{"one check fails", table{Checks: []check{ok, bad}}, "FAIL"},
		{"no checks proves nothing", table{}, "FAIL"},
		{"an error fails whatever was checked", table{Checks: []check{ok}, Err: "timed out"}, "FAIL"},
	} {
		if got := tc.t.verdict(); got != tc.want {
			t.Errorf("%s: verdict = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestRender(t *testing.T) {
	tb := table{
		Title:  "Rotation",
		Target: "p99 ≤ 2 s",
		Header: []string{"DATASOURCES", "P50", "P99"},
		Rows:   [][]string{{"500", "0.41s", "1.90s"}},
		Checks: []check{atMost("p99 (s)", 1.9, 2), exactly("GETs", 3, 0)},
		Notes:  []string{"one Secret"},
	}
	want := `== Rotation ==
target: p99 ≤ 2 s
DATASOURCES  P50    P99
500          0.41s  1.90s
  PASS  p99 (s): 1.90 ≤ 2
  FAIL  GETs: 3 = 0
  note: one Secret
result: FAIL (1 of 2 checks hold)
`
	if got := tb.render(); got != want {
		t.Errorf("render:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderError(t *testing.T) {
	got := (&table{Title: "Large", Target: "all Ready", Err: "timed out after 5m0s"}).render()
	for _, want := range []string{"error: timed out after 5m0s", "result: FAIL (0 of 0 checks hold)"} {
		if !strings.Contains(got, want) {
			t.Errorf("render lacks %q:\n%s", want, got)
		}
	}
}

func TestNum(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{500, "500"},
		{0, "0"},
		{1.2, "1.20"},
		{1.153, "1.15"},
		{math.Inf(1), "∞"},
	} {
		if got := num(tc.in); got != tc.want {
			t.Errorf("num(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMiB(t *testing.T) {
	if got := mib(68608); got != "67.0 MiB" {
		t.Errorf("mib(68608) = %q", got)
	}
}
