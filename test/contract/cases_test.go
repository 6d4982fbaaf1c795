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

package contract

import (
	"net/http"
	"strings"

	fos "github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// tcase is one row of the contract table: optional setup exchanges, then
// one raw HTTP exchange whose response is checked. {{name}} and {{name2}}
// expand to unique data source names of the run; setup steps may capture
// more variables (e.g. {{id}}).
type tcase struct {
	name      string
	modes     []fos.Mode
	fakeOnly  bool // needs a fake-only hook; never run against a real cluster
	needsAuth bool // real cluster: only when credentials are configured
	fakeOpts  func(*fos.Options)
	fake      func(*fos.Server)
	setup     []exchange
	// checkFake inspects the fake after the exchange (fakeOnly cases):
	// what the data source API never shows. It returns a complaint or "".
	checkFake func(srv *fos.Server, vars map[string]string) string

	method, path, body string
	noAuth             bool
	contentType        string

	wantStatus       int
	wantShape        shape
	wantType         string
	wantMsg          string // substring of details (plugin), reason (core) or error (simple)
	wantBody         string // exact body, trimmed
	wantEmpty        bool
	wantContentType  string
	wantHeader       map[string]string
	wantJSON         string            // JSON that must be a subset of the response
	wantListContains string            // the response is an array with an element matching this subset
	wantAbsent       []string          // property keys absent from the response's "properties"
	wantMatch        map[string]string // top-level string field -> regexp
}

const (
	base    = "/_plugins/_query/_datasources"
	one     = base + "/{{name}}"
	promURI = "http://127.0.0.1:9090"
)

var (
	both    = []fos.Mode{fos.ModeSQLPlugin, fos.ModeDocumented}
	sqlOnly = []fos.Mode{fos.ModeSQLPlugin}
	docOnly = []fos.Mode{fos.ModeDocumented}
)

// body builders (kept as raw JSON text on purpose)
var (
	promMin   = `{"name":"{{name}}","connector":"prometheus","properties":{"prometheus.uri":"` + promURI + `"}}`
	promMin2  = `{"name":"{{name2}}","connector":"prometheus","properties":{"prometheus.uri":"` + promURI + `"}}`
	promBasic = `{"name":"{{name}}","connector":"prometheus","description":"metrics","allowedRoles":["r1","r2"],` +
		`"properties":{"prometheus.uri":"` + promURI + `","prometheus.auth.type":"basicauth",` +
		`"prometheus.auth.username":"admin","prometheus.auth.password":"s3cret"}}`
	glueProps = `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn:aws:iam::123456789012:role/glue",` +
		`"glue.indexstore.opensearch.uri":"http://127.0.0.1:9200","glue.indexstore.opensearch.auth":"noauth"`
	docFull = `{"name":"{{name}}","description":"orders","connector":"mysql","resultIndex":"customer_data_results","status":"ACTIVE",` +
		`"allowedRoles":["analyst_role"],"configuration":{"endpoint":"jdbc:mysql://mysql-server:3306/customers",` +
		`"credentials":{"username":"db_user","password":"db_password"}},` +
		`"properties":{"database":"customers","port":"3306","encryption":true,"connectionTimeout":60000}}`
	// The seed page's example request, with the name made unique.
	seedExample = `{
  "name": "{{name}}",
  "description": "Updated connection to customer database - Production",
  "connector": "mysql",
  "resultIndex": "customer_data_results",
  "status": "ACTIVE",
  "allowedRoles": ["analyst_role", "admin_role", "reporting_role"],
  "configuration": {
    "endpoint": "jdbc:mysql://mysql-server:3306/customers",
    "credentials": {
      "username": "db_user",
      "password": "new_db_password"
    }
  },
  "properties": {
    "database": "customers",
    "port": "3306",
    "host": "mysql-server",
    "encryption": true,
    "connectionTimeout": 60000
  }
}`
)

func prom(props string) string {
	return `{"name":"{{name}}","connector":"prometheus","properties":{` + props + `}}`
}

func withConnector(connector, props string) string {
	return `{"name":"{{name}}","connector":"` + connector + `","properties":{` + props + `}}`
}

func create(body string) exchange {
	return exchange{method: http.MethodPost, path: base, body: body, wantStatus: http.StatusCreated}
}

var cases = []tcase{
	// ---------- info, routing ----------
	{name: "info", modes: both, method: "GET", path: "/", wantStatus: 200,
		wantJSON: `{"version":{"distribution":"opensearch"},"tagline":"The OpenSearch Project: https://opensearch.org/"}`},
	{name: "405 POST on per-name path", modes: both, method: "POST", path: one, body: `{}`,
		wantStatus: 405, wantShape: shapeSimple, wantMsg: "Incorrect HTTP method for uri [" + base + "/{{name}}] and method [POST], allowed: ["},
	{name: "405 DELETE on base path", modes: both, method: "DELETE", path: base,
		wantStatus: 405, wantShape: shapeSimple, wantMsg: "and method [DELETE], allowed: ["},
	{name: "405 PUT on per-name path", modes: both, method: "PUT", path: one, body: promMin,
		wantStatus: 405, wantShape: shapeSimple, wantMsg: "and method [PUT], allowed: ["},
	{name: "unknown query parameter", modes: sqlOnly, method: "GET", path: base + "?bogus=1",
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "contains unrecognized parameter: [bogus]"},

	// ---------- success shapes (sqlplugin) ----------
	{name: "create answers 201 JSON string", modes: sqlOnly, method: "POST", path: base, body: promMin,
		wantStatus: 201, wantBody: `"Created DataSource with name {{name}}"`, wantContentType: "application/json"},
	{name: "create bare text (2.7-2.10 emulation)", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.BareTextBodies = true },
		method:   "POST", path: base, body: promMin, wantStatus: 201, wantBody: `Created DataSource with name {{name}}`},
	{name: "update answers 200 JSON string", modes: sqlOnly, setup: []exchange{create(promMin)},
		method: "PUT", path: base, body: promMin, wantStatus: 200, wantBody: `"Updated DataSource with name {{name}}"`},
	{name: "patch answers 200 JSON string", modes: sqlOnly, setup: []exchange{create(promMin)},
		method: "PATCH", path: base, body: `{"name":"{{name}}","description":"patched"}`, wantStatus: 200, wantBody: `"Updated DataSource with name {{name}}"`},
	{name: "delete answers 204 empty", modes: sqlOnly, setup: []exchange{create(promMin)},
		method: "DELETE", path: one, wantStatus: 204, wantEmpty: true},
	{name: "get strips credentials, upper-cases, fills defaults", modes: sqlOnly, setup: []exchange{create(promBasic)},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"name":"{{name}}","description":"metrics","connector":"PROMETHEUS","allowedRoles":["r1","r2"],` +
			`"properties":{"prometheus.uri":"` + promURI + `","prometheus.auth.type":"basicauth"},` +
			`"resultIndex":"query_execution_result_{{name}}","status":"ACTIVE"}`,
		wantAbsent: []string{"prometheus.auth.username", "prometheus.auth.password"}},
	{name: "get fills description and allowedRoles defaults", modes: sqlOnly, setup: []exchange{create(promMin)},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"description":"","allowedRoles":[],"status":"ACTIVE","resultIndex":"query_execution_result_{{name}}"}`},
	{name: "list contains the data source without credentials", modes: sqlOnly, setup: []exchange{create(promBasic)},
		method: "GET", path: base, wantStatus: 200,
		wantListContains: `{"name":"{{name}}","connector":"PROMETHEUS","properties":{"prometheus.auth.type":"basicauth"}}`},
	{name: "list is [] when empty", modes: both, fakeOnly: true, method: "GET", path: base, wantStatus: 200, wantBody: `[]`},
	{name: "status disabled is upper-cased", modes: sqlOnly,
		setup:  []exchange{create(`{"name":"{{name}}","connector":"Prometheus","status":"disabled","properties":{"prometheus.uri":"` + promURI + `"}}`)},
		method: "GET", path: one, wantStatus: 200, wantJSON: `{"connector":"PROMETHEUS","status":"DISABLED"}`},
	{name: "property scalars are coerced to strings, null dropped", modes: sqlOnly,
		setup:  []exchange{create(prom(`"prometheus.uri":"` + promURI + `","x.port":9090,"x.ratio":1.50,"x.flag":true,"x.none":null`))},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"properties":{"x.port":"9090","x.ratio":"1.50","x.flag":"true"}}`, wantAbsent: []string{"x.none"}},
	{name: "put merges properties", modes: sqlOnly,
		setup: []exchange{
			create(prom(`"prometheus.uri":"` + promURI + `","x.old":"kept"`)),
			{method: "PUT", path: base, body: prom(`"prometheus.uri":"` + promURI + `","x.new":"added"`), wantStatus: 200},
		},
		method: "GET", path: one, wantStatus: 200, wantJSON: `{"properties":{"x.old":"kept","x.new":"added"}}`},
	{name: "put keeps stored credentials when not resent", modes: sqlOnly, fakeOnly: true,
		setup: []exchange{
			create(promBasic),
			{method: "PUT", path: base, body: promMin, wantStatus: 200},
		},
		// the auth type is kept by the merge, and so are the credentials (checked through the fake's hook in the unit tests)
		method: "GET", path: one, wantStatus: 200, wantJSON: `{"properties":{"prometheus.auth.type":"basicauth"}}`},
	{name: "put replaces top-level fields with defaults", modes: sqlOnly,
		setup: []exchange{
			create(`{"name":"{{name}}","connector":"prometheus","description":"d","status":"disabled","allowedRoles":["a"],"properties":{"prometheus.uri":"` + promURI + `"}}`),
			{method: "PUT", path: base, body: promMin, wantStatus: 200},
		},
		method: "GET", path: one, wantStatus: 200, wantJSON: `{"description":"","status":"ACTIVE","allowedRoles":[]}`},
	{name: "patch merges and replaces", modes: sqlOnly,
		setup: []exchange{
			create(prom(`"prometheus.uri":"` + promURI + `","x.a":"1"`)),
			{method: "PATCH", path: base, body: `{"name":"{{name}}","description":"test","status":"disabled","allowedRoles":["role3","role4"],"properties":{"x.b":"2"}}`, wantStatus: 200},
		},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"description":"test","status":"DISABLED","allowedRoles":["role3","role4"],"properties":{"x.a":"1","x.b":"2"}}`},
	{name: "patch ignores connector", modes: sqlOnly,
		setup: []exchange{
			create(promMin),
			{method: "PATCH", path: base, body: `{"name":"{{name}}","connector":"s3glue"}`, wantStatus: 200},
		},
		method: "GET", path: one, wantStatus: 200, wantJSON: `{"connector":"PROMETHEUS"}`},
	{name: "patch resultIndex alone re-activates (fall-through bug)", modes: sqlOnly,
		setup: []exchange{
			create(`{"name":"{{name}}","connector":"prometheus","status":"disabled","properties":{"prometheus.uri":"` + promURI + `"}}`),
			{method: "PATCH", path: base, body: `{"name":"{{name}}","resultIndex":"query_execution_result_x"}`, wantStatus: 200},
		},
		method: "GET", path: one, wantStatus: 200, wantJSON: `{"status":"ACTIVE","resultIndex":"query_execution_result_x"}`},
	{name: "security_lake injects enabled keys", modes: sqlOnly,
		setup:  []exchange{create(withConnector("security_lake", glueProps+`,"glue.lakeformation.session_tag":"tag"`))},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"connector":"SECURITY_LAKE","properties":{"glue.iceberg.enabled":"true","glue.lakeformation.enabled":"true"}}`},
	{name: "s3glue create", modes: sqlOnly, method: "POST", path: base, body: withConnector("s3glue", glueProps), wantStatus: 201},
	{name: "opensearch connector needs no properties", modes: sqlOnly, method: "POST", path: base,
		body: `{"name":"{{name}}","connector":"opensearch"}`, wantStatus: 201},

	// ---------- parse-stage errors (core shape) ----------
	{name: "no body on POST", modes: both, method: "POST", path: base,
		wantStatus: 400, wantShape: shapeCore, wantType: "parse_exception", wantMsg: "request body is required"},
	{name: "no body on PUT", modes: both, method: "PUT", path: base,
		wantStatus: 400, wantShape: shapeCore, wantType: "parse_exception", wantMsg: "request body is required"},
	{name: "no body on PATCH", modes: sqlOnly, method: "PATCH", path: base,
		wantStatus: 400, wantShape: shapeCore, wantType: "parse_exception", wantMsg: "request body is required"},
	{name: "malformed JSON", modes: both, method: "POST", path: base, body: `{"name":"{{name}}", "connector":`,
		wantStatus: 400, wantShape: shapeCore, wantType: "json_parse_exception"},
	{name: "top-level array", modes: both, method: "POST", path: base, body: "[" + promMin + "]",
		wantStatus: 400, wantShape: shapeCore, wantType: "parsing_exception",
		wantMsg: "Failed to parse object: expecting token of type [START_OBJECT] but found [START_ARRAY]"},
	{name: "properties not an object", modes: both, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","properties":"prometheus.uri=x"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "parsing_exception",
		wantMsg: "expecting token of type [START_OBJECT] but found [VALUE_STRING]"},
	{name: "unknown field configuration", modes: sqlOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","configuration":{"endpoint":"` + promURI + `","credentials":{"username":"u","password":"p"}},"properties":{}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Unknown field: configuration"},
	{name: "unknown field dataSourceId", modes: both, method: "PUT", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","dataSourceId":"x","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Unknown field: dataSourceId"},
	{name: "missing name", modes: both, method: "POST", path: base, body: `{"connector":"prometheus","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception",
		wantMsg: "Datasource configuration error: name cannot be null or empty."},
	{name: "missing connector", modes: both, method: "POST", path: base, body: `{"name":"{{name}}"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception",
		wantMsg: "Datasource configuration error: connector cannot be null or empty."},
	{name: "missing name and connector", modes: both, method: "PUT", path: base, body: `{"description":"x"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception",
		wantMsg: "Datasource configuration error: name, connector cannot be null or empty."},
	{name: "empty name", modes: both, method: "POST", path: base, body: `{"name":"","connector":"prometheus"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception",
		wantMsg: "Datasource configuration error: name cannot be null or empty."},
	{name: "name with a dot", modes: both, method: "POST", path: base,
		body:       `{"name":"{{name}}.x","connector":"prometheus","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception",
		wantMsg: "DataSource Name: {{name}}.x contains illegal characters. Allowed characters: a-zA-Z0-9_-*@."},
	{name: "name starting with a digit", modes: both, method: "POST", path: base,
		body:       `{"name":"1{{name}}","connector":"prometheus","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "contains illegal characters"},
	{name: "unknown connector", modes: sqlOnly, method: "POST", path: base, body: `{"name":"{{name}}","connector":"mysql"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "No DataSourceType with name mysql found"},
	{name: "null connector", modes: sqlOnly, method: "POST", path: base, body: `{"name":"{{name}}","connector":null}`,
		wantStatus: 500, wantShape: shapeCore, wantType: "null_pointer_exception"},
	{name: "invalid status", modes: both, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","status":"error","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "No DataSourceStatus with text error found"},
	{name: "resultIndex without prefix", modes: sqlOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","resultIndex":"customer_data_results","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Result index must start with query_execution_result"},
	{name: "resultIndex messages concatenate", modes: sqlOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","resultIndex":"Bad.Index","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception",
		wantMsg: "Result index name has invalid character. Valid characters are a-z, 0-9, -(hyphen) and _(underscore).Result index must start with query_execution_result"},
	{name: "resultIndex too long", modes: sqlOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","resultIndex":"query_execution_result_` + strings.Repeat("a", 240) + `","properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Result index name size must contains less than 255 characters."},
	{name: "nested property value", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":{"host":"x"}`),
		wantStatus: 500, wantShape: shapeCore, wantType: "illegal_state_exception", wantMsg: "Can't get text on a START_OBJECT at 1:"},
	{name: "null inside allowedRoles", modes: sqlOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"prometheus","allowedRoles":["a",null],"properties":{"prometheus.uri":"` + promURI + `"}}`,
		wantStatus: 500, wantShape: shapeCore, wantType: "illegal_state_exception", wantMsg: "Can't get text on a"},
	{name: "patch without name", modes: sqlOnly, method: "PATCH", path: base, body: `{"description":"x"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Name is a required field."},
	{name: "patch unknown field", modes: sqlOnly, method: "PATCH", path: base, body: `{"name":"{{name}}","configuration":{}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Unknown field: configuration"},

	// ---------- transport / service errors (plugin shape) ----------
	{name: "@opensearch create", modes: both, method: "POST", path: base, body: `{"name":"@opensearch","connector":"opensearch"}`,
		wantStatus: 400, wantShape: shapePlugin, wantType: "ActionRequestValidationException",
		wantMsg: "Validation Failed: 1: Not allowed to create datasource with name : @opensearch;"},
	{name: "@opensearch update", modes: both, method: "PUT", path: base, body: `{"name":"@opensearch","connector":"opensearch"}`,
		wantStatus: 400, wantShape: shapePlugin, wantType: "ActionRequestValidationException",
		wantMsg: "Validation Failed: 1: Not allowed to update datasource with name : @opensearch;"},
	{name: "@opensearch patch", modes: sqlOnly, method: "PATCH", path: base, body: `{"name":"@opensearch","description":"x"}`,
		wantStatus: 400, wantShape: shapePlugin, wantType: "ActionRequestValidationException", wantMsg: "Not allowed to update datasource with name : @opensearch;"},
	{name: "@opensearch get", modes: both, method: "GET", path: base + "/@opensearch",
		wantStatus: 400, wantShape: shapePlugin, wantType: "ActionRequestValidationException",
		wantMsg: "Validation Failed: 1: Not allowed to fetch datasource with name : @opensearch;"},
	{name: "@opensearch delete", modes: both, method: "DELETE", path: base + "/@opensearch",
		wantStatus: 400, wantShape: shapePlugin, wantType: "ActionRequestValidationException",
		wantMsg: "Validation Failed: 1: Not allowed to delete datasource with name : @opensearch;"},
	{name: "duplicate create", modes: both, setup: []exchange{create(promMin)}, method: "POST", path: base, body: promMin,
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "A datasource already exists with name: {{name}}"},
	{name: "get missing", modes: both, method: "GET", path: one,
		wantStatus: 404, wantShape: shapePlugin, wantType: "DataSourceNotFoundException", wantMsg: "DataSource with name {{name}} doesn't exist."},
	{name: "put missing", modes: both, method: "PUT", path: base, body: promMin,
		wantStatus: 404, wantShape: shapePlugin, wantType: "DataSourceNotFoundException", wantMsg: "Datasource with name: {{name}} doesn't exist"},
	{name: "patch missing", modes: sqlOnly, method: "PATCH", path: base, body: `{"name":"{{name}}","description":"x"}`,
		wantStatus: 404, wantShape: shapePlugin, wantType: "DataSourceNotFoundException", wantMsg: "DataSource with name {{name}} doesn't exist."},
	{name: "delete missing", modes: both, method: "DELETE", path: one,
		wantStatus: 404, wantShape: shapePlugin, wantType: "DataSourceNotFoundException", wantMsg: "Datasource with name: {{name}} doesn't exist"},
	{name: "get after delete", modes: both, setup: []exchange{create(promMin), {method: "DELETE", path: one}}, method: "GET", path: one,
		wantStatus: 404, wantShape: shapePlugin, wantType: "DataSourceNotFoundException"},
	{name: "put validation precedes existence", modes: sqlOnly, method: "PUT", path: base, body: prom(`"x":"y"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Missing [prometheus.uri] fields in the connector properties."},
	{name: "prometheus uri missing", modes: sqlOnly, method: "POST", path: base, body: prom(`"x":"y"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Missing [prometheus.uri] fields in the connector properties."},
	{name: "prometheus no properties at all", modes: sqlOnly, method: "POST", path: base, body: `{"name":"{{name}}","connector":"prometheus"}`,
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Missing [prometheus.uri] fields in the connector properties."},
	{name: "prometheus basicauth missing password", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"` + promURI + `","prometheus.auth.type":"basicauth","prometheus.auth.username":"u"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Missing [prometheus.auth.password] fields in the connector properties."},
	{name: "prometheus awssigv4 missing region", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"` + promURI + `","prometheus.auth.type":"awssigv4","prometheus.auth.access_key":"a","prometheus.auth.secret_key":"s"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Missing [prometheus.auth.region] fields in the connector properties."},
	{name: "prometheus auth type noauth", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"` + promURI + `","prometheus.auth.type":"noauth"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "AUTH Type : noauth is not supported with Prometheus Connector"},
	{name: "required value over 1000 characters", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"http://127.0.0.1:9090/` + strings.Repeat("a", 1000) + `"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Fields [prometheus.uri] exceeds more than 1000 characters."},
	{name: "prometheus host does not resolve", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"http://prometheus.invalid:9090"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Invalid URI in prometheus properties: "},
	{name: "prometheus uri syntax error", modes: sqlOnly, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"http://exa mple:9090"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Invalid URI in prometheus properties: "},
	{name: "prometheus host denylisted", modes: sqlOnly, fakeOnly: true, method: "POST", path: base,
		body:       prom(`"prometheus.uri":"http://denied.example:9090"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException",
		wantMsg: "Disallowed hostname in the uri. Validate with plugins.query.datasources.uri.hosts.denylist config"},
	{name: "s3glue missing required keys", modes: sqlOnly, method: "POST", path: base,
		body:       withConnector("s3glue", `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn","glue.indexstore.opensearch.uri":"http://127.0.0.1:9200"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Missing [glue.indexstore.opensearch.auth] fields in the connector properties."},
	{name: "s3glue basicauth missing password", modes: sqlOnly, method: "POST", path: base,
		body: withConnector("s3glue", `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn","glue.indexstore.opensearch.uri":"http://127.0.0.1:9200",`+
			`"glue.indexstore.opensearch.auth":"basicauth","glue.indexstore.opensearch.auth.username":"u"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException",
		wantMsg: "Missing [glue.indexstore.opensearch.auth.password] fields in the connector properties."},
	{name: "s3glue awssigv4 needs region", modes: sqlOnly, method: "POST", path: base,
		body: withConnector("s3glue", `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn","glue.indexstore.opensearch.uri":"http://127.0.0.1:9200",`+
			`"glue.indexstore.opensearch.auth":"awssigv4"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException",
		wantMsg: "Missing [glue.indexstore.opensearch.region] fields in the connector properties."},
	{name: "s3glue flint host does not resolve", modes: sqlOnly, method: "POST", path: base,
		body: withConnector("s3glue", `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn","glue.indexstore.opensearch.uri":"http://flint.invalid:9200",`+
			`"glue.indexstore.opensearch.auth":"noauth"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Invalid flint host in properties."},
	{name: "s3glue flint host denylisted", modes: sqlOnly, fakeOnly: true, method: "POST", path: base,
		body: withConnector("s3glue", `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn","glue.indexstore.opensearch.uri":"http://denied.example:9200",`+
			`"glue.indexstore.opensearch.auth":"noauth"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Disallowed hostname in the uri."},
	{name: "lake formation without iceberg", modes: sqlOnly, method: "POST", path: base,
		body:       withConnector("s3glue", glueProps+`,"glue.lakeformation.enabled":"true","glue.lakeformation.session_tag":"t"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Lake Formation can only be enabled when Iceberg is enabled."},
	{name: "lake formation without session tag", modes: sqlOnly, method: "POST", path: base,
		body:       withConnector("s3glue", glueProps+`,"glue.lakeformation.enabled":"true","glue.iceberg.enabled":"true"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "Lake Formation session tag must be specified when enabling Lake Formation"},
	{name: "security_lake needs session tag", modes: sqlOnly, method: "POST", path: base,
		body:       withConnector("security_lake", glueProps),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "glue.lakeformation.session_tag must be specified when using Security Lake data source"},
	{name: "security_lake iceberg false", modes: sqlOnly, method: "POST", path: base,
		body:       withConnector("security_lake", glueProps+`,"glue.iceberg.enabled":"false","glue.lakeformation.session_tag":"t"`),
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "glue.iceberg.enabled cannot be false when using Security Lake data source."},
	{name: "patch re-validates merged properties", modes: sqlOnly, setup: []exchange{create(promMin)},
		method: "PATCH", path: base, body: `{"name":"{{name}}","properties":{"prometheus.auth.type":"basicauth"}}`,
		wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalArgumentException", wantMsg: "fields in the connector properties."},

	// ---------- fake-only hooks ----------
	{name: "disabled API on list", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.SetEnabled(false) },
		method: "GET", path: base, wantStatus: 400, wantShape: shapePlugin, wantType: "OpenSearchStatusException",
		wantMsg: "plugins.query.datasources.enabled setting is false"},
	{name: "disabled API on create", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.SetEnabled(false) },
		method: "POST", path: base, body: `not json`, wantStatus: 400, wantShape: shapePlugin, wantType: "OpenSearchStatusException",
		wantMsg: "plugins.query.datasources.enabled setting is false"},
	{name: "disabled API on delete", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.SetEnabled(false) },
		method: "DELETE", path: one, wantStatus: 400, wantShape: shapePlugin, wantType: "OpenSearchStatusException"},
	{name: "limit reached", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.SetLimit(1) },
		setup:  []exchange{create(promMin2)},
		method: "POST", path: base, body: promMin, wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalStateException",
		wantMsg: "domain concurrent datasources can not exceed 1"},
	{name: "forbidden read", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.Forbid(fos.ActionRead) },
		method: "GET", path: base, wantStatus: 403, wantShape: shapePlugin, wantType: "OpenSearchSecurityException",
		wantMsg: "no permissions for [cluster:admin/opensearch/ql/datasources/read] and User [name=admin, backend_roles=[], requestedTenant=null]"},
	{name: "forbidden create", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.Forbid(fos.ActionCreate) },
		method: "POST", path: base, body: promMin, wantStatus: 403, wantShape: shapePlugin, wantType: "OpenSearchSecurityException",
		wantMsg: "no permissions for [cluster:admin/opensearch/ql/datasources/create]"},
	{name: "forbidden patch", modes: sqlOnly, fakeOnly: true, fake: func(s *fos.Server) { s.Forbid(fos.ActionPatch) },
		method: "PATCH", path: base, body: `{"name":"{{name}}"}`, wantStatus: 403, wantShape: shapePlugin, wantType: "OpenSearchSecurityException",
		wantMsg: "no permissions for [cluster:admin/opensearch/ql/datasources/patch]"},
	{name: "unauthenticated", modes: both, needsAuth: true,
		fakeOpts: func(o *fos.Options) { o.Username, o.Password = "admin", "Admin_123" },
		method:   "GET", path: base, noAuth: true,
		wantStatus: 401, wantShape: shapeCore, wantType: "security_exception", wantMsg: "Unauthorized",
		wantHeader: map[string]string{"Www-Authenticate": `Basic realm="OpenSearch Security"`}},
	{name: "authenticated", modes: both, fakeOpts: func(o *fos.Options) { o.Username, o.Password = "admin", "Admin_123" },
		method: "GET", path: "/", wantStatus: 200, wantJSON: `{"version":{"distribution":"opensearch"}}`},
	{name: "injected 503 fault", modes: both, fakeOnly: true, fake: func(s *fos.Server) { s.FailNext(1, fos.Fault{Status: 503}) },
		method: "GET", path: base, wantStatus: 503, wantShape: shapePlugin},
	{name: "injected 429 fault with Retry-After", modes: both, fakeOnly: true,
		fake:   func(s *fos.Server) { s.FailNext(1, fos.Fault{Status: 429, RetryAfter: 1500_000_000}) },
		method: "POST", path: base, body: promMin, wantStatus: 429, wantShape: shapePlugin, wantHeader: map[string]string{"Retry-After": "2"}},
	{name: "unsupported content type", modes: both, method: "POST", path: base, body: promMin, contentType: "text/plain",
		wantStatus: 406, wantShape: shapeSimple, wantMsg: "Content-Type header [text/plain] is not supported"},

	// ---------- settings and releases (the reference's §10 and the 2.x-3.x behaviours) ----------
	{name: "no master key: credentials refused", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.NoMasterKey = true },
		method:   "POST", path: base, body: promBasic, wantStatus: 400, wantShape: shapePlugin, wantType: "IllegalStateException",
		wantMsg: "Master key is a required config for using create and update datasource APIs.Please set plugins.query.datasources.encryption.masterkey config"},
	{name: "no master key: no credentials, no problem", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.NoMasterKey = true },
		method:   "POST", path: base, body: promMin, wantStatus: 201},
	{name: "no master key: patch needs no key when nothing is secret", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.NoMasterKey = true },
		setup:    []exchange{create(promMin)},
		method:   "PATCH", path: base, body: `{"name":"{{name}}","description":"d"}`, wantStatus: 200},
	{name: "no master key before 2.9: the default key", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.NoMasterKey, o.Version = true, "2.8.0" },
		method:   "POST", path: base, body: `{"name":"{{name}}","connector":"prometheus","properties":{"prometheus.uri":"` + promURI +
			`","prometheus.auth.type":"basicauth","prometheus.auth.username":"u","prometheus.auth.password":"p"}}`, wantStatus: 201},
	{name: "API switch does not exist before 2.16", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.15.0" }, fake: func(s *fos.Server) { s.SetEnabled(false) },
		method: "GET", path: base, wantStatus: 200},
	{name: "API switch from 2.16", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.16.0" }, fake: func(s *fos.Server) { s.SetEnabled(false) },
		method: "POST", path: base, body: promMin, wantStatus: 400, wantShape: shapePlugin, wantType: "OpenSearchStatusException",
		wantMsg: "plugins.query.datasources.enabled setting is false"},
	{name: "no limit before 2.12", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.11.1" }, fake: func(s *fos.Server) { s.SetLimit(1) },
		setup:  []exchange{create(promMin2)},
		method: "POST", path: base, body: promMin, wantStatus: 201, wantBody: `"Created DataSource with name {{name}}"`},
	{name: "no PATCH before 2.12", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.11.1" },
		method:   "PATCH", path: base, body: `{"name":"{{name}}"}`, wantStatus: 405, wantShape: shapeSimple, wantMsg: "allowed: [GET, POST, PUT]"},
	{name: "no security_lake before 2.17", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.16.0" },
		method:   "POST", path: base, body: withConnector("security_lake", glueProps+`,"glue.lakeformation.session_tag":"tag"`),
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "No DataSourceType with name security_lake found"},
	{name: "no s3glue before 2.11", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.10.0" },
		method:   "POST", path: base, body: withConnector("s3glue", glueProps),
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "No DataSourceType with name s3glue found"},
	{name: "spark until 2.19", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "2.19.1" },
		method:   "POST", path: base, body: withConnector("spark", `"spark.connector":"emr","emr.cluster":"j-1","emr.auth.type":"awssigv4","emr.auth.access_key":"a","emr.auth.secret_key":"s"`),
		wantStatus: 201},
	{name: "no spark from 3.0", modes: sqlOnly, fakeOnly: true,
		fakeOpts: func(o *fos.Options) { o.Version = "3.0.0" },
		method:   "POST", path: base, body: withConnector("spark", `"spark.connector":"emr"`),
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "No DataSourceType with name spark found"},
	{name: "housekeeper: a re-created s3glue has lost its Flint indices", modes: sqlOnly, fakeOnly: true,
		setup: []exchange{
			{method: "POST", path: base, body: withConnector("s3glue", glueProps), wantStatus: 201,
				then: func(s *fos.Server, v map[string]string) {
					s.AddFlintIndex(v["name"], "flint_"+v["name"]+"_default_logs_skipping_index")
				}},
			{method: "DELETE", path: one, wantStatus: 204, then: func(s *fos.Server, _ map[string]string) { s.RunHousekeeper() }},
		},
		method: "POST", path: base, body: withConnector("s3glue", glueProps), wantStatus: 201,
		checkFake: func(s *fos.Server, v map[string]string) string {
			if got := s.FlintIndices(v["name"]); len(got) != 0 {
				return "the re-created data source still has its Flint indices"
			}
			return ""
		}},
	{name: "housekeeper: re-activating does not restore auto-refresh", modes: sqlOnly, fakeOnly: true,
		setup: []exchange{
			{method: "POST", path: base, body: withConnector("security_lake", glueProps+`,"glue.lakeformation.session_tag":"tag"`), wantStatus: 201,
				then: func(s *fos.Server, v map[string]string) {
					s.AddFlintIndex(v["name"], "flint_"+v["name"]+"_default_logs_mv")
				}},
			{method: "PATCH", path: base, body: `{"name":"{{name}}","status":"disabled"}`, wantStatus: 200,
				then: func(s *fos.Server, _ map[string]string) { s.RunHousekeeper() }},
		},
		method: "PATCH", path: base, body: `{"name":"{{name}}","status":"active"}`, wantStatus: 200,
		checkFake: func(s *fos.Server, v map[string]string) string {
			s.RunHousekeeper()
			if got := s.FlintIndices(v["name"]); len(got) != 1 || got[0].AutoRefresh {
				return "want one Flint index with auto-refresh still off"
			}
			return ""
		}},
	{name: "patch keeps the stored credentials", modes: sqlOnly, fakeOnly: true,
		setup:  []exchange{create(promBasic)},
		method: "PATCH", path: base, body: `{"name":"{{name}}","description":"d","status":"ACTIVE"}`, wantStatus: 200,
		checkFake: func(s *fos.Server, v map[string]string) string {
			if d, ok := s.Stored(v["name"]); !ok || d.Properties["prometheus.auth.password"] != "s3cret" {
				return "the password did not survive the PATCH"
			}
			return ""
		}},

	// ---------- documented dialect ----------
	{name: "documented create with configuration", modes: docOnly, method: "POST", path: base, body: docFull,
		wantStatus: 201, wantJSON: `{"name":"{{name}}","status":"ACTIVE","message":"Data source created successfully."}`,
		wantMatch: map[string]string{"dataSourceId": `^[A-Za-z0-9_-]{20}$`}},
	{name: "documented seed example accepted", modes: docOnly,
		setup:  []exchange{create(docFull)},
		method: "PUT", path: base, body: seedExample, wantStatus: 200,
		wantJSON:  `{"name":"{{name}}","status":"ACTIVE","message":"Data source updated successfully."}`,
		wantMatch: map[string]string{"dataSourceId": `^[A-Za-z0-9_-]{20}$`}},
	{name: "documented dataSourceId stable across two PUTs", modes: docOnly,
		setup: []exchange{
			{method: "POST", path: base, body: docFull, wantStatus: 201, capture: map[string]string{"id": "dataSourceId"}},
			{method: "PUT", path: base, body: seedExample, wantStatus: 200},
		},
		method: "PUT", path: base, body: docFull, wantStatus: 200,
		wantJSON: `{"dataSourceId":"{{id}}","name":"{{name}}","message":"Data source updated successfully."}`},
	{name: "documented mysql connector accepted", modes: docOnly, method: "POST", path: base,
		body: `{"name":"{{name}}","connector":"mysql","properties":{"host":"mysql-server"}}`, wantStatus: 201},
	{name: "documented get masks password and keeps types", modes: docOnly, setup: []exchange{create(docFull)},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"name":"{{name}}","connector":"mysql","resultIndex":"customer_data_results","status":"ACTIVE",` +
			`"configuration":{"endpoint":"jdbc:mysql://mysql-server:3306/customers","credentials":{"username":"db_user","password":"******"}},` +
			`"properties":{"port":"3306","encryption":true,"connectionTimeout":60000}}`,
		wantMatch: map[string]string{"dataSourceId": `^[A-Za-z0-9_-]{20}$`}},
	{name: "documented put replaces the whole document", modes: docOnly,
		setup: []exchange{
			create(docFull),
			{method: "PUT", path: base, body: `{"name":"{{name}}","connector":"mysql","properties":{"database":"other"}}`, wantStatus: 200},
		},
		method: "GET", path: one, wantStatus: 200,
		wantJSON: `{"description":"","allowedRoles":[],"properties":{"database":"other"}}`, wantAbsent: []string{"port", "encryption"}},
	{name: "documented delete answers JSON", modes: docOnly, setup: []exchange{create(docFull)},
		method: "DELETE", path: one, wantStatus: 200, wantJSON: `{"name":"{{name}}","message":"Data source deleted successfully."}`,
		wantMatch: map[string]string{"dataSourceId": `^[A-Za-z0-9_-]{20}$`}},
	{name: "documented configuration requires credentials", modes: docOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"mysql","configuration":{"endpoint":"jdbc:mysql://h:3306/db"}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "configuration.credentials.username"},
	{name: "documented configuration requires endpoint", modes: docOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"mysql","configuration":{"credentials":{"username":"u","password":"p"}}}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "configuration.endpoint"},
	{name: "documented resultIndex invalid characters", modes: docOnly, method: "POST", path: base,
		body:       `{"name":"{{name}}","connector":"mysql","resultIndex":"Customer.Results"}`,
		wantStatus: 400, wantShape: shapeCore, wantType: "illegal_argument_exception", wantMsg: "Result index name has invalid character."},
	{name: "documented list contains", modes: docOnly, setup: []exchange{create(docFull)},
		method: "GET", path: base, wantStatus: 200,
		wantListContains: `{"name":"{{name}}","configuration":{"credentials":{"password":"******"}}}`},
	{name: "documented has no PATCH", modes: docOnly, method: "PATCH", path: base, body: `{"name":"{{name}}"}`,
		wantStatus: 405, wantShape: shapeSimple, wantMsg: "and method [PATCH], allowed: [GET, POST, PUT]"},
}
