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
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// htmlPage is what a proxy or an ingress controller answers in OpenSearch's
// place: a login page, a maintenance page, a default backend.
const htmlPage = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>proxy login</body></html>"

// callAll runs every operation of the client once and returns its error.
func callAll(c *Client) map[string]error {
	ctx := context.Background()
	_, createErr := c.Create(ctx, promDS)
	_, updateErr := c.Update(ctx, promDS)
	_, getErr := c.Get(ctx, "my_prometheus")
	_, listErr := c.List(ctx)
	_, infoErr := c.Info(ctx)
	return map[string]error{
		"create": createErr, "update": updateErr, "get": getErr, "list": listErr,
		"delete": c.Delete(ctx, "my_prometheus"), "info": infoErr,
	}
}

// TestNonOpenSearch2xxIsUnavailable: a 2xx whose body is not one the API
// returns must not count as success (a write that never happened) nor as an
// empty list; it is Unavailable and shows the first bytes of the body.
func TestNonOpenSearch2xxIsUnavailable(t *testing.T) {
	bodies := []struct {
		name, contentType, body, wantInMessage string
	}{
		{"html page", "text/html", htmlPage, "<!DOCTYPE html><html>"},
		{"json of another service", jsonType, `{"ok":true,"service":"gateway"}`, `{"ok":true`},
		{"json null", jsonType, "null", "null"},
		{"plain text", "text/plain", "Service is in maintenance mode", "maintenance mode"},
		{"json number", jsonType, "42", "42"},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := newServer(t, reply(http.StatusOK, b.contentType, b.body))
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
			for op, err := range callAll(c) {
				if !IsUnavailable(err) {
					t.Errorf("%s: err = %v, want Unavailable", op, err)
					continue
				}
				if !strings.Contains(err.Error(), b.wantInMessage) {
					t.Errorf("%s: error %q does not show the body's first bytes %q", op, err, b.wantInMessage)
				}
			}
		})
	}
}

// TestNonOpenSearchBodyIsRedactedAndCut: the body shown in the error is
// redacted and cut short.
func TestNonOpenSearchBodyIsRedactedAndCut(t *testing.T) {
	page := "<html>" + canary + strings.Repeat("x", 4000) + "</html>"
	srv, _ := newServer(t, reply(http.StatusOK, "text/html", page))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
	ds := promDS
	ds.Properties = raw("prometheus.uri", `"http://prom:9090"`, "prometheus.auth.password", `"`+canary+`"`)
	_, err := c.Update(context.Background(), ds)
	if !IsUnavailable(err) {
		t.Fatalf("err = %v, want Unavailable", err)
	}
	assertNoCanary(t, err)
	if !strings.Contains(err.Error(), "<html>"+redactedMarker) {
		t.Errorf("error does not show the redacted start of the body: %v", err)
	}
	if n := len(err.Error()); n > 1024 {
		t.Errorf("error is %d bytes long; the body must be cut", n)
	}
}

