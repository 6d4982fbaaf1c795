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
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets run as ordinary tests over their seeds (testdata/fuzz/
// and the f.Add calls); `make fuzz` runs each one with -fuzz.

// FuzzParseResponses feeds any status and body to every response parser:
// none may panic, every failure is an *Error of a known kind, and no text
// the client returns outgrows its bounds.
func FuzzParseResponses(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{201, `"Created DataSource with name my_prometheus"`},
		{200, "Updated DataSource with name my_prometheus"},
		{200, `{"dataSourceId":"gx1","name":"m","status":"ACTIVE","message":"Data source updated successfully."}`},
		{200, pluginGet},
		{200, "[" + pluginGet + "]"},
		{200, `{"version":{"number":"2.19.1","distribution":"opensearch"}}`},
		{404, `{"status":404,"error":{"type":"DataSourceNotFoundException","reason":"r","details":"DataSource with name x doesn't exist."}}`},
		{400, `{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"Unknown field: status"}],"type":"illegal_argument_exception","reason":"Unknown field: status"},"status":400}`},
		{405, `{"error":"Incorrect HTTP method","status":405}`},
		{200, htmlPage},
		{404, "<html>404</html>"},
		{204, ""},
		{200, "null"},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	red := newRedactor("s3cret-value")
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		res := &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {"5"}}}
		e := newHTTPError(opUpdate, res, body, red)
		checkError(t, e)
		if wr, _, err := parseWriteResponse(body, promDS, red); err == nil && len(wr.Message) > maxMessageText+3 {
			t.Fatalf("write message of %d bytes", len(wr.Message))
		} else if err != nil {
			checkError(t, notOpenSearch(opUpdate, res, err, len(body), red))
		}
		_ = parseDeleteResponse(body)
		if r, err := parseRemote(body); err == nil && r.Name == "" {
			t.Fatal("a data source without a name was accepted")
		}
		if l, err := parseRemoteList(body); err == nil && l == nil {
			t.Fatal("a list that is not an array was accepted")
		}
		if i, err := parseInfo(body); err == nil && i.Version == "" {
			t.Fatal("server info without a version was accepted")
		}
	})
}

// checkError asserts the invariants of an *Error built from a response.
func checkError(t *testing.T, e *Error) {
	t.Helper()
	switch e.Kind {
	case KindNotFound, KindAlreadyExists, KindRejected, KindForbidden, KindTooManyRequests, KindUnavailable:
	default:
		t.Fatalf("unknown kind %q", e.Kind)
	}
	if len(e.Message) > 1024 || len(e.Type) > 256+3 {
		t.Fatalf("message of %d bytes, type of %d", len(e.Message), len(e.Type))
	}
	if strings.Contains(e.Error(), "s3cret-value") {
		t.Fatalf("secret in %q", e.Error())
	}
}

// FuzzBuildBody: for any data source BuildBody either refuses it with an
// *InvalidSpecError or returns one JSON object that carries the name, every
// property (as a string in the SQL plugin dialect) and no other top-level
// field, the same way every time.
func FuzzBuildBody(f *testing.F) {
	f.Add("my_prometheus", "cluster metrics", "prometheus", "", "active", "prometheus.uri", `"http://p:9090"`, "", "", true)
	f.Add("m", "", "mysql", "query_execution_result_m", "DISABLED", "port", `3306`, "jdbc:mysql://h&x=<1>", `pa"ss\&<>`, false)
	f.Add("s", "d", "s3glue", "", "", "glue.auth.type", `{"nested":1}`, "http://h", "p", true)
	f.Add("n", "\u2028", "opensearch", "", "", "ratio", `1.50`, "", "", false)
	f.Fuzz(func(t *testing.T, name, desc, connector, index, status, key, value, endpoint, password string, sqlPlugin bool) {
		ds := DataSource{Name: name, Description: desc, Connector: connector, ResultIndex: index, Status: status,
			Properties: map[string]json.RawMessage{key: json.RawMessage(value)}}
		if endpoint != "" {
			ds.Configuration = &Configuration{Endpoint: endpoint, Username: "u", Password: password}
		}
		d := DialectDocumented
		if sqlPlugin {
			d = DialectSQLPlugin
		}
		body, err := BuildBody(d, ds)
		if err != nil {
			if _, ok := err.(*InvalidSpecError); !ok {
				t.Fatalf("error %T: %v", err, err)
			}
			return
		}
		again, _ := BuildBody(d, ds)
		if !bytes.Equal(body, again) {
			t.Fatal("BuildBody is not deterministic")
		}
		checkBody(t, d, ds, body)
	})
}

