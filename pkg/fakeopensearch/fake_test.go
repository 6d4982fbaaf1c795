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
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const promBody = `{"name":"p1","connector":"prometheus","properties":{"prometheus.uri":"http://prom:9090","prometheus.auth.type":"basicauth","prometheus.auth.username":"u","prometheus.auth.password":"pw"}}`

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func call(t *testing.T, c *http.Client, method, url, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestCounts(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	call(t, nil, "GET", s.URL()+"/", "")
	call(t, nil, "POST", u, promBody)
	call(t, nil, "POST", u, promBody) // duplicate, still counted
	call(t, nil, "GET", u, "")
	call(t, nil, "GET", u+"/p1", "")
	call(t, nil, "PUT", u, promBody)
	call(t, nil, "PATCH", u, `{"name":"p1","description":"x"}`)
	call(t, nil, "DELETE", u+"/p1", "")
	call(t, nil, "POST", u+"/p1", "{}") // 405: counted by method only
	want := map[Op]int{OpInfo: 1, OpCreate: 2, OpList: 1, OpGet: 1, OpUpdate: 1, OpPatch: 1, OpDelete: 1}
	for op, n := range want {
		if got := s.Count(op); got != n {
			t.Errorf("Count(%s) = %d, want %d", op, got, n)
		}
	}
	if got := s.CountMethod("GET"); got != 3 {
		t.Errorf("CountMethod(GET) = %d, want 3", got)
	}
	if got := s.CountMethod("post"); got != 3 {
		t.Errorf("CountMethod(post) = %d, want 3", got)
	}
	s.ResetCounts()
	if s.Count(OpCreate) != 0 || s.CountMethod("GET") != 0 {
		t.Error("ResetCounts did not zero counters")
	}
}

func TestFailNext(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	s.FailNext(2, Fault{Status: 503, RetryAfter: 1500 * time.Millisecond})
	// GET / is never faulted and does not consume the fault budget.
	if resp, _ := call(t, nil, "GET", s.URL()+"/", ""); resp.StatusCode != 200 {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for i := 0; i < 2; i++ {
		resp, body := call(t, nil, "POST", u, promBody)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("faulted request %d: %d Retry-After=%q", i, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("fault content type %q", resp.Header.Get("Content-Type"))
		}
		var pb pluginBody
		if err := json.Unmarshal([]byte(body), &pb); err != nil || pb.Status != 503 || pb.Error.Reason != "There was internal problem at backend" {
			t.Errorf("fault body %s (%v)", body, err)
		}
	}
	if resp, body := call(t, nil, "POST", u, promBody); resp.StatusCode != 201 {
		t.Fatalf("after faults: %d %s", resp.StatusCode, body)
	}
	if s.Count(OpCreate) != 3 {
		t.Errorf("faulted requests must be counted: %d", s.Count(OpCreate))
	}
	if _, ok := s.Stored("p1"); !ok {
		t.Error("p1 not stored")
	}

	s.FailNext(1, Fault{Status: 429})
	resp, body := call(t, nil, "GET", u, "")
	if resp.StatusCode != 429 || !strings.Contains(body, "Too Many Requests") {
		t.Errorf("429 fault: %d %s", resp.StatusCode, body)
	}
	s.FailNext(1, Fault{})
	if resp, _ := call(t, nil, "GET", u, ""); resp.StatusCode != 500 {
		t.Errorf("zero fault = %d, want 500", resp.StatusCode)
	}
}

// TestFailRateReplaysItsSeed: two servers with one FailSeed fail the same
// requests, and a server without one reports the seed it picked.
func TestFailRateReplaysItsSeed(t *testing.T) {
	pattern := func(s *Server) string {
		s.FailRate(0.5, Fault{Status: 500})
		var b strings.Builder
		for i := 0; i < 64; i++ {
			resp, _ := call(t, nil, "GET", s.URL()+BasePath, "")
			b.WriteString(map[bool]string{true: "x", false: "."}[resp.StatusCode == 500])
		}
		return b.String()
	}
	first := pattern(start(t, Options{FailSeed: 42}))
	if again := pattern(start(t, Options{FailSeed: 42})); again != first {
		t.Fatalf("seed 42 failed %s, then %s", first, again)
	}
	if other := pattern(start(t, Options{FailSeed: 43})); other == first {
		t.Fatalf("seeds 42 and 43 failed the same 64 requests: %s", first)
	}
	picked := start(t, Options{})
	if picked.FailSeed() == 0 {
		t.Fatal("no seed reported")
	}
	if replay := pattern(start(t, Options{FailSeed: picked.FailSeed()})); replay != pattern(picked) {
		t.Fatalf("replaying seed %d gave another pattern", picked.FailSeed())
	}
}

func TestFailRate(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	s.FailRate(1, Fault{Status: 500})
	for i := 0; i < 5; i++ {
		if resp, _ := call(t, nil, "GET", u, ""); resp.StatusCode != 500 {
			t.Fatalf("rate 1: %d", resp.StatusCode)
		}
	}
	s.FailRate(0.5, Fault{Status: 500})
	failed := 0
	for i := 0; i < 200; i++ {
		if resp, _ := call(t, nil, "GET", u, ""); resp.StatusCode == 500 {
			failed++
		}
	}
	if failed < 40 || failed > 160 {
		t.Errorf("rate 0.5: %d/200 failed", failed)
	}
	s.FailRate(0, Fault{})
	for i := 0; i < 5; i++ {
		if resp, _ := call(t, nil, "GET", u, ""); resp.StatusCode != 200 {
			t.Fatalf("rate 0: %d", resp.StatusCode)
		}
	}
	if s.Count(OpList) != 210 {
		t.Errorf("Count(list) = %d", s.Count(OpList))
	}
}

func TestResetConnection(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		s := start(t, Options{TLS: useTLS})
		c := clientFor(t, s)
		s.FailNext(1, Fault{ResetConnection: true})
		req, _ := http.NewRequest("GET", s.URL()+BasePath, nil)
		if resp, err := c.Do(req); err == nil {
			_ = resp.Body.Close()
			t.Fatalf("tls=%v: want a connection error, got %d", useTLS, resp.StatusCode)
		}
		if resp, _ := call(t, c, "GET", s.URL()+BasePath, ""); resp.StatusCode != 200 {
			t.Fatalf("tls=%v: after reset: %d", useTLS, resp.StatusCode)
		}
		if s.Count(OpList) != 2 {
			t.Errorf("tls=%v: Count(list) = %d", useTLS, s.Count(OpList))
		}
	}
}

func clientFor(t *testing.T, s *Server) *http.Client {
	t.Helper()
	tr := &http.Transport{}
	if pem := s.CACertPEM(); len(pem) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			t.Fatal("bad CA PEM")
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func TestTLS(t *testing.T) {
	s := start(t, Options{TLS: true, Version: "3.1.0"})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL %s", s.URL())
	}
	resp, body := call(t, clientFor(t, s), "GET", s.URL()+"/", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `"number": "3.1.0"`) {
		t.Fatalf("GET / over TLS: %d %s", resp.StatusCode, body)
	}
	// An untrusting client fails.
	if _, err := http.Get(s.URL() + "/"); err == nil {
		t.Error("want a certificate error without the CA")
	}
}

func TestLatency(t *testing.T) {
	s := start(t, Options{})
	s.SetLatency(200 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(1)
	began := time.Now()
	go func() {
		defer wg.Done()
		call(t, nil, "GET", s.URL()+BasePath, "")
	}()
	time.Sleep(50 * time.Millisecond)
	// The lock is not held while sleeping: hooks answer immediately.
	hookStart := time.Now()
	s.Seed(Document{Name: "x", Connector: "OPENSEARCH"})
	_ = s.StoredNames()
	if d := time.Since(hookStart); d > 100*time.Millisecond {
		t.Errorf("hooks blocked for %v during latency", d)
	}
	wg.Wait()
	if d := time.Since(began); d < 200*time.Millisecond {
		t.Errorf("request took %v, want >= 200ms", d)
	}
	s.SetLatency(0)
}

// SetOpLatency stalls one operation and leaves the others alone.
func TestOpLatency(t *testing.T) {
	s := start(t, Options{})
	s.SetOpLatency(OpCreate, 300*time.Millisecond)
	began := time.Now()
	call(t, nil, "GET", s.URL()+BasePath, "")
	if d := time.Since(began); d > 150*time.Millisecond {
		t.Errorf("a list took %v while only creates stall", d)
	}
	began = time.Now()
	call(t, nil, "POST", s.URL()+BasePath, `{"name":"x","connector":"prometheus","properties":{"prometheus.uri":"http://p:9090"}}`)
	if d := time.Since(began); d < 300*time.Millisecond {
		t.Errorf("a create took %v, want >= 300ms", d)
	}
	s.SetOpLatency(OpCreate, 0)
	began = time.Now()
	call(t, nil, "POST", s.URL()+BasePath, `{"name":"y","connector":"prometheus","properties":{"prometheus.uri":"http://p:9090"}}`)
	if d := time.Since(began); d > 150*time.Millisecond {
		t.Errorf("a create took %v after the stall ended", d)
	}
}

func TestSeedMutateRemove(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	s.Seed(Document{Name: "b", Connector: "prometheus", Properties: map[string]any{"prometheus.uri": "http://p:9090", "prometheus.auth.password": "pw"}})
	s.Seed(Document{Name: "a", Connector: "OPENSEARCH"})
	if got := strings.Join(s.StoredNames(), ","); got != "a,b" {
		t.Fatalf("StoredNames = %s", got)
	}
	d, ok := s.Stored("b")
	if !ok || d.Connector != "PROMETHEUS" || d.Status != "ACTIVE" || d.ResultIndex != "query_execution_result_b" || d.Properties["prometheus.auth.password"] != "pw" {
		t.Fatalf("Stored(b) = %+v", d)
	}
	d.Properties["prometheus.uri"] = "changed" // deep copy: must not leak
	resp, body := call(t, nil, "GET", u+"/b", "")
	if resp.StatusCode != 200 || !strings.Contains(body, "http://p:9090") || strings.Contains(body, "pw") {
		t.Fatalf("GET b: %d %s", resp.StatusCode, body)
	}
	if !s.Mutate("b", func(d *Document) { d.Description = "drifted"; d.Properties["x"] = "y" }) {
		t.Fatal("Mutate(b) = false")
	}
	_, body = call(t, nil, "GET", u+"/b", "")
	if !strings.Contains(body, `"description": "drifted"`) || !strings.Contains(body, `"x": "y"`) {
		t.Fatalf("after Mutate: %s", body)
	}
	if s.Mutate("nope", func(*Document) {}) {
		t.Error("Mutate of a missing name = true")
	}
	if !s.Remove("b") || s.Remove("b") {
		t.Error("Remove")
	}
	if resp, _ := call(t, nil, "GET", u+"/b", ""); resp.StatusCode != 404 {
		t.Errorf("GET after Remove = %d", resp.StatusCode)
	}
}

func TestPutKeepsCredentialsAndMerges(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	call(t, nil, "POST", u, promBody)
	resp, body := call(t, nil, "PUT", u, `{"name":"p1","connector":"prometheus","properties":{"prometheus.uri":"http://other:9090","prometheus.auth.password":null}}`)
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	d, _ := s.Stored("p1")
	if d.Properties["prometheus.auth.username"] != "u" || d.Properties["prometheus.uri"] != "http://other:9090" {
		t.Errorf("merge: %+v", d.Properties)
	}
	if _, ok := d.Properties["prometheus.auth.password"]; ok {
		t.Errorf("null must remove the key: %+v", d.Properties)
	}
}

func TestBasicAuthAndForbid(t *testing.T) {
	s := start(t, Options{Username: "admin", Password: "pw"})
	u := s.URL() + BasePath
	resp, body := call(t, nil, "GET", u, "")
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="OpenSearch Security"` || !strings.Contains(body, "security_exception") {
		t.Fatalf("no creds: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("GET", u, nil)
	req.SetBasicAuth("admin", "pw")
	s.Forbid(ActionRead, ActionDelete)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r2.Body)
	_ = r2.Body.Close()
	if r2.StatusCode != 403 || !strings.Contains(string(b), "no permissions for [cluster:admin/opensearch/ql/datasources/read] and User [name\\u003dadmin") {
		t.Fatalf("forbid: %d %s", r2.StatusCode, b)
	}
	s.Forbid()
	r3, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = r3.Body.Close()
	if r3.StatusCode != 200 {
		t.Fatalf("after Forbid(): %d", r3.StatusCode)
	}
}

func TestResetAndToggles(t *testing.T) {
	s := New(Options{Limit: 1})
	h := s.Handler()
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := do("POST", BasePath, promBody); rec.Code != 201 || rec.Body.String() != `"Created DataSource with name p1"` {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	if rec := do("POST", BasePath, `{"name":"p2","connector":"opensearch"}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), "can not exceed 1") {
		t.Fatalf("limit: %d %s", rec.Code, rec.Body)
	}
	s.SetLimit(5)
	if rec := do("POST", BasePath, `{"name":"p2","connector":"opensearch"}`); rec.Code != 201 {
		t.Fatalf("after SetLimit: %d %s", rec.Code, rec.Body)
	}
	s.SetEnabled(false)
	if rec := do("GET", BasePath, ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "enabled setting is false") {
		t.Fatalf("disabled: %d %s", rec.Code, rec.Body)
	}
	s.Forbid(ActionRead)
	s.SetLatency(time.Hour)
	s.FailNext(5, Fault{Status: 500})
	s.Reset()
	if rec := do("GET", BasePath, ""); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Fatalf("after Reset: %d %s", rec.Code, rec.Body)
	}
	if s.Count(OpList) != 1 || len(s.StoredNames()) != 0 {
		t.Error("Reset must clear data and counts")
	}
}

