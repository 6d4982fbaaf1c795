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
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// seen is one request as the test server received it.
type seen struct {
	Method     string
	RequestURI string
	Body       []byte
	Header     http.Header
}

// recorder remembers every request a test server receives.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func (r *recorder) last(t *testing.T) seen {
	t.Helper()
	all := r.all()
	if len(all) == 0 {
		t.Fatal("server received no request")
	}
	return all[len(all)-1]
}

// handlerFunc answers a request whose body has already been read.
type handlerFunc func(w http.ResponseWriter, r *http.Request, body []byte)

// newServer starts a plain HTTP test server that records requests.
func newServer(t *testing.T, h handlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(recording(rec, h))
	t.Cleanup(srv.Close)
	return srv, rec
}

func recording(rec *recorder, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, seen{Method: r.Method, RequestURI: r.RequestURI, Body: body, Header: r.Header.Clone()})
		rec.mu.Unlock()
		h(w, r, body)
	})
}

// reply returns a handler that always answers with the given response.
func reply(status int, contentType, body string, headers ...string) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// newClient builds a client for endpoint, failing the test on error.
func newClient(t *testing.T, endpoint string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{Endpoint: endpoint}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func withDialect(d Dialect) func(*Config) { return func(c *Config) { c.Dialect = d } }

const (
	jsonType  = "application/json; charset=UTF-8"
	plainType = "text/plain; charset=UTF-8"
)
