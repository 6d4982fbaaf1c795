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
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
)

// check is one target a table states, with what the run measured.
type check struct {
	// What names the measured quantity, e.g. "C=100 no Secrets: time / floor".
	What string `json:"what"`
	// Op is how Got must compare with Limit: "≤", "≥" or "=".
	Op    string  `json:"op"`
	Limit float64 `json:"limit"`
	Got   float64 `json:"got"`
	Pass  bool    `json:"pass"`
}

func atMost(what string, got, limit float64) check {
	return check{What: what, Op: "≤", Limit: limit, Got: got, Pass: got <= limit}
}

func atLeast(what string, got, limit float64) check {
	return check{What: what, Op: "≥", Limit: limit, Got: got, Pass: got >= limit}
}

func exactly(what string, got, want float64) check {
	return check{What: what, Op: "=", Limit: want, Got: got, Pass: math.Abs(got-want) < 1e-9}
}

// table is one scenario's result: what was measured, the target, and
// whether each check of it holds. It is printed and written as JSON.
type table struct {
	Scenario string     `json:"scenario"`
	Title    string     `json:"title"`
	Target   string     `json:"target"`
	Header   []string   `json:"header"`
	Rows     [][]string `json:"rows"`
	Checks   []check    `json:"checks"`
	Notes    []string   `json:"notes,omitempty"`
	// Err is why the scenario could not be measured, if it could not.
	Err string `json:"error,omitempty"`
	// Data is every measurement behind the rows, for the JSON only.
	Data any `json:"data,omitempty"`
}

// pass is true when the scenario ran and every check holds; a table
// without checks has proved nothing and does not pass.
func (t *table) pass() bool {
	if t.Err != "" || len(t.Checks) == 0 {
		return false
	}
	for _, c := range t.Checks {
		if !c.Pass {
			return false
		}
	}
	return true
}

// verdict is PASS or FAIL.
func (t *table) verdict() string {
	if t.pass() {
		return "PASS"
	}
	return "FAIL"
}

// render lays the table out for a terminal: title, target, aligned rows,
// each check, and the verdict; it ends with a newline.
func (t *table) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s ==\ntarget: %s\n", t.Title, t.Target)
	if len(t.Header) > 0 {
		w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, strings.Join(t.Header, "\t"))
		for _, r := range t.Rows {
			fmt.Fprintln(w, strings.Join(r, "\t"))
		}
		_ = w.Flush()
	}
	if t.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", t.Err)
	}
	for _, c := range t.Checks {
		mark := "PASS"
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s  %s: %s %s %s\n", mark, c.What, num(c.Got), c.Op, num(c.Limit))
	}
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	held := 0
	for _, c := range t.Checks {
		if c.Pass {
			held++
		}
	}
	fmt.Fprintf(&b, "result: %s (%d of %d checks hold)\n", t.verdict(), held, len(t.Checks))
	return b.String()
}

// num prints whole numbers without decimals and others with two.
func num(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "∞"
	case x == math.Trunc(x) && math.Abs(x) < 1e15:
		return fmt.Sprintf("%d", int64(x))
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

// dur prints seconds with two decimals, as the tables show times.
func dur(s float64) string { return fmt.Sprintf("%.2fs", s) }

// mib prints KiB as MiB with one decimal.
func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
