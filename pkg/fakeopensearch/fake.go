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

// Package fakeopensearch is an in-process, faithful fake of the OpenSearch
// data source management API (/_plugins/_query/_datasources).
//
// It has two modes:
//
//   - ModeSQLPlugin behaves like the real OpenSearch SQL plugin (2.13 and
//     later, including 3.x): core-shaped parse errors, plugin-shaped
//     transport errors served as text/plain, property values coerced to
//     strings, credentials stripped from GET output, PUT merging properties,
//     PATCH, connector validation with an injectable resolver, the limit, the
//     enabled switch, and so on.
//   - ModeDocumented behaves like the API as the (inaccurate) public
//     documentation page describes it: a `configuration` object, arbitrary
//     connectors, typed property values, JSON object responses with a
//     generated dataSourceId, and PUT replacing the whole document.
//
// The fake is a real net/http server. It shares no code with any client
// package of this module on purpose: it is an independent model of the
// server, so that client bugs cannot be mirrored by the fake.
//
// # Using it in your own tests
//
// The package is public so that teams can test their own manifests, tools
// and pipelines against the same server the operator is tested against.
// The stable surface is small:
//
//   - Start (or StartOn, or New with Handler/Serve) and Close run a server;
//     URL and CACertPEM say how to reach it.
//   - Seed, Mutate and Remove change stored data sources out of band, as a
//     person with the OpenSearch API would; Stored and StoredNames inspect
//     them (secrets included); Count and CountMethod say which requests
//     arrived.
//   - FailNext, FailRate, SetOutage, SetLatency, SetOpLatency, SetEnabled,
//     SetLimit and Forbid inject the faults and settings a real cluster has; a Fault
//     with a Body plays a proxy's page in place of OpenSearch's answer.
//   - Options.Username and Password require basic auth; Options.SigV4
//     requires AWS SigV4 signatures instead, as Amazon OpenSearch Service
//     does.
//
// The command github.com/datasource-operator/opensearch-datasource-operator/cmd/fake-opensearch
// runs the same server as a process, for CI pipelines that are not written
// in Go. See the package example and docs/fake-opensearch.md.
package fakeopensearch

