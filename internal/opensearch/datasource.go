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

import "encoding/json"

// DataSource is the complete desired state of one data source, independent
// of the dialect it will be written in. BuildBody turns it into a request body.
type DataSource struct {
	// Name is the data source's name in OpenSearch; it selects the document on PUT.
	Name string
	// Description is free text; empty is the server's default.
	Description string
	// Connector is the connector as the user wrote it, e.g. "prometheus".
	// Servers match it case-insensitively.
	Connector string
	// ResultIndex is expected to be defaulted by the caller (see
	// DefaultResultIndex); BuildBody still fills the default in when it is
	// empty, because the server rejects an empty string.
	ResultIndex string
	// Status is "ACTIVE" or "DISABLED"; it is upper-cased on the wire and
	// empty means ACTIVE.
	Status string
	// AllowedRoles keeps its order; nil is sent as [].
	AllowedRoles []string
	// Properties maps a property key to a JSON scalar (string, number or
	// boolean) as raw JSON text, so that the Documented dialect can keep the
	// value's JSON type.
	Properties map[string]json.RawMessage
	// Configuration is the documented API's endpoint and credentials; nil
	// when unset.
	Configuration *Configuration
	// Sensitive lists further values the client must never repeat in an
	// error, whatever property carries them: the caller knows which values
	// came from Secrets (a URI with credentials in it, a token under any
	// key); the client only recognises credential-named keys by itself.
	//
	// Put only secret values here: passwords, tokens, keys, URIs carrying
	// them. Not user names or other identifiers, even when they come from a
	// Secret: every occurrence of a value listed here is masked, including
	// inside names and the server's messages, so a user name "prometheus"
	// turns "Created DataSource with name my_prometheus" into
	// "... my_[REDACTED]".
	Sensitive []string
}

// Configuration is the documented API's configuration object. In the SQL
// plugin dialect it is folded into the connector's own properties.
type Configuration struct {
	// Endpoint is the data source's own endpoint, e.g. http://prometheus:9090.
	Endpoint string
	// Username is the credential user name.
	Username string
	// Password is the credential password; it never appears in errors.
	Password string
}

// RemoteDataSource is a data source as GET returns it, normalised to one
// shape for both dialects.
type RemoteDataSource struct {
	// DataSourceID is the documented dialect's id; "" for the SQL plugin,
	// which keys data sources by name.
	DataSourceID string
	// Name is the data source's name.
	Name string
	// Description is the description ("" when absent).
	Description string
	// Connector is the connector as the server reports it (the SQL plugin
	// upper-cases it).
	Connector string
	// ResultIndex is the result index ("" when the server omits it).
	ResultIndex string
	// Status is the status as reported ("" when the server omits it).
	Status string
	// AllowedRoles is the role list in server order.
	AllowedRoles []string
	// Properties holds the property values as text: JSON scalars are
	// rendered as their text, so 9090 and "9090" both read as "9090". The SQL
	// plugin strips credential keys (see SecretPropertyKey) from this map.
	Properties map[string]string
	// ConfigurationEndpoint is configuration.endpoint (documented dialect only).
	ConfigurationEndpoint string
	// ServerVersion is the OpenSearch version the client knew when it read
	// this data source ("" when unknown): releases differ in which
	// properties GET hides (see HiddenOnGet).
	ServerVersion string
}

// WriteResult describes a successful create or update.
type WriteResult struct {
	// Dialect is the dialect the successful request was sent in.
	Dialect Dialect
	// DataSourceID is the documented response's dataSourceId; for SQL plugin
	// responses, which carry no id, it is the data source's name.
	DataSourceID string
	// Name is the response's name, else the request's.
	Name string
	// Status is the response's status, else the request's (upper-cased).
	Status string
	// Message is the response's message, or the text of a string or bare-text
	// response (e.g. "Updated DataSource with name x").
	Message string
}

// ServerInfo is what GET / reports about the cluster.
type ServerInfo struct {
	// Version is version.number, e.g. "2.19.1".
	Version string
	// Distribution is version.distribution, e.g. "opensearch"; empty when the
	// server runs in compatibility mode and omits it.
	Distribution string
	// ClusterUUID is cluster_uuid: the cluster's identity, the same through
	// every address that reaches it; empty when the server does not say.
	ClusterUUID string
}
