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
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzWriteBody sends any body to POST, PUT and PATCH of both modes and of
// a current and an old release: the fake must never panic, and must answer
// what OpenSearch answers, a success or an error in one of its shapes, so
// that contract tests compare the client with a well-behaved model.
func FuzzWriteBody(f *testing.F) {
	f.Add([]byte(promBody), uint8(0))
	f.Add([]byte(`{"name":"p1","connector":"prometheus","status":"disabled","properties":{"prometheus.uri":"http://prom:9090"}}`), uint8(1))
	f.Add([]byte(`{"name":"m","connector":"mysql","configuration":{"endpoint":"jdbc:mysql://h","credentials":{"username":"u","password":"p"}}}`), uint8(2))
	f.Add([]byte(`{"name":"p1","allowedRoles":[null],"properties":{"a":{"b":1}}}`), uint8(3))
	f.Add([]byte(`[{"name":"x"}]`), uint8(4))
	f.Add([]byte(`{"name":"a","name":"b"}`), uint8(5))
	f.Fuzz(func(t *testing.T, body []byte, variant uint8) {
		opts := Options{Mode: ModeSQLPlugin}
		if variant&1 == 1 {
			opts.Mode = ModeDocumented
		}
		if variant&2 == 2 {
			opts.Version = "2.10.0"
		}
		s := New(opts)
		for _, method := range []string{"POST", "PUT", "PATCH"} {
			req := httptest.NewRequest(method, BasePath, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			checkAnswer(t, method, rec)
		}
	})
}

// checkAnswer asserts a reply is a success or an error of a known shape.
func checkAnswer(t *testing.T, method string, rec *httptest.ResponseRecorder) {
	t.Helper()
	code, out := rec.Code, rec.Body.Bytes()
	switch code {
	case http.StatusOK, http.StatusCreated:
		return
	case http.StatusMethodNotAllowed, http.StatusNotAcceptable:
		var sb simpleBody
		if json.Unmarshal(out, &sb) != nil || sb.Status != code {
			t.Fatalf("%s: %d with body %s", method, code, out)
		}
	case http.StatusBadRequest, http.StatusNotFound, http.StatusInternalServerError:
		var shaped struct {
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(out, &shaped) != nil || shaped.Status != code || len(shaped.Error) == 0 {
			t.Fatalf("%s: %d with body %s", method, code, out)
		}
	default:
		t.Fatalf("%s: unexpected status %d: %s", method, code, out)
	}
}
