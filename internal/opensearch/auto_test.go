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
	"encoding/json"
	"net/http"
	"testing"
)

var promWithConfig = DataSource{
	Name: "p", Connector: "prometheus", ResultIndex: "query_execution_result_p",
	Properties:    raw("prometheus.region", `"eu"`, "scrape", `15`),
	Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "u", Password: "pw"},
}

// sqlPluginServer behaves like the SQL plugin: it refuses configuration in
// the core error shape (or the plugin shape) and answers writes with a string.
func sqlPluginServer(pluginShape bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(body, &m)
		if _, ok := m["configuration"]; ok {
			if pluginShape {
				reply(400, plainType, `{"status":400,"error":{"type":"IllegalArgumentException","reason":"Invalid Request","details":"Unknown field: configuration"}}`)(w, r, body)
				return
			}
			reply(400, jsonType, `{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"Unknown field: configuration"}],"type":"illegal_argument_exception","reason":"Unknown field: configuration"},"status":400}`)(w, r, body)
			return
		}
		reply(201, jsonType, `"Created DataSource with name p"`)(w, r, body)
	}
}

func TestAutoResolvesToSQLPlugin(t *testing.T) {
	for _, pluginShape := range []bool{false, true} {
		name := "core error shape"
		if pluginShape {
			name = "plugin error shape"
		}
		t.Run(name, func(t *testing.T) {
			srv, rec := newServer(t, sqlPluginServer(pluginShape))
			c := newClient(t, srv.URL, withDialect(""))
			if c.Dialect() != DialectAuto {
				t.Fatalf("Dialect() = %s before any request", c.Dialect())
			}
			res, err := c.Create(context.Background(), promWithConfig)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if res.Dialect != DialectSQLPlugin || res.Message != "Created DataSource with name p" || res.DataSourceID != "p" {
				t.Errorf("result = %+v", res)
			}
			if c.Dialect() != DialectSQLPlugin {
				t.Errorf("Dialect() = %s after fallback", c.Dialect())
			}
			reqs := rec.all()
			if len(reqs) != 2 {
				t.Fatalf("got %d requests, want 2", len(reqs))
			}
			first, second := decode(t, reqs[0].Body), decode(t, reqs[1].Body)
			if _, ok := first["configuration"]; !ok {
				t.Error("first request was not the documented body")
			}
			assertSQLPluginBody(t, second)

			// Resolved: the next write goes straight out in the SQL plugin dialect.
			if _, err := c.Update(context.Background(), promWithConfig); err != nil {
				t.Fatalf("Update: %v", err)
			}
			reqs = rec.all()
			if len(reqs) != 3 {
				t.Fatalf("got %d requests, want 3", len(reqs))
			}
			if reqs[2].Method != http.MethodPut {
				t.Errorf("third request %s", reqs[2].Method)
			}
			assertSQLPluginBody(t, decode(t, reqs[2].Body))
		})
	}
}

func assertSQLPluginBody(t *testing.T, body map[string]any) {
	t.Helper()
	if _, ok := body["configuration"]; ok {
		t.Error("SQL plugin body carries configuration")
	}
	props, _ := body["properties"].(map[string]any)
	for k, v := range props {
		if _, ok := v.(string); !ok {
			t.Errorf("property %s = %#v (%T), want a string", k, v, v)
		}
	}
	if props["scrape"] != "15" || props["prometheus.uri"] != "http://prom:9090" || props["prometheus.auth.password"] != "pw" {
		t.Errorf("properties = %v", props)
	}
}

func TestAutoResolvesToDocumented(t *testing.T) {
	srv, rec := newServer(t, reply(200, jsonType, `{"dataSourceId":"gx1","name":"p","status":"ACTIVE","message":"Data source updated successfully."}`))
	c := newClient(t, srv.URL)
	res, err := c.Update(context.Background(), promWithConfig)
	if err != nil {
		t.Fatal(err)
	}
	if res.Dialect != DialectDocumented || res.DataSourceID != "gx1" || c.Dialect() != DialectDocumented {
		t.Errorf("result %+v, dialect %s", res, c.Dialect())
	}
	if _, err := c.Create(context.Background(), promWithConfig); err != nil {
		t.Fatal(err)
	}
	for i, r := range rec.all() {
		if _, ok := decode(t, r.Body)["configuration"]; !ok {
			t.Errorf("request %d is not a documented body", i)
		}
	}
}

func TestAutoResolvedByResponseShape(t *testing.T) {
	// Without configuration the documented body is acceptable to both
	// servers, so only the response shape can tell them apart.
	noConfig := promDS
	tests := []struct {
		name string
		h    handlerFunc
		want Dialect
	}{
		{"json string", reply(200, jsonType, `"Updated DataSource with name my_prometheus"`), DialectSQLPlugin},
		{"bare text", reply(200, jsonType, `Updated DataSource with name my_prometheus`), DialectSQLPlugin},
		{"empty", reply(204, "", ""), DialectSQLPlugin},
		{"object with id", reply(200, jsonType, `{"dataSourceId":"x"}`), DialectDocumented},
		{"object without id", reply(200, jsonType, `{"message":"ok"}`), DialectAuto},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := newServer(t, tt.h)
			c := newClient(t, srv.URL, withDialect(DialectAuto))
			res, err := c.Update(context.Background(), noConfig)
			if err != nil {
				t.Fatal(err)
			}
			if c.Dialect() != tt.want {
				t.Errorf("Dialect() = %s, want %s", c.Dialect(), tt.want)
			}
			if res.Dialect != DialectDocumented {
				t.Errorf("request dialect = %s, want the documented body Auto sends first", res.Dialect)
			}
			if n := len(rec.all()); n != 1 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func TestExplicitDialectNeverResolves(t *testing.T) {
	srv, rec := newServer(t, sqlPluginServer(false))
	c := newClient(t, srv.URL, withDialect(DialectDocumented))
	if _, err := c.Create(context.Background(), promWithConfig); KindOf(err) != KindRejected {
		t.Fatalf("err = %v, want Rejected", err)
	}
	if c.Dialect() != DialectDocumented || len(rec.all()) != 1 {
		t.Errorf("dialect %s, %d requests", c.Dialect(), len(rec.all()))
	}
}

func TestAutoFallbackInvalidForSQLPlugin(t *testing.T) {
	// mysql with configuration cannot be expressed for the SQL plugin: the
	// fallback is an InvalidSpecError, and only one request was sent.
	srv, rec := newServer(t, sqlPluginServer(false))
	c := newClient(t, srv.URL)
	_, err := c.Create(context.Background(), DataSource{Name: "m", Connector: "mysql", Configuration: &Configuration{Endpoint: "e"}})
	if _, ok := err.(*InvalidSpecError); !ok {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if c.Dialect() != DialectSQLPlugin || len(rec.all()) != 1 {
		t.Errorf("dialect %s, %d requests", c.Dialect(), len(rec.all()))
	}
}
