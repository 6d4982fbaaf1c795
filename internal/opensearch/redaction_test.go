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
	sources := []struct {
		name string
		ds   DataSource
	}{
		{"configuration password", DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "user", Password: canary}}},
		{"configuration password needing escapes", DataSource{Name: "p", Connector: "prometheus",
			Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "user", Password: quotedCanary}}},
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
		{400, "core"}, {405, "core-string"}, {400, "plugin"}, {404, "plugin"}, {500, "bare"}, {502, "bare"}, {429, "plugin"},
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
		if !IsUnavailable(err) {
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
	for _, shape := range []string{"plugin", "core", "bare"} {
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
