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

package opensearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// raw builds a property map from JSON snippets.
func raw(kv ...string) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = json.RawMessage(kv[i+1])
	}
	return m
}

// decode turns a body into generic JSON for comparison.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, b)
	}
	return m
}

func mustJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	return decode(t, []byte(s))
}

var creds = &Configuration{Endpoint: "http://prom:9090", Username: "u", Password: "p"}

func TestBuildBody(t *testing.T) {
	tests := []struct {
		name    string
		dialect Dialect
		ds      DataSource
		want    string // expected body as JSON; empty when an error is expected
		wantErr string // substring of the *InvalidSpecError message
	}{
		{
			name:    "documented prometheus with configuration keeps it and typed values",
			dialect: DialectDocumented,
			ds: DataSource{Name: "p", Connector: "prometheus", ResultIndex: "query_execution_result_p", Status: "active",
				Properties: raw("a", `"x"`, "n", `9090`, "f", `1.50`, "b", `true`), Configuration: creds},
			want: `{"name":"p","description":"","connector":"prometheus","allowedRoles":[],
				"properties":{"a":"x","n":9090,"f":1.50,"b":true},"resultIndex":"query_execution_result_p","status":"ACTIVE",
				"configuration":{"endpoint":"http://prom:9090","credentials":{"username":"u","password":"p"}}}`,
		},
		{
			name:    "documented without configuration omits the key",
			dialect: DialectDocumented,
			ds:      DataSource{Name: "o", Connector: "opensearch", ResultIndex: "query_execution_result_o", Status: "DISABLED"},
			want: `{"name":"o","description":"","connector":"opensearch","allowedRoles":[],"properties":{},
				"resultIndex":"query_execution_result_o","status":"DISABLED"}`,
		},
		{
			name:    "documented mysql with configuration",
			dialect: DialectDocumented,
			ds: DataSource{Name: "m", Connector: "mysql", ResultIndex: "r", Status: "ACTIVE",
				Configuration: &Configuration{Endpoint: "jdbc:mysql://h:3306/db?a=1&b=2", Username: "u", Password: "p"}},
			want: `{"name":"m","description":"","connector":"mysql","allowedRoles":[],"properties":{},"resultIndex":"r","status":"ACTIVE",
				"configuration":{"endpoint":"jdbc:mysql://h:3306/db?a=1&b=2","credentials":{"username":"u","password":"p"}}}`,
		},
		{
			name:    "sqlplugin prometheus folds configuration and stringifies values",
			dialect: DialectSQLPlugin,
			ds: DataSource{Name: "p", Connector: "Prometheus", ResultIndex: "query_execution_result_p", Status: "ACTIVE",
				AllowedRoles: []string{"b", "a"}, Description: "d",
				Properties: raw("a", `"x"`, "n", `9090`, "f", `1.50`, "b", `false`), Configuration: creds},
			want: `{"name":"p","description":"d","connector":"Prometheus","allowedRoles":["b","a"],
				"properties":{"a":"x","n":"9090","f":"1.50","b":"false","prometheus.uri":"http://prom:9090",
				"prometheus.auth.type":"basicauth","prometheus.auth.username":"u","prometheus.auth.password":"p"},
				"resultIndex":"query_execution_result_p","status":"ACTIVE"}`,
		},
		{
			name:    "sqlplugin s3glue folds into glue index store keys",
			dialect: DialectSQLPlugin,
			ds: DataSource{Name: "g", Connector: "s3glue", ResultIndex: "query_execution_result_g",
				Properties: raw("glue.auth.type", `"iam_role"`), Configuration: creds},
			want: `{"name":"g","description":"","connector":"s3glue","allowedRoles":[],
				"properties":{"glue.auth.type":"iam_role","glue.indexstore.opensearch.uri":"http://prom:9090",
				"glue.indexstore.opensearch.auth":"basicauth","glue.indexstore.opensearch.auth.username":"u",
				"glue.indexstore.opensearch.auth.password":"p"},"resultIndex":"query_execution_result_g","status":"ACTIVE"}`,
		},
		{
			name:    "sqlplugin security_lake folds into glue index store keys",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "s", Connector: "SECURITY_LAKE", ResultIndex: "query_execution_result_s", Configuration: creds},
			want: `{"name":"s","description":"","connector":"SECURITY_LAKE","allowedRoles":[],
				"properties":{"glue.indexstore.opensearch.uri":"http://prom:9090",
				"glue.indexstore.opensearch.auth":"basicauth","glue.indexstore.opensearch.auth.username":"u",
				"glue.indexstore.opensearch.auth.password":"p"},"resultIndex":"query_execution_result_s","status":"ACTIVE"}`,
		},
		{
			name:    "sqlplugin opensearch without configuration",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "o", Connector: "opensearch", Properties: raw("k", `"v"`)},
			want: `{"name":"o","description":"","connector":"opensearch","allowedRoles":[],"properties":{"k":"v"},
				"resultIndex":"query_execution_result_o","status":"ACTIVE"}`,
		},
		{
			name:    "sqlplugin mysql without configuration",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "m", Connector: "mysql", ResultIndex: "query_execution_result_m"},
			want: `{"name":"m","description":"","connector":"mysql","allowedRoles":[],"properties":{},
				"resultIndex":"query_execution_result_m","status":"ACTIVE"}`,
		},
		{
			name:    "sqlplugin opensearch with configuration is refused",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "o", Connector: "opensearch", Configuration: creds},
			wantErr: `configuration is not supported for connector "opensearch" by the SQL plugin dialect; use properties/propertiesFrom`,
		},
		{
			name:    "sqlplugin mysql with configuration is refused",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "m", Connector: "mysql", Configuration: creds},
			wantErr: `configuration is not supported for connector "mysql" by the SQL plugin dialect, and the SQL plugin has no such connector: ` +
				`it knows prometheus, s3glue, security_lake and opensearch (spark too from 2.9 to 2.19); mysql and other database connectors exist only in the documented API`,
		},
		{
			name:    "sqlplugin folded keys conflicting with properties are named, sorted",
			dialect: DialectSQLPlugin,
			ds: DataSource{Name: "p", Connector: "prometheus", Configuration: creds,
				Properties: raw("prometheus.uri", `"x"`, "prometheus.auth.type", `"awssigv4"`, "other", `"y"`)},
			wantErr: "properties prometheus.auth.type, prometheus.uri are also set by configuration",
		},
		{
			name:    "nested object rejected (documented)",
			dialect: DialectDocumented,
			ds:      DataSource{Name: "p", Connector: "prometheus", Properties: raw("ok", `"x"`, "nested", `{"a":1}`)},
			wantErr: `property "nested": nested objects and arrays are not allowed`,
		},
		{
			name:    "array rejected (sqlplugin)",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "p", Connector: "prometheus", Properties: raw("arr", `[1]`)},
			wantErr: `property "arr"`,
		},
		{
			name:    "null rejected",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "p", Connector: "prometheus", Properties: raw("n", `null`)},
			wantErr: `property "n": null is not allowed`,
		},
		{
			name:    "invalid JSON rejected",
			dialect: DialectDocumented,
			ds:      DataSource{Name: "p", Connector: "prometheus", Properties: raw("bad", `{oops`)},
			wantErr: `property "bad": value is not valid JSON`,
		},
		{
			name:    "string with escapes is unquoted for the sql plugin",
			dialect: DialectSQLPlugin,
			ds:      DataSource{Name: "p", Connector: "opensearch", ResultIndex: "query_execution_result_p", Properties: raw("q", `"a\"b\u00e9"`)},
			want: `{"name":"p","description":"","connector":"opensearch","allowedRoles":[],"properties":{"q":"a\"bé"},
				"resultIndex":"query_execution_result_p","status":"ACTIVE"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildBody(tt.dialect, tt.ds)
			if tt.wantErr != "" {
				var ise *InvalidSpecError
				if !errors.As(err, &ise) {
					t.Fatalf("err = %v (%T), want *InvalidSpecError", err, err)
				}
				if !strings.Contains(ise.Error(), tt.wantErr) {
					t.Fatalf("err = %q, want it to contain %q", ise.Error(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("BuildBody: %v", err)
			}
			if g, w := decode(t, got), mustJSON(t, tt.want); !reflect.DeepEqual(g, w) {
				t.Errorf("body mismatch\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestBuildBodyRawText(t *testing.T) {
	// Exact bytes matter here: numbers keep their written form and nothing is
	// HTML-escaped.
	ds := DataSource{Name: "p", Connector: "prometheus", ResultIndex: "query_execution_result_p",
		Properties: raw("f", `1.50`, "u", `"http://h/?a=1&b=<2>"`)}
	tests := []struct {
		dialect Dialect
		want    []string
	}{
		{DialectDocumented, []string{`"f":1.50`, `"u":"http://h/?a=1&b=<2>"`, `"allowedRoles":[]`}},
		{DialectSQLPlugin, []string{`"f":"1.50"`, `"u":"http://h/?a=1&b=<2>"`, `"allowedRoles":[]`}},
	}
	for _, tt := range tests {
		t.Run(string(tt.dialect), func(t *testing.T) {
			got, err := BuildBody(tt.dialect, ds)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("body %s does not contain %s", got, w)
				}
			}
		})
	}
}

func TestBuildBodyDeterministic(t *testing.T) {
	ds := DataSource{Name: "p", Connector: "prometheus", Configuration: creds,
		Properties: raw("z", `"1"`, "a", `2`, "m", `true`, "b", `"x"`, "y", `"y"`, "c", `3.0`)}
	for _, d := range []Dialect{DialectDocumented, DialectSQLPlugin} {
		first, err := BuildBody(d, ds)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 50; i++ {
			again, _ := BuildBody(d, ds)
			if !bytes.Equal(first, again) {
				t.Fatalf("%s: body changed between calls:\n%s\n%s", d, first, again)
			}
		}
	}
}

func TestBuildBodyDefaults(t *testing.T) {
	tests := []struct {
		name  string
		ds    DataSource
		field string
		want  any
	}{
		{"nil roles become []", DataSource{Name: "x", Connector: "opensearch"}, "allowedRoles", []any{}},
		{"empty roles become []", DataSource{Name: "x", Connector: "opensearch", AllowedRoles: []string{}}, "allowedRoles", []any{}},
		{"nil properties become {}", DataSource{Name: "x", Connector: "opensearch"}, "properties", map[string]any{}},
		{"empty status is ACTIVE", DataSource{Name: "x", Connector: "opensearch"}, "status", "ACTIVE"},
		{"status upper-cased", DataSource{Name: "x", Connector: "opensearch", Status: "disabled"}, "status", "DISABLED"},
		{"empty resultIndex defaulted", DataSource{Name: "My_X", Connector: "opensearch"}, "resultIndex", "query_execution_result_my_x"},
	}
	for _, tt := range tests {
		for _, d := range []Dialect{DialectDocumented, DialectSQLPlugin} {
			t.Run(tt.name+"/"+string(d), func(t *testing.T) {
				b, err := BuildBody(d, tt.ds)
				if err != nil {
					t.Fatal(err)
				}
				if got := decode(t, b)[tt.field]; !reflect.DeepEqual(got, tt.want) {
					t.Errorf("%s = %#v, want %#v", tt.field, got, tt.want)
				}
			})
		}
	}
}

func TestBuildBodyBadDialect(t *testing.T) {
	for _, d := range []Dialect{DialectAuto, "", "Other"} {
		if _, err := BuildBody(d, DataSource{Name: "x", Connector: "opensearch"}); err == nil {
			t.Errorf("BuildBody(%q) succeeded, want an error", d)
		}
	}
}

// seedExample is the request body on the documented Update Data Source API page.
const seedExample = `{
  "name": "mysql-customer-database",
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

func TestBuildBodySeedExample(t *testing.T) {
	ds := DataSource{
		Name:         "mysql-customer-database",
		Description:  "Updated connection to customer database - Production",
		Connector:    "mysql",
		ResultIndex:  "customer_data_results",
		Status:       "ACTIVE",
		AllowedRoles: []string{"analyst_role", "admin_role", "reporting_role"},
		Configuration: &Configuration{
			Endpoint: "jdbc:mysql://mysql-server:3306/customers",
			Username: "db_user",
			Password: "new_db_password",
		},
		Properties: raw("database", `"customers"`, "port", `"3306"`, "host", `"mysql-server"`,
			"encryption", `true`, "connectionTimeout", `60000`),
	}
	got, err := BuildBody(DialectDocumented, ds)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := decode(t, got), mustJSON(t, seedExample); !reflect.DeepEqual(g, w) {
		t.Errorf("seed example does not round trip\n got: %s", got)
	}
}
