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
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// document is one YAML document of an export, as kubectl would read it.
type document struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// documents splits out as kubectl apply does and decodes every document
// that is not empty (or comments only).
func documents(t *testing.T, out []byte) []document {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	var docs []document
	for {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("the output is not a YAML stream: %v\n%s", err, out)
		}
		var obj map[string]any
		if err := yaml.Unmarshal(raw, &obj); err != nil {
			t.Fatalf("a document does not decode: %v\n%s", err, raw)
		}
		if len(obj) == 0 {
			continue
		}
		var d document
		if err := yaml.Unmarshal(raw, &d); err != nil {
			t.Fatalf("a document does not decode: %v\n%s", err, raw)
		}
		docs = append(docs, d)
	}
}

// clusterAdminBinding is YAML that, were it ever to leave a comment, would
// bind every authenticated user to cluster-admin once the export is
// applied.
const clusterAdminBinding = "\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n" +
	"metadata: {name: pwned}\n" +
	"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n" +
	"subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:authenticated'}]\n# "

// TestExportOfHostileKeys runs the export against a server holding
// property keys with line breaks in them, as a tenant's own server (or a
// DataSource written where the admission policy is not installed) may:
// the output must hold Secrets and DataSources only, and the data sources
// carrying such keys must be skipped and reported.
func TestExportOfHostileKeys(t *testing.T) {
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	fake.Seed(fakeopensearch.Document{Name: "withheld", Connector: "PROMETHEUS", Properties: map[string]any{
		"prometheus.uri": "http://p:9090", "x" + clusterAdminBinding + "api.token": "t"}})
	fake.Seed(fakeopensearch.Document{Name: "hidden", Connector: "PROMETHEUS", Properties: map[string]any{
		"prometheus.uri": "http://p:9090", "x" + clusterAdminBinding + "alertmanager.auth.type": "basicauth"}})
	fake.Seed(fakeopensearch.Document{Name: "fine", Connector: "PROMETHEUS", Properties: map[string]any{
		"prometheus.uri": "http://p:9090", "prometheus.auth.type": "basicauth"}})

	for _, args := range [][]string{nil, {"--no-secret-stubs"}} {
		var stdout, stderr bytes.Buffer
		args = append([]string{"--url", fake.URL(), "--connection-ref", "os"}, args...)
		if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("export %q exited %d: %s", args, code, stderr.String())
		}
		var kinds []string
		for _, d := range documents(t, stdout.Bytes()) {
			kinds = append(kinds, d.Kind+"/"+d.Metadata.Name)
			if d.Kind != "Secret" && d.Kind != "DataSource" {
				t.Errorf("export %q printed a %s:\n%s", args, d.Kind, stdout.String())
			}
		}
		want := "Secret/fine-credentials DataSource/fine"
		if args[len(args)-1] == "--no-secret-stubs" {
			want = "DataSource/fine"
		}
		if got := strings.Join(kinds, " "); got != want {
			t.Errorf("export %q printed %s, want %s", args, got, want)
		}
		for _, name := range []string{`"hidden"`, `"withheld"`} {
			if !strings.Contains(stderr.String(), "skipped data source "+name) {
				t.Errorf("export %q did not report skipping %s on stderr:\n%s", args, name, stderr.String())
			}
		}
	}
}

// TestExportWithholdsURICredentials exports, from both dialects, data
// sources whose URIs hold credentials, and checks that neither the
// manifests nor standard error print them, while the output still
// decodes to what kubectl applies.
func TestExportWithholdsURICredentials(t *testing.T) {
	sql, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sql.Close)
	sql.Seed(fakeopensearch.Document{Name: "metrics", Connector: "PROMETHEUS", Properties: map[string]any{
		"prometheus.uri": "http://reader:" + canary + "@prometheus:9090", "alertmanager.uri": "http://am:9093/?token=" + canary}})
	documented, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeDocumented})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(documented.Close)
	documented.Seed(fakeopensearch.Document{Name: "customers", Connector: "mysql",
		Configuration: &fakeopensearch.Configuration{Endpoint: "jdbc:mysql://db:3306/c?password=" + canary, Username: "u", Password: "p"}})

	for _, fake := range []*fakeopensearch.Server{sql, documented} {
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), []string{"--url", fake.URL(), "--connection-ref", "os"}, &stdout, &stderr); code != 0 {
			t.Fatalf("export exited %d: %s", code, stderr.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), canary) {
			t.Errorf("the export printed a credential from a URI:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		if !strings.Contains(stderr.String(), Withheld) {
			t.Errorf("standard error does not say what was withheld:\n%s", stderr.String())
		}
		if docs := documents(t, stdout.Bytes()); len(docs) != 2 {
			t.Errorf("%d documents, want the stub and the DataSource:\n%s", len(docs), stdout.String())
		}
	}
}
