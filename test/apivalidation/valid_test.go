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
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// The DataSource minimal manifest: only what api.md marks as required.
const minimalDataSource = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: minimal
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
`

// The seed page's "Example request" (PUT /_plugins/_query/_datasources),
// with the credentials moved into a Secret reference.
const seedExampleDataSource = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: mysql-customer-database
spec:
  connectionRef:
    name: opensearch
  name: mysql-customer-database
  description: Updated connection to customer database - Production
  connector: mysql
  resultIndex: customer_data_results
  status: ACTIVE
  allowedRoles: ["analyst_role", "admin_role", "reporting_role"]
  configuration:
    endpoint: jdbc:mysql://mysql-server:3306/customers
    credentials:
      secretRef:
        name: mysql-customer-database-credentials
  properties:
    database: customers
    port: "3306"
    host: mysql-server
    encryption: true
    connectionTimeout: 60000
`

// A Prometheus data source as the real SQL plugin wants it: everything in
// properties, the password from a Secret.
const prometheusDataSource = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: my-prometheus
spec:
  connectionRef:
    name: shared-opensearch
    kind: ClusterOpenSearchConnection
  connector: prometheus
  resultIndex: query_execution_result_my-prometheus
  status: DISABLED
  managementPolicy: UpdateOnly
  deletionPolicy: Retain
  suspend: true
  properties:
    prometheus.uri: http://prometheus.monitoring:9090
    prometheus.auth.type: basicauth
    prometheus.auth.username: reader
  propertiesFrom:
  - key: prometheus.auth.password
    secretKeyRef:
      name: prometheus-reader
      key: password
`

const minimalConnection = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: opensearch
spec:
  endpoint: https://opensearch.search.svc:9200
`

const fullConnection = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: opensearch-full
spec:
  endpoint: http://opensearch:9200/some/prefix
  dialect: SQLPlugin
  auth:
    basic:
      secretRef:
        name: opensearch-admin
  tls:
    caSecretRef:
      name: opensearch-ca
    clientCertSecretRef:
      name: opensearch-client
    insecureSkipVerify: true
  requestTimeout: 1m30s
  resyncPeriod: 1s
`

const clusterConnection = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: ClusterOpenSearchConnection
metadata:
  name: shared-opensearch
spec:
  endpoint: https://opensearch.search.svc:9200
  dialect: Documented
  auth:
    basic:
      secretRef:
        name: opensearch-admin
        namespace: search
  tls:
    caSecretRef:
      name: opensearch-ca
      namespace: search
      key: bundle.pem
    clientCertSecretRef:
      name: opensearch-client
      namespace: search
  allowedNamespaces:
    names: ["team-a", "team-b"]
    selector:
      matchLabels:
        opensearch-access: "true"
`

type validCase struct {
	manifest string
	// clusterScoped objects get the namespace's name appended to their name,
	// so that specs never collide.
	clusterScoped bool
	check         func(got *unstructured.Unstructured)
}

