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
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The operator's own identity, as the AWS default chain hands it out: none
// of it is named by any configuration.
const (
	canaryKeyID   = "AKIACANARY7F3A9C00"
	canarySecret  = "canary-secret-access-key"
	canaryToken   = "canary-session-token/+=="
	canaryRoleARN = "arn:aws:iam::123456789012:role/canary-role"
)

// useCanaryIdentity puts the canary credentials where the default chain
// finds them first, the environment.
func useCanaryIdentity(t *testing.T) {
	t.Helper()
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", canaryKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", canarySecret)
	t.Setenv("AWS_SESSION_TOKEN", canaryToken)
}

// assertNoIdentity fails when text shows any part of the canary identity.
func assertNoIdentity(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{"CANARY", "canary", "123456789012", url.QueryEscape(canaryToken)} {
		if strings.Contains(text, s) {
			t.Fatalf("%q shows the operator's identity: %s", s, text)
		}
	}
}

// TestSigV4DefaultChainCredentialsAreRedacted: the default chain's access
// key ID and session token, which the signer sends, are masked when a
// server echoes the request in OpenSearch's own error shape, however it
// writes them.
func TestSigV4DefaultChainCredentialsAreRedacted(t *testing.T) {
	useCanaryIdentity(t)
	echo := func(w http.ResponseWriter, r *http.Request, _ []byte) {
		// Unknown header names, so that only the learned values (not the
		// header patterns) can mask them.
		text := fmt.Sprintf("seen token %s; key %s; escaped %s",
			r.Header.Get("X-Amz-Security-Token"), strings.Fields(r.Header.Get("Authorization"))[1],
			url.QueryEscape(r.Header.Get("X-Amz-Security-Token")))
		q, _ := marshal(text)
		w.Header().Set("Content-Type", jsonType)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"root_cause":[{"type":"x","reason":%s}],"type":"x","reason":%s},"status":400}`, q, q)
	}
	srv, rec := newServer(t, echo)
	c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "eu-west-1"}))
	_, err := c.List(context.Background())
	if KindOf(err) != KindRejected {
		t.Fatalf("err = %v", err)
	}
	if rec.last(t).Header.Get("X-Amz-Security-Token") != canaryToken {
		t.Fatal("the default chain's session token was not sent; the test proves nothing")
	}
	assertNoIdentity(t, err.Error())
	if !strings.Contains(err.Error(), "seen token "+redactedMarker) {
		t.Errorf("the server's message is not shown: %v", err)
	}
}

// TestAWSCredentialsAreMaskedWhateverTheirValue: session tokens and the
// access key ID of a credential scope are masked even when the client
// never saw them (another client's request echoed by a shared proxy).
func TestAWSCredentialsAreMaskedWhateverTheirValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"X-Amz-Security-Token: FwoGZXIvYXdzEJr//+= next", "X-Amz-Security-Token: [REDACTED] next"},
		{"?X-Amz-Security-Token=FwoG%2Bab%3D&X-Amz-Date=1", "?X-Amz-Security-Token=[REDACTED]&X-Amz-Date=1"},
		{`{"x-amz-security-token":"FwoG+ab="}`, `{"x-amz-security-token":"[REDACTED]"}`},
		{`{\"X-Amz-Security-Token\":\"FwoG\"}`, `{\"X-Amz-Security-Token\":\"[REDACTED]\"}`},
		{"map[X-Amz-Security-Token:[FwoG+ab=]]", "map[X-Amz-Security-Token:[[REDACTED]]]"},
		{"x-amz-security-token%3DFwoG%2B", "x-amz-security-token%3D[REDACTED]"},
		{"Credential=ASIAEXAMPLE123/20261207/eu-west-1/es/aws4_request, SignedHeaders=host",
			"Credential=[REDACTED]/20261207/eu-west-1/es/aws4_request, SignedHeaders=host"},
		{"X-Amz-Credential=ASIAEXAMPLE123%2F20261207%2Feu-west-1", "X-Amz-Credential=[REDACTED]%2F20261207%2Feu-west-1"},
		{"Credential should be scoped to a valid region. ", "Credential should be scoped to a valid region. "},
		{"User: " + canaryRoleARN + " is not authorized", "User: " + canaryRoleARN + " is not authorized"},
	}
	red := newRedactor()
	for _, tt := range tests {
		if got := red.redact(tt.in); got != tt.want {
			t.Errorf("redact(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
	red.conceal = true
	if got := red.redact("User: " + canaryRoleARN + " is not authorized"); got != "User: [REDACTED] is not authorized" {
		t.Errorf("concealing, the role ARN is not masked: %q", got)
	}
}

// stsRefusing answers AssumeRole as STS refuses it, naming the caller.
func stsRefusing(t *testing.T) string {
	t.Helper()
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>`+
			`<Code>AccessDenied</Code><Message>User: %s is not authorized to perform: sts:AssumeRole on resource: `+
			`arn:aws:iam::123456789012:role/canary-target</Message></Error><RequestId>r</RequestId></ErrorResponse>`, canaryRoleARN)
	})
	return srv.URL
}

// TestSigV4OperatorIdentityFailuresAreConcealed: when the operator's own
// identity (the default chain) cannot obtain credentials, the error says
// so in general terms, naming neither role nor account nor key; the
// details, secrets masked, are kept for the operator's log.
func TestSigV4OperatorIdentityFailuresAreConcealed(t *testing.T) {
	useCanaryIdentity(t)
	t.Setenv("AWS_ENDPOINT_URL_STS", stsRefusing(t))
	srv, rec := newServer(t, reply(200, jsonType, `[]`))
	for name, a := range map[string]AWSSigV4{
		"default chain":               {Region: "eu-west-1", RoleARN: "arn:aws:iam::123456789012:role/canary-target"},
		"an administrator's key pair": {Region: "eu-west-1", AccessKeyID: "AKIDADMIN", SecretAccessKey: "admin-secret-access-key", StaticKeys: true, Conceal: true, RoleARN: "arn:aws:iam::123456789012:role/canary-target"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(a))
			_, err := c.List(context.Background())
			if KindOf(err) != KindForbidden || err.Error() != "opensearch list: Forbidden: "+concealedSignFailure {
				t.Fatalf("err = %v, want Forbidden with the generic message", err)
			}
			assertNoIdentity(t, fmt.Sprintf("%v %+v %#v", err, err, err.Error()))
			details := Details(err)
			if !strings.Contains(details, "AccessDenied") || !strings.Contains(details, canaryRoleARN) {
				t.Errorf("Details = %q, want STS's refusal for the operator's log", details)
			}
			for _, secret := range []string{canarySecret, canaryToken, "AKIDADMIN", "admin-secret-access-key"} {
				if strings.Contains(details, secret) {
					t.Errorf("Details shows a secret: %q", details)
				}
			}
		})
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d unsigned requests reached the server", n)
	}
}

// TestSigV4ConcealedIdentityInServerText: AWS's front end names the caller
// when it refuses a policy; for the operator's identity that ARN is masked,
// for a connection owner's own key pair it is shown.
func TestSigV4ConcealedIdentityInServerText(t *testing.T) {
	useCanaryIdentity(t)
	srv, _ := newServer(t, reply(http.StatusForbidden, jsonType,
		`{"message":"User: arn:aws:sts::123456789012:assumed-role/canary-role/op is not authorized to perform: es:ESHttpGet"}`))
	_, err := newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "eu-west-1"})).List(context.Background())
	if KindOf(err) != KindForbidden || !strings.Contains(err.Error(), "User: [REDACTED] is not authorized to perform: es:ESHttpGet") {
		t.Fatalf("err = %v, want the refusal with the caller masked", err)
	}
	assertNoIdentity(t, err.Error())
	_, err = newClient(t, srv.URL, withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "eu-west-1",
		AccessKeyID: "AKIDOWNER", SecretAccessKey: "owner-secret-access-key", StaticKeys: true})).List(context.Background())
	if !strings.Contains(err.Error(), "arn:aws:sts::123456789012:assumed-role/canary-role/op") {
		t.Errorf("the owner's own ARN is hidden from them: %v", err)
	}
}

// FuzzAWSCredentialPatterns: a session token (base64) or an access key ID
// (letters and digits) the client never saw does not survive redaction in
// any of the ways a server or proxy writes the header, the query
// parameter or the credential scope.
func FuzzAWSCredentialPatterns(f *testing.F) {
	f.Add("FwoGZXIvYXdzEJr//////////wEaDOn+/ab==", "ASIAEXAMPLE123")
	f.Add("IQoJb3JpZ2luX2VjEOr", "AKIA0")
	f.Fuzz(func(t *testing.T, token, keyID string) {
		token = keep(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
		keyID = keep(keyID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
		texts := func(token, keyID string) []string {
			return []string{
				"X-Amz-Security-Token: " + token + "\r\nHost: h",
				"GET /?X-Amz-Security-Token=" + url.QueryEscape(token) + "&X-Amz-Date=1",
				`{"X-Amz-Security-Token":"` + token + `"}`,
				"map[X-Amz-Security-Token:[" + token + "]]",
				"Authorization: AWS4-HMAC-SHA256 Credential=" + keyID + "/20261207/eu-west-1/es/aws4_request, SignedHeaders=host",
				"?X-Amz-Credential=" + keyID + "%2F20261207%2Feu-west-1%2Fes%2Faws4_request",
			}
		}
		fixed := strings.Join(texts("", ""), " ") + " " + redactedMarker
		for _, v := range []string{token, url.QueryEscape(token), keyID} {
			if len(v) < 8 || strings.Contains(fixed, v) {
				t.Skip("too short, or found in the surrounding words")
			}
		}
		red := newRedactor()
		for _, text := range texts(token, keyID) {
			got := red.redact(text)
			if strings.Contains(got, token) || strings.Contains(got, url.QueryEscape(token)) || strings.Contains(got, keyID) {
				t.Fatalf("redact(%q) = %q", text, got)
			}
		}
	})
}

// keep returns s without the bytes that are not in allowed.
func keep(s, allowed string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(allowed, r) {
			return r
		}
		return -1
	}, s)
}
