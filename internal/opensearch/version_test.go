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
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// oldServer answers GET / with version and refuses, as the SQL plugin's
// parser does, the top-level fields that release did not know yet.
func oldServer(version string, unknown ...string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path == "/" {
			reply(200, jsonType, fmt.Sprintf(`{"version":{"distribution":"opensearch","number":%q}}`, version))(w, r, body)
			return
		}
		var fields map[string]json.RawMessage
		_ = json.Unmarshal(body, &fields)
		for _, f := range unknown {
			if _, ok := fields[f]; ok {
				reply(400, jsonType, fmt.Sprintf(`{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"Unknown field: %s"}],"type":"illegal_argument_exception","reason":"Unknown field: %s"},"status":400}`, f, f))(w, r, body)
				return
			}
		}
		reply(200, jsonType, `"Updated DataSource with name my_prometheus"`)(w, r, body)
	}
}

// TestOldServersGetOnlyFieldsTheyKnow: 2.11 and 2.12 refuse status, 2.7 to
// 2.10 also description and resultIndex. Fields at their defaults are left
// out (the server fills the same defaults in); any other value is refused
// before sending, naming the release that accepts it.
func TestOldServersGetOnlyFieldsTheyKnow(t *testing.T) {
	defaults := promDS // ACTIVE, default result index, no description
	described := promDS
	described.Description = "cluster metrics"
	disabled := promDS
	disabled.Status = "DISABLED"
	ownIndex := promDS
	ownIndex.ResultIndex = "query_execution_result_custom"
	tests := []oldServerCase{
		{"2.12 defaults", "2.12.0", []string{"status"}, defaults,
			[]string{"allowedRoles", "connector", "description", "name", "properties", "resultIndex"}, nil},
		{"2.12 disabled", "2.12.0", []string{"status"}, disabled, nil,
			[]string{"status", "2.12.0", "2.13"}},
		{"2.11 description kept", "2.11.1", []string{"status"}, described,
			[]string{"allowedRoles", "connector", "description", "name", "properties", "resultIndex"}, nil},
		{"2.10 defaults", "2.10.0", []string{"status", "description", "resultIndex"}, defaults,
			[]string{"allowedRoles", "connector", "name", "properties"}, nil},
		{"2.10 description", "2.10.0", []string{"status", "description", "resultIndex"}, described, nil,
			[]string{"description", "2.10.0", "2.11", "2.13"}},
		{"2.9 result index", "2.9.0", []string{"status", "description", "resultIndex"}, ownIndex, nil,
			[]string{"resultIndex", "2.9.0", "2.11"}},
		{"2.13 takes everything", "2.13.0", nil, disabled,
			[]string{"allowedRoles", "connector", "description", "name", "properties", "resultIndex", "status"}, nil},
		{"3.x takes everything", "3.1.0", nil, described,
			[]string{"allowedRoles", "connector", "description", "name", "properties", "resultIndex", "status"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkOldServerWrite(t, tt) })
	}
}

type oldServerCase struct {
	name        string
	version     string
	unknown     []string
	ds          DataSource
	wantSent    []string // top-level fields sent
	wantMessage []string // for a refusal: words of the message
}

// checkOldServerWrite writes tt.ds after Info and checks what was sent, or
// that the write was refused before sending.
func checkOldServerWrite(t *testing.T, tt oldServerCase) {
	srv, rec := newServer(t, oldServer(tt.version, tt.unknown...))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	if _, err := c.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := c.Update(context.Background(), tt.ds)
	if tt.wantMessage != nil {
		if KindOf(err) != KindRejected {
			t.Fatalf("err = %v, want Rejected", err)
		}
		for _, w := range tt.wantMessage {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message %q does not say %q", err, w)
			}
		}
		if n := len(rec.all()); n != 1 {
			t.Errorf("%d requests; the refused write must not be sent", n)
		}
		return
	}
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := topLevelKeys(t, rec.last(t).Body); strings.Join(got, ",") != strings.Join(tt.wantSent, ",") {
		t.Errorf("sent %v, want %v", got, tt.wantSent)
	}
}

// TestServerVersionWithoutInfo: a client built after the probe (a rotated
// password) is told the version instead of asking again; without any
// version it sends every field, and the server's refusal names 2.13.
func TestServerVersionWithoutInfo(t *testing.T) {
	srv, rec := newServer(t, oldServer("2.12.0", "status"))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	_, err := c.Update(context.Background(), promDS)
	if KindOf(err) != KindRejected || !strings.Contains(err.Error(), "Unknown field: status") || !strings.Contains(err.Error(), "2.13") {
		t.Fatalf("unknown version: err = %v, want the server's refusal naming 2.13", err)
	}
	c.SetServerVersion("2.12.0")
	if _, err := c.Update(context.Background(), promDS); err != nil {
		t.Fatalf("after SetServerVersion: %v", err)
	}
	if got := topLevelKeys(t, rec.last(t).Body); strings.Contains(strings.Join(got, ","), "status") {
		t.Errorf("status sent to 2.12: %v", got)
	}
	if c.ServerVersion() != "2.12.0" {
		t.Errorf("ServerVersion() = %q", c.ServerVersion())
	}
}

// TestCompatibilityModeVersionIsNotOld: with
// compatibility.override_main_response_version a cluster reports 7.10.2
// and no distribution; that says nothing about the plugin's release.
func TestCompatibilityModeVersionIsNotOld(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		if r.URL.Path == "/" {
			reply(200, jsonType, `{"version":{"number":"7.10.2"}}`)(w, r, b)
			return
		}
		reply(200, jsonType, `"Updated DataSource with name my_prometheus"`)(w, r, b)
	})
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	if _, err := c.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(context.Background(), promDS); err != nil {
		t.Fatal(err)
	}
	if got := topLevelKeys(t, rec.last(t).Body); len(got) != 7 {
		t.Errorf("sent %v, want all seven fields", got)
	}
}

func topLevelKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return sortedKeys(m)
}
