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
	"encoding/json"
	"reflect"
	"testing"
)

func TestChanges(t *testing.T) {
	desired := func(edit func(*DataSource)) DataSource {
		ds := DataSource{Name: "logs", Connector: "prometheus", Status: "ACTIVE", AllowedRoles: []string{"a"},
			Properties: map[string]json.RawMessage{"prometheus.uri": json.RawMessage(`"http://new:9090"`)}}
		if edit != nil {
			edit(&ds)
		}
		return ds
	}
	remote := func(edit func(*RemoteDataSource)) RemoteDataSource {
		r := RemoteDataSource{Name: "logs", Connector: "PROMETHEUS", Status: "ACTIVE", AllowedRoles: []string{"a"},
			Properties: map[string]string{"prometheus.uri": "http://new:9090"}}
		if edit != nil {
			edit(&r)
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		desired DataSource
		remote  RemoteDataSource
		want    []Change
	}{
		{"none", desired(nil), remote(nil), []Change{}},
		{"property value", desired(nil), remote(func(r *RemoteDataSource) { r.Properties["prometheus.uri"] = "http://old:9090" }),
			[]Change{{Field: "properties[prometheus.uri]", From: "http://old:9090", To: "http://new:9090"}}},
		{"property missing on the server", desired(nil), remote(func(r *RemoteDataSource) { delete(r.Properties, "prometheus.uri") }),
			[]Change{{Field: "properties[prometheus.uri]", To: "http://new:9090", NotOnServer: true}}},
		{"stale property", desired(nil), remote(func(r *RemoteDataSource) { r.Properties["prometheus.region"] = "eu" }),
			[]Change{{Field: "properties[prometheus.region]", From: "eu", NotDesired: true}}},
		{"metadata", desired(func(d *DataSource) { d.Description = "new"; d.Status = "disabled"; d.AllowedRoles = nil }),
			remote(func(r *RemoteDataSource) { r.Description = "old" }),
			[]Change{
				{Field: "allowedRoles", From: `["a"]`, To: "[]"},
				{Field: "description", From: "old", To: "new"},
				{Field: "status", From: "ACTIVE", To: "DISABLED"},
			}},
		{"result index default", desired(func(d *DataSource) { d.ResultIndex = "query_execution_result_other" }), remote(nil),
			[]Change{{Field: "resultIndex", From: "query_execution_result_logs", To: "query_execution_result_other"}}},
		{"credential-named key", desired(func(d *DataSource) { d.Properties["prometheus.token"] = json.RawMessage(`"t0ken-new"`) }),
			remote(func(r *RemoteDataSource) { r.Properties["prometheus.token"] = "t0ken-old" }),
			[]Change{{Field: "properties[prometheus.token]", Hidden: true}}},
		{"value from a Secret", desired(func(d *DataSource) {
			d.Properties["prometheus.uri"] = json.RawMessage(`"http://u:pw@new"`)
			d.Sensitive = []string{"http://u:pw@new"}
		}), remote(nil), []Change{{Field: "properties[prometheus.uri]", Hidden: true}}},
		{"stale credential-named key", desired(nil), remote(func(r *RemoteDataSource) { r.Properties["x.api_key"] = "k" }),
			[]Change{{Field: "properties[x.api_key]", NotDesired: true, Hidden: true}}},
		{"documented endpoint", desired(func(d *DataSource) { d.Configuration = &Configuration{Endpoint: "http://b"} }),
			remote(func(r *RemoteDataSource) { r.DataSourceID = "id"; r.ConfigurationEndpoint = "http://a" }),
			[]Change{{Field: "configuration.endpoint", From: "http://a", To: "http://b"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Changes(DialectAuto, tc.desired, tc.remote)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Changes =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestChangesRefusesWhatCompareRemoteRefuses(t *testing.T) {
	ds := DataSource{Name: "x", Connector: "prometheus", Properties: map[string]json.RawMessage{"k": json.RawMessage(`{"a":1}`)}}
	if _, err := Changes(DialectSQLPlugin, ds, RemoteDataSource{Name: "x"}); err == nil {
		t.Error("an object-valued property compared without error")
	}
}
