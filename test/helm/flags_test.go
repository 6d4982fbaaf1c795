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
	"encoding/json"
	"slices"
	"strings"
	"testing"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestChartManagerFlags checks the values that become manager flags beyond
// the ones the matrix covers: each renders its flag, with the default the
// manager itself has, and the metrics certificate Secret is mounted where
// --metrics-cert-path points only when metrics are served securely.
func TestChartManagerFlags(t *testing.T) {
	c := loadChart(t)
	cert := map[string]any{"secretName": "metrics-tls", "certName": "cert.pem", "keyName": "key.pem"}
	for _, tc := range []struct {
		name      string
		earlier   bool // the chart's defaults lack the new keys, as after `helm upgrade --reuse-values` from an earlier chart
		values    map[string]any
		want      []string // flags that must be passed
		absent    []string // flag names that must not be
		wantMount string   // the Secret mounted for the metrics certificate, "" for none
	}{
		{name: "defaults", want: []string{"--max-retry-after=5m", "--reconcile-timeout=5m"},
			absent: []string{"--metrics-cert-path", "--metrics-cert-name", "--metrics-cert-key"}},
		{name: "values of an earlier chart", earlier: true, want: []string{"--max-retry-after=5m", "--reconcile-timeout=5m"},
			absent: []string{"--metrics-cert-path"}},
		{name: "set", values: map[string]any{"maxRetryAfter": "2m", "reconcileTimeout": "90s"},
			want: []string{"--max-retry-after=2m", "--reconcile-timeout=90s"}},
		{name: "metrics certificate", values: map[string]any{"metrics": map[string]any{"cert": cert}},
			want:      []string{"--metrics-cert-path=/var/run/metrics-certs", "--metrics-cert-name=cert.pem", "--metrics-cert-key=key.pem"},
			wantMount: "metrics-tls"},
		{name: "certificate of plain metrics is unused", values: map[string]any{"metrics": map[string]any{"secure": false, "cert": cert}},
			absent: []string{"--metrics-cert-path"}},
		{name: "hostile-input bounds", values: map[string]any{"maxRequestsPerConnection": 4, "minResyncPeriod": "30s", "maxRequestTimeout": "1m"},
			want: []string{"--max-requests-per-connection=4", "--min-resync-period=30s", "--max-request-timeout=1m"}, absent: []string{"--deny-egress-cidrs"}},
		{name: "bounds of an earlier chart", earlier: true,
			absent: []string{"--max-requests-per-connection", "--min-resync-period", "--max-request-timeout", "--deny-egress-cidrs"}},
		{name: "egress deny list", values: map[string]any{"denyEgressCIDRs": []any{"169.254.0.0/16", "10.0.0.0/8"}},
			want: []string{"--deny-egress-cidrs=169.254.0.0/16,10.0.0.0/8"}},
		{name: "egress deny list emptied", values: map[string]any{"denyEgressCIDRs": []any{}},
			want: []string{"--deny-egress-cidrs="}},
		{name: "certificate with metrics off is unused", values: map[string]any{"metrics": map[string]any{"enabled": false, "cert": cert}},
			absent: []string{"--metrics-cert-path"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := c
			if tc.earlier {
				c = withoutDefaults(t, c, "maxRetryAfter", "reconcileTimeout", "metrics.cert",
					"maxRequestsPerConnection", "minResyncPeriod", "maxRequestTimeout", "denyEgressCIDRs")
			}
			objs, err := render(c, tc.values)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			d := find(objs, "Deployment", "")[0]
			args := containerArgs(t, d)
			for _, want := range tc.want {
				if !slices.Contains(args, want) {
					t.Errorf("args %v lack %s", args, want)
				}
			}
			for _, name := range tc.absent {
				if slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, name+"=") }) {
					t.Errorf("args %v pass %s", args, name)
				}
			}
			if got := metricsCertMount(t, d); got != tc.wantMount {
				t.Errorf("metrics certificate mount %q, want %q", got, tc.wantMount)
			}
		})
	}
}

// withoutDefaults returns a copy of c whose values.yaml lacks keys
// (dotted paths), as the values a release of an earlier chart stored.
func withoutDefaults(t *testing.T, c *chart.Chart, keys ...string) *chart.Chart {
	t.Helper()
	data, err := json.Marshal(c.Values)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{}
	if err := json.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		unstructured.RemoveNestedField(values, strings.Split(k, ".")...)
	}
	out := *c
	out.Values = values
	return &out
}

// metricsCertMount returns the Secret mounted read-only at the path the
// chart passes as --metrics-cert-path, or "" when nothing is mounted there.
func metricsCertMount(t *testing.T, d *unstructured.Unstructured) string {
	t.Helper()
	mounts, _, _ := unstructured.NestedSlice(firstContainer(t, d), "volumeMounts")
	volumes, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "volumes")
	for _, m := range mounts {
		m := m.(map[string]any)
		if m["mountPath"] != "/var/run/metrics-certs" {
			continue
		}
		if m["readOnly"] != true {
			t.Errorf("the metrics certificate is mounted writable: %v", m)
		}
		for _, v := range volumes {
			v := v.(map[string]any)
			if v["name"] == m["name"] {
				name, _, _ := unstructured.NestedString(v, "secret", "secretName")
				return name
			}
		}
		t.Fatalf("volume %v is mounted but not declared", m["name"])
	}
	if len(volumes) != 0 {
		t.Errorf("volumes %v, none mounted for the metrics certificate", volumes)
	}
	return ""
}
