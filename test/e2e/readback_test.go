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

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// expectOnlyUserFields checks what a GitOps tool diffing the sample against
// the live object would see: every field of the live spec is either in the
// sample with the same value or a default of the CRD's schema (so the
// operator wrote nothing into spec), and the labels and annotations are
// the sample's (kubectl's own last-applied annotation aside).
func expectOnlyUserFields(t *testing.T, root string, sample map[string]any, live map[string]any) {
	t.Helper()
	kind := sample["kind"].(string)
	defaults := specDefaults(t, root, kind)
	var extra []string
	diffSpec(sample["spec"], live["spec"], "spec", defaults, &extra)
	if len(extra) > 0 {
		t.Errorf("%s: live spec differs from the sample beyond CRD defaults: %s", kind, strings.Join(extra, "; "))
	}
	for _, field := range []string{"labels", "annotations"} {
		want, _ := sample["metadata"].(map[string]any)[field].(map[string]any)
		got, _ := live["metadata"].(map[string]any)[field].(map[string]any)
		delete(got, "kubectl.kubernetes.io/last-applied-configuration")
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: metadata.%s = %v, want the sample's %v", kind, field, got, want)
		}
	}
}

// diffSpec walks live and records each path whose value neither the sample
// gave nor the schema defaults to.
func diffSpec(sample, live any, path string, defaults map[string]any, extra *[]string) {
	liveMap, isMap := live.(map[string]any)
	sampleMap, _ := sample.(map[string]any)
	if isMap && (sample == nil || sampleMap != nil) {
		for k, v := range liveMap {
			var s any
			if sampleMap != nil {
				s = sampleMap[k]
			}
			diffSpec(s, v, path+"."+k, defaults, extra)
		}
		return
	}
	if sample != nil {
		if !jsonEqual(sample, live) {
			*extra = append(*extra, path+" changed")
		}
		return
	}
	if def, ok := defaults[path]; !ok || !jsonEqual(def, live) {
		*extra = append(*extra, path+" added")
	}
}

// specDefaults lists the defaulted fields of kind's spec by path.
func specDefaults(t *testing.T, root, kind string) map[string]any {
	t.Helper()
	file := filepath.Join(root, "config", "crd", "bases", "opensearch.datasource-operator.io_"+strings.ToLower(kind)+"s.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	collectDefaults(crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"], "spec", out)
	return out
}

func collectDefaults(s apiextensionsv1.JSONSchemaProps, path string, out map[string]any) {
	if s.Default != nil {
		var v any
		_ = json.Unmarshal(s.Default.Raw, &v)
		out[path] = v
	}
	for name, p := range s.Properties {
		collectDefaults(p, path+"."+name, out)
	}
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// readSample reads the first document of kind from a sample file.
func readSample(t *testing.T, file, kind string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err == nil && obj["kind"] == kind {
			return obj
		}
	}
	t.Fatalf("no %s in %s", kind, file)
	return nil
}
