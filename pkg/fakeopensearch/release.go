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
	"strconv"
	"strings"
)

// release is the SQL plugin release the fake plays, from Options.Version.
// The reference's §10 lists what older releases did differently; the fake
// reproduces the differences a client meets when writing and reading.
type release struct {
	major, minor int
}

// current stands for any release from 2.13 on, where nothing below applies.
var current = release{major: 2, minor: 13}

// parseRelease reads "2.12.0", "2.12.0-SNAPSHOT" or "2.12"; anything else
// (including a 7.10.2 compatibility-mode version) plays the current release.
func parseRelease(version string) release {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return current
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil || major < 2 || major > 6 {
		return current
	}
	return release{major: major, minor: minor}
}

func (r release) atLeast(minor int) bool { return r.major > 2 || r.minor >= minor }

// knowsField reports whether the release's parser accepts a top-level body
// field: description and resultIndex came in 2.11, status in 2.13.
func (r release) knowsField(key string) bool {
	switch key {
	case "description", "resultIndex":
		return r.atLeast(11)
	case "status":
		return r.atLeast(13)
	}
	return true
}

// hasPatch: the PATCH route came in 2.12.
func (r release) hasPatch() bool { return r.atLeast(12) }

// hasLimit: plugins.query.datasources.limit came in 2.12.
func (r release) hasLimit() bool { return r.atLeast(12) }

// legacy is 2.7 to 2.10: bare-text success bodies, a 400 for GET of a
// missing data source, and GET hiding every property whose key contains
// "auth".
func (r release) legacy() bool { return !r.atLeast(11) }

// hiddenOnGet reports whether GET leaves property key out: credentials
// always, and in 2.7 to 2.10 anything with "auth" in its key.
func (r release) hiddenOnGet(key string) bool {
	return isSecretKey(key) || (r.legacy() && strings.Contains(key, "auth"))
}
