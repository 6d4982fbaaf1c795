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
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDocsNameTheManagerFlags keeps the flag table of docs/operations.md
// and the manager's flags in step: each flag the manager defines has a
// row, and each row names a flag that exists.
func TestDocsNameTheManagerFlags(t *testing.T) {
	parseFlags()
	table := tableFlags(t, "docs/operations.md")
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, "test.") && !table[f.Name] {
			t.Errorf("--%s is not in the flag table of docs/operations.md", f.Name)
		}
	})
	for name := range table {
		if flag.CommandLine.Lookup(name) == nil {
			t.Errorf("docs/operations.md names --%s, which the manager does not define", name)
		}
	}
}

// tableFlags returns the flags named in the first cell of the rows of a
// Markdown table that start with a flag.
func tableFlags(t *testing.T, path string) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile("`--([a-z0-9-]+)`")
	out := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "| `--") {
			continue
		}
		cell := strings.SplitN(line, "|", 3)[1]
		for _, m := range name.FindAllStringSubmatch(cell, -1) {
			out[m[1]] = true
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no flag table", path)
	}
	return out
}

// TestDocsNameEveryReason: every condition reason the API declares is
// explained in docs/troubleshooting.md.
func TestDocsNameEveryReason(t *testing.T) {
	doc, err := os.ReadFile("docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	reasons := append(declaredReasons(t, "api/v1alpha1/conditions.go"), declaredReasons(t, "api/v1alpha1/datasourceset_types.go")...)
	if len(reasons) < 20 {
		t.Fatalf("found only %d reasons: %v", len(reasons), reasons)
	}
	for _, r := range reasons {
		if !strings.Contains(string(doc), "`"+r+"`") {
			t.Errorf("reason %s is not in docs/troubleshooting.md", r)
		}
	}
}

// declaredReasons reads the values of the Reason* constants of a file.
func declaredReasons(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || len(spec.Values) != 1 || !strings.HasPrefix(spec.Names[0].Name, "Reason") {
			return true
		}
		if lit, ok := spec.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return true
	})
	return out
}

// TestCompatibilityPageMatchesTheBuild: docs/compatibility.md states the
// Kubernetes floor the chart declares and the version the tests run on.
func TestCompatibilityPageMatchesTheBuild(t *testing.T) {
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	page := read("docs/compatibility.md")
	floor := regexp.MustCompile(`(?m)^kubeVersion: ">=(\d+\.\d+)\.0-0"$`).FindStringSubmatch(read("charts/opensearch-datasource-operator/Chart.yaml"))
	tested := regexp.MustCompile(`(?m)^KUBE_VERSION \?= (\S+)$`).FindStringSubmatch(read("Makefile"))
	if floor == nil || tested == nil {
		t.Fatal("the chart's kubeVersion or the Makefile's KUBE_VERSION is not where this test looks")
	}
	for _, want := range []string{
		"| Supported | " + floor[1] + " and later |",
		`kubeVersion: ">=` + floor[1] + `.0-0"`,
		"| Tested | " + tested[1] + " |",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("docs/compatibility.md lacks %q", want)
		}
	}
}
