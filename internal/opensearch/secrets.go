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
	"encoding/base64"
	"encoding/json"
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
	secrets []string // longest first, so a secret containing another is removed whole
}

// newRedactor builds a redactor for the given values; empty values are skipped.
// Each value is also registered in its JSON-escaped form, because an echoed
// request body carries the value escaped.
func newRedactor(values ...string) redactor {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, v := range values {
		add(v)
		if b, err := json.Marshal(v); err == nil {
			add(string(b[1 : len(b)-1]))
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return redactor{secrets: out}
}

// with returns a redactor that also knows the given values.
func (r redactor) with(values ...string) redactor {
	return newRedactor(append(append([]string(nil), r.secrets...), values...)...)
}

// redact replaces every known secret in s.
func (r redactor) redact(s string) string {
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, redactedMarker)
	}
	return s
}

// requestSecrets lists the secret values a data source carries: those the
// caller marked sensitive, the configuration password and every value of a
// secret-named property.
func requestSecrets(ds DataSource) []string {
	out := append([]string(nil), ds.Sensitive...)
	if ds.Configuration != nil {
		out = append(out, ds.Configuration.Password)
	}
	for k, raw := range ds.Properties {
		if !SecretPropertyKey(k) {
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

// basicAuthSecrets lists what basic-auth credentials look like on the wire, so
// that an echoed Authorization header is redacted too.
func basicAuthSecrets(username, password string) []string {
	if password == "" {
		return nil
	}
	return []string{password, base64.StdEncoding.EncodeToString([]byte(username + ":" + password))}
}
