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
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/opensearch-project/opensearch-go/v4/signer"
	"github.com/opensearch-project/opensearch-go/v4/signer/awsv2"
)

// AWSSigV4 signs requests with AWS Signature Version 4, as Amazon
// OpenSearch Service and OpenSearch Serverless require.
type AWSSigV4 struct {
	// Region is the domain's or collection's AWS region.
	Region string
	// Service is "es" (domains) or "aoss" (Serverless); "" means "es".
	Service string
	// AccessKeyID, SecretAccessKey and SessionToken are static
	// credentials. Empty ones mean the AWS default chain (IRSA, EKS Pod
	// Identity, the environment, shared files, the node's instance role),
	// unless StaticKeys is set.
	AccessKeyID, SecretAccessKey, SessionToken string
	// StaticKeys says the key pair was read from a Secret: an empty access
	// key ID or secret access key is then an error, never the default
	// chain, which would sign as the operator's own identity instead of
	// the one the Secret's owner chose.
	StaticKeys bool
	// RoleARN, when set, is assumed with sts:AssumeRole using the
	// credentials above before signing.
	RoleARN string
	// Conceal is set when those who read the connection's status (and
	// the DataSources repeating it) do not own the identity it signs as,
	// as with a cluster administrator's connection: a failure to obtain
	// credentials is then reported without its details (which name roles
	// and accounts) and IAM and STS ARNs in server text are masked. The
	// default chain, the operator's own identity, is always concealed.
	Conceal bool
}

// conceals reports whether a's failures and ARNs are concealed.
func (a *AWSSigV4) conceals() bool {
	return a != nil && (a.Conceal || a.AccessKeyID == "")
}

// roleSessionName names the operator's STS sessions in CloudTrail.
const roleSessionName = "opensearch-datasource-operator"

// secrets are the values the client must never show.
func (a *AWSSigV4) secrets() []string {
	if a == nil {
		return nil
	}
	return []string{a.AccessKeyID, a.SecretAccessKey, a.SessionToken}
}

// newAWSSigner builds the signer for a. Credentials are fetched lazily, on
// the first request, and cached (and for an assumed role or the default
// chain, refreshed before they expire) for as long as the client lives.
// Loading the default configuration reads the environment and shared files
// only; it makes no request.
func newAWSSigner(a *AWSSigV4, learned *learnedSecrets) (signer.Signer, error) {
	if a.Region == "" {
		return nil, errors.New("AWS SigV4: region is required")
	}
	service := a.Service
	if service == "" {
		service = "es"
	}
	if service != "es" && service != "aoss" {
		return nil, fmt.Errorf("AWS SigV4: service must be es or aoss, not %q", service)
	}
	if a.StaticKeys && (a.AccessKeyID == "" || a.SecretAccessKey == "") {
		return nil, errors.New("AWS SigV4: the static access key ID and secret access key must not be empty")
	}
	if (a.AccessKeyID == "") != (a.SecretAccessKey == "") {
		return nil, errors.New("AWS SigV4: the access key ID and the secret access key must be given together")
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(a.Region)}
	if a.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(a.AccessKeyID, a.SecretAccessKey, a.SessionToken)))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS SigV4: loading the AWS configuration: %w", err)
	}
	if a.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), a.RoleARN,
			func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = roleSessionName })
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	if cfg.Credentials != nil {
		cfg.Credentials = learningProvider{inner: cfg.Credentials, learned: learned}
	}
	sign, err := awsv2.NewSignerWithService(cfg, service)
	if err != nil {
		return nil, fmt.Errorf("AWS SigV4: %w", err)
	}
	return credentialSigner{sign}, nil
}

// learningProvider registers every credential it hands the signer with the
// client's redactors: the default chain's and an assumed role's keys and
// session tokens are known to no configuration, yet a server or proxy may
// echo them (the session token travels in X-Amz-Security-Token).
type learningProvider struct {
	inner   aws.CredentialsProvider
	learned *learnedSecrets
}

func (p learningProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.inner.Retrieve(ctx)
	if err == nil {
		p.learned.add(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
	return c, err
}

// clientRedactor is the redactor of a client built from cfg: it knows the
// configured credentials, learns those the signer is handed, and conceals
// what cfg.AWSSigV4 says to.
func clientRedactor(cfg Config, learned *learnedSecrets) redactor {
	red := newRedactor(append(basicAuthSecrets(cfg.Username, cfg.Password), cfg.AWSSigV4.secrets()...)...)
	red.learned, red.conceal = learned, cfg.AWSSigV4.conceals()
	return red
}

// credentialSigner marks its failures, which are all about credentials
// (none in the default chain, an assumed role refused, a region missing),
// so that they are reported as the operator's credentials being refused
// rather than as the server being unavailable.
type credentialSigner struct {
	signer.Signer
}

func (s credentialSigner) SignRequest(r *http.Request) error {
	if err := s.Signer.SignRequest(r); err != nil {
		return &signError{err: err}
	}
	return nil
}

// signError is a failure to obtain AWS credentials or to sign with them.
type signError struct {
	err error
}

func (e *signError) Error() string { return "AWS SigV4 credentials: " + e.err.Error() }
func (e *signError) Unwrap() error { return e.err }

// concealedSignFailure is what a concealed signing failure says in status.
const concealedSignFailure = "AWS SigV4 credentials: could not obtain credentials to sign with; the operator's log has the details"

// signFailure reports a request that could not be signed: Forbidden, since
// only a change to the credentials (the Secret, the role's trust policy,
// the pod's identity) fixes it. It is nil for any other error. When red
// conceals, the message is generic and the details (which name the role,
// the account, the pod's identity) are left for Details to give to the
// operator's log.
func signFailure(op string, err error, red redactor) *Error {
	var se *signError
	if !errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// A timeout while fetching credentials (STS, the pod identity
		// agent) is the ordinary transient kind.
		return nil
	}
	redacted := red
	redacted.conceal = false // the log keeps the ARNs; secrets stay masked
	text := truncate(redacted.redact(se.Error()), maxRawErrorText)
	if !red.conceal {
		return &Error{Kind: KindForbidden, Operation: op, Message: text}
	}
	return &Error{Kind: KindForbidden, Operation: op, Message: concealedSignFailure,
		Err: &concealedError{text: text, err: se}}
}

// concealedError holds the details of a failure that status does not show.
type concealedError struct {
	text string
	err  error
}

func (c *concealedError) Error() string { return c.text }
func (c *concealedError) Unwrap() error { return c.err }

// Details returns what err leaves out of its message for those who read
// status: the details of a concealed signing failure, with secrets
// masked, for the operator's log. It is "" when err conceals nothing.
func Details(err error) string {
	var c *concealedError
	if errors.As(err, &c) {
		return c.text
	}
	return ""
}