func TestDocumentedIDs(t *testing.T) {
	s := start(t, Options{Mode: ModeDocumented})
	u := s.URL() + BasePath
	s.Seed(Document{Name: "seeded", Connector: "mysql"})
	d, _ := s.Stored("seeded")
	if len(d.DataSourceID) != 20 {
		t.Fatalf("seeded id %q", d.DataSourceID)
	}
	body := `{"name":"m","connector":"mysql","configuration":{"endpoint":"jdbc:mysql://h/db","credentials":{"username":"u","password":"secret"}},"properties":{"port":3306,"tls":true}}`
	resp, out := call(t, nil, "POST", u, body)
	var created docWriteResponse
	if err := json.Unmarshal([]byte(out), &created); err != nil || resp.StatusCode != 201 || len(created.DataSourceID) != 20 {
		t.Fatalf("create: %d %s", resp.StatusCode, out)
	}
	stored, _ := s.Stored("m")
	if stored.Configuration == nil || stored.Configuration.Password != "secret" || stored.Properties["port"] != float64(3306) || stored.Properties["tls"] != true {
		t.Fatalf("stored %+v %+v", stored, stored.Configuration)
	}
	for i := 0; i < 2; i++ {
		_, out = call(t, nil, "PUT", u, body)
		var upd docWriteResponse
		_ = json.Unmarshal([]byte(out), &upd)
		if upd.DataSourceID != created.DataSourceID || upd.Message != "Data source updated successfully." {
			t.Fatalf("update %d: %s (want id %s)", i, out, created.DataSourceID)
		}
	}
	_, out = call(t, nil, "GET", u+"/m", "")
	if !strings.Contains(out, `"password": "******"`) || strings.Contains(out, "secret") {
		t.Fatalf("GET: %s", out)
	}
}

