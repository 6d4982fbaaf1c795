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

// Package install applies dist/install.yaml, the single-file installer `make
// build-installer` renders, to a real kube-apiserver (envtest) with a
// server-side dry run, so a rendering the API server would reject fails
// `make test` rather than a user's first install.
package install

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

const fieldOwner = client.FieldOwner("install-test")

func TestInstallYAMLAppliesServerSide(t *testing.T) {
	testenv.Assets(t)
	objs := readInstaller(t, filepath.Join("..", "..", "dist", "install.yaml"))
	checkContents(t, objs)

	// No CRDs preinstalled: the installer must bring its own.
	cp := testenv.StartT(t, testenv.WithoutCRDs())
	c := cp.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// CRDs first, then Namespaces, then the rest, as kubectl would need
	// them. CRDs and Namespaces are also applied for real after their dry
	// run, because what follows is checked against them.
	for _, stage := range []func(*unstructured.Unstructured) bool{isCRD, isNamespace, isOther} {
		for _, obj := range objs {
			if stage(obj) {
				applyObject(ctx, t, c, obj)
			}
		}
	}
}

func isCRD(o *unstructured.Unstructured) bool       { return o.GetKind() == "CustomResourceDefinition" }
func isNamespace(o *unstructured.Unstructured) bool { return o.GetKind() == "Namespace" }
func isOther(o *unstructured.Unstructured) bool     { return !isCRD(o) && !isNamespace(o) }

// applyObject dry-runs a server-side apply of obj; CRDs and Namespaces are
// then applied for real (CRDs waited on until Established).
func applyObject(ctx context.Context, t *testing.T, c client.Client, obj *unstructured.Unstructured) {
	t.Helper()
	name := obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
	if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj.DeepCopy()), fieldOwner, client.ForceOwnership, client.DryRunAll); err != nil {
		t.Errorf("server-side dry-run apply of %s: %v", name, err)
		return
	}
	if isOther(obj) {
		return
	}
	if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj.DeepCopy()), fieldOwner, client.ForceOwnership); err != nil {
		t.Fatalf("server-side apply of %s: %v", name, err)
	}
	if isCRD(obj) {
		waitEstablished(ctx, t, c, obj.GetName())
	}
}

// waitEstablished polls until the CRD serves its kind, so the admission
// policy and anything else referring to it is checked against it.
func waitEstablished(ctx context.Context, t *testing.T, c client.Client, name string) {
	t.Helper()
	for {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := c.Get(ctx, client.ObjectKey{Name: name}, &crd); err == nil {
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("CRD %s never became Established", name)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// readInstaller splits the installer into its objects.
func readInstaller(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v: run `make build-installer`", err)
	}
	return testenv.DecodeFile(t, path)
}
