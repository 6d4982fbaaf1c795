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
	"os"
	"path/filepath"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// metadataNetworks are the networks the shipped egress policies keep the
// manager from: the manager's default --deny-egress-cidrs.
var metadataNetworks = map[string][]string{
	"0.0.0.0/0": {"169.254.0.0/16", "100.100.100.200/32", "168.63.129.16/32", "192.0.0.192/32"},
	"::/0":      {"fe80::/10", "fd00:ec2::254/128", "fd00:ec2::23/128"},
}

// TestEgressPoliciesExcludeMetadata: the chart's NetworkPolicy (with no
// OpenSearch peers given) and config/network-policy's allow-egress let the
// manager reach OpenSearch on any pod or address except the metadata
// networks, and no rule opens port 80, where the metadata services listen.
// The chart's rendering is also applied (dry run) to the API server, which
// validates the ipBlocks.
func TestEgressPoliciesExcludeMetadata(t *testing.T) {
	requireAssets(t)
	objs, err := render(loadChart(t), map[string]any{"networkPolicy": map[string]any{"enabled": true}})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	policies := find(objs, "NetworkPolicy", "")
	if len(policies) != 1 {
		t.Fatalf("%d NetworkPolicies rendered", len(policies))
	}
	checkEgress(t, "chart", policies[0])
	k := newCluster(t, apiServer)
	k.ensureNamespace(t, releaseNamespace)
	k.dryRunApply(t, policies)

	data, err := os.ReadFile(filepath.Join("..", "..", "config", "network-policy", "allow-egress.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	kustomized, err := decode(string(data))
	if err != nil || len(kustomized) != 1 {
		t.Fatalf("allow-egress.yaml: %d objects, %v", len(kustomized), err)
	}
	checkEgress(t, "config", kustomized[0])
}

// checkEgress checks one policy's egress rules as TestEgressPoliciesExcludeMetadata says.
func checkEgress(t *testing.T, name string, policy *unstructured.Unstructured) {
	t.Helper()
	rules, _, _ := unstructured.NestedSlice(policy.Object, "spec", "egress")
	found := false
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		ports, _, _ := unstructured.NestedSlice(rule, "ports")
		var numbers []int64
		for _, p := range ports {
			n, _, _ := unstructured.NestedInt64(p.(map[string]any), "port")
			numbers = append(numbers, n)
		}
		if slices.Contains(numbers, 80) || len(numbers) == 0 {
			t.Errorf("%s: a rule allows port 80 or every port: %v", name, rule)
		}
		if !slices.Contains(numbers, 9200) {
			continue
		}
		found = true
		peers, _, _ := unstructured.NestedSlice(rule, "to")
		blocks := map[string][]string{}
		for _, p := range peers {
			cidr, ok, _ := unstructured.NestedString(p.(map[string]any), "ipBlock", "cidr")
			if ok {
				blocks[cidr], _, _ = unstructured.NestedStringSlice(p.(map[string]any), "ipBlock", "except")
			}
		}
		for cidr, except := range metadataNetworks {
			for _, e := range except {
				if !slices.Contains(blocks[cidr], e) {
					t.Errorf("%s: the OpenSearch rule's %s block does not except %s: %v", name, cidr, e, peers)
				}
			}
		}
		if len(peers) != 3 {
			t.Errorf("%s: the OpenSearch rule's peers are %v, want any pod and the two ipBlocks", name, peers)
		}
	}
	if !found {
		t.Errorf("%s: no rule allows OpenSearch's port 9200", name)
	}
}