func TestConcurrentCreates(t *testing.T) {
	s := start(t, Options{Limit: 1000})
	u := s.URL() + BasePath
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "c" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26))
			call(t, nil, "POST", u, `{"name":"`+name+`","connector":"opensearch"}`)
			call(t, nil, "GET", u, "")
		}()
	}
	wg.Wait()
	if n := len(s.StoredNames()); n != 50 {
		t.Errorf("stored %d, want 50", n)
	}
}

func TestDefaultResultIndex(t *testing.T) {
	for in, want := range map[string]string{
		"Create_Prometheus": "query_execution_result_create_prometheus",
		"@opensearch":       "query_execution_result_opensearch",
		"a*b":               "query_execution_result_ab",
	} {
		if got := defaultResultIndex(in); got != want {
			t.Errorf("defaultResultIndex(%q) = %q, want %q", in, got, want)
		}
	}
	if got := defaultResultIndex(strings.Repeat("A", 300)); len(got) != 255 {
		t.Errorf("truncation: %d", len(got))
	}
}

func TestForeignBodyFault(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	page := "<html><body>Welcome to nginx!</body></html>"
	s.FailNext(1, Fault{Status: 200, Body: page})
	resp, body := call(t, nil, "POST", u, promBody)
	if resp.StatusCode != 200 || body != page || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HTML 200: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if _, ok := s.Stored("p1"); ok {
		t.Error("a request answered by the injected page reached the store")
	}
	s.FailNext(1, Fault{Status: 404, Body: "not here", ContentType: "text/plain"})
	resp, body = call(t, nil, "DELETE", u+"/p1", "")
	if resp.StatusCode != 404 || body != "not here" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("text 404: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestOutage(t *testing.T) {
	s := start(t, Options{})
	s.SetOutage(&Fault{Status: 503, Body: "<html>down</html>"})
	for _, path := range []string{"/", BasePath, "/_cluster/health"} {
		if resp, body := call(t, nil, "GET", s.URL()+path, ""); resp.StatusCode != 503 || body != "<html>down</html>" {
			t.Errorf("GET %s during the outage: %d %q", path, resp.StatusCode, body)
		}
	}
	s.SetOutage(&Fault{ResetConnection: true})
	// A fresh connection: net/http retries a reused one that was reset.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest("GET", s.URL()+"/", nil)
	if resp, err := fresh.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Errorf("GET / during a reset outage answered %d", resp.StatusCode)
	}
	s.SetOutage(nil)
	if resp, _ := call(t, nil, "GET", s.URL()+"/", ""); resp.StatusCode != 200 {
		t.Errorf("GET / after the outage: %d", resp.StatusCode)
	}
	if got := s.Count(OpInfo); got != 3 {
		t.Errorf("Count(info) = %d, want every request counted, outage or not", got)
	}
}

func TestClusterUUID(t *testing.T) {
	info := func(s *Server) string {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		var b struct {
			ClusterUUID string `json:"cluster_uuid"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		return b.ClusterUUID
	}
	a, b := New(Options{}), New(Options{})
	if info(a) == "" || info(a) == info(b) {
		t.Errorf("two fakes report cluster_uuid %q and %q: each must be its own cluster", info(a), info(b))
	}
	if len(info(a)) != 22 {
		t.Errorf("cluster_uuid %q is not 22 characters as OpenSearch's are", info(a))
	}
	alias := New(Options{ClusterUUID: a.ClusterUUID()})
	if info(alias) != info(a) {
		t.Errorf("a fake given another's ClusterUUID reports %q, want %q", info(alias), info(a))
	}
}

func TestSameSecret(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		same      bool
	}{
		{"operator-pass", "operator-pass", true},
		{"", "", true},
		{"operator-pas", "operator-pass", false},
		{"operator-passs", "operator-pass", false},
		{"OPERATOR-PASS", "operator-pass", false},
		{"", "operator-pass", false},
	} {
		if got := sameSecret(tc.got, tc.want); got != tc.same {
			t.Errorf("sameSecret(%q, %q) = %t", tc.got, tc.want, got)
		}
	}
}
