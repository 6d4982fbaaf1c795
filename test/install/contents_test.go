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

package install

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// checkContents checks that the installer holds what the docs promise and
// that kustomize's image and label settings took effect.
func checkContents(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GetKind()]++
		if o.GetLabels()["app.kubernetes.io/name"] != "opensearch-datasource-operator" {
			t.Errorf("%s %s lacks the common app.kubernetes.io/name label", o.GetKind(), o.GetName())
		}
		if o.GetKind() == "Deployment" {
			checkDeployment(t, o)
		}
		if o.GetKind() == "Service" && !strings.Contains(o.GetName(), "metrics") {
			t.Errorf("unexpected Service %s", o.GetName())
		}
	}
	for kind, want := range map[string]int{
		"CustomResourceDefinition": 4, "Namespace": 1, "ServiceAccount": 1, "Deployment": 1, "Service": 1,
		// One admission policy for DataSources and one for DataSourceSets.
		"ValidatingAdmissionPolicy": 2, "ValidatingAdmissionPolicyBinding": 2,
		// manager, metrics auth, metrics reader, and admin/editor/viewer for four kinds.
		"ClusterRole": 15, "Role": 1,
	} {
		if kinds[kind] != want {
			t.Errorf("dist/install.yaml has %d %s, want %d", kinds[kind], kind, want)
		}
	}
}

func checkDeployment(t *testing.T, d *unstructured.Unstructured) {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		image, _ := c.(map[string]any)["image"].(string)
		// `make verify` renders the committed file with INSTALLER_IMG; the
		// placeholder "controller" would mean the images: entry was lost.
		if !strings.HasPrefix(image, "ghcr.io/datasource-operator/opensearch-datasource-operator") {
			t.Errorf("manager image %q is not the installer's image", image)
		}
	}
	// The selector is immutable, so the common labels must stay out of it.
	selector, _, _ := unstructured.NestedStringMap(d.Object, "spec", "selector", "matchLabels")
	for k := range selector {
		if strings.HasPrefix(k, "app.kubernetes.io/") {
			t.Errorf("Deployment selector has %s; common labels must not reach selectors", k)
		}
	}
	podLabels, _, _ := unstructured.NestedStringMap(d.Object, "spec", "template", "metadata", "labels")
	if podLabels["app.kubernetes.io/name"] == "" {
		t.Error("the manager's Pods lack the common labels")
	}
}
