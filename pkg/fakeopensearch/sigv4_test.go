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
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var testKeys = SigV4{Region: "eu-west-1", Service: "es", AccessKeyID: "AKIDFAKEOPENSEARCH", SecretAccessKey: "fake-secret-access-key"}

// signedRequest builds a request to url signed with the SDK's signer, as a
// client of Amazon OpenSearch Service would send it.
func signedRequest(t *testing.T, method, url, body string, creds aws.Credentials, service, region string, at time.Time) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, service, region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// awsMessage decodes AWS's {"message": ...} error body.
func awsMessage(t *testing.T, body string) string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(body), &m); err != nil || len(m) != 1 {
		t.Fatalf("not AWS's error shape: %s", body)
	}
	return m["message"]
}

func TestSigV4AcceptsTheKnownKeyPair(t *testing.T) {
	s := start(t, Options{SigV4: &testKeys, Username: "ignored", Password: "ignored"})
	good := aws.Credentials{AccessKeyID: testKeys.AccessKeyID, SecretAccessKey: testKeys.SecretAccessKey}
	now := time.Now().UTC()
	if code, body := do(t, signedRequest(t, "POST", s.URL()+BasePath, promBody, good, "es", "eu-west-1", now)); code != 201 {
		t.Fatalf("signed create: %d %s", code, body)
	}
	if code, body := do(t, signedRequest(t, "GET", s.URL()+BasePath+"/p1", "", good, "es", "eu-west-1", now)); code != 200 {
		t.Fatalf("signed get: %d %s", code, body)
	}
	if _, ok := s.Stored("p1"); !ok {
		t.Fatal("the signed create was not stored")
	}
}

func TestSigV4RefusesAsAWSDoes(t *testing.T) {
	withToken := testKeys
	withToken.SessionToken = "fake-session-token"
	s := start(t, Options{SigV4: &testKeys})
	st := start(t, Options{SigV4: &withToken})
	good := aws.Credentials{AccessKeyID: testKeys.AccessKeyID, SecretAccessKey: testKeys.SecretAccessKey}
	now := time.Now().UTC()
	tampered := signedRequest(t, "POST", s.URL()+BasePath, promBody, good, "es", "eu-west-1", now)
	tampered.Body = io.NopCloser(strings.NewReader(strings.Replace(promBody, "p1", "p2", 1)))
	tampered.ContentLength = int64(len(promBody))

	for name, tc := range map[string]struct {
		req  *http.Request
		want string
	}{
		"wrong secret key": {signedRequest(t, "GET", s.URL()+"/", "",
			aws.Credentials{AccessKeyID: testKeys.AccessKeyID, SecretAccessKey: "not-the-secret"}, "es", "eu-west-1", now), msgSignatureMismatch},
		"unknown access key": {signedRequest(t, "GET", s.URL()+"/", "",
			aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: testKeys.SecretAccessKey}, "es", "eu-west-1", now), msgInvalidToken},
		"body changed after signing": {tampered, msgSignatureMismatch},
		"unsigned":                   {mustRequest(t, "GET", s.URL()+"/"), msgMissingToken},
		"other region": {signedRequest(t, "GET", s.URL()+"/", "", good, "es", "us-east-2", now),
			"Credential should be scoped to a valid region, not 'us-east-2'. "},
		"serverless scope on a domain": {signedRequest(t, "GET", s.URL()+"/", "", good, "aoss", "eu-west-1", now),
			"Credential should be scoped to correct service: 'es'. "},
		"signed an hour ago": {signedRequest(t, "GET", s.URL()+"/", "", good, "es", "eu-west-1", now.Add(-time.Hour)), "Signature expired: "},
		"no session token":   {signedRequest(t, "GET", st.URL()+"/", "", good, "es", "eu-west-1", now), msgInvalidToken},
	} {
		t.Run(name, func(t *testing.T) {
			code, body := do(t, tc.req)
			if code != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", code, body)
			}
			if got := awsMessage(t, body); !strings.HasPrefix(got, tc.want) {
				t.Errorf("message %q, want %q", got, tc.want)
			}
		})
	}
	if names := s.StoredNames(); len(names) != 0 {
		t.Errorf("refused requests stored %v", names)
	}
	withTokenCreds := good
	withTokenCreds.SessionToken = withToken.SessionToken
	if code, body := do(t, signedRequest(t, "GET", st.URL()+"/", "", withTokenCreds, "es", "eu-west-1", now)); code != 200 {
		t.Errorf("temporary credentials: %d %s", code, body)
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
