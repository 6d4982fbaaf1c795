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
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func mustPrefixes(t *testing.T, list string) []netip.Prefix {
	t.Helper()
	p, err := ParsePrefixes(list)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParsePrefixes(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "", want: "[]"},
		{in: " , ", want: "[]"},
		{in: "169.254.0.0/16, fe80::/10", want: "[169.254.0.0/16 fe80::/10]"},
		{in: "100.100.100.200,fd00:ec2::254", want: "[100.100.100.200/32 fd00:ec2::254/128]"},
		{in: "10.1.2.3/8", want: "[10.0.0.0/8]"},
		{in: "169.254.0.0/33", wantErr: true},
		{in: "metadata.google.internal", wantErr: true},
		{in: "fe80::1%eth0", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParsePrefixes(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParsePrefixes(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && fmtPrefixes(got) != tt.want {
			t.Errorf("ParsePrefixes(%q) = %v, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := ParsePrefixes(DefaultDeniedEgress); err != nil {
		t.Errorf("the default does not parse: %v", err)
	}
}

func fmtPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return "[" + strings.Join(s, " ") + "]"
}

// TestDeniedNetwork checks each address by what it reaches, not by how it
// is written.
func TestDeniedNetwork(t *testing.T) {
	defaults := mustPrefixes(t, DefaultDeniedEgress)
	withLoopback := mustPrefixes(t, DefaultDeniedEgress+",127.0.0.0/8,::1")
	tests := []struct {
		addr   string
		denied []netip.Prefix
		want   string // the denied network, "" when allowed
	}{
		{"169.254.169.254", defaults, "169.254.0.0/16"},
		{"169.254.170.23", defaults, "169.254.0.0/16"},
		{"::ffff:169.254.169.254", defaults, "169.254.0.0/16"},
		{"64:ff9b::a9fe:a9fe", defaults, "169.254.0.0/16"},
		{"fe80::1%eth0", defaults, "fe80::/10"},
		{"fd00:ec2::254", defaults, "fd00:ec2::254/128"},
		{"fd00:ec2::23", defaults, "fd00:ec2::23/128"},
		{"100.100.100.200", defaults, "100.100.100.200/32"},
		{"168.63.129.16", defaults, "168.63.129.16/32"},
		{"192.0.0.192", defaults, "192.0.0.192/32"},
		{"10.0.0.9", defaults, ""},
		{"52.94.1.1", defaults, ""},
		{"fd00:ec2::1", defaults, ""},
		{"127.0.0.1", defaults, ""},
		{"0.0.0.0", defaults, ""},
		{"0.0.0.0", withLoopback, "127.0.0.0/8"},
		{"::", withLoopback, "::1/128"},
		{"169.254.169.254", nil, ""},
	}
	for _, tt := range tests {
		p, denied := deniedNetwork(tt.denied, netip.MustParseAddr(tt.addr))
		got := ""
		if denied {
			got = p.String()
		}
		if got != tt.want {
			t.Errorf("deniedNetwork(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// TestDialerRefusesDeniedAddresses: the transport's dialer refuses an
// address in a denied network before connecting (so the test takes no
// time even where 169.254.169.254 does not answer).
func TestDialerRefusesDeniedAddresses(t *testing.T) {
	d := newDialer(mustPrefixes(t, DefaultDeniedEgress))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, addr := range []string{"169.254.169.254:80", "[fd00:ec2::254]:80", "[::ffff:169.254.169.254]:80"} {
		start := time.Now()
		conn, err := d.DialContext(ctx, "tcp", addr)
		if conn != nil {
			_ = conn.Close()
		}
		var denied *EgressDeniedError
		if !errors.As(err, &denied) {
			t.Errorf("dial %s: %v, want EgressDeniedError", addr, err)
		}
		if time.Since(start) > time.Second {
			t.Errorf("dial %s took %s: it was attempted", addr, time.Since(start))
		}
	}
}

// TestDeniedEgressIsCheckedAfterResolution: an endpoint named by a host
// name is checked on the address the name resolves to. With loopback
// denied, "localhost" (not an address, so no check of the URL could
// catch it) is refused and the server never sees a request; with nothing
// denied, the same endpoint answers.
func TestDeniedEgressIsCheckedAfterResolution(t *testing.T) {
	srv, rec := newServer(t, reply(200, jsonType, `{"version":{"number":"2.19.1"}}`))
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(u.Host)
	endpoint := "http://localhost:" + port
	if addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", "localhost"); err != nil || len(addrs) == 0 {
		t.Skipf("localhost does not resolve here: %v", err)
	}

	denying := newClient(t, endpoint, func(c *Config) { c.DeniedEgress = mustPrefixes(t, "127.0.0.0/8,::1") })
	_, err = denying.Info(context.Background())
	var denied *EgressDeniedError
	if !errors.As(err, &denied) || KindOf(err) != KindUnavailable {
		t.Fatalf("err = %v, want Unavailable caused by EgressDeniedError", err)
	}
	if !strings.Contains(err.Error(), "it is in 127.0.0.0/8") && !strings.Contains(err.Error(), "it is in ::1/128") {
		t.Errorf("the error does not name the denied network: %v", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}

	allowing := newClient(t, endpoint, func(c *Config) { c.DeniedEgress = mustPrefixes(t, DefaultDeniedEgress) })
	if _, err := allowing.Info(context.Background()); err != nil {
		t.Fatalf("with loopback allowed: %v", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
}

// TestDeniedEgressInTransport: every connection's transport dials through
// the checking dialer, so no URL it is handed gets past the check.
func TestDeniedEgressInTransport(t *testing.T) {
	tr, err := newHTTPTransport(Config{DeniedEgress: mustPrefixes(t, "127.0.0.0/8,::1")})
	if err != nil {
		t.Fatal(err)
	}
	tr.Proxy = nil
	srv, rec := newServer(t, reply(200, jsonType, `{}`))
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	res, err := tr.RoundTrip(req)
	if res != nil {
		_ = res.Body.Close()
	}
	var denied *EgressDeniedError
	if !errors.As(err, &denied) || len(rec.all()) != 0 {
		t.Fatalf("RoundTrip to %s: %v, %d requests seen; want EgressDeniedError and none", srv.URL, err, len(rec.all()))
	}
}
