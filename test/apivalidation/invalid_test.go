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
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// dataSource returns a DataSource manifest named name whose spec is the
// given YAML (indented by the caller with two spaces).
func dataSource(name, spec string) string {
	return "apiVersion: opensearch.datasource-operator.io/v1alpha1\n" +
		"kind: DataSource\n" +
		"metadata:\n  name: " + name + "\n" +
		"spec:\n" + spec
}

// connection returns a connection manifest of kind with the given spec.
func connection(kind, spec string) string {
	return "apiVersion: opensearch.datasource-operator.io/v1alpha1\n" +
		"kind: " + kind + "\n" +
		"metadata:\n  name: bad-connection\n" +
		"spec:\n" + spec
}

const validDSBase = `  connectionRef:
    name: opensearch
  connector: prometheus
`

type invalidCase struct {
	// manifest is refused on create; or, when update is set, accepted on
	// create and then refused once update has changed it.
	manifest string
	update   func(u *unstructured.Unstructured)
	// field is the path the message must name; more are extra substrings
	// the message must also contain.
	field string
	more  []string
	// absent are substrings the message must not contain: internals
	// that tell the user nothing.
	absent []string
}

var _ = Describe("invalid manifests", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	DescribeTable("are refused with a message naming the field",
		func(c invalidCase) {
			obj := fromYAML(c.manifest)
			if obj.GetKind() != "ClusterOpenSearchConnection" {
				obj.SetNamespace(ns)
			} else {
				obj.SetName(obj.GetName() + "-" + ns)
			}
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
			msg := expectInvalid(err, append([]string{c.field}, c.more...)...)
			for _, a := range c.absent {
				Expect(msg).NotTo(ContainSubstring(a))
			}
			logRejection(CurrentSpecReport().LeafNodeText, msg)
		},

		// DataSource: spec.secretVersions
		Entry("spec.secretVersions without a resourceVersion", invalidCase{
			manifest: dataSource("pin-no-version", validDSBase+"  secretVersions: prom\n"),
			field:    "spec.secretVersions",
		}),
		Entry("spec.secretVersions with a name that is no Secret name", invalidCase{
			manifest: dataSource("pin-bad-name", validDSBase+"  secretVersions: prom@1,Bad_Name@2\n"),
			field:    "spec.secretVersions",
		}),
		Entry("spec.secretVersions with a trailing comma", invalidCase{
			manifest: dataSource("pin-trailing", validDSBase+"  secretVersions: prom@1,\n"),
			field:    "spec.secretVersions",
		}),

		// DataSource: spec.name
		Entry("spec.name not matching the OpenSearch name pattern (9bad)", invalidCase{
			manifest: dataSource("bad-name", validDSBase+"  name: 9bad\n"),
			field:    "spec.name",
		}),
		Entry("spec.name @opensearch (reserved)", invalidCase{
			manifest: dataSource("reserved", validDSBase+"  name: \"@opensearch\"\n"),
			field:    "spec.name",
			more:     []string{"@opensearch"},
		}),
		Entry("spec.name changed on update", invalidCase{
			manifest: dataSource("rename", validDSBase+"  name: alpha\n"),
			update: func(u *unstructured.Unstructured) {
				Expect(unstructured.SetNestedField(u.Object, "beta", "spec", "name")).To(Succeed())
			},
			field: "spec.name",
			more:  []string{"immutable"},
		}),
		Entry("spec.name removed on update", invalidCase{
			manifest: dataSource("unname", validDSBase+"  name: alpha\n"),
			update: func(u *unstructured.Unstructured) {
				unstructured.RemoveNestedField(u.Object, "spec", "name")
			},
			field: "spec.name",
			more:  []string{"immutable"},
		}),
		Entry("spec.name set later to something other than metadata.name", invalidCase{
			manifest: dataSource("unnamed", validDSBase),
			update: func(u *unstructured.Unstructured) {
				Expect(unstructured.SetNestedField(u.Object, "other", "spec", "name")).To(Succeed())
			},
			field: "spec.name",
			more:  []string{"immutable"},
		}),
		Entry("spec.connector changed on update (prometheus to s3glue)", invalidCase{
			manifest: dataSource("reconnect", validDSBase),
			update: func(u *unstructured.Unstructured) {
				Expect(unstructured.SetNestedField(u.Object, "s3glue", "spec", "connector")).To(Succeed())
			},
			field: "spec.connector",
			more:  []string{"immutable", "create another DataSource (or DataSourceSet), with another name"},
		}),
		Entry("spec.recreatePolicy unknown (Always)", invalidCase{
			manifest: dataSource("bad-recreate", validDSBase+"  recreatePolicy: Always\n"),
			field:    "spec.recreatePolicy",
		}),
		Entry("metadata.name not a valid OpenSearch name while spec.name is unset (my.ds)", invalidCase{
			manifest: dataSource("my.ds", validDSBase),
			field:    "metadata.name",
			more:     []string{"spec.name"},
		}),

		// DataSource: enums and patterns
		Entry("spec.status not ACTIVE/DISABLED (ENABLED)", invalidCase{
			manifest: dataSource("bad-status", validDSBase+"  status: ENABLED\n"),
			field:    "spec.status",
			more:     []string{"ENABLED"},
		}),
		Entry("spec.connectionRef.kind unknown (Connection)", invalidCase{
			manifest: dataSource("bad-kind", "  connectionRef:\n    name: opensearch\n    kind: Connection\n  connector: prometheus\n"),
			field:    "spec.connectionRef.kind",
		}),
		Entry("spec.resultIndex with upper case", invalidCase{
			manifest: dataSource("bad-index", validDSBase+"  resultIndex: Customer_Results\n"),
			field:    "spec.resultIndex",
		}),
		Entry("spec.connector missing", invalidCase{
			manifest: dataSource("no-connector", "  connectionRef:\n    name: opensearch\n"),
			field:    "spec.connector",
		}),
		Entry("spec.managementPolicy unknown (Create)", invalidCase{
			manifest: dataSource("bad-policy", validDSBase+"  managementPolicy: Create\n"),
			field:    "spec.managementPolicy",
		}),
		Entry("spec.deletionPolicy unknown (Orphan)", invalidCase{
			manifest: dataSource("bad-deletion", validDSBase+"  deletionPolicy: Orphan\n"),
			field:    "spec.deletionPolicy",
		}),

		// DataSource: properties
		// Objects, arrays and null: the ValidatingAdmissionPolicy in
		// config/policy refuses them with a message that names the fix (the
		// CRD keeps null values for it to see, and leaves the rest to it).
		Entry("a nested object in spec.properties", invalidCase{
			manifest: dataSource("nested-object", validDSBase+"  properties:\n    prometheus.uri:\n      a: b\n"),
			field:    "spec.properties.prometheus.uri: property values must be strings, numbers or booleans; this one is an object",
			absent:   []string{"Too many", "at most 0"},
		}),
		Entry("an array in spec.properties", invalidCase{
			manifest: dataSource("nested-array", validDSBase+"  properties:\n    a: [x, y]\n"),
			field:    "spec.properties.a: property values must be strings, numbers or booleans; this one is an array",
			absent:   []string{"Too many", "at most 0"},
		}),
		Entry("an empty object in spec.properties", invalidCase{
			manifest: dataSource("empty-object", validDSBase+"  properties:\n    a: {}\n"),
			field:    "spec.properties.a: property values must be strings, numbers or booleans; this one is an object",
			absent:   []string{"Too few", "at least 1"},
		}),
		Entry("an empty array in spec.properties", invalidCase{
			manifest: dataSource("empty-array", validDSBase+"  properties:\n    a: []\n"),
			field:    "spec.properties.a: property values must be strings, numbers or booleans; this one is an array",
			absent:   []string{"Too few", "at least 1"},
		}),
		Entry("a null in spec.properties (refused, not dropped)", invalidCase{
			manifest: dataSource("null-value", validDSBase+"  properties:\n    prometheus.uri: null\n"),
			field:    "spec.properties.prometheus.uri: property values must be strings, numbers or booleans; this one is null (omit the key to leave the property unset)",
		}),
		Entry("a null in spec.properties set on update", invalidCase{
			manifest: dataSource("null-update", validDSBase+"  properties:\n    prometheus.uri: http://prometheus:9090\n"),
			update: func(u *unstructured.Unstructured) {
				Expect(unstructured.SetNestedField(u.Object, nil, "spec", "properties", "prometheus.uri")).To(Succeed())
			},
			field: "spec.properties.prometheus.uri: property values must be strings, numbers or booleans; this one is null",
		}),
		Entry("a key in both spec.properties and spec.propertiesFrom (ValidatingAdmissionPolicy in config/policy)", invalidCase{
			manifest: dataSource("both", validDSBase+`  properties:
    prometheus.auth.password: plain
  propertiesFrom:
  - key: prometheus.auth.password
    secretKeyRef:
      name: prometheus-reader
      key: password
`),
			field: "spec.propertiesFrom",
			more:  []string{"spec.properties"},
		}),
		Entry("spec.propertiesFrom without secretKeyRef", invalidCase{
			manifest: dataSource("from-no-ref", validDSBase+"  propertiesFrom:\n  - key: prometheus.auth.password\n"),
			field:    "spec.propertiesFrom[0].secretKeyRef",
		}),

		// DataSource: configuration
		Entry("spec.configuration without credentials", invalidCase{
			manifest: dataSource("no-credentials", validDSBase+"  configuration:\n    endpoint: http://prometheus:9090\n"),
			field:    "spec.configuration",
			more:     []string{"credentials"},
		}),
		Entry("spec.configuration without endpoint", invalidCase{
			manifest: dataSource("no-endpoint", validDSBase+"  configuration:\n    credentials:\n      secretRef:\n        name: creds\n"),
			field:    "spec.configuration",
			more:     []string{"endpoint"},
		}),
		Entry("spec.configuration.credentials without secretRef name", invalidCase{
			manifest: dataSource("no-secret-name", validDSBase+"  configuration:\n    endpoint: http://prometheus:9090\n    credentials:\n      secretRef:\n        usernameKey: user\n"),
			field:    "spec.configuration.credentials.secretRef.name",
		}),

		// OpenSearchConnection
		Entry("OpenSearchConnection endpoint not an http(s) URL (ftp://x)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: ftp://x\n"),
			field:    "spec.endpoint",
		}),
		Entry("OpenSearchConnection endpoint without scheme (opensearch:9200)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: opensearch:9200\n"),
			field:    "spec.endpoint",
		}),
		Entry("OpenSearchConnection endpoint missing", invalidCase{
			manifest: connection("OpenSearchConnection", "  dialect: Auto\n"),
			field:    "spec.endpoint",
		}),
		Entry("OpenSearchConnection resyncPeriod below 1s (500ms)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  resyncPeriod: 500ms\n"),
			field:    "spec.resyncPeriod",
		}),
		Entry("OpenSearchConnection credentialRewritePeriod below 1m (30s)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  credentialRewritePeriod: 30s\n"),
			field:    "spec.credentialRewritePeriod",
			more:     []string{"at least 1m"},
		}),
		Entry("ClusterOpenSearchConnection credentialRewritePeriod not a duration (daily)", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://opensearch:9200\n  credentialRewritePeriod: daily\n"),
			field:    "spec.credentialRewritePeriod",
		}),
		Entry("OpenSearchConnection resyncPeriod not a duration (ten minutes)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  resyncPeriod: ten minutes\n"),
			field:    "spec.resyncPeriod",
			absent:   []string{"type conversion error"},
		}),
		Entry("OpenSearchConnection requestTimeout not a duration (5 seconds)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  requestTimeout: 5 seconds\n"),
			field:    "spec.requestTimeout",
			absent:   []string{"type conversion error"},
		}),
		Entry("OpenSearchConnection requestTimeout of 0s", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  requestTimeout: 0s\n"),
			field:    "spec.requestTimeout",
		}),
		Entry("OpenSearchConnection requestTimeout over 5m (24h)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  requestTimeout: 24h\n"),
			field:    "spec.requestTimeout",
		}),
		Entry("ClusterOpenSearchConnection requestTimeout over 5m (301s)", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://opensearch:9200\n  requestTimeout: 301s\n"),
			field:    "spec.requestTimeout",
		}),
		Entry("OpenSearchConnection adoption unknown (Maybe)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  adoption: Maybe\n"),
			field:    "spec.adoption",
		}),
		Entry("OpenSearchConnection dialect unknown (OpenSearch)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  dialect: OpenSearch\n"),
			field:    "spec.dialect",
		}),

		// ClusterOpenSearchConnection
		Entry("ClusterOpenSearchConnection endpoint not an http(s) URL (ftp://x)", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: ftp://x\n"),
			field:    "spec.endpoint",
		}),
		Entry("ClusterOpenSearchConnection resyncPeriod below 1s (500ms)", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://opensearch:9200\n  resyncPeriod: 500ms\n"),
			field:    "spec.resyncPeriod",
		}),
		Entry("ClusterOpenSearchConnection allowedNamespaces.selector with an unknown operator (Matches)",
			selectorCase("{key: team, operator: Matches, values: [a]}",
				"operator In or NotIn with at least one value, or Exists or DoesNotExist without values")),
		Entry("ClusterOpenSearchConnection allowedNamespaces.selector In without values", selectorCase("{key: team, operator: In}")),
		Entry("ClusterOpenSearchConnection allowedNamespaces.selector Exists with values",
			selectorCase("{key: team, operator: Exists, values: [a]}")),
		Entry("ClusterOpenSearchConnection Secret reference without namespace", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://opensearch:9200\n  auth:\n    basic:\n      secretRef:\n        name: admin\n"),
			field:    "spec.auth.basic.secretRef.namespace",
		}),

		// auth.awsSigV4
		Entry("OpenSearchConnection with both basic and awsSigV4", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n"+
				"    basic:\n      secretRef:\n        name: admin\n    awsSigV4:\n      region: eu-west-1\n"),
			field: "spec.auth",
			more:  []string{"auth.basic and auth.awsSigV4 are exclusive"},
		}),
		Entry("ClusterOpenSearchConnection with both basic and awsSigV4", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n"+
				"    basic:\n      secretRef:\n        name: admin\n        namespace: search\n    awsSigV4:\n      region: eu-west-1\n"),
			field: "spec.auth",
			more:  []string{"auth.basic and auth.awsSigV4 are exclusive"},
		}),
		Entry("awsSigV4 without region", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      service: es\n      secretRef:\n        name: aws\n"),
			field:    "spec.auth.awsSigV4.region",
		}),
		Entry("awsSigV4 service unknown (s3)", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n      service: s3\n      secretRef:\n        name: aws\n"),
			field:    "spec.auth.awsSigV4.service",
		}),
		Entry("awsSigV4 roleARN not an IAM role ARN", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n      roleARN: arn:aws:s3:::bucket\n      secretRef:\n        name: aws\n"),
			field:    "spec.auth.awsSigV4.roleARN",
		}),
		Entry("OpenSearchConnection awsSigV4 without secretRef: the operator's own AWS identity", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n"),
			field:    "spec.auth.awsSigV4.secretRef",
			more:     []string{"only a ClusterOpenSearchConnection may use the operator's own AWS identity"},
		}),
		Entry("OpenSearchConnection awsSigV4 roleARN without secretRef: assumed with the operator's identity", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n"+
				"      region: eu-west-1\n      roleARN: arn:aws:iam::123456789012:role/other-team\n"),
			field: "spec.auth.awsSigV4.secretRef",
			more:  []string{"must name a Secret in its namespace"},
		}),
		Entry("OpenSearchConnection awsSigV4 secretRef removed by an update", invalidCase{
			manifest: connection("OpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n"+
				"      region: eu-west-1\n      secretRef:\n        name: aws\n"),
			update: func(u *unstructured.Unstructured) {
				unstructured.RemoveNestedField(u.Object, "spec", "auth", "awsSigV4", "secretRef")
			},
			field: "spec.auth.awsSigV4.secretRef",
			more:  []string{"only a ClusterOpenSearchConnection may use the operator's own AWS identity"},
		}),
		Entry("ClusterOpenSearchConnection awsSigV4 Secret reference without namespace", invalidCase{
			manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://search.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n      secretRef:\n        name: aws\n"),
			field:    "spec.auth.awsSigV4.secretRef.namespace",
		}),
	)
})

// selectorCase is a ClusterOpenSearchConnection whose
// allowedNamespaces.selector has the one matchExpressions entry expr.
func selectorCase(expr string, more ...string) invalidCase {
	return invalidCase{
		manifest: connection("ClusterOpenSearchConnection", "  endpoint: https://opensearch:9200\n  allowedNamespaces:\n    selector:\n"+
			"      matchExpressions:\n      - "+expr+"\n"),
		field: "spec.allowedNamespaces.selector",
		more:  more,
	}
}
