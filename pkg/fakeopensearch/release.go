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

// current stands for the newest releases (3.x), played when the version
// cannot be placed.
var current = release{major: 3, minor: 0}

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

// hasEnabledSwitch: plugins.query.datasources.enabled came in 2.16; before
// it the setting does not exist and the API is always on.
func (r release) hasEnabledSwitch() bool { return r.atLeast(16) }

// requiresMasterKey: 2.7 and 2.8 shipped a default master key; from 2.9 on
// a data source that carries credentials cannot be stored without one.
func (r release) requiresMasterKey() bool { return r.atLeast(9) }

// hasHousekeeper: from 2.13 FlintStreamingJobHouseKeeperTask stops the
// streaming jobs of deleted and disabled data sources.
func (r release) hasHousekeeper() bool { return r.atLeast(13) }

// knowsConnector reports whether the release registers a connector (upper
// case): S3GLUE came in 2.11, SECURITY_LAKE in 2.17, SPARK lived from 2.9
// to 2.19 and was removed in 3.0.
func (r release) knowsConnector(c string) bool {
	switch c {
	case "PROMETHEUS", "OPENSEARCH":
		return true
	case "S3GLUE":
		return r.atLeast(11)
	case "SECURITY_LAKE":
		return r.atLeast(17)
	case "SPARK":
		return r.major == 2 && r.minor >= 9
	}
	return false
}

// hasLakeFormation: the Lake Formation rules on glue properties came in 2.17.
func (r release) hasLakeFormation() bool { return r.atLeast(17) }

// hiddenOnGet reports whether GET leaves property key out: credentials
// always, and in 2.7 to 2.10 anything with "auth" in its key.
func (r release) hiddenOnGet(key string) bool {
	return isSecretKey(key) || (r.legacy() && strings.Contains(key, "auth"))
}
