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
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// secretSuffixes are the key endings the SQL plugin encrypts at rest and
// strips from GET output.
var secretSuffixes = []string{"auth.username", "auth.password", "auth.access_key", "auth.secret_key"}

// SecretPropertyKey reports whether a property key is one the SQL plugin
// strips from GET output (its key ends with "auth.username", "auth.password",
// "auth.access_key" or "auth.secret_key"). Such keys can never be compared
// with what the server holds; callers track them by fingerprint instead.
func SecretPropertyKey(key string) bool {
	for _, s := range secretSuffixes {
		if strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

// redactedMarker replaces every secret value found in text returned to callers.
const redactedMarker = "[REDACTED]"

// redactor removes known secret values from text. Servers and proxies are
// free to echo a request back in an error, so everything the client surfaces
// from a response passes through one of these.
type redactor struct {
	values  []string // the secrets as given, for with
	secrets []string // every form of them, longest first, so a secret containing another is removed whole
	// learned holds the values the client learns as it runs (credentials
	// of the AWS default chain or an assumed role); nil when there are none.
	learned *learnedSecrets
	// conceal is set when the connection signs as an identity that those
	// who read its status do not own (the operator's own, or a cluster
	// administrator's): ARNs are masked, and a failure to obtain
	// credentials is not described (see signFailure).
	conceal bool
}

// newRedactor builds a redactor for the given values; empty values are
// skipped. Each value is registered in every form it can come back in (see
// encodedForms).
func newRedactor(values ...string) redactor {
	seen := map[string]bool{}
	r := redactor{}
	for _, v := range values {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		r.values = append(r.values, v)
	}
	forms := map[string]bool{}
	for _, v := range r.values {
		for _, f := range encodedForms(v) {
			if f != "" && !forms[f] {
				forms[f] = true
				r.secrets = append(r.secrets, f)
			}
		}
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// encodedForms lists how v can appear in a response: as is; JSON-escaped
// as the client's bodies encode it (no HTML escaping, so '&', '<', '>'
// stay), as encoding/json's default does (\u0026, \u003c, \u003e), and as
// the plugin's Gson error formatter does (also \u003d for '=' and \u0027
// for an apostrophe); each of those escaped once more (a body quoted inside
// an error string, as a core error's reason does); and URL-encoded (a proxy
// echoing a URI).
func encodedForms(v string) []string {
	plain := jsonEscape(v, false)
	html := jsonEscape(v, true)
	gson := strings.NewReplacer("=", `\u003d`, "'", `\u0027`).Replace(html)
	forms := []string{v, plain, html, gson, url.QueryEscape(v), url.PathEscape(v)}
	for _, f := range []string{plain, html, gson} {
		forms = append(forms, jsonEscape(f, false), jsonEscape(f, true))
	}
	return forms
}

// jsonEscape returns v as it appears inside a JSON string literal.
func jsonEscape(v string, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if enc.Encode(v) != nil {
		return v
	}
	out := bytes.TrimRight(buf.Bytes(), "\n")
	return string(out[1 : len(out)-1])
}

// with returns a redactor that also knows the given values.
func (r redactor) with(values ...string) redactor {
	out := newRedactor(append(append([]string(nil), r.values...), values...)...)
	out.learned, out.conceal = r.learned, r.conceal
	return out
}

// redact replaces every known secret in s, the learned ones included, then
// whatever looks like an AWS session token or access key ID (redactAWS).
func (r redactor) redact(s string) string {
	all := r.secrets
	if learned := r.learned.all(); len(learned) > 0 {
		all = append(append(make([]string, 0, len(all)+len(learned)), all...), learned...)
		sort.SliceStable(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	}
	for _, v := range all {
		s = strings.ReplaceAll(s, v, maskPlaceholder)
	}
	return strings.ReplaceAll(redactAWS(s, r.conceal), maskPlaceholder, redactedMarker)
}

// requestSecrets lists the secret values a data source carries: those the
// caller marked sensitive, the configuration password and every value of a
// credential property. User names are not among them: they are identifiers
// that OpenSearch and Kubernetes show anyway, and masking one ("prometheus")
// mangles every name and message that contains it.
func requestSecrets(ds DataSource) []string {
	out := append([]string(nil), ds.Sensitive...)
	if ds.Configuration != nil {
		out = append(out, ds.Configuration.Password)
	}
	for k, raw := range ds.Properties {
		if !credentialValueKey(k) {
			continue
		}
		out = append(out, string(raw))
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// credentialWords mark a property key whose value is a credential.
var credentialWords = []string{"password", "passwd", "secret", "token", "access_key", "accesskey",
	"api_key", "apikey", "credential", "passphrase", "private_key"}

// credentialValueKey reports whether the value of property key is a
// credential to mask: the SQL plugin's secret keys other than user names
// (auth.password, auth.access_key, auth.secret_key) and any key whose last
// segment names a password, secret, token or key.
func credentialValueKey(key string) bool {
	lower := strings.ToLower(key)
	if strings.HasSuffix(lower, "username") {
		return false
	}
	if SecretPropertyKey(key) {
		return true
	}
	last := lower[strings.LastIndex(lower, ".")+1:]
	for _, w := range credentialWords {
		if strings.Contains(last, w) {
			return true
		}
	}
	return false
}

// basicAuthSecrets lists what basic-auth credentials look like on the wire, so
// that an echoed Authorization header is redacted too. The user name alone
// is not a secret; only inside the encoded pair does it travel with the
// password.
func basicAuthSecrets(username, password string) []string {
	if password == "" {
		return nil
	}
	return []string{password, base64.StdEncoding.EncodeToString([]byte(username + ":" + password))}
}

// CredentialValueKey reports whether the value of property key is a
// credential: one the client masks in errors, and one that must never be
// copied into a manifest.
func CredentialValueKey(key string) bool { return credentialValueKey(key) }
