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
	"sort"
	"strings"
)

// Drift is the difference between what the server holds and what a write
// would leave there.
type Drift struct {
	// Fields names the top-level fields that differ, sorted: "name",
	// "description", "connector", "resultIndex", "status", "allowedRoles",
	// "configuration.endpoint", and "properties[<key>]" for each desired
	// property whose value differs or is missing.
	Fields []string
	// StaleProperties lists, sorted, the property keys the server holds but
	// the desired state does not. A merging server (the SQL plugin) keeps
	// them through PUT, so only delete and re-create removes them.
	StaleProperties []string
}

// Empty reports whether there is no drift at all.
func (d Drift) Empty() bool { return len(d.Fields) == 0 && len(d.StaleProperties) == 0 }

// serverAddedProperties are keys a connector's factory writes on its own;
// seeing them with these values is not drift.
var serverAddedProperties = map[string]map[string]string{
	"security_lake": {
		"glue.iceberg.enabled":       "true",
		"glue.lakeformation.enabled": "true",
	},
}

// CompareRemote compares the remote data source with what BuildBody would
// write for dialect d. It is pure.
//
// The comparison normalises what the server is known to change: connector
// case, status case and default, description and allowedRoles defaults, the
// default result index, property values as strings, and keys a connector adds
// by itself. Properties the server hides from GET (HiddenOnGet: credentials
// on every release, every key containing "auth" on 2.7 to 2.10) are ignored
// on both sides; credentials are never compared, so callers must track them
// by fingerprint.
//
// For DialectAuto the shape of remote decides: an id or a configuration
// endpoint means a documented server, anything else the SQL plugin. Errors
// are those of BuildBody (*InvalidSpecError) and an unknown dialect.
func CompareRemote(d Dialect, desired DataSource, remote RemoteDataSource) (Drift, error) {
	d = comparedDialect(d, remote)
	if err := d.validate(); err != nil {
		return Drift{}, fmt.Errorf("CompareRemote: %w", err)
	}
	want, err := effectiveProperties(d, desired)
	if err != nil {
		return Drift{}, err
	}

	fields := append(metadataDrift(d, desired, remote), propertyDrift(d, want, remote)...)
	stale := staleProperties(desired.Connector, want, remote)
	sort.Strings(fields)
	sort.Strings(stale)
	return Drift{Fields: fields, StaleProperties: stale}, nil
}

// comparedDialect is d, or for Auto the dialect remote's shape shows: an
// id or a configuration endpoint means a documented server.
func comparedDialect(d Dialect, remote RemoteDataSource) Dialect {
	if d != "" && d != DialectAuto {
		return d
	}
	if remote.DataSourceID != "" || remote.ConfigurationEndpoint != "" {
		return DialectDocumented
	}
	return DialectSQLPlugin
}

// metadataDrift names the top-level fields that differ.
func metadataDrift(d Dialect, desired DataSource, remote RemoteDataSource) []string {
	var fields []string
	if desired.Name != remote.Name {
		fields = append(fields, "name")
	}
	if desired.Description != remote.Description {
		fields = append(fields, "description")
	}
	if !strings.EqualFold(desired.Connector, remote.Connector) {
		fields = append(fields, "connector")
	}
	if resultIndexOf(desired) != remoteResultIndex(remote) {
		fields = append(fields, "resultIndex")
	}
	if statusOf(desired.Status) != statusOf(remote.Status) {
		fields = append(fields, "status")
	}
	if !slices.Equal(desired.AllowedRoles, remote.AllowedRoles) {
		fields = append(fields, "allowedRoles")
	}
	if d == DialectDocumented && remote.ConfigurationEndpoint != "" {
		endpoint := ""
		if desired.Configuration != nil {
			endpoint = desired.Configuration.Endpoint
		}
		if endpoint != remote.ConfigurationEndpoint {
			fields = append(fields, "configuration.endpoint")
		}
	}
	return fields
}

// propertyDrift names each wanted property whose value differs or is
// missing, leaving out what the server never shows.
func propertyDrift(d Dialect, want map[string]string, remote RemoteDataSource) []string {
	var fields []string
	for k, v := range want {
		if HiddenOnGet(d, remote.ServerVersion, k) {
			continue
		}
		if got, ok := remote.Properties[k]; !ok || got != v {
			fields = append(fields, "properties["+k+"]")
		}
	}
	return fields
}

// staleProperties lists the remote's keys that are not wanted, except the
// ones the connector adds by itself.
func staleProperties(connector string, want map[string]string, remote RemoteDataSource) []string {
	added := serverAddedProperties[strings.ToLower(connector)]
	var stale []string
	for k, v := range remote.Properties {
		if _, ok := want[k]; ok || SecretPropertyKey(k) {
			continue
		}
		if expected, ok := added[k]; ok && strings.EqualFold(v, expected) {
			continue
		}
		stale = append(stale, k)
	}
	return stale
}

// HiddenOnGet reports whether a SQL plugin of version leaves property key
// out of GET output, so that its absence there says nothing: every release
// strips credentials (SecretPropertyKey), and 2.7 to 2.10 strip every key
// containing "auth", prometheus.auth.type and glue.auth.role_arn included.
// An unknown version is taken as a current one. The documented dialect
// hides credentials only.
func HiddenOnGet(d Dialect, version, key string) bool {
	if SecretPropertyKey(key) {
		return true
	}
	return d != DialectDocumented && hidesAuthKeys(version) && strings.Contains(key, "auth")
}

// hidesAuthKeys reports whether version is a release before 2.11, whose
// GET removed every property whose key contains "auth".
func hidesAuthKeys(version string) bool {
	major, minor, ok := majorMinor(version)
	return ok && major == 2 && minor < 11
}

// remoteResultIndex treats an absent result index as the server's default:
// releases that allowed a null index omit it from GET.
func remoteResultIndex(r RemoteDataSource) string {
	if r.ResultIndex != "" {
		return r.ResultIndex
	}
	return DefaultResultIndex(r.Name)
}

// AsWritten is the data source as a server holds it right after ds was
// written in dialect d, as its list would show it: properties as text,
// without the credentials a GET strips, and with no value that ds lists as
// Sensitive (those keep their key and an empty value). A writer that
// wrote ds itself after its latest list can use it in place of a read: the
// keys are what a merging PUT would leave behind.
func AsWritten(d Dialect, ds DataSource) (RemoteDataSource, error) {
	props, err := effectiveProperties(d, ds)
	if err != nil {
		return RemoteDataSource{}, err
	}
	for k, v := range props {
		switch {
		case SecretPropertyKey(k):
			delete(props, k)
		case slices.Contains(ds.Sensitive, v):
			props[k] = ""
		}
	}
	return RemoteDataSource{Name: ds.Name, Description: ds.Description, Connector: ds.Connector,
		ResultIndex: resultIndexOf(ds), Status: statusOf(ds.Status), AllowedRoles: rolesOf(ds), Properties: props}, nil
}
