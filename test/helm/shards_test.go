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
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const shardLabel = "opensearch.datasource-operator.io/shard"

// shardValues split the fleet the way docs/sharding.md shows: one labelled
// shard and a main one for everything unlabelled.
var shardValues = map[string]any{
	"shards": []any{
		map[string]any{"name": "shard1", "selector": "sharding.datasource-operator.io/key=shard1"},
		map[string]any{"name": "main", "selector": "!sharding.datasource-operator.io/key"},
	},
	"podDisruptionBudget": map[string]any{"enabled": true},
}

// TestChartShards renders one Deployment per shard, each with its selector,
// its own leader-election Lease and pods no other shard's selector claims,
// and leaves every other object as the single-Deployment rendering has it.
func TestChartShards(t *testing.T) {
	requireAssets(t)
	c := loadChart(t)
	objs, err := render(c, shardValues)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	lintChart(t, shardValues)
	checkCommon(t, objs)

	want := map[string]string{
		"ds-opensearch-datasource-operator-shard1": "sharding.datasource-operator.io/key=shard1",
		"ds-opensearch-datasource-operator-main":   "!sharding.datasource-operator.io/key",
	}
	deployments := find(objs, "Deployment", "")
	if len(deployments) != len(want) {
		t.Fatalf("Deployments %v, want %d", names(deployments), len(want))
	}
	leases := map[string]bool{}
	for _, d := range deployments {
		selector, ok := want[d.GetName()]
		if !ok {
			t.Errorf("unexpected Deployment %s", d.GetName())
			continue
		}
		args := containerArgs(t, d)
		if !slices.Contains(args, "--watch-label-selector="+selector) {
			t.Errorf("%s: args %v lack --watch-label-selector=%s", d.GetName(), args, selector)
		}
		for _, a := range args {
			if strings.HasPrefix(a, "--leader-election-id=") {
				leases[a] = true
			}
		}
		checkShardSelector(t, d, objs)
	}
	if len(leases) != len(want) {
		t.Errorf("leader-election IDs %v: every shard needs its own", leases)
	}
	if pdbs := find(objs, "PodDisruptionBudget", ""); len(pdbs) != len(want) {
		t.Errorf("PodDisruptionBudgets %v, want one per shard", names(pdbs))
	}

	single, err := render(c, map[string]any{"podDisruptionBudget": map[string]any{"enabled": true}})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := withoutKinds(objs, "Deployment", "PodDisruptionBudget"), withoutKinds(single, "Deployment", "PodDisruptionBudget"); !reflect.DeepEqual(a, b) {
		t.Errorf("sharding changed objects other than the Deployments and budgets: %v vs %v", names(a), names(b))
	}
	k := newCluster(t, apiServer)
	k.ensureNamespace(t, releaseNamespace)
	k.dryRunApply(t, objs)
}

// TestChartLeasesPerRelease: two releases in one namespace, sharded or not,
// elect their leaders on Leases of their own, and a release named after the
// chart keeps the Lease names earlier releases used.
func TestChartLeasesPerRelease(t *testing.T) {
	c := loadChart(t)
	leases := func(release string, values map[string]any) []string {
		t.Helper()
		objs, err := renderAs(c, release, values)
		if err != nil {
			t.Fatalf("render %s: %v", release, err)
		}
		var ids []string
		for _, d := range find(objs, "Deployment", "") {
			id := "opensearch-datasource-operator.datasource-operator.io" // the manager's default
			for _, a := range containerArgs(t, d) {
				if v, ok := strings.CutPrefix(a, "--leader-election-id="); ok {
					id = v
				}
			}
			ids = append(ids, id)
		}
		return ids
	}
	for name, values := range map[string]map[string]any{"single": {}, "sharded": shardValues} {
		t.Run(name, func(t *testing.T) {
			first, second := leases("ds", values), leases("other", values)
			for _, id := range first {
				if slices.Contains(second, id) {
					t.Errorf("releases ds and other both elect on Lease %s", id)
				}
			}
		})
	}
	if got := leases("opensearch-datasource-operator", map[string]any{}); !slices.Equal(got, []string{"opensearch-datasource-operator.datasource-operator.io"}) {
		t.Errorf("a release named after the chart elects on %v, not the Lease it used before", got)
	}
	got := leases("opensearch-datasource-operator", shardValues)
	slices.Sort(got)
	if want := []string{"main.opensearch-datasource-operator.datasource-operator.io",
		"shard1.opensearch-datasource-operator.datasource-operator.io"}; !slices.Equal(got, want) {
		t.Errorf("shards of a release named after the chart elect on %v, want %v", got, want)
	}
}

// checkShardSelector checks that d's pods carry its shard's label, that
// its selector needs that label, and that no other Deployment's selector
// matches d's pods (two Deployments would otherwise fight over them).
func checkShardSelector(t *testing.T, d *unstructured.Unstructured, objs []*unstructured.Unstructured) {
	t.Helper()
	podLabels, _, _ := unstructured.NestedStringMap(d.Object, "spec", "template", "metadata", "labels")
	for _, other := range find(objs, "Deployment", "") {
		sel, _, _ := unstructured.NestedStringMap(other.Object, "spec", "selector", "matchLabels")
		if sel[shardLabel] == "" {
			t.Errorf("%s: selector %v lacks %s", other.GetName(), sel, shardLabel)
		}
		matches := true
		for k, v := range sel {
			matches = matches && podLabels[k] == v
		}
		if matches != (other.GetName() == d.GetName()) {
			t.Errorf("the selector of %s matches the pods of %s: %v", other.GetName(), d.GetName(), matches)
		}
	}
}

func withoutKinds(objs []*unstructured.Unstructured, kinds ...string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if !slices.Contains(kinds, o.GetKind()) {
			out = append(out, o)
		}
	}
	return out
}

// TestChartRefusesBadShards checks the shard lists the chart must refuse.
func TestChartRefusesBadShards(t *testing.T) {
	c := loadChart(t)
	for name, shards := range map[string][]any{
		"no selector":     {map[string]any{"name": "a"}},
		"no name":         {map[string]any{"selector": "k=v"}},
		"not a DNS label": {map[string]any{"name": "Shard_A", "selector": "k=v"}},
		"a name twice":    {map[string]any{"name": "a", "selector": "k=a"}, map[string]any{"name": "a", "selector": "k=b"}},
	} {
		if _, err := render(c, map[string]any{"shards": shards}); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
}
