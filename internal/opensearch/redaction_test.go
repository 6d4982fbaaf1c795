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
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const canary = "canary-7f3a9c"

// echo answers with the whole request (body and auth header) inside every
// place an error message is read from.
func echo(status int, shape string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		text := string(body) + " auth=" + r.Header.Get("Authorization")
		quoted, _ := json.Marshal(text)
		switch shape {
		case "core":
			w.Header().Set("Content-Type", jsonType)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"root_cause":[{"type":"x","reason":%s}],"type":%s,"reason":%s},"status":%d}`, quoted, quoted, quoted, status)
		case "core-string":
			w.Header().Set("Content-Type", jsonType)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":%s,"status":%d}`, quoted, status)
		case "plugin":
			w.Header().Set("Content-Type", plainType)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"status":%d,"error":{"type":%s,"reason":%s,"details":%s}}`, status, quoted, quoted, quoted)
		case "aws":
			w.Header().Set("Content-Type", jsonType)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":%s}`, quoted)
		case "success-string":
			w.WriteHeader(status)
			fmt.Fprintf(w, "%s", quoted)
		case "success-object":
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"dataSourceId":"x","message":%s}`, quoted)
		default: // bare text
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, text)
		}
	}
}

func TestCanaryNeverLeaks(t *testing.T) {
	// The canary sits in every secret slot, including with characters that
	// JSON escapes, and padded so that truncation could cut through it.
	quotedCanary := canary + `"q\`
	// '&', '<' and '>' are escaped by encoding/json's default (HTML-safe)
	// encoder but not by the body encoder; '=' and '\'' by Gson's.
	htmlCanary := canary + `&<>"\='x`
	sources := []struct {
		name string
		ds   DataSource
	}{
		{"configuration password", DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "user", Password: canary}}},
		{"configuration password needing escapes", DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "user", Password: quotedCanary}}},
		{"configuration password with &<> and quotes", DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "user", Password: htmlCanary}}},
		{"secret property with &<> and quotes", DataSource{Name: "p", Connector: "prometheus", Properties: raw(
			"prometheus.uri", `"http://prom:9090"`,
			"prometheus.auth.password", jsonQuote(htmlCanary))}},
		{"secret properties", DataSource{Name: "p", Connector: "prometheus", Properties: raw(
			"prometheus.uri", `"http://prom:9090"`,
			"prometheus.auth.password", `"`+canary+`"`,
			"prometheus.auth.secret_key", `"`+canary+`-2"`,
			"alertmanager.auth.access_key", `"`+canary+`-3"`)}},
		{"truncation boundary", DataSource{Name: strings.Repeat("n", 440), Connector: "opensearch",
			Properties: raw("x.auth.password", `"`+canary+`"`)}},
	}
	shapes := []struct {
		status int
		shape  string
	}{
		{400, "core"}, {405, "core-string"}, {400, "plugin"}, {404, "plugin"}, {500, "bare"}, {502, "bare"}, {429, "plugin"}, {403, "aws"},
	}
	successShapes := []string{"success-string", "success-object", "bare"}
	for _, d := range []Dialect{DialectDocumented, DialectSQLPlugin, DialectAuto} {
		for _, src := range sources {
			for _, sh := range shapes {
				name := fmt.Sprintf("%s/%s/%d-%s", d, src.name, sh.status, sh.shape)
				t.Run(name, func(t *testing.T) {
					srv, rec := newServer(t, echo(sh.status, sh.shape))
					c := newClient(t, srv.URL, withDialect(d), func(c *Config) { c.Username, c.Password = "op", canary+"-conn" })
					for _, write := range []func(context.Context, DataSource) (WriteResult, error){c.Create, c.Update} {
						_, err := write(context.Background(), src.ds)
						if err == nil {
							if d == DialectSQLPlugin && src.ds.Configuration != nil && strings.ToLower(src.ds.Connector) != "prometheus" {
								continue
							}
							t.Fatal("write succeeded against an error server")
						}
						assertNoCanary(t, err)
					}
					if !strings.Contains(string(rec.last(t).Body), canary) {
						t.Fatal("the canary was never sent; the test proves nothing")
					}
				})
			}
			for _, sh := range successShapes {
				t.Run(fmt.Sprintf("%s/%s/%s", d, src.name, sh), func(t *testing.T) {
					srv, _ := newServer(t, echo(200, sh))
					c := newClient(t, srv.URL, withDialect(d))
					res, err := c.Update(context.Background(), src.ds)
					if err != nil {
						assertNoCanary(t, err)
						return
					}
					if strings.Contains(fmt.Sprintf("%+v", res), canary) {
						t.Errorf("canary in result: %+v", res)
					}
				})
			}
		}
	}
}

func TestCanaryNotInTransportErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	endpoints := []string{
		"http://op:" + canary + "@" + addr,
		"http://" + addr,
	}
	for _, ep := range endpoints {
		c := newClient(t, ep, func(c *Config) {
			if !strings.Contains(ep, "@") {
				c.Username, c.Password = "op", canary
			}
		})
		_, err := c.Update(context.Background(), DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://x", Username: "u", Password: canary}})
		if KindOf(err) != KindUnavailable {
			t.Fatalf("err = %v", err)
		}
		assertNoCanary(t, err)
	}
	if _, err := New(Config{Endpoint: "http://op:" + canary + "@h:9200/%zz"}); err == nil || strings.Contains(err.Error(), canary) {
		t.Errorf("New error leaks or is missing: %v", err)
	}
}

