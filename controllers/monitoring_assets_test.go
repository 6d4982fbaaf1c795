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

package controllers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/yaml"
)

var (
	promqlString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promqlMatchers = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]`)
	promqlGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promqlToken    = regexp.MustCompile(`[0-9][0-9A-Za-z_.]*|[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?`)
	promqlKeywords = []string{"and", "or", "unless", "bool", "offset", "inf", "nan", "by", "without", "on", "ignoring", "group_left", "group_right"}
)

// metricNames lists the metrics a PromQL expression selects: what is left
// once strings, label matchers, ranges and grouping labels are removed, that
// is neither a number, a keyword nor a function or aggregation (a name
// followed by a parenthesis).
func metricNames(expr string) []string {
	rest := promqlString.ReplaceAllString(expr, `""`)
	rest = promqlMatchers.ReplaceAllString(rest, " ")
	rest = promqlGrouping.ReplaceAllString(rest, " ")
	var names []string
	for _, m := range promqlToken.FindAllStringSubmatch(rest, -1) {
		tok := m[0]
		if tok[0] >= '0' && tok[0] <= '9' || m[1] != "" || slices.Contains(promqlKeywords, strings.ToLower(tok)) {
			continue
		}
		if !slices.Contains(names, tok) {
			names = append(names, tok)
		}
	}
	return names
}

func TestMetricNames(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{`max by (connection) (opensearch_datasource_operator_connection_ready) == 0`,
			[]string{"opensearch_datasource_operator_connection_ready"}},
		{`sum by (reason) (a_total{reason!~"Synced|Observed"}) > 0`, []string{"a_total"}},
		{`histogram_quantile(0.95, sum by (le, connection) (rate(h_bucket[5m])))`, []string{"h_bucket"}},
		{`sum without (pod) (increase(x_total{l="a}b"}[1h] offset 5m)) / on (c) group_left (d) y`, []string{"x_total", "y"}},
		{`rate(x[5m]) > bool 1e3 or vector(1)`, []string{"x"}},
	}
	for _, tc := range cases {
		if got := metricNames(tc.expr); !slices.Equal(got, tc.want) {
			t.Errorf("metricNames(%s) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// shippedExpressions are the PromQL expressions of the alert rules and of
// the Grafana dashboard's panels, by where they come from.
func shippedExpressions() map[string]string {
	GinkgoHelper()
	exprs := map[string]string{}
	data, err := os.ReadFile(filepath.Join("..", "config", "prometheus", "rules.yaml"))
	Expect(err).NotTo(HaveOccurred())
	var rule struct {
		Spec struct {
			Groups []struct {
				Rules []struct {
					Alert string `json:"alert"`
					Expr  string `json:"expr"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"spec"`
	}
	Expect(yaml.Unmarshal(data, &rule)).To(Succeed())
	for _, g := range rule.Spec.Groups {
		for _, r := range g.Rules {
			exprs["alert "+r.Alert] = r.Expr
		}
	}
	data, err = os.ReadFile(filepath.Join("..", "config", "grafana", "opensearch-datasource-operator.json"))
	Expect(err).NotTo(HaveOccurred())
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				RefID string `json:"refId"`
				Expr  string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	Expect(json.Unmarshal(data, &dash)).To(Succeed())
	for _, p := range dash.Panels {
		for _, t := range p.Targets {
			exprs["panel "+p.Title+" "+t.RefID] = t.Expr
		}
	}
	return exprs
}

var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

// servedMetrics are the names the manager serves: the operator's own,
// whether or not they hold a series yet, with the series names of its one
// histogram (the only metric named _seconds), and controller-runtime's,
// which the running suite manager has filled.
func servedMetrics() map[string]bool {
	GinkgoHelper()
	served := map[string]bool{}
	reg := prometheus.NewRegistry()
	m := newOperatorMetrics(func() int { return 0 })
	Expect(m.Register(reg)).To(Succeed())
	descs := make(chan *prometheus.Desc, 64)
	for _, c := range []prometheus.Collector{m.requests, m.requestDuration, m.driftCorrected, m.readiness, m.connections, m.watchedSecrets, m.buildInfo} {
		c.Describe(descs)
	}
	close(descs)
	for d := range descs {
		name := fqName.FindStringSubmatch(d.String())[1]
		served[name] = true
		if strings.HasSuffix(name, "_seconds") {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				served[name+s] = true
			}
		}
	}
	families, err := crmetrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	for _, f := range families {
		served[f.GetName()] = true
	}
	return served
}

var _ = Describe("Monitoring assets", func() {
	It("select only metrics the manager serves", func() {
		var served map[string]bool
		// controller-runtime fills its series once the controllers start.
		Eventually(func() map[string]bool { served = servedMetrics(); return served }, 45*time.Second, 100*time.Millisecond).
			Should(HaveKey("controller_runtime_reconcile_errors_total"), "controller-runtime's metrics were not gathered")
		exprs := shippedExpressions()
		Expect(len(exprs)).To(BeNumerically(">=", 8))
		for where, expr := range exprs {
			names := metricNames(expr)
			Expect(names).NotTo(BeEmpty(), "%s selects no metric: %s", where, expr)
			for _, n := range names {
				Expect(served).To(HaveKey(n), "%s selects %s, which the manager does not serve", where, n)
			}
		}
	})
})
