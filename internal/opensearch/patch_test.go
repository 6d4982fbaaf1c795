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
	"errors"
	"net/http"
	"strings"
	"testing"
)

func patchDesired() DataSource {
	return DataSource{
		Name: "p", Connector: "prometheus", Description: "d", Status: "disabled", ResultIndex: "query_execution_result_x",
		Properties: map[string]json.RawMessage{
			"prometheus.uri":           json.RawMessage(`"http://prom:9090"`),
			"prometheus.auth.type":     json.RawMessage(`"basicauth"`),
			"prometheus.auth.username": json.RawMessage(`"admin"`),
			"prometheus.auth.password": json.RawMessage(`"canary-pw-4711"`),
		},
	}
}

// PATCH sends no credential and no connector, and always sends status:
// a PATCH with resultIndex but without status re-activates a DISABLED
// data source on the plugin.
func TestPatchBody(t *testing.T) {
	srv, rec := newServer(t, reply(http.StatusOK, jsonType, `"Updated DataSource with name p"`))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	c.SetServerVersion("2.19.1")
	res, err := c.Patch(context.Background(), patchDesired())
	if err != nil {
		t.Fatal(err)
	}
	if res.Message != "Updated DataSource with name p" || res.Dialect != DialectSQLPlugin {
		t.Errorf("result %+v", res)
	}
	got := rec.last(t)
	if got.Method != http.MethodPatch || got.RequestURI != dataSourcesPath {
		t.Fatalf("%s %s", got.Method, got.RequestURI)
	}
	var body map[string]any
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := `{"allowedRoles":[],"description":"d","name":"p","properties":{"prometheus.auth.type":"basicauth","prometheus.uri":"http://prom:9090"},` +
		`"resultIndex":"query_execution_result_x","status":"DISABLED"}`
	if b, _ := json.Marshal(body); string(b) != want {
		t.Errorf("body %s\nwant %s", b, want)
	}
}

// PATCH came in 2.12 and status in 2.13: a 2.12 server gets no status
// (and has no fall-through to guard against); older, unknown or
// documented servers get no PATCH at all.
func TestPatchByVersion(t *testing.T) {
	srv, rec := newServer(t, reply(http.StatusOK, jsonType, `"Updated DataSource with name p"`))
	ds := patchDesired()
	ds.Status = ""
	for _, tc := range []struct {
		dialect Dialect
		version string
		ok      bool
	}{
		{DialectSQLPlugin, "2.12.0", true}, {DialectSQLPlugin, "3.1.0", true},
		{DialectSQLPlugin, "2.11.1", false}, {DialectSQLPlugin, "", false}, {DialectSQLPlugin, "7.10.2", false},
		{DialectAuto, "2.19.1", false}, {DialectDocumented, "2.19.1", false},
	} {
		c := newClient(t, srv.URL, withDialect(tc.dialect))
		c.SetServerVersion(tc.version)
		before := len(rec.all())
		_, err := c.Patch(context.Background(), ds)
		if tc.ok != (err == nil) || !tc.ok && !errors.Is(err, ErrPatchUnsupported) {
			t.Errorf("%s %q: err %v, want ok=%v", tc.dialect, tc.version, err, tc.ok)
		}
		if !tc.ok && len(rec.all()) != before {
			t.Errorf("%s %q: a PATCH was sent", tc.dialect, tc.version)
		}
	}
	var body map[string]any
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	c.SetServerVersion("2.12.0")
	if _, err := c.Patch(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(rec.last(t).Body, &body)
	if _, has := body["status"]; has {
		t.Errorf("2.12 was sent status: %s", rec.last(t).Body)
	}
}

// The secret never reaches an error of a PATCH.
func TestPatchErrorHasNoSecret(t *testing.T) {
	srv, _ := newServer(t, reply(http.StatusBadRequest, plainType, pluginError(400, "IllegalArgumentException", "bad canary-pw-4711")))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	c.SetServerVersion("2.19.1")
	_, err := c.Patch(context.Background(), patchDesired())
	if err == nil || strings.Contains(err.Error(), "canary-pw-4711") {
		t.Fatalf("err = %v", err)
	}
}
