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
	"fmt"
	"slices"
	"strings"
)

// Change is one field in which the server's data source differs from what
// a write of the desired state would leave there, with the value on each
// side as text, for people to read.
type Change struct {
	// Field is named as in Drift: "description", "properties[<key>]", ...
	Field string
	// From is the server's value and To the desired one.
	From, To string
	// NotOnServer says the server holds no such property (From is "");
	// NotDesired says the desired state has none: a write removes it.
	NotOnServer, NotDesired bool
	// Hidden says the values are credentials, or came from a Secret, and
	// are left out (From and To are ""): they are named, never shown.
	Hidden bool
}

// Changes is CompareRemote with the values: one Change per differing
// field and stale property, in Drift's order, fields first. A value is
// Hidden when its key names a credential (CredentialValueKey) or when
// either side is one of desired.Sensitive. It is pure; its errors are
// CompareRemote's.
func Changes(d Dialect, desired DataSource, remote RemoteDataSource) ([]Change, error) {
	drift, err := CompareRemote(d, desired, remote)
	if err != nil {
		return nil, err
	}
	d = comparedDialect(d, remote)
	want, err := effectiveProperties(d, desired)
	if err != nil {
		return nil, err
	}
	out := make([]Change, 0, len(drift.Fields)+len(drift.StaleProperties))
	for _, f := range drift.Fields {
		if key, ok := strings.CutPrefix(f, "properties["); ok {
			key = strings.TrimSuffix(key, "]")
			got, on := remote.Properties[key]
			out = append(out, hide(Change{Field: f, From: got, To: want[key], NotOnServer: !on}, key, desired.Sensitive))
			continue
		}
		from, to := metadataValues(f, desired, remote)
		out = append(out, Change{Field: f, From: from, To: to})
	}
	for _, key := range drift.StaleProperties {
		c := Change{Field: "properties[" + key + "]", From: remote.Properties[key], NotDesired: true}
		out = append(out, hide(c, key, desired.Sensitive))
	}
	return out, nil
}

// hide blanks c's values when they are credentials.
func hide(c Change, key string, sensitive []string) Change {
	secret := func(v string) bool { return v != "" && slices.Contains(sensitive, v) }
	if CredentialValueKey(key) || secret(c.From) || secret(c.To) {
		c.From, c.To, c.Hidden = "", "", true
	}
	return c
}

// metadataValues are the two sides of a top-level field, normalised as
// CompareRemote compares them.
func metadataValues(field string, desired DataSource, remote RemoteDataSource) (from, to string) {
	switch field {
	case "name":
		return remote.Name, desired.Name
	case "description":
		return remote.Description, desired.Description
	case "connector":
		return remote.Connector, desired.Connector
	case "resultIndex":
		return remoteResultIndex(remote), resultIndexOf(desired)
	case "status":
		return statusOf(remote.Status), statusOf(desired.Status)
	case "allowedRoles":
		return roleList(remote.AllowedRoles), roleList(desired.AllowedRoles)
	case "configuration.endpoint":
		to := ""
		if desired.Configuration != nil {
			to = desired.Configuration.Endpoint
		}
		return remote.ConfigurationEndpoint, to
	}
	return "", ""
}

// roleList shows a role list as JSON does, so that [] and ["a, b"] read
// apart from ["a", "b"].
func roleList(roles []string) string {
	quoted := make([]string, len(roles))
	for i, r := range roles {
		quoted[i] = fmt.Sprintf("%q", r)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
