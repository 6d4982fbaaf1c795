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
	"errors"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var promDS = DataSource{
	Name: "my_prometheus", Connector: "prometheus", Status: "active",
	ResultIndex: "query_execution_result_my_prometheus",
	Properties:  raw("prometheus.uri", `"http://prom:9090"`),
}

func TestWriteSuccessShapes(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        WriteResult // Dialect is filled in per run
	}{
		{"documented object", 200, jsonType,
			`{"dataSourceId":"gxUYL4QB","name":"my_prometheus","status":"ACTIVE","message":"Data source updated successfully."}`,
			WriteResult{DataSourceID: "gxUYL4QB", Name: "my_prometheus", Status: "ACTIVE", Message: "Data source updated successfully."}},
		{"json string", 201, jsonType, `"Created DataSource with name my_prometheus"`,
			WriteResult{DataSourceID: "my_prometheus", Name: "my_prometheus", Status: "ACTIVE", Message: "Created DataSource with name my_prometheus"}},
		{"bare text", 200, jsonType, "Updated DataSource with name my_prometheus",
			WriteResult{DataSourceID: "my_prometheus", Name: "my_prometheus", Status: "ACTIVE", Message: "Updated DataSource with name my_prometheus"}},
		{"bare text as text/plain", 200, plainType, "Updated DataSource with name my_prometheus\n",
			WriteResult{DataSourceID: "my_prometheus", Name: "my_prometheus", Status: "ACTIVE", Message: "Updated DataSource with name my_prometheus"}},
		{"204 empty", 204, "", "",
			WriteResult{DataSourceID: "my_prometheus", Name: "my_prometheus", Status: "ACTIVE"}},
	}
	ops := []struct {
		name   string
		method string
		call   func(*Client, context.Context, DataSource) (WriteResult, error)
	}{
		{"create", http.MethodPost, (*Client).Create},
		{"update", http.MethodPut, (*Client).Update},
	}
	for _, d := range []Dialect{DialectDocumented, DialectSQLPlugin} {
		for _, op := range ops {
			for _, tt := range tests {
				t.Run(string(d)+"/"+op.name+"/"+tt.name, func(t *testing.T) {
					srv, rec := newServer(t, reply(tt.status, tt.contentType, tt.body))
					c := newClient(t, srv.URL, withDialect(d))
					got, err := op.call(c, context.Background(), promDS)
					if err != nil {
						t.Fatalf("%s: %v", op.name, err)
					}
					want := tt.want
					want.Dialect = d
					if got != want {
						t.Errorf("result = %+v, want %+v", got, want)
					}
					r := rec.last(t)
					if r.Method != op.method || r.RequestURI != "/_plugins/_query/_datasources" {
						t.Errorf("request = %s %s", r.Method, r.RequestURI)
					}
					if ct, acc := r.Header.Get("Content-Type"), r.Header.Get("Accept"); ct != "application/json" || acc != "application/json" {
						t.Errorf("Content-Type %q, Accept %q", ct, acc)
					}
					if c.Dialect() != d {
						t.Errorf("Dialect() = %s, want the configured %s", c.Dialect(), d)
					}
				})
			}
		}
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name string
		h    handlerFunc
	}{
		{"204 empty", reply(204, "", "")},
		{"200 json object", reply(200, jsonType, `{"dataSourceId":"x","name":"a b","message":"deleted"}`)},
		{"200 text", reply(200, plainType, "Deleted DataSource with name a b")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := newServer(t, tt.h)
			c := newClient(t, srv.URL)
			if err := c.Delete(context.Background(), "a b"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			r := rec.last(t)
			if r.Method != http.MethodDelete || r.RequestURI != "/_plugins/_query/_datasources/a%20b" {
				t.Errorf("request = %s %s", r.Method, r.RequestURI)
			}
		})
	}
	if err := newClient(t, "http://127.0.0.1:1").Delete(context.Background(), ""); err == nil {
		t.Error("Delete(\"\") succeeded")
	}
}

