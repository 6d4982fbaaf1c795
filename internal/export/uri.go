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

package export

import (
	"net/url"
	"strings"
)

// Withheld replaces each credential found in a URI that export prints.
const Withheld = "WITHHELD"

// credentialParamWords mark a URI parameter whose value is a credential,
// compared case-insensitively with its (unescaped) name: password, pwd,
// secret, token, apikey, access_key, X-Amz-Signature, X-Amz-Credential,
// sessionToken and the like. Wider than the words that mark a property key:
// a parameter wrongly withheld costs a Secret to fill in, one wrongly
// printed is a leaked credential in Git.
var credentialParamWords = []string{"pass", "pwd", "secret", "token", "key", "sig", "credential", "session", "private"}

// redactURI finds credentials in a URI: user information
// (scheme://user:password@host, also inside jdbc:mysql://…) and parameters
// whose name says credential, whether in the query (?password=…&token=…)
// or ';'-separated as JDBC drivers take them (;password=…). It returns s
// with each replaced by Withheld, and whether it found any. Text that is
// not a URI comes back unchanged unless it holds such a parameter.
func redactURI(s string) (string, bool) {
	found := false
	rest := 0
	if i := oracleCredentials(s); i >= 0 {
		// jdbc:oracle:thin:user/password@host: no "//" before the user.
		at := strings.Index(s, "@")
		s = s[:i] + Withheld + s[at:]
		rest = i + len(Withheld)
		found = true
	} else if i := strings.Index(s, "://"); i >= 0 {
		start := i + len("://")
		end := len(s)
		if j := strings.IndexAny(s[start:], "/?#;"); j >= 0 {
			end = start + j
		}
		if at := strings.LastIndex(s[start:end], "@"); at >= 0 {
			s = s[:start] + Withheld + s[start+at:]
			end = start + len(Withheld) + (end - start - at)
			found = true
		}
		rest = end
	}
	var b strings.Builder
	b.WriteString(s[:rest])
	for rest < len(s) {
		sep := strings.IndexAny(s[rest:], "?&;#")
		if sep < 0 {
			b.WriteString(s[rest:])
			break
		}
		b.WriteString(s[rest : rest+sep+1])
		rest += sep + 1
		end := len(s)
		if j := strings.IndexAny(s[rest:], "?&;#"); j >= 0 {
			end = rest + j
		}
		param := s[rest:end]
		if name, value, ok := strings.Cut(param, "="); ok && value != "" && credentialParam(name) {
			param = name + "=" + Withheld
			found = true
		}
		b.WriteString(param)
		rest = end
	}
	return b.String(), found
}

// credentialParam reports whether a URI parameter's name says its value
// is a credential.
func credentialParam(name string) bool {
	if unescaped, err := url.QueryUnescape(name); err == nil {
		name = unescaped
	}
	name = strings.ToLower(name)
	for _, w := range credentialParamWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// oracleCredentials is where the credentials of an Oracle JDBC URL start
// (jdbc:oracle:thin:user/password@host), or -1 when it holds none.
func oracleCredentials(s string) int {
	if !strings.HasPrefix(strings.ToLower(s), "jdbc:oracle:") {
		return -1
	}
	at := strings.Index(s, "@")
	if at < 0 {
		return -1
	}
	start := strings.LastIndex(s[:at], ":") + 1
	if start == at {
		return -1
	}
	return start
}
