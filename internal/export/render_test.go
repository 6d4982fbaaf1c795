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

package export

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

func TestWrite(t *testing.T) {
	remotes := []opensearch.RemoteDataSource{
		{Name: "logs", Connector: "OPENSEARCH"},
		{Name: "my_prometheus", Connector: "PROMETHEUS", Properties: map[string]string{
			"prometheus.uri": "http://p:9090", "prometheus.auth.type": "basicauth", "x.auth.password": "pw-never-printed"}},
	}
	opts := testOptions
	opts.Observe = true
	manifests, skipped := MapAll(append(remotes, opensearch.RemoteDataSource{Name: "@opensearch", Connector: "x"}), opts)
	var out bytes.Buffer
	if err := Write(&out, "https://os:9200", manifests, skipped, Style{Observe: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"# DataSources exported from https://os:9200: 2 data source(s).",
		"managementPolicy Observe: applying these writes nothing",
		`# Skipped "@opensearch": `,
		`# OpenSearch never returns these: "prometheus.auth.password", "prometheus.auth.username".`,
		`they look like credentials, so they were not copied: "x.auth.password".`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"pw-never-printed", "creationTimestamp", "status:"} {
		if strings.Contains(text, never) {
			t.Errorf("output contains %q:\n%s", never, text)
		}
	}

	var kinds []string
	for _, doc := range strings.Split(text, "\n---\n")[1:] {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("document does not parse: %v\n%s", err, doc)
		}
		meta := obj["metadata"].(map[string]any)
		kinds = append(kinds, obj["kind"].(string)+"/"+meta["namespace"].(string)+"/"+meta["name"].(string))
	}
	want := "DataSource/team/logs Secret/team/my-prometheus-credentials DataSource/team/my-prometheus"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("documents = %s, want %s (each stub before its DataSource)", got, want)
	}
}

func TestWriteWithoutStubs(t *testing.T) {
	manifests, _ := MapAll([]opensearch.RemoteDataSource{{Name: "p", Connector: "PROMETHEUS",
		Properties: map[string]string{"prometheus.auth.type": "basicauth"}}}, testOptions)
	var out bytes.Buffer
	if err := Write(&out, "https://os", manifests, nil, Style{NoStubs: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if strings.Contains(text, "kind: Secret") {
		t.Errorf("a stub was printed:\n%s", text)
	}
	if !strings.Contains(text, `# Provide Secret team/p-credentials with the keys: "prometheus.auth.password", "prometheus.auth.username".`) {
		t.Errorf("the keys to provide are not named:\n%s", text)
	}
	if docs := strings.Count(text, "\n---\n"); docs != 1 {
		t.Errorf("%d documents, want the DataSource alone:\n%s", docs, text)
	}
}

// TestSkippedReasonsStayInTheirComment pins that a reason carrying line
// breaks of any kind YAML knows (\n, \r, NEL, LS, PS) stays on its
// comment line.
func TestSkippedReasonsStayInTheirComment(t *testing.T) {
	reason := "a\nkind: X\rb\u0085c\u2028d\u2029e"
	var out bytes.Buffer
	if err := Write(&out, "https://os", nil, []Skipped{{Name: "x\ny", Reason: reason}}, Style{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "# Skipped ") {
		t.Fatalf("the skipped line was split:\n%q", out.String())
	}
	for _, r := range []string{"\r", "\u0085", "\u2028", "\u2029"} {
		if strings.Contains(out.String(), r) {
			t.Errorf("the output holds the line break %q:\n%q", r, out.String())
		}
	}
	if want := `a\nkind: X\rb\u0085c\u2028d\u2029e`; !strings.Contains(lines[1], want) {
		t.Errorf("the reason is not escaped as %s: %s", want, lines[1])
	}
}