// pluginGet is the SQL plugin's pretty-printed GET output.
const pluginGet = `{
  "name": "my_prometheus",
  "description": "cluster metrics",
  "connector": "PROMETHEUS",
  "allowedRoles": [
    "prometheus_access"
  ],
  "properties": {
    "prometheus.auth.type": "basicauth",
    "prometheus.uri": "http://prometheus.monitoring.svc:9090"
  },
  "resultIndex": "query_execution_result_my_prometheus",
  "status": "ACTIVE"
}`

func TestGet(t *testing.T) {
	tests := []struct {
		name string
		body string
		want RemoteDataSource
	}{
		{"sql plugin", pluginGet, RemoteDataSource{
			Name: "my_prometheus", Description: "cluster metrics", Connector: "PROMETHEUS",
			AllowedRoles: []string{"prometheus_access"},
			Properties:   map[string]string{"prometheus.auth.type": "basicauth", "prometheus.uri": "http://prometheus.monitoring.svc:9090"},
			ResultIndex:  "query_execution_result_my_prometheus", Status: "ACTIVE",
		}},
		{"documented with typed properties", `{"id":"gx1","name":"m","connector":"mysql","status":"ACTIVE",
			"properties":{"port":3306,"tls":true,"ratio":1.50,"host":"h","gone":null},
			"configuration":{"endpoint":"jdbc:mysql://h","credentials":{"username":"u","password":"******"}}}`,
			RemoteDataSource{DataSourceID: "gx1", Name: "m", Connector: "mysql", Status: "ACTIVE", AllowedRoles: []string{},
				Properties:            map[string]string{"port": "3306", "tls": "true", "ratio": "1.50", "host": "h"},
				ConfigurationEndpoint: "jdbc:mysql://h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := newServer(t, reply(200, jsonType, tt.body))
			c := newClient(t, srv.URL)
			got, err := c.Get(context.Background(), "my_prometheus")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Get = %+v\nwant  %+v", got, tt.want)
			}
			if r := rec.last(t); r.Method != http.MethodGet || r.RequestURI != "/_plugins/_query/_datasources/my_prometheus" {
				t.Errorf("request = %s %s", r.Method, r.RequestURI)
			}
		})
	}
}

func TestGetUndecodable(t *testing.T) {
	srv, _ := newServer(t, reply(200, "text/html", "<html>proxy login</html>"))
	_, err := newClient(t, srv.URL).Get(context.Background(), "x")
	if KindOf(err) != KindUnavailable {
		t.Fatalf("err = %v, want Unavailable", err)
	}
}

func TestList(t *testing.T) {
	srv, rec := newServer(t, reply(200, jsonType, "["+pluginGet+`,{"name":"o","connector":"OPENSEARCH","properties":{}}]`))
	got, err := newClient(t, srv.URL).List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(got) != 2 || got[0].Name != "my_prometheus" || got[1].Connector != "OPENSEARCH" {
		t.Errorf("List = %+v", got)
	}
	if r := rec.last(t); r.Method != http.MethodGet || r.RequestURI != "/_plugins/_query/_datasources" {
		t.Errorf("request = %s %s", r.Method, r.RequestURI)
	}

	srv2, _ := newServer(t, reply(200, jsonType, "[]"))
	got, err = newClient(t, srv2.URL).List(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("empty list: %v, %v", got, err)
	}
}

