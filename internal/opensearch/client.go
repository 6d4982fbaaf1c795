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
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/opensearch-project/opensearch-go/v4/opensearchtransport"
	"github.com/opensearch-project/opensearch-go/v4/signer"
)

// Config describes how to reach one OpenSearch cluster.
type Config struct {
	// Endpoint is the REST API's URL, https://host:9200 or http://...; a path
	// prefix (https://host/opensearch) is kept. Userinfo in the URL is used as
	// basic auth when Username is empty.
	Endpoint string
	// Username and Password are basic-auth credentials; empty means none.
	Username, Password string
	// AWSSigV4, when set, signs every request with AWS Signature Version 4
	// instead of basic auth.
	AWSSigV4 *AWSSigV4
	// CACertPEM is the CA bundle that verifies the server; empty means the
	// system pool. When set, it is the only trusted CA.
	CACertPEM []byte
	// ClientCertPEM and ClientKeyPEM enable mutual TLS; both or neither.
	ClientCertPEM, ClientKeyPEM []byte
	// InsecureSkipVerify turns server certificate verification off.
	InsecureSkipVerify bool
	// RequestTimeout bounds each HTTP request; 0 means 10s.
	RequestTimeout time.Duration
	// Dialect is the API dialect; "" means DialectAuto.
	Dialect Dialect
	// Observer, when set, is called once per HTTP request (for metrics). It
	// must be safe for concurrent use and quick.
	Observer func(RequestRecord)
	// DeniedEgress lists networks the client never connects to, checked
	// on the resolved address of every connection it opens (see
	// DefaultDeniedEgress). Through a proxy (HTTPS_PROXY) it checks the
	// proxy's address only.
	DeniedEgress []netip.Prefix
	// Concurrency is how many requests the caller may have in flight at
	// once; the client keeps that many idle connections, so that a burst
	// reuses them instead of opening (and, over TLS, handshaking) one per
	// request. 0 means Go's default of 2.
	Concurrency int
}

// RequestRecord describes one HTTP request for the Observer.
type RequestRecord struct {
	// Method is GET, POST, PUT, PATCH or DELETE.
	Method string
	// Operation is "info", "list", "get", "create", "update", "patch" or "delete".
	Operation string
	// Outcome is "success" or the failure's ErrorKind.
	Outcome string
	// Duration is the time from sending the request to having its body.
	Duration time.Duration
}

// Operation names, as they appear in Error.Operation and RequestRecord.
const (
	opInfo   = "info"
	opList   = "list"
	opGet    = "get"
	opCreate = "create"
	opUpdate = "update"
	opDelete = "delete"
)

const (
	defaultRequestTimeout = 10 * time.Second
	dataSourcesPath       = "/_plugins/_query/_datasources"
)

// Client talks to one cluster's data source API. It is safe for concurrent use.
type Client struct {
	transport *opensearchtransport.Client
	timeout   time.Duration
	observer  func(RequestRecord)
	// username and password are only kept for the one case
	// opensearchtransport does not cover: a user with an empty password.
	username, password string
	// secrets holds the connection's own credentials for redaction.
	secrets redactor

	configured Dialect
	mu         sync.RWMutex
	resolved   Dialect // equals configured unless configured is Auto
	version    string  // the server's OpenSearch version, "" until known

	stop context.CancelFunc
}

