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

package helm

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestReleasePackageInstallsTheReleaseImage packages the chart as `make
// release` does and loads the package with Helm's own loader: it is a valid
// chart archive, its version and appVersion are the release's, and with
// default values it runs the release's image.
func TestReleasePackageInstallsTheReleaseImage(t *testing.T) {
	const release = "9.8.7"
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./hack/chart-package", "-chart", "charts/opensearch-datasource-operator", "-version", release, "-out", out)
	cmd.Dir = root
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("chart-package: %v\n%s", err, stdout)
	}
	pkg := strings.TrimSpace(string(stdout))
	if filepath.Base(pkg) != "opensearch-datasource-operator-"+release+".tgz" {
		t.Fatalf("package %q", pkg)
	}
	c, err := loader.Load(pkg)
	if err != nil {
		t.Fatalf("helm cannot load the package: %v", err)
	}
	if c.Metadata.Version != release || c.Metadata.AppVersion != release {
		t.Errorf("version %q, appVersion %q; want %s for both", c.Metadata.Version, c.Metadata.AppVersion, release)
	}
	if len(c.Templates) != len(loadChart(t).Templates) {
		t.Errorf("the package has %d templates, the chart %d", len(c.Templates), len(loadChart(t).Templates))
	}
	objs, err := render(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	containers, _, _ := unstructured.NestedSlice(find(objs, "Deployment", "")[0].Object, "spec", "template", "spec", "containers")
	if image := containers[0].(map[string]any)["image"]; image != "ghcr.io/datasource-operator/opensearch-datasource-operator:"+release {
		t.Errorf("image %v, want the release's tag %s", image, release)
	}
}