func assertNoCanary(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%v", err), fmt.Sprintf("%#v", err.Error())} {
		if strings.Contains(s, "canary") {
			t.Fatalf("secret leaked into error: %s", s)
		}
	}
	if e, ok := err.(*Error); ok {
		for _, s := range []string{e.Message, e.Type} {
			if strings.Contains(s, "canary") {
				t.Fatalf("secret leaked into error field: %s", s)
			}
		}
	}
}

// TestSensitiveValuesAreRedacted covers values only the caller knows to be
// secret: here a URI with credentials under a key with no credential suffix,
// which OpenSearch repeats in its "Invalid URI" error.
func TestSensitiveValuesAreRedacted(t *testing.T) {
	uri := "http://user:" + canary + "@prometheus:9090"
	ds := DataSource{
		Name: "m", Connector: "prometheus",
		Properties: map[string]json.RawMessage{"prometheus.uri": json.RawMessage(`"` + uri + `"`)},
	}
	for _, shape := range []string{"plugin", "core", "aws"} {
		t.Run(shape, func(t *testing.T) {
			srv, _ := newServer(t, echo(http.StatusBadRequest, shape))
			c := newClient(t, srv.URL)

			_, err := c.Update(context.Background(), ds)
			if err == nil || !strings.Contains(err.Error(), canary) {
				t.Fatalf("without Sensitive the echo should carry the canary, got %v", err)
			}

			marked := ds
			marked.Sensitive = []string{uri}
			_, err = c.Update(context.Background(), marked)
			if err == nil {
				t.Fatal("want an error")
			}
			if s := fmt.Sprintf("%v %+v", err, err); strings.Contains(s, canary) {
				t.Fatalf("sensitive value leaked: %s", s)
			}
		})
	}
}

func jsonQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestRedactionCoversEveryEncoding: a secret can come back raw, JSON-escaped
// with or without HTML escaping, in Gson's HTML-safe escaping (the plugin's
// error formatter), or URL-encoded (a URI echoed by a proxy).
func TestRedactionCoversEveryEncoding(t *testing.T) {
	secret := canary + ` &<>"\='/?#%+é`
	red := newRedactor(secret)
	forms := map[string]string{
		"raw":                secret,
		"json, html-escaped": strings.Trim(jsonQuote(secret), `"`),
		"json, no html":      strings.Trim(string(mustMarshalNoHTML(secret)), `"`),
		"gson html-safe":     canary + ` \u0026\u003c\u003e\"\\\u003d\u0027/?#%+é`,
		"url query-escaped":  url.QueryEscape(secret),
		"url path-escaped":   url.PathEscape(secret),
		"json inside json":   strings.Trim(jsonQuote(strings.Trim(string(mustMarshalNoHTML(secret)), `"`)), `"`),
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			got := red.redact("before " + form + " after")
			if strings.Contains(got, canary) {
				t.Errorf("not redacted: %s", got)
			}
		})
	}
}

func mustMarshalNoHTML(s string) []byte {
	b, err := marshal(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestUsernamesAreNotRedacted: user names are identifiers that OpenSearch
// and Kubernetes show anyway. With the README's Prometheus sample (user name
// "prometheus"), the server's reply must read as sent, not
// "Created DataSource with name my_[REDACTED]". Passwords still are masked.
func TestUsernamesAreNotRedacted(t *testing.T) {
	sample := DataSource{
		Name: "my_prometheus", Connector: "prometheus", Description: "cluster metrics",
		AllowedRoles: []string{"prometheus_access"},
		Properties: raw(
			"prometheus.uri", `"http://prometheus.monitoring.svc:9090"`,
			"prometheus.auth.type", `"basicauth"`,
			"prometheus.auth.username", `"prometheus"`,
			"prometheus.auth.password", `"change-me"`),
	}
	viaConfiguration := sample
	viaConfiguration.Properties = nil
	viaConfiguration.Configuration = &Configuration{
		Endpoint: "http://prometheus.monitoring.svc:9090", Username: "prometheus", Password: "change-me"}
	for name, ds := range map[string]DataSource{"properties": sample, "configuration": viaConfiguration} {
		t.Run(name, func(t *testing.T) {
			srv, _ := newServer(t, reply(http.StatusCreated, jsonType, `"Created DataSource with name my_prometheus"`))
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), func(c *Config) { c.Username, c.Password = "prometheus", "op-secret" })
			res, err := c.Create(context.Background(), ds)
			if err != nil {
				t.Fatal(err)
			}
			if res.Message != "Created DataSource with name my_prometheus" {
				t.Errorf("Message = %q", res.Message)
			}

			srv2, _ := newServer(t, echo(http.StatusBadRequest, "plugin"))
			c2 := newClient(t, srv2.URL, withDialect(DialectSQLPlugin), func(c *Config) { c.Username, c.Password = "prometheus", "op-secret" })
			_, err = c2.Create(context.Background(), ds)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), "change-me") || strings.Contains(err.Error(), "op-secret") {
				t.Errorf("password leaked: %v", err)
			}
			if !strings.Contains(err.Error(), `"name":"my_prometheus"`) {
				t.Errorf("the echoed name was mangled: %v", err)
			}
		})
	}
}
