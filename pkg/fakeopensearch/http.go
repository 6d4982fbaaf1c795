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
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BasePath is the data source API base path.
const BasePath = "/_plugins/_query/_datasources"

const (
	ctJSON  = "application/json; charset=UTF-8"
	ctPlain = "text/plain; charset=UTF-8"
)

// error shapes
const (
	shapeCore   = iota // {"error":{"root_cause":[...],"type","reason"},"status"} application/json
	shapePlugin        // {"status","error":{"type","reason","details"}} text/plain
	shapeSimple        // {"error":"<text>","status"} application/json
	shapeAWS           // {"message":"<text>"} application/json, AWS's front end
)

// apiError is an error response the fake answers with.
type apiError struct {
	status int
	shape  int
	typ    string
	msg    string
	header http.Header
}

func coreErr(status int, typ, msg string) *apiError {
	return &apiError{status: status, shape: shapeCore, typ: typ, msg: msg}
}

func pluginErr(status int, typ, msg string) *apiError {
	return &apiError{status: status, shape: shapePlugin, typ: typ, msg: msg}
}

func illegalArg(msg string) *apiError { return coreErr(400, "illegal_argument_exception", msg) }

func badRequest(typ, msg string) *apiError { return pluginErr(400, typ, msg) }

// pluginReason is the plugin's ErrorMessage reason, which depends only on the status.
func pluginReason(status int) string {
	switch status {
	case 400:
		return "Invalid Request"
	case 429:
		return "Too Many Requests"
	default:
		return "There was internal problem at backend"
	}
}

type coreCause struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

type coreBody struct {
	Error struct {
		RootCause []coreCause `json:"root_cause"`
		Type      string      `json:"type"`
		Reason    string      `json:"reason"`
	} `json:"error"`
	Status int `json:"status"`
}

type pluginBody struct {
	Status int `json:"status"`
	Error  struct {
		Type    string `json:"type"`
		Reason  string `json:"reason"`
		Details string `json:"details"`
	} `json:"error"`
}

type simpleBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	for k, v := range e.header {
		w.Header()[k] = v
	}
	switch e.shape {
	case shapePlugin:
		var b pluginBody
		b.Status = e.status
		b.Error.Type = e.typ
		b.Error.Reason = pluginReason(e.status)
		b.Error.Details = e.msg
		out, _ := json.MarshalIndent(b, "", "  ")
		// Gson's HTML-safe escaping (on for the plugin's error formatter)
		// also escapes '=' and '\''. Both can only occur inside strings.
		out = bytes.ReplaceAll(out, []byte("="), []byte(`\u003d`))
		out = bytes.ReplaceAll(out, []byte("'"), []byte(`\u0027`))
		w.Header().Set("Content-Type", ctPlain)
		w.WriteHeader(e.status)
		_, _ = w.Write(out)
	case shapeSimple:
		writeRaw(w, e.status, mustMarshal(simpleBody{Error: e.msg, Status: e.status}, false))
	case shapeAWS:
		writeRaw(w, e.status, mustMarshal(map[string]string{"message": e.msg}, false))
	default:
		var b coreBody
		b.Error.RootCause = []coreCause{{Type: e.typ, Reason: e.msg}}
		b.Error.Type = e.typ
		b.Error.Reason = e.msg
		b.Status = e.status
		writeRaw(w, e.status, mustMarshal(b, false))
	}
}

func mustMarshal(v any, pretty bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// writeRaw sends a JSON-typed response; the plugin's text/plain errors go
// through their own writer.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", ctJSON)
	if status != http.StatusNoContent {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if status != http.StatusNoContent && len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// writeJSON writes a pretty-printed (Gson-like, 2-space) JSON success body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeRaw(w, status, mustMarshal(v, true))
}

// writeMessage writes the SQL plugin's create/update success body: a JSON
// string literal, or bare text when emulating 2.7–2.10.
func (s *Server) writeMessage(w http.ResponseWriter, status int, msg string) {
	if s.opts.BareTextBodies || s.release.legacy() {
		writeRaw(w, status, []byte(msg))
		return
	}
	writeRaw(w, status, mustMarshal(msg, false))
}

// route is the result of matching a request against the fake's routes.
type route struct {
	known   bool   // path is served at all
	ds      bool   // a data source API path
	name    string // {dataSourceName} for the per-name path
	op      Op     // operation, "" when the method is not allowed
	allowed []string
}

func (s *Server) match(r *http.Request) route {
	p := r.URL.EscapedPath()
	if p == "/" || p == "" {
		rt := route{known: true, allowed: []string{"GET", "HEAD"}}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			rt.op = OpInfo
		}
		return rt
	}
	p = strings.TrimSuffix(p, "/")
	if p == BasePath {
		rt := route{known: true, ds: true}
		if s.mode == ModeDocumented || !s.release.hasPatch() {
			rt.allowed = []string{"GET", "POST", "PUT"}
		} else {
			rt.allowed = []string{"GET", "PATCH", "POST", "PUT"}
		}
		switch r.Method {
		case http.MethodGet:
			rt.op = OpList
		case http.MethodPost:
			rt.op = OpCreate
		case http.MethodPut:
			rt.op = OpUpdate
		case http.MethodPatch:
			if s.mode != ModeDocumented && s.release.hasPatch() {
				rt.op = OpPatch
			}
		}
		return rt
	}
	if rest, ok := strings.CutPrefix(p, BasePath+"/"); ok && !strings.Contains(rest, "/") {
		name, err := url.PathUnescape(rest)
		if err != nil {
			return route{}
		}
		rt := route{known: true, ds: true, name: name, allowed: []string{"DELETE", "GET"}}
		switch r.Method {
		case http.MethodGet:
			rt.op = OpGet
		case http.MethodDelete:
			rt.op = OpDelete
		}
		return rt
	}
	return route{}
}