import (
	cryptorand "crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	randv2 "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Mode selects which API the fake implements.
type Mode string

const (
	// ModeSQLPlugin is the real OpenSearch SQL plugin API (2.13+ / 3.x).
	ModeSQLPlugin Mode = "sqlplugin"
	// ModeDocumented is the API as the public "Update Data Source API" page documents it.
	ModeDocumented Mode = "documented"
)

// DefaultVersion is the OpenSearch version reported by GET / when Options.Version is empty.
const DefaultVersion = "2.19.1"

// DefaultLimit is the default of plugins.query.datasources.limit.
const DefaultLimit = 20

// DefaultResolvedIP is the address every host resolves to with the default resolver.
var DefaultResolvedIP = net.IPv4(203, 0, 113, 10)

// Options configures a Server.
type Options struct {
	// Mode defaults to ModeSQLPlugin.
	Mode Mode
	// Version is reported by GET / (default DefaultVersion). In
	// ModeSQLPlugin it also selects the release's behaviour: before 2.13
	// status is an unknown field, before 2.12 there is no PATCH and no
	// limit, and 2.7 to 2.10 also refuse description and resultIndex, answer
	// in bare text, report a missing data source with 400 and hide every
	// property whose key contains "auth" (the reference's §10).
	Version string
	// Limit is plugins.query.datasources.limit (default DefaultLimit).
	Limit int
	// Username and Password, when both set, turn on HTTP basic authentication.
	Username, Password string
	// SigV4, when set, requires AWS Signature Version 4 instead, as Amazon
	// OpenSearch Service does (see SigV4).
	SigV4 *SigV4
	// Resolver resolves host names found in connector URIs. The default
	// resolves every host to DefaultResolvedIP; the fake never does real DNS.
	Resolver func(host string) ([]net.IP, error)
	// DenyList is plugins.query.datasources.uri.hosts.denylist: IPs or CIDRs.
	DenyList []string
	// NoMasterKey plays a cluster whose opensearch.yml does not set
	// plugins.query.datasources.encryption.masterkey (a node setting, so it
	// cannot change while the server runs). From 2.9, which removed the
	// default key, a write that carries a credential property (a key ending
	// in auth.username, auth.password, auth.access_key or auth.secret_key)
	// then fails with 400 IllegalStateException, and so do GET and PATCH of
	// a stored data source that holds one; data sources without
	// credentials work.
	NoMasterKey bool
	// HousekeeperInterval, when positive, runs RunHousekeeper on that
	// period while the server is serving (the plugin's default is
	// DefaultHousekeeperInterval). Zero runs it only when a test calls it.
	HousekeeperInterval time.Duration
	// BareTextBodies emulates 2.7–2.10: create/update success bodies are
	// unquoted text instead of JSON string literals. A Version before 2.11
	// implies it.
	BareTextBodies bool
	// TLS makes Start serve HTTPS with a freshly generated self-signed certificate.
	TLS bool
	// ClusterUUID is the cluster_uuid GET / reports. Empty gives the server
	// one of its own, so that two fakes are two clusters; give two fakes
	// the same value to play two addresses of one cluster.
	ClusterUUID string
	// FailSeed seeds the choices FailRate makes, so that a run that failed
	// can be replayed with the same failures (given the same requests in
	// the same order); 0 picks a seed at random. Server.FailSeed says which.
	FailSeed uint64
}

// Document is a stored data source, as held by the fake (with secrets).
type Document struct {
	Name         string
	Description  string
	Connector    string
	ResultIndex  string
	Status       string
	AllowedRoles []string
	// Properties: in ModeSQLPlugin every value is a string; in ModeDocumented
	// values keep their JSON types (string, float64, bool, nil,
	// map[string]any, []any).
	Properties map[string]any
	// Configuration is only used in ModeDocumented.
	Configuration *Configuration
	// DataSourceID is only used in ModeDocumented (generated at create time).
	DataSourceID string
}

// Configuration is the documented-mode `configuration` object.
type Configuration struct {
	Endpoint, Username, Password string
}

// Op identifies a data source API operation, for Count.
type Op string

// Operations counted by Count.
const (
	OpInfo   Op = "info"
	OpList   Op = "list"
	OpGet    Op = "get"
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpPatch  Op = "patch"
	OpDelete Op = "delete"
)

// Action names of the five transport actions (cluster permissions), for Forbid.
const (
	ActionCreate = "cluster:admin/opensearch/ql/datasources/create"
	ActionRead   = "cluster:admin/opensearch/ql/datasources/read"
	ActionUpdate = "cluster:admin/opensearch/ql/datasources/update"
	ActionPatch  = "cluster:admin/opensearch/ql/datasources/patch"
	ActionDelete = "cluster:admin/opensearch/ql/datasources/delete"
)

// Fault describes an injected failure of a data source API request.
type Fault struct {
	// Status is the HTTP status to answer (typically 500, 503 or 429). Zero
	// means 500 unless ResetConnection is set.
	Status int
	// RetryAfter, when positive, sets the Retry-After header (whole seconds, rounded up).
	RetryAfter time.Duration
	// ResetConnection hijacks and closes the TCP connection without any response.
	ResetConnection bool
	// Body, when set, is answered verbatim with Status instead of
	// OpenSearch's error: what a proxy or load balancer in front of the
	// cluster sends, such as an HTML page with 200 or 404.
	Body string
	// ContentType goes with Body; empty means "text/html; charset=utf-8".
	ContentType string
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	opts    Options
	mode    Mode
	version string
	release release // the SQL plugin release played, from version
	denied  []*net.IPNet
	// clusterUUID is what GET / reports as cluster_uuid.
	clusterUUID string

	failSeed uint64

	mu        sync.Mutex
	failDice  *randv2.Rand // FailRate's; mu guards it
	docs      map[string]*Document
	flint     map[string]*FlintIndex // by index name
	counts    map[Op]int
	methods   map[string]int
	enabled   bool
	limit     int
	forbidden map[string]bool
	latency   time.Duration
	opLatency map[Op]time.Duration
	failNext  int
	failNextF Fault
	failRate  float64
	failRateF Fault
	outage    *Fault

	// listener state (Start / Serve)
	stopHousekeeper chan struct{}
	httpSrv         *http.Server
	lis             net.Listener
	url             string
	caPEM           []byte
	tlsConf         *tls.Config
}

// New returns a fake that is not listening; use Handler, Serve or Start.
func New(opts Options) *Server {
	s := &Server{opts: opts, failSeed: opts.FailSeed}
	if s.failSeed == 0 {
		s.failSeed = randv2.Uint64()
	}
	s.failDice = randv2.New(randv2.NewPCG(s.failSeed, 0))
	s.mode = opts.Mode
	if s.mode == "" {
		s.mode = ModeSQLPlugin
	}
	s.version = opts.Version
	if s.version == "" {
		s.version = DefaultVersion
	}
	s.release = parseRelease(s.version)
	s.clusterUUID = opts.ClusterUUID
	if s.clusterUUID == "" {
		s.clusterUUID = newClusterUUID()
	}
	for _, d := range opts.DenyList {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if !strings.Contains(d, "/") {
			if ip := net.ParseIP(d); ip != nil {
				if ip.To4() != nil {
					d += "/32"
				} else {
					d += "/128"
				}
			}
		}
		if _, n, err := net.ParseCIDR(d); err == nil {
			s.denied = append(s.denied, n)
		}
	}
	s.resetLocked()
	return s
}

// Mode returns the mode the server runs in.
func (s *Server) Mode() Mode { return s.mode }

// Handler returns the HTTP handler of the fake.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on 127.0.0.1:0 and serves the fake (HTTPS with a
// self-signed certificate when opts.TLS).
func Start(opts Options) (*Server, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn is Start with an explicit listen address.
func StartOn(addr string, opts Options) (*Server, error) {
	s := New(opts)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if err := s.Serve(l); err != nil {
		_ = l.Close()
		return nil, err
	}
	return s, nil
}

// Serve starts serving on l in the background (wrapping it in TLS when
// Options.TLS). It returns once the server is accepting connections.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.httpSrv != nil {
		s.mu.Unlock()
		return errors.New("fakeopensearch: already serving")
	}
	scheme := "http"
	if s.opts.TLS {
		certPEM, conf, err := selfSignedTLS()
		if err != nil {
			s.mu.Unlock()
			return err
		}
		s.caPEM = certPEM
		s.tlsConf = conf
		l = tls.NewListener(l, conf)
		scheme = "https"
	}
	s.lis = l
	s.url = scheme + "://" + l.Addr().String()
	s.httpSrv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 30 * time.Second,
		// Keep HTTP/1.1 only so that connection resets (hijacking) work over TLS too.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	srv := s.httpSrv
	if s.opts.HousekeeperInterval > 0 {
		s.stopHousekeeper = make(chan struct{})
		go s.runHousekeeperEvery(s.opts.HousekeeperInterval, s.stopHousekeeper)
	}
	s.mu.Unlock()
	go func() { _ = srv.Serve(l) }()
	return nil
}

