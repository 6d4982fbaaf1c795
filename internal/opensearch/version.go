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
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// fieldSet names the optional top-level fields of a write body.
type fieldSet struct {
	description, resultIndex, status bool
}

func (f fieldSet) any() bool { return f.description || f.resultIndex || f.status }

// names lists the fields in body order.
func (f fieldSet) names() []string {
	var out []string
	if f.description {
		out = append(out, "description")
	}
	if f.resultIndex {
		out = append(out, "resultIndex")
	}
	if f.status {
		out = append(out, "status")
	}
	return out
}

// Releases of the SQL plugin that added write fields: before them the
// parser answers 400 "Unknown field: <field>".
const (
	// minDescriptionVersion added description and resultIndex.
	minDescriptionVersion = "2.11"
	// minAllFieldsVersion added status; from it on every field is taken.
	minAllFieldsVersion = "2.13"
)

// unsupportedFields returns the fields a server of version cannot take. A
// version the client cannot place (empty, unparsable, or the 7.10.2 a
// cluster reports in compatibility mode) takes every field: the body is
// sent whole and an old server's own refusal is explained instead.
func unsupportedFields(version string) fieldSet {
	major, minor, ok := majorMinor(version)
	if !ok || major < 1 || major > 2 {
		return fieldSet{}
	}
	return fieldSet{
		description: major == 1 || minor < 11,
		resultIndex: major == 1 || minor < 11,
		status:      major == 1 || minor < 13,
	}
}

// majorMinor parses "2.12.0", "2.12.0-SNAPSHOT" or "2.12".
func majorMinor(version string) (major, minor int, ok bool) {
	parts := strings.SplitN(strings.TrimSpace(version), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	return major, minor, err1 == nil && err2 == nil
}

// planFields decides what to leave out of a write to a server of version.
// A field the server cannot take is left out when ds holds the value the
// server fills in by itself (empty description, the default result index,
// ACTIVE), so the write stays faithful; any other value cannot be written
// there and the write is refused before it is sent.
func planFields(op, version string, ds DataSource) (fieldSet, error) {
	unsupported := unsupportedFields(version)
	if !unsupported.any() {
		return fieldSet{}, nil
	}
	var lost fieldSet
	lost.description = unsupported.description && ds.Description != ""
	lost.resultIndex = unsupported.resultIndex && resultIndexOf(ds) != DefaultResultIndex(ds.Name)
	lost.status = unsupported.status && statusOf(ds.Status) != "ACTIVE"
	if !lost.any() {
		return unsupported, nil
	}
	return fieldSet{}, &Error{Kind: KindRejected, Operation: op, Message: fmt.Sprintf(
		"OpenSearch %s cannot store %s (%s); upgrade the cluster to OpenSearch %s or later, which takes every field, "+
			"or leave %s at the default (empty description, the default result index, status ACTIVE)",
		version, strings.Join(lost.names(), " and "), neededVersions(lost), minAllFieldsVersion, strings.Join(lost.names(), " and "))}
}

// neededVersions says which release added each field.
func neededVersions(f fieldSet) string {
	var parts []string
	if f.description {
		parts = append(parts, "description needs "+minDescriptionVersion)
	}
	if f.resultIndex {
		parts = append(parts, "resultIndex needs "+minDescriptionVersion)
	}
	if f.status {
		parts = append(parts, "status needs "+minAllFieldsVersion)
	}
	return strings.Join(parts, ", ")
}

// explainUnknownField adds the release that takes a field to an old
// server's refusal of it, for a client that did not know the version.
func explainUnknownField(err error) {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusBadRequest {
		return
	}
	need := map[string]string{
		"Unknown field: description": minDescriptionVersion,
		"Unknown field: resultIndex": minDescriptionVersion,
		"Unknown field: status":      minAllFieldsVersion,
	}
	for prefix, version := range need {
		if strings.HasPrefix(e.Message, prefix) {
			e.Message += fmt.Sprintf(" (this OpenSearch is older than %s, which added the field; "+
				"OpenSearch %s or later takes every field)", version, minAllFieldsVersion)
			return
		}
	}
}

// SetServerVersion tells the client the OpenSearch version its server runs
// (as GET / reports it, e.g. "2.12.0"), so that writes leave out the fields
// that release cannot take. Info records it too; this is for a client
// built after the probe ran, e.g. from a connection's status.version.
func (c *Client) SetServerVersion(version string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version = version
}

// ServerVersion returns the version last read by Info or given to
// SetServerVersion, "" when neither happened.
func (c *Client) ServerVersion() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}
