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

package main

import (
	"bufio"
	"io"
	"path"
	"regexp"
	"strings"
)

// ignoreRule is one .dockerignore line: a pattern, or with a leading "!"
// an exception to the patterns before it.
type ignoreRule struct {
	re        *regexp.Regexp
	exception bool
}

// parseDockerignore reads .dockerignore as Docker does: one pattern a
// line, "#" starts a comment line, paths are relative to the context root
// (a leading "/" means the same), "*" and "?" stay within one path
// element, "**" spans any number of them, and the last matching line wins.
func parseDockerignore(r io.Reader) ([]ignoreRule, error) {
	var rules []ignoreRule
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p := strings.TrimSpace(sc.Text())
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		rule := ignoreRule{}
		if strings.HasPrefix(p, "!") {
			rule.exception, p = true, strings.TrimSpace(p[1:])
		}
		p = strings.TrimPrefix(path.Clean("/"+p), "/")
		re, err := regexp.Compile("^" + globRegexp(p) + "$")
		if err != nil {
			return nil, err
		}
		rule.re = re
		rules = append(rules, rule)
	}
	return rules, sc.Err()
}

// globRegexp translates a .dockerignore pattern into a regular expression.
func globRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// ignored says whether the context file at rel (slash-separated) is left
// out of the build context. A pattern that matches one of its parent
// folders matches the file too.
func ignored(rules []ignoreRule, rel string) bool {
	out := false
	for _, r := range rules {
		if matchesOrParent(r.re, rel) {
			out = !r.exception
		}
	}
	return out
}

func matchesOrParent(re *regexp.Regexp, rel string) bool {
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}
