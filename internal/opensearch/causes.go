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
	"errors"
	"net/http"
	"strings"
)

// Cause says which of the SQL plugin's settings or rules refused a
// request. The plugin answers 400 for all of them, so only the error's
// type and text tell them apart; each needs a different fix, most of them
// on the cluster rather than in the data source. Kind still says what the
// status code means (Rejected, AlreadyExists); Cause refines it.
type Cause string

const (
	// CauseNone: nothing more specific is known.
	CauseNone Cause = ""
	// CauseMasterKeyMissing: the data source carries credentials and the
	// nodes have no plugins.query.datasources.encryption.masterkey (a node
	// setting in opensearch.yml, required from 2.9). Data sources without
	// credentials still work.
	CauseMasterKeyMissing Cause = "MasterKeyMissing"
	// CauseHostUnresolvable: the OpenSearch node could not resolve the host
	// of the connector's URI (prometheus.uri, glue.indexstore.opensearch.uri).
	// Often transient: the Service it names may not exist yet.
	CauseHostUnresolvable Cause = "HostUnresolvable"
	// CauseHostDenied: the URI's host resolves to an address on
	// plugins.query.datasources.uri.hosts.denylist.
	CauseHostDenied Cause = "HostDenied"
	// CauseLimitReached: the cluster holds plugins.query.datasources.limit
	// data sources (20 by default) already; only create is refused.
	CauseLimitReached Cause = "LimitReached"
	// CauseAPIDisabled: plugins.query.datasources.enabled is false (2.16+);
	// every request is refused.
	CauseAPIDisabled Cause = "APIDisabled"
	// CauseDuplicate: create found a data source of that name (Kind is
	// AlreadyExists).
	CauseDuplicate Cause = "Duplicate"
)

// Setting names the cluster setting that decides c, "" when none does.
func (c Cause) Setting() string {
	switch c {
	case CauseMasterKeyMissing:
		return "plugins.query.datasources.encryption.masterkey"
	case CauseHostDenied:
		return "plugins.query.datasources.uri.hosts.denylist"
	case CauseLimitReached:
		return "plugins.query.datasources.limit"
	case CauseAPIDisabled:
		return "plugins.query.datasources.enabled"
	}
	return ""
}

// CauseOf returns the cause of err if it is (or wraps) an *Error, else CauseNone.
func CauseOf(err error) Cause {
	var e *Error
	if errors.As(err, &e) {
		return e.Cause
	}
	return CauseNone
}

// The plugin's own words for each cause (EncryptorImpl,
// URIValidationUtils and the connector factories,
// TransportCreateDataSourceAction, RestDataSourceQueryAction,
// OpenSearchDataSourceMetadataStorage).
const (
	masterKeyPrefix   = "Master key is a required config"
	invalidURIPrefix  = "Invalid URI in prometheus properties"
	invalidFlintHost  = "Invalid flint host in properties"
	deniedHostPrefix  = "Disallowed hostname in the uri"
	limitPrefix       = "domain concurrent datasources can not exceed"
	apiDisabledPrefix = "plugins.query.datasources.enabled setting is false"
)

// causeOf reads the cause from a 400's type and text. A URI that does not
// parse is reported in the same words as a host that does not resolve,
// but Java's URISyntaxException says where the URI breaks ("... at index
// 7: ..."), which no resolver failure does; the Flint host's message is
// the same for both, so it is taken for a resolver failure.
func causeOf(status int, info errorInfo) Cause {
	if status != http.StatusBadRequest || !info.shaped {
		return CauseNone
	}
	msg := info.message
	switch {
	case strings.HasPrefix(msg, masterKeyPrefix):
		return CauseMasterKeyMissing
	case strings.HasPrefix(msg, deniedHostPrefix):
		return CauseHostDenied
	case strings.HasPrefix(msg, invalidURIPrefix) && !strings.Contains(msg, " at index "):
		return CauseHostUnresolvable
	case strings.HasPrefix(msg, invalidFlintHost):
		return CauseHostUnresolvable
	case strings.HasPrefix(msg, limitPrefix) && info.typ == "IllegalStateException":
		return CauseLimitReached
	case strings.HasPrefix(msg, apiDisabledPrefix):
		return CauseAPIDisabled
	case strings.HasPrefix(msg, alreadyExistsPrefix):
		return CauseDuplicate
	}
	return CauseNone
}