func TestHTTPErrors(t *testing.T) {
	longText := strings.Repeat("x", 2000)
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		headers     []string
		wantKind    ErrorKind
		wantType    string
		wantMessage string
		wantRetry   time.Duration
	}{
		{name: "core 400", status: 400, contentType: jsonType,
			body: `{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"Unknown field: foo"}],
				"type":"illegal_argument_exception","reason":"Unknown field: foo"},"status":400}`,
			wantKind: KindRejected, wantType: "illegal_argument_exception", wantMessage: "Unknown field: foo"},
		{name: "core 405 string error", status: 405, contentType: jsonType,
			body:     `{"error":"Incorrect HTTP method for uri [/_plugins/_query/_datasources/x] and method [PUT], allowed: [DELETE, GET]","status":405}`,
			wantKind: KindRejected, wantMessage: "Incorrect HTTP method for uri [/_plugins/_query/_datasources/x] and method [PUT], allowed: [DELETE, GET]"},
		{name: "plugin 404 as text/plain", status: 404, contentType: plainType,
			body: `{
  "status": 404,
  "error": {
    "type": "DataSourceNotFoundException",
    "reason": "There was internal problem at backend",
    "details": "DataSource with name foo doesn't exist."
  }
}`,
			wantKind: KindNotFound, wantType: "DataSourceNotFoundException", wantMessage: "DataSource with name foo doesn't exist."},
		{name: "plugin already exists", status: 400, contentType: plainType,
			body:     `{"status":400,"error":{"type":"IllegalArgumentException","reason":"Invalid Request","details":"A datasource already exists with name: foo"}}`,
			wantKind: KindAlreadyExists, wantType: "IllegalArgumentException", wantMessage: "A datasource already exists with name: foo"},
		{name: "plugin 400 other", status: 400, contentType: plainType,
			body:     `{"status":400,"error":{"type":"IllegalArgumentException","reason":"Invalid Request","details":"Missing [prometheus.uri] fields in the connector properties."}}`,
			wantKind: KindRejected, wantType: "IllegalArgumentException", wantMessage: "Missing [prometheus.uri] fields in the connector properties."},
		{name: "plugin details empty falls back to reason", status: 400, contentType: plainType,
			body:     `{"status":400,"error":{"type":"X","reason":"Invalid Request","details":""}}`,
			wantKind: KindRejected, wantType: "X", wantMessage: "Invalid Request"},
		{name: "legacy 400 not found", status: 400, contentType: plainType,
			body:     `{"status":400,"error":{"type":"IllegalArgumentException","reason":"Invalid Request","details":"DataSource with name: foo doesn't exist."}}`,
			wantKind: KindNotFound, wantType: "IllegalArgumentException", wantMessage: "DataSource with name: foo doesn't exist."},
		{name: "plugin 403", status: 403, contentType: plainType,
			body:     `{"status":403,"error":{"type":"OpenSearchSecurityException","reason":"There was internal problem at backend","details":"no permissions for [cluster:admin/opensearch/ql/datasources/read]"}}`,
			wantKind: KindForbidden, wantType: "OpenSearchSecurityException", wantMessage: "no permissions for [cluster:admin/opensearch/ql/datasources/read]"},
		{name: "401 no body", status: 401, wantKind: KindForbidden, wantMessage: "Unauthorized"},
		{name: "core 500", status: 500, contentType: jsonType,
			body:     `{"error":{"root_cause":[{"type":"null_pointer_exception","reason":"npe"}],"type":"null_pointer_exception","reason":"npe"},"status":500}`,
			wantKind: KindUnavailable, wantType: "null_pointer_exception", wantMessage: "npe"},
		{name: "502 non-JSON text described, not quoted", status: 502, contentType: "text/html", body: "<html>Bad Gateway</html>",
			wantKind: KindUnavailable, wantMessage: "not an OpenSearch error: HTTP 502 Bad Gateway, text/html, 24 bytes (body not shown)"},
		{name: "502 long text described", status: 502, contentType: "text/plain; charset=utf-8", body: longText,
			wantKind: KindUnavailable, wantMessage: "not an OpenSearch error: HTTP 502 Bad Gateway, text/plain, 2000 bytes (body not shown)"},
		{name: "AWS front end quoted", status: 403, contentType: jsonType,
			body:     `{"message":"The security token included in the request is invalid."}`,
			wantKind: KindForbidden, wantMessage: "The security token included in the request is invalid."},
		{name: "a message beside other fields is not AWS's", status: 403, contentType: jsonType,
			body:     `{"message":"denied","AccessKeyId":"AKIAEXAMPLE"}`,
			wantKind: KindForbidden, wantMessage: "not an OpenSearch error: HTTP 403 Forbidden, application/json, 48 bytes (body not shown)"},
		{name: "429 retry-after seconds", status: 429, contentType: plainType,
			body:     `{"status":429,"error":{"type":"OpenSearchRejectedExecutionException","reason":"Too Many Requests","details":"rejected"}}`,
			headers:  []string{"Retry-After", "7"},
			wantKind: KindTooManyRequests, wantType: "OpenSearchRejectedExecutionException", wantMessage: "rejected", wantRetry: 7 * time.Second},
		{name: "503 retry-after seconds", status: 503, contentType: "text/plain", body: "busy", headers: []string{"Retry-After", "3"},
			wantKind: KindUnavailable, wantMessage: "not an OpenSearch error: HTTP 503 Service Unavailable, text/plain, 4 bytes (body not shown)",
			wantRetry: 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, reply(tt.status, tt.contentType, tt.body, tt.headers...))
			_, err := newClient(t, srv.URL, withDialect(DialectSQLPlugin)).Update(context.Background(), promDS)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.Kind != tt.wantKind || e.StatusCode != tt.status || e.Type != tt.wantType || e.Message != tt.wantMessage || e.Operation != "update" {
				t.Errorf("got  %+v\nwant kind=%s status=%d type=%q message=%q", *e, tt.wantKind, tt.status, tt.wantType, tt.wantMessage)
			}
			if d, ok := RetryAfter(err); d != tt.wantRetry || ok != (tt.wantRetry > 0) {
				t.Errorf("RetryAfter = %v, %v; want %v", d, ok, tt.wantRetry)
			}
			if e.Err != nil {
				t.Errorf("HTTP error has a cause: %v", e.Err)
			}
		})
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"12", 12 * time.Second},
		{"-1", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTransportErrors(t *testing.T) {
	// A listener that is closed before use gives connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	_ = l.Close()

	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	slow, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})

	tests := []struct {
		name     string
		endpoint string
		timeout  time.Duration
		ctx      func() (context.Context, context.CancelFunc)
		wantIs   error
	}{
		{name: "connection refused", endpoint: refused, ctx: background},
		{name: "timeout", endpoint: slow.URL, timeout: 50 * time.Millisecond, ctx: background, wantIs: context.DeadlineExceeded},
		{name: "context cancelled", endpoint: slow.URL, ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, wantIs: context.Canceled},
		{name: "dns failure", endpoint: "http://no-such-host.invalid:9200", ctx: background},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.endpoint, func(c *Config) { c.RequestTimeout = tt.timeout })
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			_, err := c.Get(ctx, "x")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.Kind != KindUnavailable || e.StatusCode != 0 || e.Err == nil || e.Operation != "get" {
				t.Errorf("got %+v", *e)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

func TestBasicAuthAndPathPrefix(t *testing.T) {
	srv, rec := newServer(t, reply(200, jsonType, "[]"))
	tests := []struct {
		name             string
		cfg              func(*Config)
		endpoint         string
		wantUser, wantPw string
		wantAuth         bool
		wantURI          string
	}{
		{name: "configured credentials", endpoint: srv.URL,
			cfg: func(c *Config) { c.Username, c.Password = "admin", "s3cret" }, wantAuth: true, wantUser: "admin", wantPw: "s3cret",
			wantURI: "/_plugins/_query/_datasources"},
		{name: "no credentials", endpoint: srv.URL, cfg: func(*Config) {}, wantURI: "/_plugins/_query/_datasources"},
		{name: "userinfo in endpoint", endpoint: strings.Replace(srv.URL, "http://", "http://bob:pw@", 1), cfg: func(*Config) {},
			wantAuth: true, wantUser: "bob", wantPw: "pw", wantURI: "/_plugins/_query/_datasources"},
		{name: "path prefix kept", endpoint: srv.URL + "/opensearch/", cfg: func(*Config) {},
			wantURI: "/opensearch/_plugins/_query/_datasources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newClient(t, tt.endpoint, tt.cfg).List(context.Background()); err != nil {
				t.Fatalf("List: %v", err)
			}
			r := rec.last(t)
			req := &http.Request{Header: r.Header}
			u, p, ok := req.BasicAuth()
			if ok != tt.wantAuth || u != tt.wantUser || p != tt.wantPw {
				t.Errorf("basic auth = %q %q %v", u, p, ok)
			}
			if r.RequestURI != tt.wantURI {
				t.Errorf("RequestURI = %q, want %q", r.RequestURI, tt.wantURI)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	tests := []struct {
		name      string
		listReply handlerFunc
		want      ServerInfo
		wantKind  ErrorKind
	}{
		{"ok", reply(200, jsonType, "[]"), ServerInfo{Version: "2.19.1", Distribution: "opensearch"}, ""},
		{"list forbidden", reply(403, plainType, `{"status":403,"error":{"type":"OpenSearchSecurityException","reason":"r","details":"no permissions"}}`),
			ServerInfo{Version: "2.19.1", Distribution: "opensearch"}, KindForbidden},
		{"api missing", reply(400, jsonType, `{"error":{"type":"illegal_argument_exception","reason":"no handler found for uri"},"status":400}`),
			ServerInfo{Version: "2.19.1", Distribution: "opensearch"}, KindRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
				if r.URL.Path == "/" {
					reply(200, jsonType, `{"name":"n","cluster_name":"c","version":{"distribution":"opensearch","number":"2.19.1","lucene_version":"9"},"tagline":"The OpenSearch Project"}`)(w, r, b)
					return
				}
				tt.listReply(w, r, b)
			})
			got, err := probe(context.Background(), newClient(t, srv.URL))
			if KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %q", err, tt.wantKind)
			}
			if got != tt.want {
				t.Errorf("Probe = %+v, want %+v", got, tt.want)
			}
			reqs := rec.all()
			if len(reqs) != 2 || reqs[0].RequestURI != "/" || reqs[1].RequestURI != "/_plugins/_query/_datasources" {
				t.Errorf("requests = %+v", reqs)
			}
		})
	}

	srv, rec := newServer(t, reply(401, jsonType, `{"error":"unauthorized","status":401}`))
	if _, err := probe(context.Background(), newClient(t, srv.URL)); KindOf(err) != KindForbidden {
		t.Errorf("Probe on 401: %v", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("Probe kept going after the first error: %d requests", n)
	}
}

