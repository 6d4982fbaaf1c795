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

package upgrade

import (
	"context"
	"os"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// TestCapture rewrites testdata/objects.yaml and testdata/opensearch.yaml
// from an earlier release: it applies testdata/input.yaml on that
// release's CRDs (testdata/crds), runs that release's manager until every
// DataSource is Ready, and keeps what it wrote. It runs only when asked:
//
//	git archive <commit> | tar -x -C /tmp/old && (cd /tmp/old && go build -o /tmp/old-manager .)
//	git show <commit>:config/crd/bases/<file> > test/upgrade/testdata/crds/<file>   # each CRD
//	UPGRADE_CAPTURE_MANAGER=/tmp/old-manager KUBEBUILDER_ASSETS=… go test ./test/upgrade -run TestCapture
func TestCapture(t *testing.T) {
	oldManager := os.Getenv("UPGRADE_CAPTURE_MANAGER")
	if oldManager == "" {
		t.Skip("set UPGRADE_CAPTURE_MANAGER to an earlier release's manager binary to rewrite testdata/")
	}
	requireAssets(t)
	cfg, kubeconfig := managerbin.ControlPlaneWithCRDs(t, crdDir, "capture")
	c := newClient(t, cfg)
	fake := startFake(t)
	// Made by hand before the operator came: the "adopted" DataSource takes it over.
	fake.Seed(fakeopensearch.Document{Name: "adopted_prometheus", Connector: "PROMETHEUS", Description: "made by hand",
		Properties: map[string]any{"prometheus.uri": "http://prometheus.monitoring.svc:9090"}})
	mgr := managerbin.Run(t, oldManager, kubeconfig, "--metrics-secure=false")

	input := readObjects(t, "testdata/input.yaml")
	for _, obj := range input {
		if err := c.Create(context.Background(), obj); err != nil {
			t.Fatal(err)
		}
	}
	for _, obj := range input {
		if obj.GetKind() != "DataSource" {
			continue
		}
		mgr.WaitFor(t, "DataSource "+obj.GetName()+" Ready and its connection recorded", func() bool {
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
				return false
			}
			ready := condition(obj, "Ready")
			_, recorded, _ := unstructured.NestedMap(obj.Object, "status", "connection")
			return ready != nil && ready["status"] == "True" && recorded
		})
	}

	var objects []any
	for _, obj := range input {
		live := &unstructured.Unstructured{}
		live.SetGroupVersionKind(obj.GroupVersionKind())
		if err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), live); err != nil {
			t.Fatal(err)
		}
		objects = append(objects, keep(live).Object)
	}
	writeYAML(t, objectsFile, "# Written by TestCapture (capture_test.go) from the manager of an earlier release; do not edit.\n", objects)
	var stored []any
	for _, name := range fake.StoredNames() {
		doc, _ := fake.Stored(name)
		stored = append(stored, doc)
	}
	writeYAML(t, storedFile, "# Written by TestCapture: the data sources the earlier manager left in OpenSearch.\n", stored)
}

// keep returns what a backup or a GitOps tool would restore of obj: its
// identity, labels, annotations, finalizers, spec (or data) and status,
// without what the API server assigns.
func keep(obj *unstructured.Unstructured) *unstructured.Unstructured {
	out := &unstructured.Unstructured{Object: map[string]any{}}
	for k, v := range obj.Object {
		if k != "metadata" {
			out.Object[k] = v
		}
	}
	out.SetName(obj.GetName())
	out.SetNamespace(obj.GetNamespace())
	out.SetLabels(obj.GetLabels())
	out.SetAnnotations(obj.GetAnnotations())
	out.SetFinalizers(obj.GetFinalizers())
	return out
}
