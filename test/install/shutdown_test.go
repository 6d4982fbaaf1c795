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
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
)

// leaseHandOver is what a stopping leader needs after its controllers
// stopped: one Lease update, bounded by the client's request timeout.
const leaseHandOver = 10 * time.Second

// TestGracePeriodCoversShutdown pins that every Deployment the project
// ships lets the manager finish its graceful shutdown and hand the Lease
// over before the kubelet kills it.
func TestGracePeriodCoversShutdown(t *testing.T) {
	opts := controllers.ManagerOptions(ctrl.Options{})
	if opts.GracefulShutdownTimeout == nil {
		t.Fatal("ManagerOptions leaves GracefulShutdownTimeout to controller-runtime's default")
	}
	need := *opts.GracefulShutdownTimeout + leaseHandOver
	root := filepath.Join("..", "..")
	for _, path := range []string{
		filepath.Join(root, "config", "manager", "manager.yaml"),
		filepath.Join(root, "dist", "install.yaml"),
	} {
		found := false
		for _, o := range readInstaller(t, path) {
			if o.GetKind() != "Deployment" {
				continue
			}
			found = true
			v, _, _ := unstructured.NestedFieldNoCopy(o.Object, "spec", "template", "spec", "terminationGracePeriodSeconds")
			grace, ok := v.(float64) // the YAML is decoded as JSON
			if !ok {
				t.Errorf("%s: Deployment %s sets no terminationGracePeriodSeconds (the default, 30s, does not cover %s)", path, o.GetName(), need)
				continue
			}
			if got := time.Duration(grace) * time.Second; got < need {
				t.Errorf("%s: terminationGracePeriodSeconds is %s, want at least %s (shutdown %s + Lease hand-over %s)",
					path, got, need, *opts.GracefulShutdownTimeout, leaseHandOver)
			}
		}
		if !found {
			t.Errorf("%s has no Deployment", path)
		}
	}
	// The chart's template is not YAML until rendered (test/helm renders
	// it); its grace period is a literal.
	chart := filepath.Join(root, "charts", "opensearch-datasource-operator", "templates", "_deployment.tpl")
	data, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+terminationGracePeriodSeconds:\s*(\d+)\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s sets no literal terminationGracePeriodSeconds", chart)
	}
	seconds, _ := strconv.Atoi(string(m[1]))
	if got := time.Duration(seconds) * time.Second; got < need {
		t.Errorf("%s: terminationGracePeriodSeconds is %s, want at least %s", chart, got, need)
	}
}