func checkBody(t *testing.T, d Dialect, ds DataSource, body []byte) {
	t.Helper()
	var got struct {
		Name       *string                    `json:"name"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || json.Unmarshal(body, &got) != nil || got.Name == nil {
		t.Fatalf("not a JSON object with a name: %s", body)
	}
	if utf8.ValidString(ds.Name) && *got.Name != ds.Name {
		t.Fatalf("name %q became %q", ds.Name, *got.Name)
	}
	allowed := map[string]bool{"name": true, "description": true, "connector": true, "allowedRoles": true,
		"properties": true, "resultIndex": true, "status": true, "configuration": d == DialectDocumented}
	for k := range fields {
		if !allowed[k] {
			t.Fatalf("unexpected field %q in %s", k, body)
		}
	}
	for k, v := range got.Properties {
		if d == DialectSQLPlugin && (len(v) == 0 || v[0] != '"') {
			t.Fatalf("property %q is not a string: %s", k, v)
		}
	}
}

// FuzzRedaction: a secret never appears in the error or result the client
// builds from a reply that echoes the request, whatever the secret holds
// and however the reply encodes it. The fixed prefix keeps the secret from
// occurring by chance in the client's own words.
func FuzzRedaction(f *testing.F) {
	for _, s := range []string{"", `&<>"\`, "='", "\u2028x", "%2F+ ?#", "é€😀", `\u0026`, "[REDACTED]"} {
		for shape := range uint8(len(echoShapes)) {
			f.Add(s, shape, false)
			f.Add(s, shape, true)
		}
	}
	f.Fuzz(func(t *testing.T, tail string, shape uint8, inProperty bool) {
		secret := "c4n4ry" + tail
		if !utf8.ValidString(secret) {
			t.Skip("a Secret's bytes are sent as a JSON string, which cannot carry invalid UTF-8")
		}
		ds := DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "user", Password: secret}}
		if inProperty {
			quoted, _ := marshal(secret)
			ds.Configuration = nil
			ds.Properties = map[string]json.RawMessage{"prometheus.uri": json.RawMessage(`"http://p"`), "prometheus.auth.password": quoted}
		}
		body, err := BuildBody(DialectSQLPlugin, ds)
		if err != nil {
			t.Fatal(err)
		}
		status, reply := echoShapes[int(shape)%len(echoShapes)](body)
		red := newRedactor(basicAuthSecrets("op", "conn-pw")...).with(requestSecrets(ds)...)
		for _, text := range replyTexts(status, reply, ds, red) {
			if strings.Contains(text, secret) {
				t.Fatalf("secret %q in %q", secret, text)
			}
		}
	})
}

// echoShapes are ways a server or a proxy can send a request body back.
var echoShapes = []func(body []byte) (int, []byte){
	func(b []byte) (int, []byte) { // core shape, reason holds the body (Jackson-like: no HTML escaping)
		q, _ := marshal(string(b))
		return 400, fmt.Appendf(nil, `{"error":{"root_cause":[{"type":"x","reason":%s}],"type":"x","reason":%s},"status":400}`, q, q)
	},
	func(b []byte) (int, []byte) { // plugin shape, Gson HTML-safe escaping
		q, _ := json.Marshal(string(b))
		q = bytes.ReplaceAll(bytes.ReplaceAll(q, []byte("="), []byte(`\u003d`)), []byte("'"), []byte(`\u0027`))
		return 400, fmt.Appendf(nil, `{"status":400,"error":{"type":"IllegalArgumentException","reason":"Invalid Request","details":%s}}`, q)
	},
	func(b []byte) (int, []byte) { return 502, b },                                      // bare text
	func(b []byte) (int, []byte) { return 200, append([]byte("<html><pre>"), b...) },    // a proxy page, 2xx
	func(b []byte) (int, []byte) { return 404, append([]byte("<html>404 "), b...) },     // an ingress page, 404
	func(b []byte) (int, []byte) { q, _ := json.Marshal(string(b)); return 200, q },     // success string
	func(b []byte) (int, []byte) { return 500, []byte(url.QueryEscape(string(b))) },     // a URL-encoded echo
	func(b []byte) (int, []byte) { q, _ := json.Marshal(string(b)); return 500, q[1:] }, // broken JSON, raw
}

// replyTexts returns every text the client would surface from the reply.
func replyTexts(status int, reply []byte, ds DataSource, red redactor) []string {
	res := &http.Response{StatusCode: status, Header: http.Header{}}
	if status < 200 || status > 299 {
		e := newHTTPError(opUpdate, res, reply, red)
		return []string{e.Error(), e.Message, e.Type, fmt.Sprintf("%+v", e)}
	}
	wr, _, err := parseWriteResponse(reply, ds, red)
	if err != nil {
		e := notOpenSearch(opUpdate, res, err, len(reply), red)
		return []string{e.Error(), e.Message, e.Err.Error()}
	}
	return []string{fmt.Sprintf("%+v", wr)}
}
