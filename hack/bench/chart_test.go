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
	"os"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// The bench runs its managers under the chart's memory limit and judges
// memory against it: the two must not part.
func TestChartMemoryLimitIsTheChartsOwn(t *testing.T) {
	data, err := os.ReadFile("../../charts/opensearch-datasource-operator/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Resources struct {
			Limits struct {
				Memory string `json:"memory"`
			} `json:"limits"`
		} `json:"resources"`
	}
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	chart := resource.MustParse(values.Resources.Limits.Memory)
	ours := resource.MustParse(chartMemoryLimit)
	if chart.Cmp(ours) != 0 {
		t.Errorf("the chart's memory limit is %s, the bench's %s", chart.String(), chartMemoryLimit)
	}
	if ours.Value() != chartMemoryLimitKiB<<10 {
		t.Errorf("chartMemoryLimitKiB is %d KiB, chartMemoryLimit %s", chartMemoryLimitKiB, chartMemoryLimit)
	}
}
