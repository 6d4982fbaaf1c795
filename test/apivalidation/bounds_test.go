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

package apivalidation

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// documentedKeys are the property keys the SQL plugin's connectors and the
// documented API's example use, with a value of each kind they take. Those
// the plugin encrypts go in propertiesFrom.
var documentedKeys = map[string]any{
	// Prometheus, with the 3.3 direct-query keys.
	"prometheus.uri": "http://prometheus.monitoring:9090", "prometheus.auth.type": "awssigv4",
	"prometheus.auth.region": "eu-west-1", "prometheus.ruler.uri": "http://ruler:9090",
	"alertmanager.uri": "http://alertmanager:9093", "alertmanager.auth.type": "basicauth",
	"alertmanager.auth.region": "eu-west-1",
	// S3 Glue and Security Lake.
	"glue.auth.type": "iam_role", "glue.auth.role_arn": "arn:aws:iam::123456789012:role/glue",
	"glue.indexstore.opensearch.uri": "https://search.example:9200", "glue.indexstore.opensearch.auth": "awssigv4",
	"glue.indexstore.opensearch.region": "eu-west-1", "glue.indexstore.opensearch.auth.region": "eu-west-1",
	"glue.iceberg.enabled": "true", "glue.lakeformation.enabled": true, "glue.lakeformation.session_tag": "team-a",
	// Spark on EMR (2.9 to 2.19).
	"spark.connector": "emr", "emr.cluster": "j-3UNQLT1MNDJP", "emr.auth.type": "awssigv4", "emr.auth.region": "eu-west-1",
	"spark.datasource.flint.host": "localhost", "spark.datasource.flint.port": 9200,
	// The documented API's mysql example.
	"database": "customers", "port": "3306", "host": "mysql-server", "encryption": true, "connectionTimeout": 60000,
	// Dashes, underscores, digits and a leading underscore or digit.
	"x-custom_key.v2": "v", "_private": "v", "9lives": "v",
}

// documentedSecretKeys are the credential keys the connectors document.
var documentedSecretKeys = []string{
	"prometheus.auth.username", "prometheus.auth.password", "prometheus.auth.access_key", "prometheus.auth.secret_key",
	"alertmanager.auth.username", "alertmanager.auth.password", "alertmanager.auth.access_key", "alertmanager.auth.secret_key",
	"glue.indexstore.opensearch.auth.username", "glue.indexstore.opensearch.auth.password",
	"emr.auth.access_key", "emr.auth.secret_key",
}

// dataSourceJSON is a DataSource manifest, as JSON (which YAML reads), with
// the given properties and propertiesFrom keys; JSON quoting carries any key.
func dataSourceJSON(name string, properties map[string]any, fromKeys []string) string {
	spec := map[string]any{"connectionRef": map[string]any{"name": "opensearch"}, "connector": "prometheus"}
	if properties != nil {
		spec["properties"] = properties
	}
	var from []any
	for _, k := range fromKeys {
		from = append(from, map[string]any{"key": k, "secretKeyRef": map[string]any{"name": "creds", "key": "k"}})
	}
	if from != nil {
		spec["propertiesFrom"] = from
	}
	out, err := json.Marshal(map[string]any{"apiVersion": "opensearch.datasource-operator.io/v1alpha1", "kind": "DataSource",
		"metadata": map[string]any{"name": name}, "spec": spec})
	if err != nil {
		panic(err)
	}
	return string(out)
}

// numbered is n properties k000, k001, … with the value v.
func numbered(n int, prefix string, v any) map[string]any {
	props := map[string]any{}
	for i := range n {
		props[fmt.Sprintf("%s%03d", prefix, i)] = v
	}
	return props
}

var _ = Describe("DataSource size bounds", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("admits every property key the connectors document", func() {
		got := createAndReadBack(fromYAML(dataSourceJSON("documented", documentedKeys, documentedSecretKeys)), ns)
		Expect(field(got, "spec", "properties")).To(HaveLen(len(documentedKeys)))
		Expect(field(got, "spec", "propertiesFrom")).To(HaveLen(len(documentedSecretKeys)))
	})

	It("admits a spec at every bound: 128 properties, a 256-character key, a 4096-character value, 64 propertiesFrom", func() {
		props := numbered(126, "k", "v")
		props[strings.Repeat("k", 256)] = strings.Repeat("é", 4096)
		props["number"] = 1.5e300
		got := createAndReadBack(fromYAML(dataSourceJSON("at-bounds", props, keys(numbered(64, "from.auth.password", nil)))), ns)
		Expect(field(got, "spec", "properties")).To(HaveLen(128))
		Expect(field(got, "spec", "propertiesFrom")).To(HaveLen(64))
	})

	It("admits in status.credentialKeys every credential key the largest spec may carry", func() {
		props := numbered(128, "p.auth.password", "v")
		from := keys(numbered(64, "f.auth.password", nil))
		obj := fromYAML(dataSourceJSON("many-credentials", props, from))
		Expect(unstructured.SetNestedField(obj.Object, map[string]any{"endpoint": "http://p:9090",
			"credentials": map[string]any{"secretRef": map[string]any{"name": "creds"}}}, "spec", "configuration")).To(Succeed())
		got := createAndReadBack(obj, ns)
		credentialKeys := append(append(keys(props), from...), "prometheus.auth.password", "prometheus.auth.username")
		Expect(credentialKeys).To(HaveLen(194))
		Expect(unstructured.SetNestedStringSlice(got.Object, credentialKeys, "status", "credentialKeys")).To(Succeed())
		Expect(k8sClient.Status().Update(ctx, got)).To(Succeed(), "the status the operator writes for this spec was refused")
	})

	DescribeTable("refuses",
		func(manifest string, wants ...string) {
			obj := fromYAML(manifest)
			obj.SetNamespace(ns)
			err := k8sClient.Create(ctx, obj)
			if err == nil {
				trackForCleanup(obj)
			}
			logRejection(obj.GetName(), expectInvalid(err, wants...))
		},
		Entry("a property key of 257 characters", dataSourceJSON("long-key", map[string]any{strings.Repeat("k", 257): "v"}, nil),
			"spec.properties", "at most 256 characters"),
		Entry("a property key holding a line break and YAML",
			dataSourceJSON("newline-key", map[string]any{"a\n---\nkind: ClusterRoleBinding\n# x.auth.password": "v"}, nil),
			"spec.properties", "letters, digits"),
		Entry("a property key with a space", dataSourceJSON("space-key", map[string]any{"a b": "v"}, nil), "spec.properties"),
		Entry("a property key starting with a dot", dataSourceJSON("dot-key", map[string]any{".a": "v"}, nil), "spec.properties"),
		Entry("a property value of 4097 characters", dataSourceJSON("long-value", map[string]any{"k": strings.Repeat("v", 4097)}, nil),
			"spec.properties.k", "4096"),
		Entry("129 properties", dataSourceJSON("many-properties", numbered(129, "k", "v"), nil),
			"spec.properties", "128"),
		Entry("a propertiesFrom key holding a line break",
			dataSourceJSON("newline-from", nil, []string{"a\nkind: Pod\nx.auth.password"}), "spec.propertiesFrom[0].key"),
		Entry("65 propertiesFrom", dataSourceJSON("many-from", nil, keys(numbered(65, "f", nil))), "spec.propertiesFrom", "64"),
	)
})

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
