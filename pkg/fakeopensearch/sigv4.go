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
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SigV4 makes the fake authenticate requests as an Amazon OpenSearch
// Service domain (or an OpenSearch Serverless collection) with an IAM-only
// access policy does: every request must carry an AWS Signature Version 4
// made with the one known key pair, and anything else is refused with 403
// and AWS's {"message": ...} body. Basic auth is not consulted.
//
// The fake checks a signature by signing the request it received again,
// with the AWS SDK's own signer, the known secret key and the date and
// credential scope the request names, and comparing the two; it shares no
// code with any client.
type SigV4 struct {
	// Region the signatures must be scoped to; "" means us-east-1.
	Region string
	// Service the signatures must be scoped to: "es" (default) or "aoss".
	Service string
	// AccessKeyID and SecretAccessKey are the one known key pair.
	AccessKeyID, SecretAccessKey string
	// SessionToken, when set, must arrive as X-Amz-Security-Token, as
	// temporary credentials require.
	SessionToken string
}

// The messages AWS answers with. They are the well-known texts of AWS's
// signature checks (the OpenSearch references do not cover them); clients
// should match on the status, not on these.
const (
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken       = "The security token included in the request is invalid."
	msgMissingToken       = "Missing Authentication Token"
	msgIncompleteHeader   = "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."
	sigV4Algorithm        = "AWS4-HMAC-SHA256"
	amzDateFormat         = "20060102T150405Z"
	maxSigV4ClockSkew     = 5 * time.Minute
	defaultSigV4Region    = "us-east-1"
	defaultSigV4Service   = "es"
	credentialScopeSuffix = "aws4_request"
)

// awsErr is AWS's error answer: {"message": ...}, application/json.
func awsErr(msg string) *apiError {
	return &apiError{status: http.StatusForbidden, shape: shapeAWS, msg: msg}
}

// sigV4Auth is a parsed Authorization header.
type sigV4Auth struct {
	accessKeyID, date, region, service string
	signedHeaders                      string
	signature                          string
}

func parseSigV4Auth(header string) (sigV4Auth, bool) {
	var a sigV4Auth
	rest, ok := strings.CutPrefix(header, sigV4Algorithm+" ")
	if !ok {
		return a, false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 5 || scope[4] != credentialScopeSuffix {
				return a, false
			}
			a.accessKeyID, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
		case "SignedHeaders":
			a.signedHeaders = v
		case "Signature":
			a.signature = v
		}
	}
	return a, a.accessKeyID != "" && a.signedHeaders != "" && a.signature != ""
}

// verifySigV4 admits r when its signature is the known key pair's.
func (s *Server) verifySigV4(r *http.Request) *apiError {
	cfg := *s.opts.SigV4
	if cfg.Region == "" {
		cfg.Region = defaultSigV4Region
	}
	if cfg.Service == "" {
		cfg.Service = defaultSigV4Service
	}
	header := r.Header.Get("Authorization")
	if header == "" {
		return awsErr(msgMissingToken)
	}
	got, ok := parseSigV4Auth(header)
	if !ok {
		return awsErr(msgIncompleteHeader)
	}
	if got.accessKeyID != cfg.AccessKeyID ||
		(cfg.SessionToken != "" && !sameSecret(r.Header.Get("X-Amz-Security-Token"), cfg.SessionToken)) {
		return awsErr(msgInvalidToken)
	}
	if got.region != cfg.Region {
		return awsErr(fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", got.region))
	}
	if got.service != cfg.Service {
		return awsErr(fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", cfg.Service))
	}
	signedAt, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil || signedAt.Format("20060102") != got.date {
		return awsErr(msgSignatureMismatch)
	}
	if now := time.Now().UTC(); signedAt.Before(now.Add(-maxSigV4ClockSkew)) || signedAt.After(now.Add(maxSigV4ClockSkew)) {
		return awsErr(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)",
			signedAt.Format(amzDateFormat), now.Add(-maxSigV4ClockSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	}
	want, err := resign(r, got, cfg, signedAt)
	if err != nil {
		return coreErr(400, "parse_exception", "failed to read request body: "+err.Error())
	}
	if want.signedHeaders != got.signedHeaders ||
		subtle.ConstantTimeCompare([]byte(want.signature), []byte(got.signature)) != 1 {
		return awsErr(msgSignatureMismatch)
	}
	return nil
}

// resign signs a copy of r, holding only the headers r says it signed, with
// the known credentials at the time r names, and returns that signature.
// The body is read and put back for the handlers after this check.
func resign(r *http.Request, got sigV4Auth, cfg SigV4, signedAt time.Time) (sigV4Auth, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return sigV4Auth{}, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)

	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	req, err := http.NewRequestWithContext(context.Background(), r.Method, u.String(), nil)
	if err != nil {
		return sigV4Auth{}, err
	}
	req.Host = r.Host
	for _, name := range strings.Split(got.signedHeaders, ";") {
		switch name {
		case "host":
		case "content-length":
			req.ContentLength = r.ContentLength
		default:
			req.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		}
	}
	creds := aws.Credentials{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey, SessionToken: cfg.SessionToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]),
		cfg.Service, cfg.Region, signedAt); err != nil {
		return sigV4Auth{}, err
	}
	want, ok := parseSigV4Auth(req.Header.Get("Authorization"))
	if !ok {
		return sigV4Auth{}, fmt.Errorf("the SDK produced an Authorization header the fake cannot read")
	}
	return want, nil
}
