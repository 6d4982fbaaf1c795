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

package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestInstallLeavesKubectlSeeingTheCRDs: the first command the demo prints,
// `kubectl get opensearch -A`, must work right after Install. kubectl caches
// the server's resource list on disk for hours, and the install's own
// kubectl calls fill that cache before the CRDs exist.
func TestInstallLeavesKubectlSeeingTheCRDs(t *testing.T) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver and etcd into bin/k8s/ and sets it")
	}
	kubectl, err := FindKubectl(assets, "test")
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// kubectl keeps its cache under $HOME/.kube/cache unless told
	// otherwise: a fresh home is a fresh cache, as on a new machine.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECACHEDIR", "")

	cp, err := Start(assets, t.TempDir(), "test", "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	c, err := client.New(cp.Config, client.Options{Scheme: Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := cp.Install(ctx, root, kubectl, c); err != nil {
		t.Fatal(err)
	}

	out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig", cp.Kubeconfig, "get", "opensearch", "-A").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl get opensearch -A right after Install: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "No resources found") {
		t.Errorf("kubectl get opensearch -A on an empty cluster = %q, want No resources found", out)
	}
}
