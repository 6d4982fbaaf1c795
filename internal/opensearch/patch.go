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
	"context"
	"errors"
	"net/http"
)

const opPatch = "patch"

// minPatchVersion is the SQL plugin release that added PATCH.
const minPatchVersion = "2.12"

// ErrPatchUnsupported says the server cannot take PATCH: it is not the SQL
// plugin, its version is unknown, or it is older than 2.12. Use Update.
var ErrPatchUnsupported = errors.New("the server does not take PATCH of data sources (the SQL plugin has it from " + minPatchVersion + ")")

// patchBody is the SQL plugin's PATCH body: the connector is left out (the
// plugin ignores it) and so are credential properties, which the server
// keeps from the stored, decrypted data source.
type patchBody struct {
	Name         string            `json:"name"`
	Description  *string           `json:"description,omitempty"`
	AllowedRoles []string          `json:"allowedRoles"`
	Properties   map[string]string `json:"properties"`
	ResultIndex  *string           `json:"resultIndex,omitempty"`
	Status       *string           `json:"status,omitempty"`
}

// SupportsPatch reports whether Patch can be used: the client speaks the
// SQL plugin dialect to a server known to be 2.12 or later.
func (c *Client) SupportsPatch() bool {
	return c.Dialect() == DialectSQLPlugin && patchVersion(c.ServerVersion())
}

// patchVersion reports whether a server of version has PATCH. A version
// the client cannot place (the 7.10.2 of compatibility mode) does not.
func patchVersion(version string) bool {
	major, minor, ok := majorMinor(version)
	return ok && (major == 2 && minor >= 12 || major >= 3 && major < 7)
}

// BuildPatchBody returns the PATCH body that brings a SQL plugin server
// holding the same credentials to the state a PUT of ds would: every
// field but the connector and the credential-named properties. status is
// always sent: a PATCH carrying resultIndex without status re-activates a
// DISABLED data source (the plugin's constructUpdatedDatasourceMetadata
// falls through from resultIndex to status). omit leaves out the fields
// an old release cannot take.
func BuildPatchBody(ds DataSource) ([]byte, error) {
	return buildPatchBody(ds, fieldSet{})
}

func buildPatchBody(ds DataSource, omit fieldSet) ([]byte, error) {
	props, err := effectiveProperties(DialectSQLPlugin, ds)
	if err != nil {
		return nil, err
	}
	for k := range props {
		if SecretPropertyKey(k) {
			delete(props, k)
		}
	}
	desc, index, status := optionalFields(ds, omit)
	return marshal(patchBody{
		Name: ds.Name, Description: desc, AllowedRoles: rolesOf(ds),
		Properties: props, ResultIndex: index, Status: status,
	})
}

// Patch changes the data source with PATCH, leaving its credentials as
// stored, so that a change that touches no credential does not send one.
// Like PUT it cannot remove a property key. It returns
// ErrPatchUnsupported, sending nothing, when SupportsPatch is false.
func (c *Client) Patch(ctx context.Context, ds DataSource) (WriteResult, error) {
	if !c.SupportsPatch() {
		return WriteResult{}, ErrPatchUnsupported
	}
	omit, err := planFields(opPatch, c.ServerVersion(), ds)
	if err != nil {
		return WriteResult{}, err
	}
	body, err := buildPatchBody(ds, omit)
	if err != nil {
		return WriteResult{}, err
	}
	red := c.secrets.with(requestSecrets(ds)...)
	var result WriteResult
	err = c.call(ctx, opPatch, http.MethodPatch, dataSourcesPath, body, red, func(b []byte) error {
		var perr error
		result, _, perr = parseWriteResponse(b, ds, red)
		return perr
	})
	if err != nil {
		return WriteResult{}, err
	}
	result.Dialect = DialectSQLPlugin
	return result, nil
}
