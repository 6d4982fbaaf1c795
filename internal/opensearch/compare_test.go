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
	"errors"
	"reflect"
	"testing"
)

func TestCompareRemote(t *testing.T) {
	promDesired := DataSource{
		Name: "p", Description: "d", Connector: "prometheus", Status: "ACTIVE",
		AllowedRoles:  []string{"a", "b"},
		Properties:    raw("x", `9090`, "y", `"v"`, "z.auth.secret_key", `"s"`),
		Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "u", Password: "pw"},
	}
	// promRemote is what the SQL plugin's GET returns after writing promDesired.
	promRemote := func() RemoteDataSource {
		return RemoteDataSource{
			Name: "p", Description: "d", Connector: "PROMETHEUS", Status: "ACTIVE",
			ResultIndex: "query_execution_result_p", AllowedRoles: []string{"a", "b"},
			Properties: map[string]string{"x": "9090", "y": "v", "prometheus.uri": "http://prom:9090", "prometheus.auth.type": "basicauth"},
		}
	}
	lakeDesired := DataSource{Name: "l", Connector: "security_lake",
		Properties: raw("glue.auth.type", `"iam_role"`)}
	lakeRemote := RemoteDataSource{Name: "l", Connector: "SECURITY_LAKE", Status: "ACTIVE",
		ResultIndex: "query_execution_result_l",
		Properties:  map[string]string{"glue.auth.type": "iam_role", "glue.iceberg.enabled": "true", "glue.lakeformation.enabled": "true"}}

	tests := []struct {
		name      string
		dialect   Dialect
		desired   DataSource
		remote    func() RemoteDataSource
		wantField []string
		wantStale []string
	}{
		{name: "in sync (sql plugin)", dialect: DialectSQLPlugin, desired: promDesired, remote: promRemote},
		{name: "description", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); r.Description = "changed"; return r }, wantField: []string{"description"}},
		{name: "description empty equals absent", dialect: DialectSQLPlugin,
			desired: func() DataSource { d := promDesired; d.Description = ""; return d }(),
			remote:  func() RemoteDataSource { r := promRemote(); r.Description = ""; return r }},
		{name: "connector case-insensitive", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); r.Connector = "Prometheus"; return r }},
		{name: "connector differs", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); r.Connector = "OPENSEARCH"; return r }, wantField: []string{"connector"}},
		{name: "status differs", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); r.Status = "DISABLED"; return r }, wantField: []string{"status"}},
		{name: "status default and case", dialect: DialectSQLPlugin,
			desired: func() DataSource { d := promDesired; d.Status = ""; return d }(),
			remote:  func() RemoteDataSource { r := promRemote(); r.Status = "active"; return r }},
		{name: "status empty remote is ACTIVE", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); r.Status = ""; return r }},
		{name: "allowedRoles order matters", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); r.AllowedRoles = []string{"b", "a"}; return r }, wantField: []string{"allowedRoles"}},
		{name: "allowedRoles nil equals empty", dialect: DialectSQLPlugin,
			desired: func() DataSource { d := promDesired; d.AllowedRoles = nil; return d }(),
			remote:  func() RemoteDataSource { r := promRemote(); r.AllowedRoles = []string{}; return r }},
		{name: "resultIndex explicit differs", dialect: DialectSQLPlugin,
			desired:   func() DataSource { d := promDesired; d.ResultIndex = "query_execution_result_other"; return d }(),
			remote:    promRemote,
			wantField: []string{"resultIndex"}},
		{name: "name differs", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource {
				r := promRemote()
				r.Name = "q"
				r.ResultIndex = "query_execution_result_p"
				return r
			}, wantField: []string{"name"}},
		{name: "property value and folded key differ", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource {
				r := promRemote()
				r.Properties["x"] = "9091"
				r.Properties["prometheus.uri"] = "http://elsewhere:9090"
				return r
			}, wantField: []string{"properties[prometheus.uri]", "properties[x]"}},
		{name: "missing property", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource { r := promRemote(); delete(r.Properties, "y"); return r }, wantField: []string{"properties[y]"}},
		{name: "stale keys", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource {
				r := promRemote()
				r.Properties["old.b"] = "1"
				r.Properties["old.a"] = "2"
				return r
			}, wantStale: []string{"old.a", "old.b"}},
		{name: "secret keys ignored both ways", dialect: DialectSQLPlugin, desired: promDesired,
			remote: func() RemoteDataSource {
				r := promRemote()
				r.Properties["prometheus.auth.password"] = "whatever"
				r.Properties["leftover.auth.access_key"] = "k"
				return r
			}},
		{name: "security_lake server-added keys are not stale", dialect: DialectSQLPlugin, desired: lakeDesired,
			remote: func() RemoteDataSource { return lakeRemote }},
		{name: "security_lake added key with other value is stale", dialect: DialectSQLPlugin, desired: lakeDesired,
			remote: func() RemoteDataSource {
				r := lakeRemote
				r.Properties = map[string]string{"glue.auth.type": "iam_role", "glue.iceberg.enabled": "false"}
				return r
			}, wantStale: []string{"glue.iceberg.enabled"}},
		{name: "server-added keys are stale for s3glue", dialect: DialectSQLPlugin,
			desired: DataSource{Name: "l", Connector: "s3glue", Properties: raw("glue.auth.type", `"iam_role"`)},
			remote: func() RemoteDataSource {
				r := lakeRemote
				r.Connector = "S3GLUE"
				return r
			}, wantStale: []string{"glue.iceberg.enabled", "glue.lakeformation.enabled"}},
		{name: "documented: configuration endpoint compared, folded keys not expected", dialect: DialectDocumented,
			desired: DataSource{Name: "m", Connector: "mysql", Properties: raw("port", `3306`, "tls", `true`),
				Configuration: &Configuration{Endpoint: "jdbc:mysql://a", Username: "u", Password: "p"}},
			remote: func() RemoteDataSource {
				return RemoteDataSource{DataSourceID: "id1", Name: "m", Connector: "mysql", Status: "ACTIVE",
					ResultIndex:           "query_execution_result_m",
					Properties:            map[string]string{"port": "3306", "tls": "true"},
					ConfigurationEndpoint: "jdbc:mysql://b"}
			}, wantField: []string{"configuration.endpoint"}},
		{name: "documented: no remote endpoint, nothing to compare", dialect: DialectDocumented,
			desired: DataSource{Name: "m", Connector: "mysql",
				Configuration: &Configuration{Endpoint: "jdbc:mysql://a", Username: "u", Password: "p"}},
			remote: func() RemoteDataSource {
				return RemoteDataSource{Name: "m", Connector: "MYSQL", Properties: map[string]string{}}
			}},
		{name: "auto with a plugin-shaped remote compares like the sql plugin", dialect: DialectAuto, desired: promDesired, remote: promRemote},
		{name: "auto with a documented-shaped remote compares like documented", dialect: DialectAuto,
			desired: DataSource{Name: "m", Connector: "mysql", Configuration: &Configuration{Endpoint: "e"}},
			remote: func() RemoteDataSource {
				return RemoteDataSource{DataSourceID: "x", Name: "m", Connector: "mysql", ConfigurationEndpoint: "e", Properties: map[string]string{}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompareRemote(tt.dialect, tt.desired, tt.remote())
			if err != nil {
				t.Fatalf("CompareRemote: %v", err)
			}
			if !reflect.DeepEqual(got.Fields, tt.wantField) {
				t.Errorf("Fields = %q, want %q", got.Fields, tt.wantField)
			}
			if !reflect.DeepEqual(got.StaleProperties, tt.wantStale) {
				t.Errorf("StaleProperties = %q, want %q", got.StaleProperties, tt.wantStale)
			}
			if wantEmpty := tt.wantField == nil && tt.wantStale == nil; got.Empty() != wantEmpty {
				t.Errorf("Empty() = %v, want %v", got.Empty(), wantEmpty)
			}
		})
	}
}

