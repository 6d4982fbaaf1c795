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
	"errors"
	"fmt"
	"strings"
)

// InvalidSpecError reports a data source that cannot be written in the
// requested dialect. It is found before any request is sent and will not go
// away by retrying; the reconciler surfaces it as InvalidSpec.
type InvalidSpecError struct {
	// Message explains what is wrong and how to fix it.
	Message string
}

// Error returns the message.
func (e *InvalidSpecError) Error() string { return e.Message }

// documentedBody is the documented dialect's request body. Field order
// follows the server's own GET output so bodies read naturally in logs.
// Description, ResultIndex and Status are pointers only so that a server
// too old for them can be sent a body without them (see fieldSet).
type documentedBody struct {
	Name          string                     `json:"name"`
	Description   *string                    `json:"description,omitempty"`
	Connector     string                     `json:"connector"`
	AllowedRoles  []string                   `json:"allowedRoles"`
	Properties    map[string]json.RawMessage `json:"properties"`
	ResultIndex   *string                    `json:"resultIndex,omitempty"`
	Status        *string                    `json:"status,omitempty"`
	Configuration *documentedConfiguration   `json:"configuration,omitempty"`
}

type documentedConfiguration struct {
	Endpoint    string                `json:"endpoint"`
	Credentials documentedCredentials `json:"credentials"`
}

type documentedCredentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// sqlPluginBody is the SQL plugin's request body: no configuration key, since
// the plugin rejects unknown fields, and string property values, since that
// is all it stores.
type sqlPluginBody struct {
	Name         string            `json:"name"`
	Description  *string           `json:"description,omitempty"`
	Connector    string            `json:"connector"`
	AllowedRoles []string          `json:"allowedRoles"`
	Properties   map[string]string `json:"properties"`
	ResultIndex  *string           `json:"resultIndex,omitempty"`
	Status       *string           `json:"status,omitempty"`
}

// BuildBody returns the exact JSON body for POST or PUT in dialect d, which
// must be DialectDocumented or DialectSQLPlugin. It is pure and
// deterministic. Errors are *InvalidSpecError when ds cannot be written in d
// (a non-scalar property, a configuration the SQL plugin cannot express, a
// key set twice).
//
// Normalisations: allowedRoles is always an array, properties always an
// object, status is upper-cased with empty meaning ACTIVE, and an empty
// resultIndex becomes DefaultResultIndex(name).
func BuildBody(d Dialect, ds DataSource) ([]byte, error) {
	return buildBody(d, ds, fieldSet{})
}

// buildBody is BuildBody leaving out the fields in omit.
func buildBody(d Dialect, ds DataSource, omit fieldSet) ([]byte, error) {
	props, err := parseProperties(ds.Properties)
	if err != nil {
		return nil, err
	}
	switch d {
	case DialectDocumented:
		return marshal(documentedBodyOf(ds, props, omit))
	case DialectSQLPlugin:
		strProps, err := sqlPluginProperties(ds, props)
		if err != nil {
			return nil, err
		}
		desc, index, status := optionalFields(ds, omit)
		return marshal(sqlPluginBody{
			Name: ds.Name, Description: desc, Connector: ds.Connector, AllowedRoles: rolesOf(ds),
			Properties: strProps, ResultIndex: index, Status: status,
		})
	case DialectAuto:
		return nil, errors.New("BuildBody: dialect Auto has no body of its own; resolve it to Documented or SQLPlugin first")
	}
	return nil, fmt.Errorf("BuildBody: %w", d.validate())
}

func documentedBodyOf(ds DataSource, props map[string]scalar, omit fieldSet) documentedBody {
	raw := make(map[string]json.RawMessage, len(props))
	for k, v := range props {
		raw[k] = v.raw
	}
	desc, index, status := optionalFields(ds, omit)
	body := documentedBody{
		Name: ds.Name, Description: desc, Connector: ds.Connector, AllowedRoles: rolesOf(ds),
		Properties: raw, ResultIndex: index, Status: status,
	}
	if c := ds.Configuration; c != nil {
		body.Configuration = &documentedConfiguration{
			Endpoint:    c.Endpoint,
			Credentials: documentedCredentials{Username: c.Username, Password: c.Password},
		}
	}
	return body
}

// optionalFields returns description, resultIndex and status as sent, nil
// for each one omit leaves out.
func optionalFields(ds DataSource, omit fieldSet) (desc, index, status *string) {
	pick := func(skip bool, v string) *string {
		if skip {
			return nil
		}
		return &v
	}
	return pick(omit.description, ds.Description), pick(omit.resultIndex, resultIndexOf(ds)), pick(omit.status, statusOf(ds.Status))
}

// rolesOf is the role list as sent: never null.
func rolesOf(ds DataSource) []string {
	if ds.AllowedRoles == nil {
		return []string{}
	}
	return ds.AllowedRoles
}

// marshal encodes without HTML escaping: endpoints such as JDBC URLs carry
// '&', and the body should show them as written.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func resultIndexOf(ds DataSource) string {
	if ds.ResultIndex != "" {
		return ds.ResultIndex
	}
	return DefaultResultIndex(ds.Name)
}

// statusOf upper-cases a status; the server accepts any case but reports
// upper case, and empty means its default.
func statusOf(s string) string {
	if s == "" {
		return "ACTIVE"
	}
	return strings.ToUpper(s)
}