// global query parameters OpenSearch core accepts on every endpoint
var globalParams = map[string]bool{
	"pretty": true, "human": true, "error_trace": true, "filter_path": true,
	"source": true, "source_content_type": true,
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rt := s.match(r)
	latency, fault := s.account(r, rt)
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if fault != nil {
		s.applyFault(w, *fault)
		return
	}
	if e := s.admit(r, rt); e != nil {
		writeError(w, e)
		return
	}
	if rt.op == OpInfo {
		s.handleInfo(w, r)
		return
	}
	body, e := s.readBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	switch s.mode {
	case ModeDocumented:
		e = s.serveDocumented(w, rt, body)
	default:
		e = s.serveSQLPlugin(w, rt, body)
	}
	if e != nil {
		writeError(w, e)
	}
}

// account counts the request and picks its injected fault and latency,
// all under the lock.
func (s *Server) account(r *http.Request, rt route) (time.Duration, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.methods[strings.ToUpper(r.Method)]++
	if rt.op != "" {
		s.counts[rt.op]++
	}
	latency := s.latency + s.opLatency[rt.op]
	if s.outage != nil {
		f := *s.outage
		return latency, &f
	}
	if !rt.ds {
		return latency, nil
	}
	if s.failNext > 0 {
		s.failNext--
		f := s.failNextF
		return latency, &f
	}
	if s.failRate > 0 && s.failDice.Float64() < s.failRate {
		f := s.failRateF
		return latency, &f
	}
	return latency, nil
}

// admit answers what OpenSearch core answers before any plugin sees the
// request: authentication, unknown paths, wrong methods, unknown
// parameters.
func (s *Server) admit(r *http.Request, rt route) *apiError {
	if e := s.authenticate(r); e != nil {
		return e
	}
	if !rt.known {
		return coreErr(404, "no_handler_found_exception",
			fmt.Sprintf("no handler found for uri [%s] and method [%s]", r.URL.RequestURI(), r.Method))
	}
	if rt.op == "" {
		return &apiError{status: 405, shape: shapeSimple,
			msg:    fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]", r.URL.RequestURI(), r.Method, strings.Join(rt.allowed, ", ")),
			header: http.Header{"Allow": {strings.Join(rt.allowed, ",")}}}
	}
	return checkParams(r)
}

// readBody reads a data source request's body, checks its content type,
// and refuses it while the data source API is switched off.
func (s *Server) readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return nil, coreErr(400, "parse_exception", "failed to read request body: "+err.Error())
	}
	if len(body) > 0 {
		if e := checkContentType(r); e != nil {
			return nil, e
		}
	}
	s.mu.Lock()
	enabled := s.enabled
	s.mu.Unlock()
	if !enabled && (s.mode == ModeDocumented || s.release.hasEnabledSwitch()) {
		return nil, badRequest("OpenSearchStatusException", "plugins.query.datasources.enabled setting is false")
	}
	return body, nil
}