// URL is the base URL (scheme://127.0.0.1:port) of a started server.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// CACertPEM is the PEM-encoded self-signed certificate of a TLS server (nil otherwise).
func (s *Server) CACertPEM() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.caPEM...)
}

// Close stops a started server and closes all its connections.
func (s *Server) Close() {
	s.mu.Lock()
	srv := s.httpSrv
	if s.stopHousekeeper != nil {
		close(s.stopHousekeeper)
		s.stopHousekeeper = nil
	}
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// ---- test hooks ----

func (s *Server) resetLocked() {
	s.docs = map[string]*Document{}
	s.flint = map[string]*FlintIndex{}
	s.counts = map[Op]int{}
	s.methods = map[string]int{}
	s.enabled = true
	s.limit = s.opts.Limit
	if s.limit <= 0 {
		s.limit = DefaultLimit
	}
	s.forbidden = map[string]bool{}
	s.latency = 0
	s.opLatency = map[Op]time.Duration{}
	s.failNext = 0
	s.failNextF = Fault{}
	s.failRate = 0
	s.failRateF = Fault{}
	s.outage = nil
}

// Reset clears data (Flint indices too), counts, faults, latency and Forbid, re-enables the API
// and restores the configured limit.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

// Stored returns a deep copy of the stored document, secrets included.
func (s *Server) Stored(name string) (Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[name]
	if !ok {
		return Document{}, false
	}
	return copyDoc(d), true
}

// StoredNames returns the names of all stored data sources, sorted.
func (s *Server) StoredNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.docs))
	for n := range s.docs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Mutate changes a stored document out of band (simulating drift made by
// someone else). It reports whether the document existed. Renaming the
// document in fn re-keys it.
func (s *Server) Mutate(name string, fn func(*Document)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[name]
	if !ok {
		return false
	}
	c := copyDoc(d)
	fn(&c)
	s.fillDefaults(&c)
	delete(s.docs, name)
	s.docs[c.Name] = &c
	return true
}

// Seed stores a document out of band (no validation), replacing any
// document of the same name. Defaults are filled as the server would; in
// ModeDocumented a missing DataSourceID is generated.
func (s *Server) Seed(doc Document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := copyDoc(&doc)
	s.fillDefaults(&c)
	if s.mode == ModeDocumented && c.DataSourceID == "" {
		if old, ok := s.docs[c.Name]; ok {
			c.DataSourceID = old.DataSourceID
		} else {
			c.DataSourceID = newDataSourceID()
		}
	}
	s.docs[c.Name] = &c
}

// Remove deletes a document out of band; it reports whether it existed.
func (s *Server) Remove(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[name]
	delete(s.docs, name)
	return ok
}

// Count returns how many requests of op were received (including failed and faulted ones).
func (s *Server) Count(op Op) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// CountMethod returns how many requests with the HTTP method were received (any path).
func (s *Server) CountMethod(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.methods[strings.ToUpper(method)]
}

// ResetCounts zeroes all counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[Op]int{}
	s.methods = map[string]int{}
}

