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

package contract

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// shape is the expected error body shape.
type shape int

const (
	shapeNone   shape = iota // success, or no error-shape check
	shapeCore                // {"error":{"root_cause":[...],"type","reason"},"status"} (application/json)
	shapePlugin              // {"status","error":{"type","reason","details"}} (text/plain)
	shapeSimple              // {"error":"<text>","status"} (core 405/406)
)

// exchange is one raw HTTP request of a case, used for setup steps.
type exchange struct {
	method, path, body string
	wantStatus         int
	// capture stores top-level string fields of the JSON response into
	// variables usable as {{var}} in later steps: var name -> field name.
	capture map[string]string
	// then runs after the step against the fake (cases that use it are
	// fakeOnly): what happens on the cluster between two requests, such
	// as a background task's run.
	then func(srv *fakeopensearch.Server, vars map[string]string)
}

// target is where a case runs: a fresh in-process fake, or a real cluster.
type target struct {
	base       string
	client     *http.Client
	user, pass string
	real       bool
}

var (
	runID  = randomID(6)
	nameRE = regexp.MustCompile(`{{(\w+)}}`)
)

func randomID(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, big.NewInt(int64(len(letters))))
		b[i] = letters[v.Int64()]
	}
	return string(b)
}

func expand(s string, vars map[string]string) string {
	return nameRE.ReplaceAllStringFunc(s, func(m string) string {
		k := m[2 : len(m)-2]
		if v, ok := vars[k]; ok {
			return v
		}
		return m
	})
}

// contractResolver: hosts under .invalid do not resolve (as on a real
// cluster); denied.example resolves into the denylisted 192.0.2.0/24;
// every other host resolves to 203.0.113.10.
func contractResolver(host string) ([]net.IP, error) {
	switch {
	case strings.HasSuffix(host, ".invalid"):
		return nil, fmt.Errorf("%s: Name or service not known", host)
	case host == "denied.example":
		return []net.IP{net.ParseIP("192.0.2.66")}, nil
	}
	return []net.IP{net.ParseIP("203.0.113.10")}, nil
}

func startFake(t *testing.T, mode fakeopensearch.Mode, c tcase) (*target, *fakeopensearch.Server) {
	t.Helper()
	opts := fakeopensearch.Options{
		Mode:     mode,
		Resolver: contractResolver,
		DenyList: []string{"192.0.2.0/24"},
	}
	if c.fakeOpts != nil {
		c.fakeOpts(&opts)
	}
	srv, err := fakeopensearch.Start(opts)
	if err != nil {
		t.Fatalf("start fake: %v", err)
	}
	t.Cleanup(srv.Close)
	if c.fake != nil {
		c.fake(srv)
	}
	return &target{base: srv.URL(), client: &http.Client{Timeout: 10 * time.Second}, user: opts.Username, pass: opts.Password}, srv
}

