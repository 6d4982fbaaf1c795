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
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/opensearch-project/opensearch-go/v4/opensearchtransport"
	"github.com/opensearch-project/opensearch-go/v4/signer"
)

// newHTTPTransport clones http.DefaultTransport (keeping its proxy, pooling
// and HTTP/2 settings) and gives it the connection's TLS policy and a dialer
// that refuses the denied networks. All TLS
// settings live here, in one tls.Config, rather than partly in
// opensearchtransport: its CACert option only swaps RootCAs on a clone and it
// has no client-certificate option, so splitting them would leave two places
// to read to know what is trusted.
func newHTTPTransport(cfg Config) (*http.Transport, error) {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("http.DefaultTransport is %T, not *http.Transport", http.DefaultTransport)
	}
	tr := base.Clone()
	tr.DialContext = newDialer(cfg.DeniedEgress).DialContext
	if cfg.Concurrency > 0 {
		tr.MaxIdleConnsPerHost = cfg.Concurrency
	}
	tlsCfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Verification is on unless the user turned it off explicitly.
		InsecureSkipVerify: cfg.InsecureSkipVerify, // #nosec G402 -- explicit user opt-in
	}
	if len(cfg.CACertPEM) > 0 {
		// The bundle replaces the system pool, as curl --cacert does: a
		// connection that names its CA trusts that CA only.
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CACertPEM) {
			return nil, errors.New("CA bundle contains no PEM certificate")
		}
		tlsCfg.RootCAs = pool
	}
	switch {
	case len(cfg.ClientCertPEM) > 0 && len(cfg.ClientKeyPEM) > 0:
		cert, err := tls.X509KeyPair(cfg.ClientCertPEM, cfg.ClientKeyPEM)
		if err != nil {
			// The key parser's message never includes key material.
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	case len(cfg.ClientCertPEM) > 0 || len(cfg.ClientKeyPEM) > 0:
		return nil, errors.New("client certificate and key must be given together")
	}
	tr.TLSClientConfig = tlsCfg
	return tr, nil
}

// newOpenSearchTransport wraps tr in opensearchtransport for URL handling
// (including a path prefix on the endpoint), basic auth and request signing
// (sign, nil for none, signs the final request, once its URL and headers
// are set). It is configured as a plain single-node client: the reconciler
// owns retries and backoff, and the operator must talk to the configured
// endpoint only, so node discovery, health checks, node-stats polling and
// cluster-health probing are all off.
// ctx bounds the background goroutine opensearchtransport still starts.
func newOpenSearchTransport(ctx context.Context, u *url.URL, username, password string, sign signer.Signer,
	tr http.RoundTripper) (*opensearchtransport.Client, error) {
	return opensearchtransport.New(opensearchtransport.Config{
		URLs:                  []*url.URL{u},
		Username:              username,
		Password:              password,
		Signer:                sign,
		Transport:             tr,
		DisableRetry:          true,
		DiscoverNodesInterval: 0,
		HealthCheck:           opensearchtransport.NoOpHealthCheck,
		MaxRetryClusterHealth: -1,
		NodeStatsInterval:     -1,
		SkipConnectionShuffle: true,
		Context:               ctx,
	})
}

// parseEndpoint validates the endpoint and splits off any userinfo, which
// must never travel inside a URL that could end up in an error.
func parseEndpoint(endpoint string) (u *url.URL, username, password string, err error) {
	if endpoint == "" {
		return nil, "", "", errors.New("endpoint is required")
	}
	u, err = url.Parse(endpoint)
	if err != nil {
		// url.Error quotes the input, which may hold userinfo; say less.
		return nil, "", "", errors.New("endpoint is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, "", "", fmt.Errorf("endpoint scheme must be http or https, not %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, "", "", errors.New("endpoint has no host")
	}
	if u.User != nil {
		username = u.User.Username()
		password, _ = u.User.Password()
		u.User = nil
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	return u, username, password, nil
}