// SetEnabled flips plugins.query.datasources.enabled. The SQL plugin has
// the setting from 2.16; an older release played in ModeSQLPlugin ignores
// it, as the real one does not know it.
func (s *Server) SetEnabled(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enabled = enabled
}

// SetLimit changes plugins.query.datasources.limit.
func (s *Server) SetLimit(limit int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = limit
}

// Forbid makes requests needing any of the given actions (see the Action*
// constants) answer 403. Forbid() with no arguments clears the list.
func (s *Server) Forbid(actions ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forbidden = map[string]bool{}
	for _, a := range actions {
		s.forbidden[a] = true
	}
}

// SetLatency delays every request by d before it is handled.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetOpLatency delays every request of op by d, on top of SetLatency's
// delay: a cluster that answers reads at once but stalls writes (a full
// disk, a red index) is SetOpLatency(OpCreate, d) and the same for OpUpdate.
// d of zero ends the delay.
func (s *Server) SetOpLatency(op Op, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opLatency[op] = d
}

// FailNext makes the next n data source API requests fail with f
// (replacing any pending FailNext).
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
	s.failNextF = f
}

// FailSeed is the seed of FailRate's choices: Options.FailSeed, or the one
// picked at random. Log it to replay a run.
func (s *Server) FailSeed() uint64 { return s.failSeed }

// FailRate makes each data source API request fail with f with probability
// rate; 0 disables. The choices follow Options.FailSeed.
func (s *Server) FailRate(rate float64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRate = rate
	s.failRateF = f
}

// SetOutage makes every request fail with f, on any path, GET / included,
// until SetOutage(nil): the whole cluster (or the network to it) is down.
// FailNext and FailRate spare GET /, which a client probes first; an
// outage does not. Requests are still counted.
func (s *Server) SetOutage(f *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil {
		s.outage = nil
		return
	}
	c := *f
	s.outage = &c
}

// ---- helpers ----

func copyDoc(d *Document) Document {
	c := *d
	if d.AllowedRoles != nil {
		c.AllowedRoles = append([]string{}, d.AllowedRoles...)
	}
	if d.Properties != nil {
		c.Properties = deepCopy(d.Properties).(map[string]any)
	}
	if d.Configuration != nil {
		cc := *d.Configuration
		c.Configuration = &cc
	}
	return c
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = deepCopy(e)
		}
		return l
	default:
		return v
	}
}

// fillDefaults applies the server-side defaults to a document.
func (s *Server) fillDefaults(d *Document) {
	if d.AllowedRoles == nil {
		d.AllowedRoles = []string{}
	}
	if d.Properties == nil {
		d.Properties = map[string]any{}
	}
	if d.ResultIndex == "" {
		d.ResultIndex = defaultResultIndex(d.Name)
	}
	if d.Status == "" {
		d.Status = "ACTIVE"
	}
	d.Status = strings.ToUpper(d.Status)
	if s.mode == ModeSQLPlugin {
		d.Connector = strings.ToUpper(d.Connector)
	}
}

// defaultResultIndex is "query_execution_result_" + lower(name), truncated to
// 255 characters, with every character outside [a-z0-9_-] removed.
func defaultResultIndex(name string) string {
	r := []rune("query_execution_result_" + strings.ToLower(name))
	if len(r) > 255 {
		r = r[:255]
	}
	var b strings.Builder
	for _, c := range r {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// ClusterUUID is the cluster_uuid the server reports.
func (s *Server) ClusterUUID() string { return s.clusterUUID }

// newClusterUUID makes a cluster_uuid as OpenSearch does: 16 random bytes,
// base64url without padding (22 characters).
func newClusterUUID() string {
	b := make([]byte, 16)
	_, _ = cryptorand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
