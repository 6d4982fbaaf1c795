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
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// scalarKind is the JSON type of a property value.
type scalarKind int

const (
	scalarString scalarKind = iota
	scalarNumber
	scalarBool
)

// scalar is one validated property value.
type scalar struct {
	kind scalarKind
	raw  json.RawMessage // compact JSON text as the user wrote it
	text string          // the value as the SQL plugin stores it
}

// parseScalar validates one property value. Objects, arrays and null are
// refused because the SQL plugin answers them with a 500 (or silently drops
// null), which would surface as a retry loop instead of a clear spec error.
func parseScalar(key string, raw json.RawMessage) (scalar, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || !json.Valid(trimmed) {
		return scalar{}, &InvalidSpecError{Message: fmt.Sprintf("property %q: value is not valid JSON", key)}
	}
	switch c := trimmed[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(trimmed, &s); err != nil {
			return scalar{}, &InvalidSpecError{Message: fmt.Sprintf("property %q: value is not a valid JSON string", key)}
		}
		return scalar{kind: scalarString, raw: json.RawMessage(trimmed), text: s}, nil
	case c == 't' || c == 'f':
		return scalar{kind: scalarBool, raw: json.RawMessage(trimmed), text: string(trimmed)}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		// The raw text is kept verbatim: the server stores the number as
		// written, so 1.50 must stay "1.50" rather than become "1.5".
		return scalar{kind: scalarNumber, raw: json.RawMessage(trimmed), text: string(trimmed)}, nil
	case c == 'n':
		return scalar{}, &InvalidSpecError{Message: fmt.Sprintf("property %q: null is not allowed; omit the key instead", key)}
	default:
		return scalar{}, &InvalidSpecError{Message: fmt.Sprintf("property %q: nested objects and arrays are not allowed; the value must be a string, number or boolean", key)}
	}
}

// parseProperties validates every property value, reporting the first bad
// key in sorted order so the message is stable.
func parseProperties(props map[string]json.RawMessage) (map[string]scalar, error) {
	out := make(map[string]scalar, len(props))
	for _, k := range sortedKeys(props) {
		s, err := parseScalar(k, props[k])
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// Keys the SQL plugin dialect folds configuration into, per connector family.
const (
	promURI      = "prometheus.uri"
	promAuthType = "prometheus.auth.type"
	promUser     = "prometheus.auth.username"
	promPassword = "prometheus.auth.password"

	glueURI      = "glue.indexstore.opensearch.uri"
	glueAuth     = "glue.indexstore.opensearch.auth"
	glueUser     = "glue.indexstore.opensearch.auth.username"
	gluePassword = "glue.indexstore.opensearch.auth.password"

	basicAuth = "basicauth"
)

// foldConfiguration returns the connector properties that stand in for the
// documented configuration object on a SQL plugin server. Only connectors
// whose endpoint and basic-auth keys are known can be folded; for any other
// the caller has to name the connector's keys itself.
func foldConfiguration(connector string, cfg *Configuration) (map[string]string, error) {
	if cfg == nil {
		return nil, nil
	}
	switch strings.ToLower(connector) {
	case "prometheus":
		return map[string]string{
			promURI:      cfg.Endpoint,
			promAuthType: basicAuth,
			promUser:     cfg.Username,
			promPassword: cfg.Password,
		}, nil
	case "s3glue", "security_lake":
		return map[string]string{
			glueURI:      cfg.Endpoint,
			glueAuth:     basicAuth,
			glueUser:     cfg.Username,
			gluePassword: cfg.Password,
		}, nil
	}
	if !sqlPluginConnectors[strings.ToLower(connector)] {
		// Properties would not help: the plugin would refuse the connector
		// next. Name the ones it has.
		return nil, &InvalidSpecError{Message: fmt.Sprintf(
			"configuration is not supported for connector %q by the SQL plugin dialect, and the SQL plugin has no such connector: "+
				"it knows prometheus, s3glue, security_lake and opensearch (spark too from 2.9 to 2.19); "+
				"mysql and other database connectors exist only in the documented API", connector)}
	}
	return nil, &InvalidSpecError{Message: fmt.Sprintf(
		"configuration is not supported for connector %q by the SQL plugin dialect; "+
			"use properties/propertiesFrom with the connector's own keys instead", connector)}
}

// sqlPluginConnectors are the connectors some release of the SQL plugin
// registers (spark from 2.9 to 2.19 only), lower-cased.
var sqlPluginConnectors = map[string]bool{"prometheus": true, "s3glue": true, "security_lake": true, "opensearch": true, "spark": true}

// sqlPluginProperties is the property map the SQL plugin dialect writes:
// every value as a string, with the configuration folded in.
func sqlPluginProperties(ds DataSource, props map[string]scalar) (map[string]string, error) {
	folded, err := foldConfiguration(ds.Connector, ds.Configuration)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(props)+len(folded))
	for k, v := range props {
		out[k] = v.text
	}
	var conflicts []string
	for k, v := range folded {
		if _, ok := out[k]; ok {
			conflicts = append(conflicts, k)
			continue
		}
		out[k] = v
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		return nil, &InvalidSpecError{Message: fmt.Sprintf(
			"properties %s are also set by configuration in the SQL plugin dialect; "+
				"remove them from properties/propertiesFrom or drop configuration", strings.Join(conflicts, ", "))}
	}
	return out, nil
}

// effectiveProperties is the property map, as text, that a write in dialect d
// leaves on the server; CompareRemote compares GET output against it.
func effectiveProperties(d Dialect, ds DataSource) (map[string]string, error) {
	props, err := parseProperties(ds.Properties)
	if err != nil {
		return nil, err
	}
	if d == DialectSQLPlugin {
		return sqlPluginProperties(ds, props)
	}
	out := make(map[string]string, len(props))
	for k, v := range props {
		out[k] = v.text
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