func realTarget() (*target, fakeopensearch.Mode, bool) {
	base := strings.TrimRight(os.Getenv("OPENSEARCH_URL"), "/")
	if base == "" {
		return nil, "", false
	}
	mode := fakeopensearch.ModeSQLPlugin
	if d := strings.ToLower(os.Getenv("OPENSEARCH_DIALECT")); d != "" {
		mode = fakeopensearch.Mode(d)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if os.Getenv("OPENSEARCH_INSECURE") == "true" {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // opt-in for test clusters
	}
	return &target{
		base:   base,
		client: &http.Client{Timeout: 30 * time.Second, Transport: tr},
		user:   os.Getenv("OPENSEARCH_USERNAME"),
		pass:   os.Getenv("OPENSEARCH_PASSWORD"),
		real:   true,
	}, mode, true
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (tg *target) do(t *testing.T, method, path, body string, noAuth bool, contentType string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, tg.base+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if body != "" {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	if !noAuth && (tg.user != "" || tg.pass != "") {
		req.SetBasicAuth(tg.user, tg.pass)
	}
	resp, err := tg.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// runCase executes one table row against tg; srv is the fake behind tg,
// nil for a real cluster.
func runCase(t *testing.T, tg *target, srv *fakeopensearch.Server, idx int, c tcase) {
	vars := map[string]string{
		"name":  fmt.Sprintf("ct%s_%02d", runID, idx),
		"name2": fmt.Sprintf("ct%s_%02db", runID, idx),
	}
	if tg.real {
		for _, n := range []string{vars["name"], vars["name2"]} {
			t.Cleanup(func() {
				_ = tg.doQuiet(http.MethodDelete, "/_plugins/_query/_datasources/"+n)
			})
		}
	}
	for i, ex := range c.setup {
		r := tg.do(t, ex.method, expand(ex.path, vars), expand(ex.body, vars), false, "")
		if ex.wantStatus != 0 && r.status != ex.wantStatus {
			t.Fatalf("setup step %d (%s %s): status %d, want %d; body: %s", i, ex.method, ex.path, r.status, ex.wantStatus, r.body)
		}
		for v, f := range ex.capture {
			var m map[string]any
			if err := json.Unmarshal(r.body, &m); err != nil {
				t.Fatalf("setup step %d: capture %s: %v; body: %s", i, f, err, r.body)
			}
			s, _ := m[f].(string)
			if s == "" {
				t.Fatalf("setup step %d: no string field %q in %s", i, f, r.body)
			}
			vars[v] = s
		}
		if ex.then != nil && srv != nil {
			ex.then(srv, vars)
		}
	}
	r := tg.do(t, c.method, expand(c.path, vars), expand(c.body, vars), c.noAuth, c.contentType)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s %s: "+format+"\nstatus: %d\ncontent-type: %s\nbody: %s", append([]any{c.method, c.path}, append(args, r.status, r.header.Get("Content-Type"), r.body)...)...)
	}
	if r.status != c.wantStatus {
		fail("status %d, want %d", r.status, c.wantStatus)
		return
	}
	wantMsg := expand(c.wantMsg, vars)
	switch c.wantShape {
	case shapeCore:
		checkCore(fail, r, c.wantType, wantMsg)
	case shapePlugin:
		checkPlugin(fail, r, c.wantType, wantMsg)
	case shapeSimple:
		var b struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal(r.body, &b); err != nil {
			fail("not a {error:string,status} body: %v", err)
		} else if b.Status != r.status || !strings.Contains(b.Error, wantMsg) {
			fail("want error containing %q and status %d", wantMsg, r.status)
		}
	}
	if c.checkFake != nil && srv != nil {
		if complaint := c.checkFake(srv, vars); complaint != "" {
			fail("%s", complaint)
		}
	}
	if c.wantEmpty && len(r.body) != 0 {
		fail("want an empty body")
	}
	if c.wantBody != "" && strings.TrimSpace(string(r.body)) != expand(c.wantBody, vars) {
		fail("body mismatch, want %s", expand(c.wantBody, vars))
	}
	if c.wantContentType != "" && !strings.HasPrefix(strings.ToLower(r.header.Get("Content-Type")), c.wantContentType) {
		fail("content type, want prefix %q", c.wantContentType)
	}
	for h, v := range c.wantHeader {
		if got := r.header.Get(h); got != v {
			fail("header %s = %q, want %q", h, got, v)
		}
	}
	if c.wantJSON == "" && c.wantListContains == "" && len(c.wantAbsent) == 0 && len(c.wantMatch) == 0 {
		return
	}
	var got any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	if err := dec.Decode(&got); err != nil {
		fail("body is not JSON: %v", err)
		return
	}
	if c.wantJSON != "" {
		var want any
		if err := json.Unmarshal([]byte(expand(c.wantJSON, vars)), &want); err != nil {
			t.Fatalf("bad wantJSON in table: %v", err)
		}
		if path, ok := subset(want, got, "$"); !ok {
			fail("JSON mismatch at %s; want (subset) %s", path, expand(c.wantJSON, vars))
		}
	}
	if c.wantListContains != "" {
		var want any
		if err := json.Unmarshal([]byte(expand(c.wantListContains, vars)), &want); err != nil {
			t.Fatalf("bad wantListContains in table: %v", err)
		}
		list, ok := got.([]any)
		found := false
		for _, e := range list {
			if _, ok := subset(want, e, "$"); ok {
				found = true
			}
		}
		if !ok || !found {
			fail("want a JSON array with an element matching %s", expand(c.wantListContains, vars))
		}
	}
	if len(c.wantAbsent) > 0 {
		obj, _ := got.(map[string]any)
		props, _ := obj["properties"].(map[string]any)
		for _, k := range c.wantAbsent {
			if _, present := props[k]; present {
				fail("property %q must be absent", k)
			}
		}
	}
	for f, re := range c.wantMatch {
		obj, _ := got.(map[string]any)
		s, _ := obj[f].(string)
		if !regexp.MustCompile(re).MatchString(expand(s, vars)) {
			fail("field %s = %q does not match %s", f, s, re)
		}
	}
}

func (tg *target) doQuiet(method, path string) error {
	req, err := http.NewRequest(method, tg.base+path, nil)
	if err != nil {
		return err
	}
	if tg.user != "" || tg.pass != "" {
		req.SetBasicAuth(tg.user, tg.pass)
	}
	resp, err := tg.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func checkCore(fail func(string, ...any), r response, typ, msg string) {
	if !strings.HasPrefix(strings.ToLower(r.header.Get("Content-Type")), "application/json") {
		fail("core-shape errors are application/json")
	}
	var b struct {
		Error *struct {
			RootCause []struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"root_cause"`
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
		Status int `json:"status"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error == nil {
		fail("not a core-shape error body (%v)", err)
		return
	}
	if b.Status != r.status {
		fail("status field %d != HTTP status", b.Status)
	}
	if len(b.Error.RootCause) == 0 {
		fail("core-shape error without root_cause")
	}
	if typ != "" && b.Error.Type != typ {
		fail("error.type %q, want %q", b.Error.Type, typ)
	}
	if !strings.Contains(b.Error.Reason, msg) {
		fail("error.reason does not contain %q", msg)
	}
}

func pluginReason(status int) string {
	switch status {
	case 400:
		return "Invalid Request"
	case 429:
		return "Too Many Requests"
	}
	return "There was internal problem at backend"
}

func checkPlugin(fail func(string, ...any), r response, typ, msg string) {
	if !strings.HasPrefix(strings.ToLower(r.header.Get("Content-Type")), "text/plain") {
		fail("plugin-shape errors are served as text/plain")
	}
	var b struct {
		Status int `json:"status"`
		Error  *struct {
			Type    string  `json:"type"`
			Reason  string  `json:"reason"`
			Details *string `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error == nil || b.Error.Details == nil {
		fail("not a plugin-shape error body (%v)", err)
		return
	}
	if b.Status != r.status {
		fail("status field %d != HTTP status", b.Status)
	}
	if b.Error.Reason != pluginReason(r.status) {
		fail("error.reason %q, want %q", b.Error.Reason, pluginReason(r.status))
	}
	if typ != "" && b.Error.Type != typ {
		fail("error.type %q, want %q", b.Error.Type, typ)
	}
	if !strings.Contains(*b.Error.Details, msg) {
		fail("error.details does not contain %q", msg)
	}
}

// subset reports whether want is contained in got: objects by key
// (recursively), arrays element-wise with equal length, scalars by equality.
func subset(want, got any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, wv := range w {
			gv, present := g[k]
			if !present {
				return path + "." + k, false
			}
			if p, ok := subset(wv, gv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	default:
		if want != got {
			return path, false
		}
		return "", true
	}
}

func contains(modes []fakeopensearch.Mode, m fakeopensearch.Mode) bool {
	for _, x := range modes {
		if x == m {
			return true
		}
	}
	return false
}

func TestContract(t *testing.T) {
	for _, mode := range []fakeopensearch.Mode{fakeopensearch.ModeSQLPlugin, fakeopensearch.ModeDocumented} {
		t.Run("fake-"+string(mode), func(t *testing.T) {
			ran := 0
			for i, c := range cases {
				if !contains(c.modes, mode) {
					continue
				}
				ran++
				t.Run(c.name, func(t *testing.T) {
					tg, srv := startFake(t, mode, c)
					runCase(t, tg, srv, i, c)
				})
			}
			t.Logf("%d cases in %s mode", ran, mode)
		})
	}
	tg, mode, ok := realTarget()
	if !ok {
		t.Log("OPENSEARCH_URL not set: skipping the real-cluster run")
		return
	}
	t.Run("real-"+string(mode), func(t *testing.T) {
		for i, c := range cases {
			if !contains(c.modes, mode) {
				continue
			}
			t.Run(c.name, func(t *testing.T) {
				if c.fakeOnly {
					t.Skip("needs a fake-only hook")
				}
				if c.needsAuth && tg.user == "" {
					t.Skip("needs OPENSEARCH_USERNAME/OPENSEARCH_PASSWORD")
				}
				runCase(t, tg, nil, i, c)
			})
		}
	})
}