// TestNotFoundNeedsOpenSearchsOwnAnswer: only OpenSearch's own "no such
// data source" answer is NotFound. A 404 from a misrouted ingress must not
// release a finalizer or trigger a create.
func TestNotFoundNeedsOpenSearchsOwnAnswer(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        ErrorKind
	}{
		{"plugin shape DataSourceNotFoundException", plainType,
			`{"status":404,"error":{"type":"DataSourceNotFoundException","reason":"There was internal problem at backend","details":"Datasource with name: my_prometheus doesn't exist"}}`,
			KindNotFound},
		{"plugin shape, no data source index yet", plainType,
			`{"status":404,"error":{"type":"IndexNotFoundException","reason":"There was internal problem at backend","details":"no such index [.ql-datasources]"}}`,
			KindNotFound},
		{"core shape index_not_found_exception on .ql-datasources", jsonType,
			`{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [.ql-datasources]"}],"type":"index_not_found_exception","reason":"no such index [.ql-datasources]"},"status":404}`,
			KindNotFound},
		{"core shape data_source_not_found_exception", jsonType,
			`{"error":{"root_cause":[{"type":"data_source_not_found_exception","reason":"DataSource with name my_prometheus doesn't exist."}],"type":"data_source_not_found_exception","reason":"DataSource with name my_prometheus doesn't exist."},"status":404}`,
			KindNotFound},
		{"html 404 from an ingress", "text/html", "<html><body><h1>404 Not Found</h1>nginx</body></html>", KindUnavailable},
		{"empty 404", "", "", KindUnavailable},
		{"plain text 404", "text/plain", "404 page not found", KindUnavailable},
		{"json 404 of another service", jsonType, `{"message":"route not found"}`, KindUnavailable},
		{"core 404 without the plugin (no handler)", jsonType,
			`{"error":{"root_cause":[{"type":"no_handler_found_exception","reason":"no handler found for uri [/_plugins/_query/_datasources/x] and method [DELETE]"}],"type":"no_handler_found_exception","reason":"no handler found for uri [/_plugins/_query/_datasources/x] and method [DELETE]"},"status":404}`,
			KindRejected},
		{"core 404 on another index", jsonType,
			`{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [logs]"}],"type":"index_not_found_exception","reason":"no such index [logs]"},"status":404}`,
			KindRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, reply(http.StatusNotFound, tt.contentType, tt.body))
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
			ctx := context.Background()
			_, getErr := c.Get(ctx, "my_prometheus")
			_, updateErr := c.Update(ctx, promDS)
			for op, err := range map[string]error{"get": getErr, "update": updateErr, "delete": c.Delete(ctx, "my_prometheus")} {
				if got := KindOf(err); got != tt.want {
					t.Errorf("%s: kind %q, want %q (err %v)", op, got, tt.want, err)
				}
			}
		})
	}
}

// TestLegacyNotFoundNeedsErrorShape: 2.7-2.10 said "doesn't exist" with a
// 400 in the plugin's shape; the same words as bare text are not OpenSearch.
func TestLegacyNotFoundNeedsErrorShape(t *testing.T) {
	srv, _ := newServer(t, reply(http.StatusBadRequest, "text/plain", "DataSource with name: x doesn't exist."))
	_, err := newClient(t, srv.URL).Get(context.Background(), "x")
	if IsNotFound(err) {
		t.Fatalf("bare text counted as not found: %v", err)
	}
}

// TestResponseBodyCaps: every operation reads at most what its answer can
// plausibly need; more is a misbehaving endpoint, reported as Unavailable.
func TestResponseBodyCaps(t *testing.T) {
	bigString := func(n int) string { return `"Updated DataSource with name ` + strings.Repeat("x", n) + `"` }
	dsJSON := func(i, pad int) string {
		return fmt.Sprintf(`{"name":"ds%d","description":%q,"connector":"PROMETHEUS","allowedRoles":[],"properties":{"prometheus.uri":"http://p:9090"},"resultIndex":"query_execution_result_ds%d","status":"ACTIVE"}`,
			i, strings.Repeat("d", pad), i)
	}
	list := func(n, pad int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = dsJSON(i, pad)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	tests := []struct {
		name   string
		body   string
		call   func(*Client) error
		wantOK bool
	}{
		{"list at the default limit of 20 with 32 KiB each", list(20, 32<<10), listCall, true},
		{"list of 1000 ordinary data sources", list(1000, 100), listCall, true},
		{"list of 6 MiB", list(48, 128<<10), listCall, false},
		{"get of one large data source", dsJSON(1, 200<<10), getCall, true},
		{"get of 2 MiB", dsJSON(1, 2<<20), getCall, false},
		{"write reply of 100 KiB", bigString(100 << 10), updateCall, false},
		{"write reply of 1 KiB", bigString(1 << 10), updateCall, true},
		{"info of 1 MiB", `{"version":{"number":"2.19.1"},"pad":"` + strings.Repeat("p", 1<<20) + `"}`, infoCall, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newServer(t, reply(http.StatusOK, jsonType, tt.body))
			err := tt.call(newClient(t, srv.URL, withDialect(DialectSQLPlugin)))
			if tt.wantOK {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !IsUnavailable(err) || !strings.Contains(err.Error(), "limit") {
				t.Fatalf("err = %v, want Unavailable naming the limit", err)
			}
			if len(err.Error()) > 1024 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func listCall(c *Client) error {
	_, err := c.List(context.Background())
	return err
}

func getCall(c *Client) error {
	_, err := c.Get(context.Background(), "ds1")
	return err
}

func updateCall(c *Client) error {
	_, err := c.Update(context.Background(), promDS)
	return err
}

func infoCall(c *Client) error {
	_, err := c.Info(context.Background())
	return err
}