func TestCompareRemoteErrors(t *testing.T) {
	tests := []struct {
		name    string
		dialect Dialect
		ds      DataSource
	}{
		{"configuration unsupported by sql plugin", DialectSQLPlugin, DataSource{Name: "o", Connector: "opensearch", Configuration: &Configuration{}}},
		{"nested property", DialectDocumented, DataSource{Name: "o", Connector: "opensearch", Properties: raw("a", `{}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompareRemote(tt.dialect, tt.ds, RemoteDataSource{Name: "o"})
			var ise *InvalidSpecError
			if !errors.As(err, &ise) {
				t.Fatalf("err = %v, want *InvalidSpecError", err)
			}
		})
	}
	if _, err := CompareRemote("Bogus", DataSource{}, RemoteDataSource{}); err == nil {
		t.Error("unknown dialect accepted")
	}
}

func TestSecretPropertyKey(t *testing.T) {
	tests := map[string]bool{
		"prometheus.auth.username":                 true,
		"prometheus.auth.password":                 true,
		"prometheus.auth.access_key":               true,
		"prometheus.auth.secret_key":               true,
		"glue.indexstore.opensearch.auth.password": true,
		"x.oauth.password":                         true, // the server's suffix match hides it too
		"prometheus.auth.type":                     false,
		"prometheus.auth.region":                   false,
		"glue.indexstore.opensearch.auth":          false,
		"prometheus.uri":                           false,
	}
	for key, want := range tests {
		if got := SecretPropertyKey(key); got != want {
			t.Errorf("SecretPropertyKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestAsWritten(t *testing.T) {
	desired := DataSource{
		Name: "p", Description: "d", Connector: "prometheus", AllowedRoles: []string{"a"},
		Properties:    raw("x", `9090`, "token.uri", `"https://u:tok@host"`, "z.auth.secret_key", `"s"`),
		Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "u", Password: "pw"},
		Sensitive:     []string{"https://u:tok@host"},
	}
	got, err := AsWritten(DialectSQLPlugin, desired)
	if err != nil {
		t.Fatal(err)
	}
	want := RemoteDataSource{Name: "p", Description: "d", Connector: "prometheus", Status: "ACTIVE",
		ResultIndex: "query_execution_result_p", AllowedRoles: []string{"a"},
		// Credentials are dropped as GET drops them; a Sensitive value keeps
		// its key only.
		Properties: map[string]string{"x": "9090", "token.uri": "", "prometheus.uri": "http://prom:9090", "prometheus.auth.type": "basicauth"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AsWritten =\n%+v, want\n%+v", got, want)
	}

	// What AsWritten returns is what a merging PUT would leave behind: the
	// same body again leaves nothing, a dropped key is stale.
	again, err := CompareRemote(DialectSQLPlugin, desired, got)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.StaleProperties) != 0 {
		t.Errorf("the written body again: stale %v, want none", again.StaleProperties)
	}
	dropped := desired
	dropped.Properties = raw("token.uri", `"https://u:tok@host"`, "z.auth.secret_key", `"s"`)
	d, err := CompareRemote(DialectSQLPlugin, dropped, got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.StaleProperties, []string{"x"}) {
		t.Errorf("dropping x: stale %v, want [x]", d.StaleProperties)
	}

	if _, err := AsWritten(DialectSQLPlugin, DataSource{Name: "n", Connector: "prometheus", Properties: raw("x", `{}`)}); err == nil {
		t.Error("AsWritten accepted a property that is not a scalar")
	}
}