func TestObserver(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		switch {
		case r.URL.Path == "/":
			reply(200, jsonType, `{"version":{"number":"3.0.0"}}`)(w, r, b)
		case r.Method == http.MethodDelete:
			reply(404, plainType, `{"status":404,"error":{"type":"DataSourceNotFoundException","reason":"r","details":"gone"}}`)(w, r, b)
		case r.Method == http.MethodPost:
			reply(429, plainType, `{"status":429,"error":{"type":"T","reason":"Too Many Requests"}}`)(w, r, b)
		case r.Method == http.MethodPut:
			reply(200, jsonType, `"Updated DataSource with name x"`)(w, r, b)
		default:
			reply(200, jsonType, `[]`)(w, r, b)
		}
	})
	var mu sync.Mutex
	var got []RequestRecord
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), func(c *Config) {
		c.Observer = func(r RequestRecord) {
			mu.Lock()
			defer mu.Unlock()
			if r.Duration <= 0 {
				t.Errorf("record without duration: %+v", r)
			}
			r.Duration = 0
			got = append(got, r)
		}
	})
	ctx := context.Background()
	_, _ = probe(ctx, c)
	_, _ = c.Create(ctx, promDS)
	_, _ = c.Update(ctx, promDS)
	_, _ = c.Get(ctx, "x") // default branch answers a list, which does not decode as one object
	_ = c.Delete(ctx, "x")
	want := []RequestRecord{
		{Method: "GET", Operation: "info", Outcome: "success"},
		{Method: "GET", Operation: "list", Outcome: "success"},
		{Method: "POST", Operation: "create", Outcome: "TooManyRequests"},
		{Method: "PUT", Operation: "update", Outcome: "success"},
		{Method: "GET", Operation: "get", Outcome: "Unavailable"},
		{Method: "DELETE", Operation: "delete", Outcome: "NotFound"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n got %+v\nwant %+v", got, want)
	}
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"empty endpoint", Config{}},
		{"bad scheme", Config{Endpoint: "ftp://h"}},
		{"no host", Config{Endpoint: "http://"}},
		{"unknown dialect", Config{Endpoint: "http://h", Dialect: "Other"}},
		{"bad CA", Config{Endpoint: "https://h", CACertPEM: []byte("not pem")}},
		{"cert without key", Config{Endpoint: "https://h", ClientCertPEM: []byte("x")}},
		{"key without cert", Config{Endpoint: "https://h", ClientKeyPEM: []byte("x")}},
		{"bad key pair", Config{Endpoint: "https://h", ClientCertPEM: []byte("x"), ClientKeyPEM: []byte("y")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := New(tt.cfg); err == nil {
				_ = c.Close()
				t.Fatal("New succeeded")
			}
		})
	}
	c := newClient(t, "http://h")
	if c.Dialect() != DialectAuto {
		t.Errorf("default dialect = %s", c.Dialect())
	}
	if c.timeout != 10*time.Second {
		t.Errorf("default timeout = %v", c.timeout)
	}
}