// New validates cfg and builds a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.Dialect == "" {
		cfg.Dialect = DialectAuto
	}
	if err := cfg.Dialect.validate(); err != nil {
		return nil, fmt.Errorf("opensearch: %w", err)
	}
	u, user, pass, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("opensearch: %w", err)
	}
	if cfg.Username == "" && cfg.Password == "" {
		cfg.Username, cfg.Password = user, pass
	}
	var sign signer.Signer
	learned := &learnedSecrets{}
	if cfg.AWSSigV4 != nil {
		if cfg.Username != "" || cfg.Password != "" {
			return nil, errors.New("opensearch: basic auth and AWS SigV4 are exclusive")
		}
		if sign, err = newAWSSigner(cfg.AWSSigV4, learned); err != nil {
			return nil, fmt.Errorf("opensearch: %w", err)
		}
	}
	tr, err := newHTTPTransport(cfg)
	if err != nil {
		return nil, fmt.Errorf("opensearch: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ost, err := newOpenSearchTransport(ctx, u, cfg.Username, cfg.Password, sign, withUserAgent(tr))
	if err != nil {
		cancel()
		return nil, fmt.Errorf("opensearch: transport: %w", err)
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	c := &Client{
		transport:  ost,
		timeout:    timeout,
		observer:   cfg.Observer,
		username:   cfg.Username,
		password:   cfg.Password,
		secrets:    clientRedactor(cfg, learned),
		configured: cfg.Dialect,
		resolved:   cfg.Dialect,
		stop:       cancel,
	}
	// opensearchtransport runs a background goroutine until its context
	// ends. Callers that drop a Client without Close (e.g. when a connection
	// object changes) would leak it, so stop it once the Client is garbage.
	runtime.AddCleanup(c, func(stop func()) { stop() }, c.closeFunc(ost))
	return c, nil
}

// closeFunc returns the shutdown work without referring to c, so that the
// cleanup registered in New does not keep c alive.
func (c *Client) closeFunc(ost *opensearchtransport.Client) func() {
	stop := c.stop
	return func() {
		stop()
		_ = ost.Close()
	}
}

// Close stops the transport's background work and closes idle connections.
// The client must not be used afterwards. Calling it is optional: a client
// that becomes unreachable is cleaned up the same way.
func (c *Client) Close() error {
	c.stop()
	return c.transport.Close()
}

// Dialect returns the dialect in use: the configured one, or for Auto the one
// the server's answers have resolved it to (DialectAuto while unresolved).
func (c *Client) Dialect() Dialect {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.resolved
}

// resolve records what an Auto client learnt; the first answer wins and
// explicitly configured dialects never change.
func (c *Client) resolve(d Dialect) {
	if c.configured != DialectAuto {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.resolved == DialectAuto {
		c.resolved = d
	}
}

// Create creates the data source (POST).
func (c *Client) Create(ctx context.Context, ds DataSource) (WriteResult, error) {
	return c.write(ctx, opCreate, http.MethodPost, ds)
}

// Update replaces the data source with the full body (PUT). Note that the
// SQL plugin merges properties, so keys missing from ds survive (see
// Drift.StaleProperties).
func (c *Client) Update(ctx context.Context, ds DataSource) (WriteResult, error) {
	return c.write(ctx, opUpdate, http.MethodPut, ds)
}

// write sends ds in the client's dialect. An unresolved Auto client sends
// the documented body and, if the server refuses the configuration field,
// resolves to the SQL plugin and sends the same request again in that dialect.
//
// Against a SQL plugin older than 2.13 (see SetServerVersion) the fields
// that release cannot take are left out when ds holds their defaults, and
// the write is refused before sending when it does not.
func (c *Client) write(ctx context.Context, op, method string, ds DataSource) (WriteResult, error) {
	red := c.secrets.with(requestSecrets(ds)...)
	d := c.Dialect()
	var omit fieldSet
	if d != DialectDocumented {
		var err error
		if omit, err = planFields(op, c.ServerVersion(), ds); err != nil {
			return WriteResult{}, err
		}
	}
	if d != DialectAuto {
		return c.writeIn(ctx, op, method, d, ds, omit, red)
	}
	res, err := c.writeIn(ctx, op, method, DialectDocumented, ds, omit, red)
	if isUnknownConfiguration(err) {
		c.resolve(DialectSQLPlugin)
		return c.writeIn(ctx, op, method, DialectSQLPlugin, ds, omit, red)
	}
	return res, err
}

func (c *Client) writeIn(ctx context.Context, op, method string, d Dialect, ds DataSource, omit fieldSet, red redactor) (WriteResult, error) {
	body, err := buildBody(d, ds, omit)
	if err != nil {
		return WriteResult{}, err
	}
	var (
		result WriteResult
		shape  writeShape
	)
	err = c.call(ctx, op, method, dataSourcesPath, body, red, func(b []byte) error {
		var perr error
		result, shape, perr = parseWriteResponse(b, ds, red)
		return perr
	})
	if err != nil {
		explainUnknownField(err)
		return WriteResult{}, err
	}
	result.Dialect = d
	switch shape {
	case shapeDocumented:
		c.resolve(DialectDocumented)
	case shapeSQLPlugin:
		c.resolve(DialectSQLPlugin)
	}
	return result, nil
}

// isUnknownConfiguration recognises the SQL plugin refusing the documented
// body, in either error shape.
func isUnknownConfiguration(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest &&
		strings.Contains(e.Message, "Unknown field: configuration")
}

// Get reads one data source by name.
func (c *Client) Get(ctx context.Context, name string) (RemoteDataSource, error) {
	if name == "" {
		return RemoteDataSource{}, &InvalidSpecError{Message: "data source name is empty"}
	}
	var out RemoteDataSource
	err := c.call(ctx, opGet, http.MethodGet, namePath(name), nil, c.secrets, func(b []byte) error {
		var err error
		out, err = parseRemote(b)
		return err
	})
	out.ServerVersion = c.ServerVersion()
	return out, err
}

// List reads every data source (the built-in @opensearch is not included).
func (c *Client) List(ctx context.Context) ([]RemoteDataSource, error) {
	l, err := c.ListKept(ctx, nil)
	return l.Items, err
}

// ListKept is List keeping the details of only the data sources whose
// names keep accepts (every one when keep is nil), and the names of all:
// a cluster may hold thousands of data sources its caller has no use for,
// and their details would be held until the whole reply is decoded.
func (c *Client) ListKept(ctx context.Context, keep func(name string) bool) (Listing, error) {
	var out Listing
	err := c.call(ctx, opList, http.MethodGet, dataSourcesPath, nil, c.secrets, func(b []byte) error {
		wait, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		release, err := acquireListDecode(wait)
		if err != nil {
			return err
		}
		defer release()
		out, err = decodeList(b, defaultListLimits, keep)
		return err
	})
	for i := range out.Items {
		out.Items[i].ServerVersion = c.ServerVersion()
	}
	return out, err
}

// Delete removes the data source. Success is a 2xx in one of the API's
// shapes: the SQL plugin answers 204 with no body, the documented API 200
// with a JSON object; any other 2xx body is Unavailable (see notOpenSearch).
func (c *Client) Delete(ctx context.Context, name string) error {
	if name == "" {
		return &InvalidSpecError{Message: "data source name is empty"}
	}
	return c.call(ctx, opDelete, http.MethodDelete, namePath(name), nil, c.secrets, parseDeleteResponse)
}

// Info reads the server's version and distribution (GET /). The client
// keeps the version to shape later writes (see SetServerVersion).
func (c *Client) Info(ctx context.Context) (ServerInfo, error) {
	var info ServerInfo
	err := c.call(ctx, opInfo, http.MethodGet, "/", nil, c.secrets, func(b []byte) error {
		var err error
		info, err = parseInfo(b)
		return err
	})
	if err != nil {
		return ServerInfo{}, err
	}
	c.SetServerVersion(info.Version)
	return info, nil
}

func namePath(name string) string {
	return dataSourcesPath + "/" + url.PathEscape(name)
}

// call performs one HTTP request and hands a 2xx body to decode (which may
// be nil). Every failure comes back as *Error, redacted with red.
func (c *Client) call(ctx context.Context, op, method, path string, body []byte, red redactor, decode func([]byte) error) (err error) {
	start := time.Now()
	defer func() {
		if c.observer == nil {
			return
		}
		outcome := "success"
		if err != nil {
			outcome = string(KindOf(err))
		}
		c.observer(RequestRecord{Method: method, Operation: op, Outcome: outcome, Duration: time.Since(start)})
	}()

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, op, method, path, body, red)
	if err != nil {
		return err
	}
	res, err := c.transport.Stream(req)
	if err != nil {
		if res != nil && res.Body != nil {
			_ = res.Body.Close()
		}
		return transportError(op, err, red)
	}
	defer func() { _ = res.Body.Close() }()
	limit := bodyCap(op)
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return transportError(op, err, red)
	}
	if int64(len(data)) > limit {
		return &Error{Kind: KindUnavailable, StatusCode: res.StatusCode, Operation: op, Message: fmt.Sprintf(
			"the reply is larger than the %s limit for %s replies, so it is not an OpenSearch answer: %s",
			byteSize(limit), op, replyFacts(res, -1))}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return newHTTPError(op, res, data, red)
	}
	if decode != nil {
		if derr := decode(data); derr != nil {
			return decodeError(op, res, derr, len(data), red)
		}
	}
	return nil
}

// decodeError reports a 2xx body that did not decode. A reply over the
// decoder's limits is not an OpenSearch answer either, but its start is
// not shown: a server that sends one is hostile or broken, and its text
// would reach the tenant's status. A wait for a decode slot that ran out
// is the request's timeout, not the server's fault.
func decodeError(op string, res *http.Response, derr error, size int, red redactor) *Error {
	var over *overLimitError
	switch {
	case errors.Is(derr, context.DeadlineExceeded), errors.Is(derr, context.Canceled):
		return transportError(op, derr, red)
	case errors.As(derr, &over):
		// Every part of derr's text is the decoder's own.
		return &Error{Kind: KindUnavailable, StatusCode: res.StatusCode, Operation: op,
			Message: red.redact(derr.Error()) + ", so it is not an OpenSearch answer"}
	}
	return notOpenSearch(op, res, derr, size, red)
}

// notOpenSearch reports a 2xx whose body is none of the API's shapes: most
// likely a proxy, an ingress or a broken node answering in the server's
// place. Counting it as success would record a write that never happened,
// so it is Unavailable and retried with backoff. The body itself is not
// shown (see replyFacts); the decoder's complaint names our fields only.
func notOpenSearch(op string, res *http.Response, cause error, size int, red redactor) *Error {
	text := red.redact(cause.Error())
	return &Error{
		Kind: KindUnavailable, StatusCode: res.StatusCode, Operation: op,
		Message: truncate(text, maxRawErrorText) + "; not an OpenSearch answer: " + replyFacts(res, size),
		Err:     &causeError{text: text, err: cause},
	}
}

// newRequest builds one request to path; failures are *Error.
func (c *Client) newRequest(ctx context.Context, op, method, path string, body []byte, red redactor) (*http.Request, error) {
	u, err := url.Parse(path)
	if err != nil {
		return nil, &Error{Kind: KindRejected, Operation: op, Message: "invalid request path"}
	}
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reader)
	if err != nil {
		return nil, transportError(op, err, red)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.username != "" && c.password == "" {
		// opensearchtransport only sends basic auth when both halves are set.
		req.SetBasicAuth(c.username, "")
	}
	return req, nil
}

// transportError wraps a failure that produced no HTTP response. Timeouts,
// refused or reset connections, DNS failures and cancelled contexts are all
// Unavailable: the reconciler retries them with backoff.
func transportError(op string, err error, red redactor) *Error {
	if e := signFailure(op, err, red); e != nil {
		return e
	}
	text := red.redact(err.Error())
	return &Error{
		Kind:      KindUnavailable,
		Operation: op,
		Message:   text,
		Err:       &causeError{text: text, err: err},
	}
}
