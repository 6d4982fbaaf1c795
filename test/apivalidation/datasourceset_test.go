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
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// dataSourceSet returns a DataSourceSet manifest named name whose
// spec.template.spec and spec.rollout are the given YAML (indented by the
// caller with six and four spaces).
func dataSourceSet(name, templateSpec, rollout string) string {
	m := "apiVersion: opensearch.datasource-operator.io/v1alpha1\n" +
		"kind: DataSourceSet\n" +
		"metadata:\n  name: " + name + "\n" +
		"spec:\n  connectionSelector:\n    matchLabels:\n      tier: production\n" +
		"  template:\n    spec:\n" + templateSpec
	if rollout != "" {
		m += "  rollout:\n" + rollout
	}
	return m
}

const validTemplate = "      connector: prometheus\n"

var _ = Describe("DataSourceSet manifests", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("accepts the sample, with the DataSource's defaults in its template", func() {
		raw, err := os.ReadFile(filepath.Join("..", "..", "config", "samples", "opensearch_v1alpha1_datasourceset.yaml"))
		Expect(err).NotTo(HaveOccurred())
		got := createAndReadBack(fromYAML(string(raw)), ns)
		Expect(str(got, "spec", "template", "spec", "status")).To(Equal("ACTIVE"))
		Expect(str(got, "spec", "template", "spec", "managementPolicy")).To(Equal("CreateOrUpdate"))
		// As on a DataSource, unset: Delete or Retain by connector.
		absent(got, "spec", "template", "spec", "deletionPolicy")
		Expect(str(got, "spec", "template", "spec", "configuration", "credentials", "secretRef", "usernameKey")).To(Equal("username"))
		Expect(field(got, "spec", "rollout", "stopOnFailure")).To(Equal(true))
		Expect(str(got, "spec", "rollout", "secretRotation")).To(Equal("Waves"))
	})

	It("accepts a percentage batch size and a name taken from metadata.name", func() {
		createAndReadBack(fromYAML(dataSourceSet("metrics", validTemplate, "    batchSize: 25%\n")), ns)
	})

	DescribeTable("refuses, naming the field",
		func(c invalidCase) {
			obj := fromYAML(c.manifest)
			obj.SetNamespace(ns)
			var err error
			if c.update == nil {
				err = k8sClient.Create(ctx, obj)
				if err == nil {
					trackForCleanup(obj)
				}
			} else {
				Expect(k8sClient.Create(ctx, obj)).To(Succeed(), "the starting manifest of an update case must be valid")
				trackForCleanup(obj)
				c.update(obj)
				err = k8sClient.Update(ctx, obj)
			}
			logRejection(CurrentSpecReport().LeafNodeText, expectInvalid(err, append([]string{c.field}, c.more...)...))
		},
		Entry("metadata.name not a data source name while the template has none (my.set)", invalidCase{
			manifest: dataSourceSet("my.set", validTemplate, ""),
			field:    "metadata.name",
			more:     []string{"spec.template.spec.name"},
		}),
		Entry("the template's name changed on update", invalidCase{
			manifest: dataSourceSet("rename", validTemplate+"      name: alpha\n", ""),
			update: func(u *unstructured.Unstructured) {
				Expect(unstructured.SetNestedField(u.Object, "beta", "spec", "template", "spec", "name")).To(Succeed())
			},
			field: "spec.template.spec.name",
			more:  []string{"immutable"},
		}),
		Entry("the template's name @opensearch", invalidCase{
			manifest: dataSourceSet("reserved", validTemplate+"      name: \"@opensearch\"\n", ""),
			field:    "spec.template.spec.name",
		}),
		Entry("a property value that is an object", invalidCase{
			manifest: dataSourceSet("nested", validTemplate+"      properties:\n        a:\n          b: c\n", ""),
			field:    "spec.template.spec.properties.a",
			more:     []string{"property values must be strings, numbers or booleans; this one is an object"},
		}),
		Entry("a property value that is null", invalidCase{
			manifest: dataSourceSet("null-value", validTemplate+"      properties:\n        a: null\n", ""),
			field:    "spec.template.spec.properties.a",
			more:     []string{"this one is null (omit the key to leave the property unset)"},
		}),
		Entry("a key in both properties and propertiesFrom", invalidCase{
			manifest: dataSourceSet("twice", validTemplate+"      properties:\n        a: x\n"+
				"      propertiesFrom:\n      - key: a\n        secretKeyRef: {name: s, key: k}\n", ""),
			field: "spec.template.spec.propertiesFrom",
			more:  []string{"key a is also set in spec.template.spec.properties"},
		}),
		Entry("a batch size of 0", invalidCase{
			manifest: dataSourceSet("zero", validTemplate, "    batchSize: 0\n"),
			field:    "spec.rollout.batchSize",
		}),
		Entry("a batch size of 150%", invalidCase{
			manifest: dataSourceSet("too-many", validTemplate, "    batchSize: 150%\n"),
			field:    "spec.rollout.batchSize",
		}),
		Entry("a secretRotation other than Waves or AtOnce", invalidCase{
			manifest: dataSourceSet("rotation", validTemplate, "    secretRotation: Sometimes\n"),
			field:    "spec.rollout.secretRotation",
		}),
		Entry("a template without connector", invalidCase{
			manifest: dataSourceSet("no-connector", "      description: x\n", ""),
			field:    "spec.template.spec.connector",
		}),
	)
})
