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

package argocd

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// group is the API group whose checks live in config/argocd/<group>/<Kind>.
const group = "opensearch.datasource-operator.io"

// kinds are the operator's kinds; each must have a check.
var kinds = []string{"DataSource", "DataSourceSet", "OpenSearchConnection", "ClusterOpenSearchConnection"}

// checksDir is config/argocd/<group>, relative to this package.
var checksDir = filepath.Join("..", "..", "config", "argocd", group)

// healthTests is Argo CD's health_test.yaml.
type healthTests struct {
	Tests []struct {
		HealthStatus health `json:"healthStatus"`
		InputPath    string `json:"inputPath"`
	} `json:"tests"`
}

// loadObject reads a testdata file as Argo CD's harness does: YAML into an
// unstructured object, whose integers are int64.
func loadObject(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &obj.Object); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// sigs.k8s.io/yaml decodes numbers as float64; the API server's
	// objects reach Argo CD with int64. Round-trip through the
	// unstructured JSON decoder to get the same types.
	js, err := obj.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.UnmarshalJSON(js); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return obj.Object
}

func readTests(t *testing.T, kind string) healthTests {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(checksDir, kind, "health_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var tests healthTests
	if err := yaml.UnmarshalStrict(data, &tests); err != nil {
		t.Fatalf("%s/health_test.yaml: %v", kind, err)
	}
	return tests
}

func readScript(t *testing.T, kind string) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join(checksDir, kind, "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	return string(script)
}

// TestHealthChecks runs every case of every health_test.yaml in Argo CD's
// sandbox for user checks and checks that every testdata file is used.
func TestHealthChecks(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			script := readScript(t, kind)
			tests := readTests(t, kind)
			if len(tests.Tests) == 0 {
				t.Fatalf("%s/health_test.yaml has no tests", kind)
			}
			used := map[string]bool{}
			for _, tc := range tests.Tests {
				used[tc.InputPath] = true
				t.Run(strings.TrimSuffix(filepath.Base(tc.InputPath), ".yaml"), func(t *testing.T) {
					obj := loadObject(t, filepath.Join(checksDir, kind, tc.InputPath))
					if got := obj["kind"]; got != kind {
						t.Fatalf("%s holds a %v, not a %s", tc.InputPath, got, kind)
					}
					got, err := runHealth(script, obj)
					if err != nil {
						t.Fatalf("health.lua failed in Argo CD's sandbox: %v", err)
					}
					if got != tc.HealthStatus {
						t.Errorf("health = %+v, want %+v", got, tc.HealthStatus)
					}
				})
			}
			files, err := filepath.Glob(filepath.Join(checksDir, kind, "testdata", "*.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var unused []string
			for _, f := range files {
				if rel := filepath.Join("testdata", filepath.Base(f)); !used[rel] {
					unused = append(unused, rel)
				}
			}
			sort.Strings(unused)
			if len(unused) > 0 {
				t.Errorf("testdata not referenced by health_test.yaml: %v", unused)
			}
		})
	}
}

// TestSandboxHasNoStringLibrary guards the sandbox itself: were the string
// library open here, a script calling string.format would pass this suite
// and fail for every user.
func TestSandboxHasNoStringLibrary(t *testing.T) {
	for _, probe := range []string{
		`return { status = string.format("%s", "Healthy") }`,
		`local s = "Healthy"; return { status = s:upper() }`,
		`return { status = os.date() }`,
	} {
		if h, err := runHealth(probe, map[string]any{}); err == nil {
			t.Errorf("%s ran in the sandbox and returned %+v", probe, h)
		}
	}
	if h, err := runHealth(`local t = {}; table.insert(t, "Healthy"); return { status = tostring(t[1]) .. "" }`, map[string]any{}); err != nil || h.Status != "Healthy" {
		t.Errorf("base and table libraries: %+v, %v", h, err)
	}
}

// TestArgoCDConfigMap checks that the argocd-cm snippet installs exactly the
// scripts in this directory under Argo CD's key for each kind.
func TestArgoCDConfigMap(t *testing.T) {
	path := filepath.Join(checksDir, "..", "argocd-cm.yaml")
	if *update {
		if err := os.WriteFile(path, []byte(configMap(t)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Metadata   map[string]any    `json:"metadata"`
		Data       map[string]string `json:"data"`
	}
	if err := yaml.UnmarshalStrict(data, &cm); err != nil {
		t.Fatal(err)
	}
	if cm.Kind != "ConfigMap" || cm.Metadata["name"] != "argocd-cm" {
		t.Fatalf("argocd-cm.yaml holds %s %v", cm.Kind, cm.Metadata["name"])
	}
	for _, kind := range kinds {
		key := "resource.customizations.health." + group + "_" + kind
		got, ok := cm.Data[key]
		if !ok {
			t.Errorf("argocd-cm.yaml lacks %s", key)
			continue
		}
		if got != readScript(t, kind) {
			t.Errorf("%s differs from %s/health.lua", key, kind)
		}
		delete(cm.Data, key)
	}
	for key := range cm.Data {
		if strings.HasPrefix(key, "resource.customizations.useOpenLibs.") {
			t.Errorf("%s opens the standard libraries; the checks must not need them", key)
		}
	}
}

// configMap renders the argocd-cm snippet: one key per kind whose value is
// the script itself (not a nested health.lua key, a common mistake), as a
// literal block so that it stays readable in the ConfigMap.
func configMap(t *testing.T) string {
	var b strings.Builder
	b.WriteString(`# Installs the operator's Argo CD health checks. Merge the data keys into
# the argocd-cm ConfigMap of your Argo CD installation (for example with a
# kustomize patch, or the configs.cm values of the argo-cd Helm chart).
# Generated from the health.lua files beside this file by
#   go test ./test/argocd -run TestArgoCDConfigMap -update
# The scripts need no useOpenLibs key: they use only the base and table
# libraries that Argo CD opens for checks installed this way.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
`)
	for _, kind := range kinds {
		b.WriteString("  resource.customizations.health." + group + "_" + kind + ": |\n")
		for _, line := range strings.SplitAfter(readScript(t, kind), "\n") {
			if line == "" {
				continue
			}
			if line != "\n" {
				b.WriteString("    ")
			}
			b.WriteString(line)
		}
	}
	return b.String()
}
