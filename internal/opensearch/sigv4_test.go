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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// isolateAWS points the AWS default chain at nothing on this machine: no
// shared files, no instance metadata (never a request to 169.254.169.254),
// no container or web identity credentials, no environment keys.
func isolateAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":                        filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_PROFILE":                            "",
		"AWS_ACCESS_KEY_ID":                      "",
		"AWS_SECRET_ACCESS_KEY":                  "",
		"AWS_SESSION_TOKEN":                      "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_ROLE_ARN":                           "",
		"AWS_ENDPOINT_URL":                       "",
		"AWS_ENDPOINT_URL_STS":                   "",
	} {
		t.Setenv(k, v)
	}
}

func withSigV4(a AWSSigV4) func(*Config) { return func(c *Config) { c.AWSSigV4 = &a } }

// scopeRE reads the credential scope of a SigV4 Authorization header.
var scopeRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$`)

// checkSigned checks that s was signed for key, region and service, over
// its own body.
func checkSigned(t *testing.T, s seen, key, region, service string) {
	t.Helper()
	m := scopeRE.FindStringSubmatch(s.Header.Get("Authorization"))
	if m == nil {
		t.Fatalf("%s %s: Authorization %q is not a SigV4 signature", s.Method, s.RequestURI, s.Header.Get("Authorization"))
	}
	if m[1] != key || m[3] != region || m[4] != service {
		t.Errorf("signed as %s for %s/%s, want %s for %s/%s", m[1], m[3], m[4], key, region, service)
	}
	sum := sha256.Sum256(s.Body)
	if got := s.Header.Get("X-Amz-Content-Sha256"); got != hex.EncodeToString(sum[:]) {
		t.Errorf("X-Amz-Content-Sha256 %q is not the body's hash", got)
	}
	for _, h := range []string{"host", "x-amz-date", "x-amz-content-sha256"} {
		if !strings.Contains(";"+m[5]+";", ";"+h+";") {
			t.Errorf("%s is not signed: %s", h, m[5])
		}
	}
}

func TestSigV4SignsEveryRequest(t *testing.T) {
	isolateAWS(t)
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Path == "/" {
			reply(200, jsonType, `{"version":{"number":"2.19.1"}}`)(w, r, nil)
			return
		}
		reply(200, jsonType, `"Created DataSource with name p"`)(w, r, nil)
	})
	for _, service := range []string{"es", "aoss"} {
		c := newClient(t, srv.URL, withDialect(DialectSQLPlugin),
			withSigV4(AWSSigV4{Region: "eu-west-1", Service: service, AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI"}))
		if _, err := c.Info(context.Background()); err != nil {
			t.Fatal(err)
		}
		checkSigned(t, rec.last(t), "AKIDEXAMPLE", "eu-west-1", service)
		if _, err := c.Create(context.Background(), DataSource{Name: "p", Connector: "prometheus",
			Properties: raw("prometheus.uri", `"http://prom:9090"`)}); err != nil {
			t.Fatal(err)
		}
		last := rec.last(t)
		checkSigned(t, last, "AKIDEXAMPLE", "eu-west-1", service)
		if len(last.Body) == 0 || last.Header.Get("X-Amz-Security-Token") != "" {
			t.Errorf("write: body %q, session token %q", last.Body, last.Header.Get("X-Amz-Security-Token"))
		}
	}
}

// TestSigV4RefusesEmptyStaticKeys pins that keys read from a Secret never
// fall back to the default chain, the operator's own identity, when empty.
func TestSigV4RefusesEmptyStaticKeys(t *testing.T) {
	for name, a := range map[string]AWSSigV4{
		"both empty":       {Region: "eu-west-1", StaticKeys: true},
		"both empty, role": {Region: "eu-west-1", StaticKeys: true, RoleARN: "arn:aws:iam::123456789012:role/ds"},
		"no access key ID": {Region: "eu-west-1", StaticKeys: true, SecretAccessKey: "s"},
		"no secret key":    {Region: "eu-west-1", StaticKeys: true, AccessKeyID: "AKID"},
		"only a token":     {Region: "eu-west-1", StaticKeys: true, SessionToken: "t"},
	} {
		_, err := New(Config{Endpoint: "https://search.example", AWSSigV4: &a})
		if err == nil || !strings.Contains(err.Error(), "must not be empty") {
			t.Errorf("%s: New = %v, want the empty static keys refused", name, err)
		}
	}
	if _, err := New(Config{Endpoint: "https://search.example",
		AWSSigV4: &AWSSigV4{Region: "eu-west-1", StaticKeys: true, AccessKeyID: "AKID", SecretAccessKey: "s"}}); err != nil {
		t.Errorf("a full static key pair: %v", err)
	}
}

func TestSigV4RefusesBasicAuthBeside(t *testing.T) {
	for _, cfg := range []Config{
		{Endpoint: "https://search.example", Username: "u", Password: "p", AWSSigV4: &AWSSigV4{Region: "eu-west-1"}},
		{Endpoint: "https://u:p@search.example", AWSSigV4: &AWSSigV4{Region: "eu-west-1"}},
		{Endpoint: "https://search.example", AWSSigV4: &AWSSigV4{}},
		{Endpoint: "https://search.example", AWSSigV4: &AWSSigV4{Region: "eu-west-1", Service: "s3"}},
		{Endpoint: "https://search.example", AWSSigV4: &AWSSigV4{Region: "eu-west-1", AccessKeyID: "AKID"}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg.AWSSigV4)
		}
	}
}

// stsServer answers AssumeRole with temporary credentials, or refuses it.
func stsServer(t *testing.T, refuse bool) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		calls = append(calls, r.Form.Get("Action")+" "+r.Form.Get("RoleArn")+" "+r.Form.Get("RoleSessionName")+" "+
			scopeRE.FindStringSubmatch(r.Header.Get("Authorization"))[1])
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		if refuse {
			w.WriteHeader(403)
			fmt.Fprint(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>`+
				`<Message>User: arn:aws:iam::123456789012:user/op is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
			return
		}
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>`+
			`<Credentials><AccessKeyId>ASIATEMPORARY</AccessKeyId><SecretAccessKey>temporary-secret</SecretAccessKey>`+
			`<SessionToken>temporary-token</SessionToken><Expiration>%s</Expiration></Credentials>`+
			`<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/ds/opensearch-datasource-operator</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>`+
			`</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), calls...) }
}

func TestSigV4AssumesTheRole(t *testing.T) {
	isolateAWS(t)
	sts, calls := stsServer(t, false)
	t.Setenv("AWS_ENDPOINT_URL_STS", sts.URL)
	srv, rec := newServer(t, reply(200, jsonType, `[]`))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "eu-west-1",
		AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI", RoleARN: "arn:aws:iam::123456789012:role/ds"}))
	for range 2 {
		if _, err := c.List(context.Background()); err != nil {
			t.Fatal(err)
		}
		checkSigned(t, rec.last(t), "ASIATEMPORARY", "eu-west-1", "es")
		if tok := rec.last(t).Header.Get("X-Amz-Security-Token"); tok != "temporary-token" {
			t.Errorf("X-Amz-Security-Token %q", tok)
		}
	}
	want := []string{"AssumeRole arn:aws:iam::123456789012:role/ds opensearch-datasource-operator AKIDEXAMPLE"}
	if got := calls(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("STS calls %q, want %q (assumed once, with the Secret's key pair)", got, want)
	}
}

func TestSigV4UsesTheDefaultChain(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
	srv, rec := newServer(t, reply(200, jsonType, `[]`))
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "ap-southeast-2"}))
	if _, err := c.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkSigned(t, rec.last(t), "AKIDFROMENV", "ap-southeast-2", "es")
}

// TestSigV4CredentialFailuresAreForbidden: no credentials in the chain, or
// a role that refuses to be assumed, is the operator's credentials being
// refused, not the server being down; nothing reaches the server.
func TestSigV4CredentialFailuresAreForbidden(t *testing.T) {
	isolateAWS(t)
	sts, _ := stsServer(t, true)
	srv, rec := newServer(t, reply(200, jsonType, `[]`))
	for name, a := range map[string]AWSSigV4{
		"empty default chain": {Region: "eu-west-1"},
		"role refused":        {Region: "eu-west-1", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: canary, RoleARN: "arn:aws:iam::123456789012:role/ds"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("AWS_ENDPOINT_URL_STS", sts.URL)
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(a))
			_, err := c.List(context.Background())
			if KindOf(err) != KindForbidden || !strings.Contains(err.Error(), "AWS SigV4 credentials") {
				t.Fatalf("err = %v, want Forbidden about AWS SigV4 credentials", err)
			}
			t.Log(err)
			assertNoCanary(t, err)
		})
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d unsigned requests reached the server", n)
	}
}

// TestSigV4CanaryNeverLeaks: a server (or proxy) that echoes every request
// header back in its error shows neither the session token nor the key
// pair; the secret key itself never travels.
func TestSigV4CanaryNeverLeaks(t *testing.T) {
	isolateAWS(t)
	echoHeaders := func(w http.ResponseWriter, r *http.Request, _ []byte) {
		// The signing headers first, in a fixed order: the error's text is
		// truncated, and what must be redacted has to be inside it.
		first := []string{"Authorization", "X-Amz-Security-Token", "X-Amz-Date"}
		var rest []string
		for k := range r.Header {
			if !slices.Contains(first, k) {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		var b strings.Builder
		for _, k := range append(first, rest...) {
			fmt.Fprintf(&b, "%s=%s ", k, strings.Join(r.Header.Values(k), ","))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		fmt.Fprintf(w, `{"message":%q}`, b.String())
	}
	srv, rec := newServer(t, echoHeaders)
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "eu-west-1",
		AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: canary + "-secret", SessionToken: canary + "-token"}))
	_, err := c.List(context.Background())
	if KindOf(err) != KindForbidden {
		t.Fatalf("err = %v", err)
	}
	assertNoCanary(t, err)
	if rec.last(t).Header.Get("X-Amz-Security-Token") != canary+"-token" {
		t.Fatal("the session token was never sent; the test proves nothing")
	}
	for _, h := range rec.last(t).Header {
		if strings.Contains(strings.Join(h, ","), canary+"-secret") {
			t.Fatal("the secret access key travelled in a header")
		}
	}
	if !strings.Contains(err.Error(), "X-Amz-Security-Token=[REDACTED] X-Amz-Date=") {
		t.Errorf("the server's message is not shown, or the token was cut before redaction could be seen: %v", err)
	}
}
