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

package fakeopensearch

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestOldReleasesRefuseNewerFields follows the reference's §10: 2.7 to 2.10
// know neither description nor resultIndex, 2.11 and 2.12 not status; the
// parser refuses each as an unknown field, in OpenSearch core's shape.
func TestOldReleasesRefuseNewerFields(t *testing.T) {
	const withStatus = `{"name":"p1","connector":"prometheus","status":"active","properties":{"prometheus.uri":"http://prom:9090"}}`
	const withDescription = `{"name":"p1","connector":"prometheus","description":"d","properties":{"prometheus.uri":"http://prom:9090"}}`
	const withIndex = `{"name":"p1","connector":"prometheus","resultIndex":"query_execution_result_p1","properties":{"prometheus.uri":"http://prom:9090"}}`
	const plain = `{"name":"p1","connector":"prometheus","properties":{"prometheus.uri":"http://prom:9090"}}`
	tests := []struct {
		version   string
		body      string
		wantField string // "" = accepted
	}{
		{"2.12.0", withStatus, "status"},
		{"2.11.1", withStatus, "status"},
		{"2.12.0", withDescription, ""},
		{"2.12.0", withIndex, ""},
		{"2.10.0", withDescription, "description"},
		{"2.7.0", withIndex, "resultIndex"},
		{"2.10.0", plain, ""},
		{"2.13.0", withStatus, ""},
		{"3.0.0", withStatus, ""},
	}
	for _, tt := range tests {
		t.Run(tt.version+"/"+tt.wantField, func(t *testing.T) {
			s := start(t, Options{Version: tt.version})
			for _, method := range []string{"POST", "PUT"} {
				resp, body := call(t, nil, method, s.URL()+BasePath, tt.body)
				if tt.wantField == "" {
					if resp.StatusCode/100 != 2 {
						t.Fatalf("%s: %d %s", method, resp.StatusCode, body)
					}
					continue
				}
				var core coreBody
				if resp.StatusCode != 400 || json.Unmarshal([]byte(body), &core) != nil ||
					core.Error.Type != "illegal_argument_exception" || core.Error.Reason != "Unknown field: "+tt.wantField {
					t.Errorf("%s: %d %s, want 400 Unknown field: %s", method, resp.StatusCode, body, tt.wantField)
				}
			}
		})
	}
}

// TestOldReleaseBehaviours: what else 2.7 to 2.12 did differently.
func TestOldReleaseBehaviours(t *testing.T) {
	s := start(t, Options{Version: "2.10.0"})
	u := s.URL() + BasePath
	if _, body := call(t, nil, "GET", s.URL()+"/", ""); !strings.Contains(body, `"number": "2.10.0"`) {
		t.Errorf("GET / = %s", body)
	}
	// Success bodies were bare text before 2.11.
	if resp, body := call(t, nil, "POST", u, promBody); resp.StatusCode != 201 || body != "Created DataSource with name p1" {
		t.Errorf("create: %d %q", resp.StatusCode, body)
	}
	// GET removed every property whose key contains "auth".
	if _, body := call(t, nil, "GET", u+"/p1", ""); strings.Contains(body, "auth") || !strings.Contains(body, "prometheus.uri") {
		t.Errorf("GET = %s", body)
	}
	// A missing data source was a 400 in the plugin's shape.
	resp, body := call(t, nil, "GET", u+"/nope", "")
	var pb pluginBody
	if resp.StatusCode != 400 || json.Unmarshal([]byte(body), &pb) != nil || pb.Error.Details != "DataSource with name: nope doesn't exist." {
		t.Errorf("GET missing: %d %s", resp.StatusCode, body)
	}
	// PATCH came in 2.12.
	if resp, _ := call(t, nil, "PATCH", u, `{"name":"p1","description":"x"}`); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PATCH on 2.10: %d", resp.StatusCode)
	}
	s12 := start(t, Options{Version: "2.12.0"})
	call(t, nil, "POST", s12.URL()+BasePath, promBody)
	if resp, body := call(t, nil, "PATCH", s12.URL()+BasePath, `{"name":"p1","description":"x"}`); resp.StatusCode != 200 {
		t.Errorf("PATCH on 2.12: %d %s", resp.StatusCode, body)
	}
	if resp, body := call(t, nil, "PATCH", s12.URL()+BasePath, `{"name":"p1","status":"disabled"}`); resp.StatusCode != 400 || !strings.Contains(body, "Unknown field: status") {
		t.Errorf("PATCH status on 2.12: %d %s", resp.StatusCode, body)
	}
}
