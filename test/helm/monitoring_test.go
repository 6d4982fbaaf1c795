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
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestChartMonitoring: the alerts and the Grafana dashboard are off by
// default; switched on, they are config/prometheus/rules.yaml and
// config/grafana's dashboard as they are (Prometheus's and Grafana's own
// {{ }} left for them), labelled for the Prometheus and the Grafana sidecar
// that must pick them up.
func TestChartMonitoring(t *testing.T) {
	c := loadChart(t)
	objs, err := render(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(find(objs, "PrometheusRule", "")) + len(find(objs, "ConfigMap", "ds-opensearch-datasource-operator-dashboard")); n != 0 {
		t.Errorf("%d monitoring objects rendered by default, want none", n)
	}

	values := map[string]any{
		"prometheusRule":   map[string]any{"enabled": true, "labels": map[string]any{"release": "prometheus"}},
		"grafanaDashboard": map[string]any{"enabled": true, "namespace": "monitoring", "annotations": map[string]any{"grafana_folder": "OpenSearch"}},
	}
	lintChart(t, values)
	if objs, err = render(c, values); err != nil {
		t.Fatal(err)
	}

	rules := find(objs, "PrometheusRule", "ds-opensearch-datasource-operator")
	if len(rules) != 1 {
		t.Fatalf("want one PrometheusRule ds-opensearch-datasource-operator, rendered %v", names(objs))
	}
	source, err := decodeFile(filepath.Join(root, "config", "prometheus", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rules[0].Object["spec"], source.Object["spec"]) {
		t.Errorf("the chart's rules differ from config/prometheus/rules.yaml:\n%v\nwant\n%v", rules[0].Object["spec"], source.Object["spec"])
	}
	if rules[0].GetNamespace() != releaseNamespace || rules[0].GetLabels()["release"] != "prometheus" {
		t.Errorf("PrometheusRule in %q with labels %v, want the release namespace and release=prometheus", rules[0].GetNamespace(), rules[0].GetLabels())
	}

	cms := find(objs, "ConfigMap", "ds-opensearch-datasource-operator-dashboard")
	if len(cms) != 1 {
		t.Fatalf("want one dashboard ConfigMap, rendered %v", names(objs))
	}
	cm := cms[0]
	if cm.GetNamespace() != "monitoring" || cm.GetLabels()["grafana_dashboard"] != "1" || cm.GetAnnotations()["grafana_folder"] != "OpenSearch" {
		t.Errorf("dashboard ConfigMap in %q, labels %v, annotations %v", cm.GetNamespace(), cm.GetLabels(), cm.GetAnnotations())
	}
	want, err := os.ReadFile(filepath.Join(root, "config", "grafana", "opensearch-datasource-operator.json"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := cm.Object["data"].(map[string]any)
	if got, _ := data["opensearch-datasource-operator.json"].(string); got != string(want) {
		t.Errorf("the dashboard in the ConfigMap differs from config/grafana/opensearch-datasource-operator.json")
	}
}

// decodeFile reads the single object of a YAML file.
func decodeFile(path string) (*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	objs, err := decode(string(data))
	if err != nil {
		return nil, err
	}
	if len(objs) != 1 {
		return nil, fmt.Errorf("%s holds %d objects, want 1", path, len(objs))
	}
	return objs[0], nil
}
