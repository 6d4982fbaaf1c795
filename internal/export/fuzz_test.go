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
	"errors"
	"io"
	"sort"
	"strings"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// FuzzWrite holds the export to its promise whatever a server returns:
// the output, split and decoded as kubectl apply does, is Secrets and
// DataSources only, one DataSource for every data source not skipped,
// each naming a data source the server listed.
func FuzzWrite(f *testing.F) {
	f.Add("my_prometheus", "PROMETHEUS", "prometheus.uri", "http://u:p@p:9090", "prometheus.auth.type", "basicauth",
		"metrics", "reader", "", false)
	f.Add("mysql", "mysql", "port", "3306", "x.token", "t", "", "", "jdbc:mysql://h/db?password=pw", true)
	f.Add("x", "PROMETHEUS", "a\n---\nkind: ClusterRoleBinding\n# api.token", "v", "b.auth.type", "awssigv4",
		"d\n---\nkind: Pod", "r\n- x", "", false)
	f.Add("@opensearch", "OPENSEARCH", "", "", "", "", "", "", "", false)
	f.Fuzz(func(t *testing.T, name, connector, key1, value1, key2, value2, description, role, endpoint string, noStubs bool) {
		remote := opensearch.RemoteDataSource{Name: name, Connector: connector, Description: description,
			ConfigurationEndpoint: endpoint, Properties: map[string]string{}}
		if role != "" {
			remote.AllowedRoles = []string{role}
		}
		for k, v := range map[string]string{key1: value1, key2: value2} {
			if k != "" {
				remote.Properties[k] = v
			}
		}
		remotes := []opensearch.RemoteDataSource{remote, {Name: "fixed", Connector: "PROMETHEUS",
			Properties: map[string]string{"prometheus.uri": "http://p:9090", "prometheus.auth.type": "basicauth"}}}
		manifests, skipped := MapAll(remotes, testOptions)
		if len(manifests)+len(skipped) != len(remotes) {
			t.Fatalf("%d manifests and %d skipped for %d data sources", len(manifests), len(skipped), len(remotes))
		}
		var out bytes.Buffer
		if err := Write(&out, "https://os", manifests, skipped, Style{NoStubs: noStubs}); err != nil {
			t.Fatal(err)
		}
		names := decodedDataSources(t, out.Bytes())
		var want []string
		for _, r := range remotes {
			if !skippedName(skipped, r.Name) {
				want = append(want, r.Name)
			}
		}
		sort.Strings(want)
		if strings.Join(names, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("the output holds DataSources for %q, want %q:\n%s", names, want, out.String())
		}
	})
}

// decodedDataSources reads out as kubectl apply would, failing on anything
// but Secrets and DataSources, and returns the data source names of the
// DataSources, sorted.
func decodedDataSources(t *testing.T, out []byte) []string {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	var names []string
	for {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the output is not a YAML stream: %v\n%s", err, out)
		}
		var obj map[string]any
		if err := yaml.Unmarshal(raw, &obj); err != nil {
			t.Fatalf("a document does not decode: %v\n%s", err, raw)
		}
		switch obj["kind"] {
		case nil:
			if len(obj) != 0 {
				t.Fatalf("a document without a kind:\n%s", raw)
			}
		case "Secret":
		case "DataSource":
			var ds v1alpha1.DataSource
			if err := yaml.UnmarshalStrict(raw, &ds); err != nil {
				t.Fatalf("a DataSource does not decode: %v\n%s", err, raw)
			}
			name := ds.Spec.Name
			if name == "" {
				name = ds.Name
			}
			names = append(names, name)
		default:
			t.Fatalf("the output holds a %v:\n%s", obj["kind"], out)
		}
	}
	sort.Strings(names)
	return names
}

func skippedName(skipped []Skipped, name string) bool {
	for _, s := range skipped {
		if s.Name == name {
			return true
		}
	}
	return false
}
