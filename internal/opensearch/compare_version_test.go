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
	"context"
	"net/http"
	"reflect"
	"testing"
)

// TestCompareRemoteHiddenAuthKeys pins that what a release hides from GET
// is not drift there, and still is on releases that show it.
func TestCompareRemoteHiddenAuthKeys(t *testing.T) {
	prom := DataSource{Name: "p", Connector: "prometheus",
		Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "u", Password: "pw"}}
	lake := DataSource{Name: "l", Connector: "security_lake",
		Properties: raw("glue.auth.type", `"iam_role"`, "glue.auth.role_arn", `"arn:aws:iam::1:role/r"`, "glue.region", `"eu-west-1"`)}
	// What 2.7 to 2.10 answer: every key containing "auth" removed.
	promHidden := map[string]string{"prometheus.uri": "http://prom:9090"}
	lakeHidden := map[string]string{"glue.region": "eu-west-1", "glue.iceberg.enabled": "true", "glue.lakeformation.enabled": "true"}

	tests := []struct {
		name    string
		dialect Dialect
		desired DataSource
		props   map[string]string
		version string
		want    []string
	}{
		{"2.7 hides prometheus.auth.type", DialectSQLPlugin, prom, promHidden, "2.7.0", nil},
		{"2.10 hides prometheus.auth.type", DialectSQLPlugin, prom, promHidden, "2.10.0", nil},
		{"2.9 snapshot build hides it", DialectSQLPlugin, prom, promHidden, "2.9.0-SNAPSHOT", nil},
		{"auto dialect reads as the SQL plugin", DialectAuto, prom, promHidden, "2.8.0", nil},
		{"2.10 hides glue.auth.*", DialectSQLPlugin, lake, lakeHidden, "2.10.0", nil},
		{"2.11 shows prometheus.auth.type", DialectSQLPlugin, prom, promHidden, "2.11.0",
			[]string{"properties[prometheus.auth.type]"}},
		{"3.x shows glue.auth.*", DialectSQLPlugin, lake, lakeHidden, "3.1.0",
			[]string{"properties[glue.auth.role_arn]", "properties[glue.auth.type]"}},
		{"an unknown version is a current one", DialectSQLPlugin, prom, promHidden, "",
			[]string{"properties[prometheus.auth.type]"}},
		{"2.10 still compares the other keys", DialectSQLPlugin, prom,
			map[string]string{"prometheus.uri": "http://elsewhere:9090"}, "2.10.0", []string{"properties[prometheus.uri]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			remote := RemoteDataSource{Name: tt.desired.Name, Connector: tt.desired.Connector, Status: "ACTIVE",
				Properties: tt.props, ServerVersion: tt.version}
			got, err := CompareRemote(tt.dialect, tt.desired, remote)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Fields, tt.want) || len(got.StaleProperties) != 0 {
				t.Errorf("fields %v stale %v, want fields %v and none stale", got.Fields, got.StaleProperties, tt.want)
			}
		})
	}
}

func TestHiddenOnGet(t *testing.T) {
	tests := []struct {
		dialect      Dialect
		version, key string
		want         bool
	}{
		{DialectSQLPlugin, "2.19.1", "prometheus.auth.password", true},
		{DialectSQLPlugin, "2.19.1", "prometheus.auth.type", false},
		{DialectSQLPlugin, "2.10.0", "prometheus.auth.type", true},
		{DialectSQLPlugin, "2.10.0", "glue.indexstore.opensearch.auth", true},
		{DialectSQLPlugin, "2.10.0", "prometheus.uri", false},
		{DialectSQLPlugin, "2.11.0", "prometheus.auth.region", false},
		{DialectSQLPlugin, "7.10.2", "prometheus.auth.type", false},
		{DialectDocumented, "2.10.0", "prometheus.auth.type", false},
		{DialectDocumented, "2.10.0", "prometheus.auth.password", true},
	}
	for _, tt := range tests {
		if got := HiddenOnGet(tt.dialect, tt.version, tt.key); got != tt.want {
			t.Errorf("HiddenOnGet(%s, %q, %q) = %v, want %v", tt.dialect, tt.version, tt.key, got, tt.want)
		}
	}
}

// TestReadsCarryServerVersion pins that Get and List say which release
// answered, which CompareRemote needs to read their output.
func TestReadsCarryServerVersion(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == dataSourcesPath {
			_, _ = w.Write([]byte(`[{"name":"p","connector":"PROMETHEUS","properties":{"prometheus.uri":"u"}}]`))
			return
		}
		_, _ = w.Write([]byte(`{"name":"p","connector":"PROMETHEUS","properties":{"prometheus.uri":"u"}}`))
	})
	c, err := New(Config{Endpoint: srv.URL, Dialect: DialectSQLPlugin})
	if err != nil {
		t.Fatal(err)
	}
	c.SetServerVersion("2.9.0")
	list, err := c.List(context.Background())
	if err != nil || len(list) != 1 || list[0].ServerVersion != "2.9.0" {
		t.Fatalf("List = %+v, %v; want one item read from 2.9.0", list, err)
	}
	one, err := c.Get(context.Background(), "p")
	if err != nil || one.ServerVersion != "2.9.0" {
		t.Fatalf("Get = %+v, %v; want it read from 2.9.0", one, err)
	}
}
