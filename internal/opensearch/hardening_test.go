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
// empty list; it is Unavailable and says what the reply was (status, media
// type, length) without quoting it.
func TestNonOpenSearch2xxIsUnavailable(t *testing.T) {
	bodies := []struct {
		name, contentType, body, notInMessage, wantInMessage string
	}{
		{"html page", "text/html", htmlPage, "<!DOCTYPE", "HTTP 200 OK, text/html, 87 bytes"},
		{"json of another service", jsonType, `{"ok":true,"service":"gateway"}`, "gateway", "HTTP 200 OK, application/json, 31 bytes"},
		{"json null", jsonType, "null", "null", "HTTP 200 OK, application/json, 4 bytes"},
		{"plain text", "text/plain", "Service is in maintenance mode", "maintenance", "HTTP 200 OK, text/plain, 30 bytes"},
		{"json number", jsonType, "42", "42", "HTTP 200 OK, application/json, 2 bytes"},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			srv, _ := newServer(t, reply(http.StatusOK, b.contentType, b.body))
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
			for op, err := range callAll(c) {
				if KindOf(err) != KindUnavailable {
					t.Errorf("%s: err = %v, want Unavailable", op, err)
					continue
				}
				if !strings.Contains(err.Error(), b.wantInMessage) || strings.Contains(err.Error(), b.notInMessage) {
					t.Errorf("%s: error %q does not describe the reply as %q, or quotes it", op, err, b.wantInMessage)
				}
			}
		})
	}
}

// metadataCredentials is what a cloud's instance metadata service answers
// for a role's credentials: the reply a connection pointed at
// http://169.254.169.254/latest/meta-data/iam/security-credentials/<role>
// would get.
const metadataCredentials = `{"Code":"Success","LastUpdated":"2026-12-07T20:00:00Z","Type":"AWS-HMAC",` +
	`"AccessKeyId":"AKIACANARY7F3A9C","SecretAccessKey":"canary-secret-7f3a9c","Token":"canary-token-7f3a9c",` +
	`"Expiration":"2026-12-08T02:00:00Z"}`

// TestForeignBodiesAreNeverQuoted: whatever status a server that is not
// OpenSearch answers with, no byte of its body reaches the error (which
// becomes a connection's status, readable by whoever chose the endpoint);
// the error says the status, media type and length instead.
func TestForeignBodiesAreNeverQuoted(t *testing.T) {
	tests := []struct {
		status      int
		contentType string
		body        string
	}{
		{200, "text/plain", metadataCredentials},
		{200, jsonType, metadataCredentials},
		{401, "text/plain", "canary: IMDSv2 token required"},
		{403, "text/html", "<html><body>canary internal admin page</body></html>"},
		{403, jsonType, `{"message":"denied","Token":"canary-token"}`},
		{404, "text/html", "<html>canary Not Found</html>"},
		{404, jsonType, `{"message":"canary"}`},
		{500, "text/plain", "canary stack trace"},
		{502, "application/xml", "<Error><Code>canary</Code></Error>"},
		{429, "text/plain", "canary slow down"},
		{400, "text/plain; charset=\"canary\"", "canary bad request"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.contentType), func(t *testing.T) {
			srv, _ := newServer(t, reply(tt.status, tt.contentType, tt.body))
			for op, err := range callAll(newClient(t, srv.URL, withDialect(DialectSQLPlugin))) {
				assertNoCanary(t, err)
				if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d %s, ", tt.status, http.StatusText(tt.status))) ||
					!strings.Contains(err.Error(), fmt.Sprintf(", %d bytes (body not shown)", len(tt.body))) {
					t.Errorf("%s: %v does not give the status and length", op, err)
				}
			}
		})
	}
}

// TestOpenSearchErrorsAreStillQuoted: OpenSearch's own error shapes (the
// SQL plugin's, OpenSearch core's with the security plugin's
// security_exception, the short core form) and AWS's front end are the
// server speaking about the request, and their words are shown.
func TestOpenSearchErrorsAreStillQuoted(t *testing.T) {
	tests := []struct {
		status      int
		contentType string
		body, want  string
	}{
		{400, plainType, `{"status":400,"error":{"type":"IllegalArgumentException","reason":"Invalid Request",` +
			`"details":"Missing [prometheus.uri] fields in the connector properties."}}`, "Missing [prometheus.uri] fields"},
		{401, jsonType, `{"error":{"root_cause":[{"type":"security_exception","reason":"Unauthorized"}],` +
			`"type":"security_exception","reason":"Unauthorized"},"status":401}`, "(401 security_exception): Unauthorized"},
		{405, jsonType, `{"error":"Incorrect HTTP method for uri [/x] and method [PUT], allowed: [POST]","status":405}`, "Incorrect HTTP method"},
		{403, jsonType, `{"message":"Credential should be scoped to a valid region. "}`, "Credential should be scoped to a valid region"},
		{401, "", "", "(401): Unauthorized"},
	}
	for _, tt := range tests {
		srv, _ := newServer(t, reply(tt.status, tt.contentType, tt.body))
		_, err := newClient(t, srv.URL, withDialect(DialectSQLPlugin)).Update(context.Background(), promDS)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d %s: err = %v, want it to quote %q", tt.status, tt.body, err, tt.want)
		}
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
			if KindOf(err) != KindUnavailable || !strings.Contains(err.Error(), "limit") {
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
