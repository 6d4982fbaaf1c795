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
	"regexp"
	"sort"
	"sync"
)

// learnedSecrets are secret values the client learns while it runs: the
// credentials the AWS default chain or an assumed role hands the signer,
// which no configuration names. Every redactor of the client shares one.
type learnedSecrets struct {
	mu    sync.RWMutex
	seen  map[string]bool
	forms []string // every form of every value, longest first
}

// add registers values (empty ones are skipped) in every form they can
// come back in. It is called on every signed request, so a value already
// known costs one map lookup under a read lock.
func (l *learnedSecrets) add(values ...string) {
	l.mu.RLock()
	known := true
	for _, v := range values {
		known = known && (v == "" || l.seen[v])
	}
	l.mu.RUnlock()
	if known {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	for _, v := range values {
		if v == "" || l.seen[v] {
			continue
		}
		l.seen[v] = true
		l.forms = append(l.forms, encodedForms(v)...)
	}
	sort.Slice(l.forms, func(i, j int) bool { return len(l.forms[i]) > len(l.forms[j]) })
}

// all returns the forms known so far.
func (l *learnedSecrets) all() []string {
	if l == nil {
		return nil
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.forms
}

// AWS credentials can come back in text the client did not expect to
// carry them, with values it never saw (a proxy echoing another client's
// request, a presigned URL in an STS error). These patterns mask them
// whatever their value: the value of an X-Amz-Security-Token header or
// query parameter (as a header line, a query string, JSON or a Go header
// map, plain or URL-encoded), and the access key ID that opens a SigV4
// credential scope (Credential=AKID/date/region/service/aws4_request).
//
// Neither pattern matches a value already masked (maskPlaceholder).
var (
	securityTokenRE = regexp.MustCompile(`(?i)(x-amz-security-token(?:\\?["'])?\s*(?:[:=]|%3D)\s*\[?\s*(?:\\?["'])?)[^\x00\s"'\\&,;\]]+`)
	credentialRE    = regexp.MustCompile(`(?i)(credential\s*(?:=|%3D)\s*)[^\x00/\s"'\\&,;%]+(/|%2F)`)
	// roleARNRE matches IAM and STS ARNs: who the operator is, in which
	// account. They are masked where the connection signs as an identity
	// its readers do not own (see redactor.conceal).
	roleARNRE = regexp.MustCompile(`arn:aws[a-z-]*:(?:iam|sts)::\d{12}:[^\s"'\\,;]+`)
)

// maskPlaceholder stands for redactedMarker while a text is being
// redacted, so that the patterns do not take the marker for a value. A NUL
// byte the text held before is shown as the marker too.
const maskPlaceholder = "\x00"

// redactAWS applies the patterns above; with conceal, also the ARN one.
// Masked values come out as maskPlaceholder.
func redactAWS(s string, conceal bool) string {
	s = securityTokenRE.ReplaceAllString(s, "${1}"+maskPlaceholder)
	s = credentialRE.ReplaceAllString(s, "${1}"+maskPlaceholder+"${2}")
	if conceal {
		s = roleARNRE.ReplaceAllString(s, maskPlaceholder)
	}
	return s
}