var _ = Describe("valid manifests", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	DescribeTable("are accepted and read back with the documented defaults",
		func(c validCase) {
			obj := fromYAML(c.manifest)
			if c.clusterScoped {
				obj.SetName(obj.GetName() + "-" + ns)
				c.check(createAndReadBack(obj, ""))
				return
			}
			c.check(createAndReadBack(obj, ns))
		},

		Entry("DataSource, minimal: connectionRef.kind, status and managementPolicy defaulted", validCase{
			manifest: minimalDataSource,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "connectionRef", "name")).To(Equal("opensearch"))
				Expect(str(got, "spec", "connectionRef", "kind")).To(Equal("OpenSearchConnection"))
				Expect(str(got, "spec", "status")).To(Equal("ACTIVE"))
				Expect(str(got, "spec", "managementPolicy")).To(Equal("CreateOrUpdate"))
				Expect(str(got, "spec", "connector")).To(Equal("prometheus"))
				// deletionPolicy and recreatePolicy default by connector, in
				// the operator: Retain and Never for s3glue and security_lake.
				absent(got, "spec", "deletionPolicy")
				absent(got, "spec", "recreatePolicy")
				// spec.name and resultIndex default in the operator, not at admission:
				// the user's spec is left as written.
				absent(got, "spec", "name")
				absent(got, "spec", "configuration")
				absent(got, "spec", "suspend")
			},
		}),

		Entry("DataSource pinned to Secret versions, as a DataSourceSet writes it", validCase{
			manifest: dataSource("pinned", validDSBase+"  secretVersions: prom@4711,tls.ca-1@4690\n"),
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "secretVersions")).To(Equal("prom@4711,tls.ca-1@4690"))
			},
		}),

		Entry("DataSource, the seed page's example request (mysql, configuration, typed properties)", validCase{
			manifest: seedExampleDataSource,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "name")).To(Equal("mysql-customer-database"))
				Expect(str(got, "spec", "description")).To(Equal("Updated connection to customer database - Production"))
				Expect(str(got, "spec", "connector")).To(Equal("mysql"))
				Expect(str(got, "spec", "resultIndex")).To(Equal("customer_data_results"))
				Expect(str(got, "spec", "status")).To(Equal("ACTIVE"))
				Expect(field(got, "spec", "allowedRoles")).To(Equal([]interface{}{"analyst_role", "admin_role", "reporting_role"}),
					"allowedRoles must keep its order")
				Expect(str(got, "spec", "configuration", "endpoint")).To(Equal("jdbc:mysql://mysql-server:3306/customers"))
				Expect(str(got, "spec", "configuration", "credentials", "secretRef", "name")).To(Equal("mysql-customer-database-credentials"))
				Expect(str(got, "spec", "configuration", "credentials", "secretRef", "usernameKey")).To(Equal("username"))
				Expect(str(got, "spec", "configuration", "credentials", "secretRef", "passwordKey")).To(Equal("password"))

				// Property values keep their JSON types.
				props := field(got, "spec", "properties")
				Expect(props).To(Equal(map[string]interface{}{
					"database":          "customers",
					"port":              "3306",
					"host":              "mysql-server",
					"encryption":        true,
					"connectionTimeout": int64(60000),
				}))

				// And through the Go types, as the operator reads them.
				typed := &v1alpha1.DataSource{}
				Expect(k8sClient.Get(ctx, types.NamespacedName{Namespace: got.GetNamespace(), Name: got.GetName()}, typed)).To(Succeed())
				raw := map[string]string{}
				for k, v := range typed.Spec.Properties {
					raw[k] = string(v.Raw)
				}
				Expect(raw).To(Equal(map[string]string{
					"database":          `"customers"`,
					"port":              `"3306"`,
					"host":              `"mysql-server"`,
					"encryption":        `true`,
					"connectionTimeout": `60000`,
				}))
				Expect(typed.Spec.AllowedRoles).To(Equal([]string{"analyst_role", "admin_role", "reporting_role"}))
				Expect(typed.Spec.ConnectionRef.Kind).To(Equal(v1alpha1.KindOpenSearchConnection))
				Expect(typed.Spec.ManagementPolicy).To(Equal(v1alpha1.ManagementCreateOrUpdate))
				Expect(typed.Spec.DeletionPolicy).To(BeEmpty())
			},
		}),

		Entry("DataSource, Prometheus for the real SQL plugin (properties + propertiesFrom)", validCase{
			manifest: prometheusDataSource,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "connector")).To(Equal("prometheus"))
				Expect(str(got, "spec", "connectionRef", "kind")).To(Equal("ClusterOpenSearchConnection"))
				Expect(field(got, "spec", "properties")).To(Equal(map[string]interface{}{
					"prometheus.uri":           "http://prometheus.monitoring:9090",
					"prometheus.auth.type":     "basicauth",
					"prometheus.auth.username": "reader",
				}))
				Expect(field(got, "spec", "propertiesFrom")).To(Equal([]interface{}{
					map[string]interface{}{
						"key": "prometheus.auth.password",
						"secretKeyRef": map[string]interface{}{
							"name": "prometheus-reader",
							"key":  "password",
						},
					},
				}))
				Expect(str(got, "spec", "status")).To(Equal("DISABLED"))
				Expect(str(got, "spec", "managementPolicy")).To(Equal("UpdateOnly"))
				Expect(str(got, "spec", "deletionPolicy")).To(Equal("Retain"))
				Expect(field(got, "spec", "suspend")).To(Equal(true))
				absent(got, "spec", "configuration")
			},
		}),

		Entry("OpenSearchConnection, minimal: dialect Auto, requestTimeout 10s, resyncPeriod 10m", validCase{
			manifest: minimalConnection,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "endpoint")).To(Equal("https://opensearch.search.svc:9200"))
				Expect(str(got, "spec", "dialect")).To(Equal("Auto"))
				Expect(str(got, "spec", "requestTimeout")).To(Equal("10s"))
				Expect(str(got, "spec", "resyncPeriod")).To(Equal("10m"))
				absent(got, "spec", "tls")
				absent(got, "spec", "auth")
			},
		}),

		Entry("OpenSearchConnection, every field, resyncPeriod at its 1s minimum", validCase{
			manifest: fullConnection,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "dialect")).To(Equal("SQLPlugin"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "name")).To(Equal("opensearch-admin"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "usernameKey")).To(Equal("username"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "passwordKey")).To(Equal("password"))
				Expect(str(got, "spec", "tls", "caSecretRef", "name")).To(Equal("opensearch-ca"))
				Expect(str(got, "spec", "tls", "clientCertSecretRef", "name")).To(Equal("opensearch-client"))
				Expect(field(got, "spec", "tls", "insecureSkipVerify")).To(Equal(true))
				Expect(str(got, "spec", "requestTimeout")).To(Equal("1m30s"))
				Expect(str(got, "spec", "resyncPeriod")).To(Equal("1s"))
			},
		}),

		Entry("OpenSearchConnection with awsSigV4: service es and the key names defaulted", validCase{
			manifest: "apiVersion: opensearch.datasource-operator.io/v1alpha1\nkind: OpenSearchConnection\nmetadata:\n  name: aws\n" +
				"spec:\n  endpoint: https://search-logs-abc.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n" +
				"      roleARN: arn:aws:iam::123456789012:role/datasource-operator\n      secretRef:\n        name: aws-keys\n",
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "auth", "awsSigV4", "service")).To(Equal("es"))
				Expect(str(got, "spec", "auth", "awsSigV4", "secretRef", "accessKeyIDKey")).To(Equal("AWS_ACCESS_KEY_ID"))
				Expect(str(got, "spec", "auth", "awsSigV4", "secretRef", "secretAccessKeyKey")).To(Equal("AWS_SECRET_ACCESS_KEY"))
				absent(got, "spec", "auth", "awsSigV4", "secretRef", "sessionTokenKey")
				absent(got, "spec", "auth", "basic")
			},
		}),

		Entry("ClusterOpenSearchConnection assuming a role from the default chain", validCase{
			manifest: "apiVersion: opensearch.datasource-operator.io/v1alpha1\nkind: ClusterOpenSearchConnection\nmetadata:\n  name: aws-role\n" +
				"spec:\n  endpoint: https://search-logs-abc.eu-west-1.es.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n" +
				"      roleARN: arn:aws:iam::123456789012:role/datasource-operator\n",
			clusterScoped: true,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "auth", "awsSigV4", "roleARN")).To(Equal("arn:aws:iam::123456789012:role/datasource-operator"))
				absent(got, "spec", "auth", "awsSigV4", "secretRef")
			},
		}),
		Entry("ClusterOpenSearchConnection with awsSigV4 for Serverless from the default chain", validCase{
			manifest: "apiVersion: opensearch.datasource-operator.io/v1alpha1\nkind: ClusterOpenSearchConnection\nmetadata:\n  name: aoss\n" +
				"spec:\n  endpoint: https://abc123.eu-west-1.aoss.amazonaws.com\n  auth:\n    awsSigV4:\n      region: eu-west-1\n      service: aoss\n",
			clusterScoped: true,
			check: func(got *unstructured.Unstructured) {
				Expect(str(got, "spec", "auth", "awsSigV4", "service")).To(Equal("aoss"))
				absent(got, "spec", "auth", "awsSigV4", "secretRef")
			},
		}),

		Entry("ClusterOpenSearchConnection with allowedNamespaces and namespaced Secret references", validCase{
			manifest:      clusterConnection,
			clusterScoped: true,
			check: func(got *unstructured.Unstructured) {
				Expect(got.GetNamespace()).To(BeEmpty(), "ClusterOpenSearchConnection must be cluster-scoped")
				Expect(str(got, "spec", "dialect")).To(Equal("Documented"))
				Expect(str(got, "spec", "requestTimeout")).To(Equal("10s"))
				Expect(str(got, "spec", "resyncPeriod")).To(Equal("10m"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "name")).To(Equal("opensearch-admin"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "namespace")).To(Equal("search"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "usernameKey")).To(Equal("username"))
				Expect(str(got, "spec", "auth", "basic", "secretRef", "passwordKey")).To(Equal("password"))
				Expect(str(got, "spec", "tls", "caSecretRef", "namespace")).To(Equal("search"))
				Expect(str(got, "spec", "tls", "caSecretRef", "key")).To(Equal("bundle.pem"))
				Expect(str(got, "spec", "tls", "clientCertSecretRef", "namespace")).To(Equal("search"))
				Expect(field(got, "spec", "allowedNamespaces", "names")).To(Equal([]interface{}{"team-a", "team-b"}))
				Expect(field(got, "spec", "allowedNamespaces", "selector", "matchLabels")).To(Equal(map[string]interface{}{"opensearch-access": "true"}))
			},
		}),
	)

	It("accepts updates that keep spec.name, and setting spec.name when it was unset", func() {
		named := fromYAML(seedExampleDataSource)
		named.SetNamespace(ns)
		Expect(k8sClient.Create(ctx, named)).To(Succeed())
		trackForCleanup(named)
		Expect(unstructured.SetNestedField(named.Object, "DISABLED", "spec", "status")).To(Succeed())
		Expect(unstructured.SetNestedField(named.Object, "new description", "spec", "description")).To(Succeed())
		Expect(k8sClient.Update(ctx, named)).To(Succeed(), "an update keeping spec.name was refused")

		unnamed := fromYAML(minimalDataSource)
		unnamed.SetNamespace(ns)
		Expect(k8sClient.Create(ctx, unnamed)).To(Succeed())
		trackForCleanup(unnamed)
		Expect(unstructured.SetNestedField(unnamed.Object, "minimal", "spec", "name")).To(Succeed())
		Expect(k8sClient.Update(ctx, unnamed)).To(Succeed(), "setting spec.name for the first time was refused")
	})

	It("accepts a change of the connector's case only, and the policies and rewrite period", func() {
		ds := fromYAML(minimalDataSource)
		ds.SetNamespace(ns)
		Expect(k8sClient.Create(ctx, ds)).To(Succeed())
		trackForCleanup(ds)
		Expect(unstructured.SetNestedField(ds.Object, "Prometheus", "spec", "connector")).To(Succeed())
		Expect(unstructured.SetNestedField(ds.Object, "Allow", "spec", "recreatePolicy")).To(Succeed())
		Expect(unstructured.SetNestedField(ds.Object, "Retain", "spec", "deletionPolicy")).To(Succeed())
		Expect(k8sClient.Update(ctx, ds)).To(Succeed(), "the same connector in another case was refused")

		conn := fromYAML(connection("OpenSearchConnection", "  endpoint: https://opensearch:9200\n  credentialRewritePeriod: 24h\n"))
		conn.SetNamespace(ns)
		Expect(k8sClient.Create(ctx, conn)).To(Succeed(), "credentialRewritePeriod of 24h was refused")
		trackForCleanup(conn)
	})
})