func TestErrorHelpers(t *testing.T) {
	e := &Error{Kind: KindRejected, StatusCode: 400, Operation: "create", Type: "t", Message: "m"}
	if got := e.Error(); got != "opensearch create: Rejected (400 t): m" {
		t.Errorf("Error() = %q", got)
	}
	wrapped := errors.Join(errors.New("ctx"), e)
	checks := []struct {
		name string
		fn   func(error) bool
		kind ErrorKind
	}{
		{"NotFound", IsNotFound, KindNotFound},
		{"AlreadyExists", IsAlreadyExists, KindAlreadyExists},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			err := error(&Error{Kind: c.kind})
			if !c.fn(err) || !c.fn(errors.Join(errors.New("x"), err)) {
				t.Errorf("Is%s false for its own kind", c.name)
			}
			if c.fn(errors.New("plain")) {
				t.Errorf("Is%s true for a plain error", c.name)
			}
		})
	}
	if KindOf(wrapped) != KindRejected || KindOf(errors.New("x")) != "" || KindOf(nil) != "" {
		t.Error("KindOf")
	}
	if _, ok := RetryAfter(e); ok {
		t.Error("RetryAfter without a delay")
	}
	te := &Error{Kind: KindUnavailable, Operation: "get", Message: "dial tcp: refused", Err: context.Canceled}
	if !errors.Is(te, context.Canceled) || te.Error() != "opensearch get: Unavailable: dial tcp: refused" {
		t.Errorf("transport error: %q", te.Error())
	}
	var ise error = &InvalidSpecError{Message: "bad"}
	if ise.Error() != "bad" {
		t.Error("InvalidSpecError.Error")
	}

}

// probe is what the connection controller asks of a server: its version,
// then its data sources; it stops at the first error.
func probe(ctx context.Context, c *Client) (ServerInfo, error) {
	info, err := c.Info(ctx)
	if err != nil {
		return ServerInfo{}, err
	}
	_, err = c.List(ctx)
	return info, err
}