func checkParams(r *http.Request) *apiError {
	var bad []string
	for k := range r.URL.Query() {
		if !globalParams[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	if len(bad) == 1 {
		return illegalArg(fmt.Sprintf("request [%s] contains unrecognized parameter: [%s]", r.URL.Path, bad[0]))
	}
	return illegalArg(fmt.Sprintf("request [%s] contains unrecognized parameters: [%s]", r.URL.Path, strings.Join(bad, "], [")))
}

func checkContentType(r *http.Request) *apiError {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return &apiError{status: 406, shape: shapeSimple, msg: "Content-Type header is missing"}
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		switch strings.ToLower(mt) {
		case "application/json", "application/x-ndjson", "application/vnd.opensearch+json":
			return nil
		}
	}
	return &apiError{status: 406, shape: shapeSimple, msg: fmt.Sprintf("Content-Type header [%s] is not supported", ct)}
}

func (s *Server) authenticate(r *http.Request) *apiError {
	if s.opts.SigV4 != nil {
		return s.verifySigV4(r)
	}
	if s.opts.Username == "" && s.opts.Password == "" {
		return nil
	}
	u, p, ok := r.BasicAuth()
	// Both halves are compared, in constant time, whatever the first
	// says: the fake may guard a shared CI cluster's test data.
	if sameUser, samePass := sameSecret(u, s.opts.Username), sameSecret(p, s.opts.Password); ok && sameUser && samePass {
		return nil
	}
	e := coreErr(401, "security_exception", "Unauthorized")
	e.header = http.Header{"Www-Authenticate": {`Basic realm="OpenSearch Security"`}}
	return e
}

// sameSecret compares a credential a client sent with the known one in
// time that depends on neither: digests of equal length are compared, so
// that not even the length of the known value shows.
func sameSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// userName is the user reported in 403 messages.
func (s *Server) userName() string {
	if s.opts.Username != "" {
		return s.opts.Username
	}
	return "admin"
}

// checkPermission returns the security plugin's 403 when action is forbidden.
func (s *Server) checkPermission(action string) *apiError {
	s.mu.Lock()
	forbidden := s.forbidden[action]
	s.mu.Unlock()
	if !forbidden {
		return nil
	}
	return pluginErr(403, "OpenSearchSecurityException",
		fmt.Sprintf("no permissions for [%s] and User [name=%s, backend_roles=[], requestedTenant=null]", action, s.userName()))
}

func (s *Server) applyFault(w http.ResponseWriter, f Fault) {
	if f.ResetConnection {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		// Not hijackable (e.g. HTTP/2 or a test recorder): abort the response.
		panic(http.ErrAbortHandler)
	}
	status := f.Status
	if status == 0 {
		status = 500
	}
	h := http.Header{}
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	if f.Body != "" {
		writeForeign(w, status, h, f)
		return
	}
	var e *apiError
	switch status {
	case 429:
		e = pluginErr(429, "OpenSearchRejectedExecutionException", "fake-opensearch: injected fault: too many requests")
	case 500:
		e = pluginErr(500, "RuntimeException", "fake-opensearch: injected fault")
	case 503:
		e = pluginErr(503, "OpenSearchStatusException", "fake-opensearch: injected fault: service unavailable")
	default:
		e = pluginErr(status, "OpenSearchStatusException", fmt.Sprintf("fake-opensearch: injected fault (%d)", status))
	}
	e.header = h
	writeError(w, e)
}

// writeForeign answers with a body that is not OpenSearch's (f.Body).
func writeForeign(w http.ResponseWriter, status int, h http.Header, f Fault) {
	for k, v := range h {
		w.Header()[k] = v
	}
	ct := f.ContentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(f.Body))
}

type infoVersion struct {
	Distribution                     string `json:"distribution"`
	Number                           string `json:"number"`
	BuildType                        string `json:"build_type"`
	BuildHash                        string `json:"build_hash"`
	BuildDate                        string `json:"build_date"`
	BuildSnapshot                    bool   `json:"build_snapshot"`
	LuceneVersion                    string `json:"lucene_version"`
	MinimumWireCompatibilityVersion  string `json:"minimum_wire_compatibility_version"`
	MinimumIndexCompatibilityVersion string `json:"minimum_index_compatibility_version"`
}

type infoBody struct {
	Name        string      `json:"name"`
	ClusterName string      `json:"cluster_name"`
	ClusterUUID string      `json:"cluster_uuid"`
	Version     infoVersion `json:"version"`
	Tagline     string      `json:"tagline"`
}

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	b := infoBody{
		Name:        "fake-node",
		ClusterName: "fake",
		ClusterUUID: s.clusterUUID,
		Version: infoVersion{
			Distribution:                     "opensearch",
			Number:                           s.version,
			BuildType:                        "tar",
			BuildHash:                        "0000000000000000000000000000000000000000",
			BuildDate:                        "2025-01-01T00:00:00.000000000Z",
			LuceneVersion:                    "9.12.1",
			MinimumWireCompatibilityVersion:  "7.10.0",
			MinimumIndexCompatibilityVersion: "7.0.0",
		},
		Tagline: "The OpenSearch Project: https://opensearch.org/",
	}
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", ctJSON)
		w.WriteHeader(200)
		return
	}
	writeJSON(w, 200, b)
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// newDataSourceID returns 20 random characters of [A-Za-z0-9_-].
func newDataSourceID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}
