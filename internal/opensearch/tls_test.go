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
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
)

// newTLSServer starts an HTTPS test server; configure may adjust its TLS
// settings before it starts.
func newTLSServer(t *testing.T, configure func(*tls.Config)) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewUnstartedServer(recording(rec, func(w http.ResponseWriter, r *http.Request, b []byte) {
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			w.Header().Set("X-Client-Cert", r.TLS.PeerCertificates[0].Subject.String())
		}
		reply(200, jsonType, "[]")(w, r, b)
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	if configure != nil {
		configure(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, rec
}

func certPEM(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func TestTLS(t *testing.T) {
	srv, _ := newTLSServer(t, nil)
	tests := []struct {
		name    string
		cfg     func(*Config)
		wantErr bool
	}{
		{"CA bundle trusts the server", func(c *Config) { c.CACertPEM = certPEM(srv) }, false},
		{"system pool does not", func(*Config) {}, true},
		{"insecure skip verify", func(c *Config) { c.InsecureSkipVerify = true }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newClient(t, srv.URL, tt.cfg).List(context.Background())
			if tt.wantErr {
				if KindOf(err) != KindUnavailable {
					t.Fatalf("err = %v, want Unavailable", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("List: %v", err)
			}
		})
	}
}

func TestMutualTLS(t *testing.T) {
	// Require a client certificate; the server's own key pair serves as the
	// client's, which is enough to show the certificate is presented.
	srv, _ := newTLSServer(t, func(c *tls.Config) { c.ClientAuth = tls.RequireAnyClientCert })
	keyDER, err := x509.MarshalPKCS8PrivateKey(srv.TLS.Certificates[0].PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})

	without := newClient(t, srv.URL, func(c *Config) { c.CACertPEM = certPEM(srv) })
	if _, err := without.List(context.Background()); KindOf(err) != KindUnavailable {
		t.Errorf("without client cert: %v, want Unavailable", err)
	}
	with := newClient(t, srv.URL, func(c *Config) {
		c.CACertPEM = certPEM(srv)
		c.ClientCertPEM, c.ClientKeyPEM = certPEM(srv), keyPEM
	})
	if _, err := with.List(context.Background()); err != nil {
		t.Errorf("with client cert: %v", err)
	}
}
