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
	"encoding/json"
	"errors"
	"testing"
)

// pluginError renders the SQL plugin's error body.
func pluginError(status int, typ, details string) string {
	reason := "Invalid Request"
	if status != 400 {
		reason = "There was internal problem at backend"
	}
	b, _ := json.Marshal(map[string]any{"status": status, "error": map[string]string{"type": typ, "reason": reason, "details": details}})
	return string(b)
}

// Every 400 of the SQL plugin looks alike by status; the cause comes from
// the type and the text, in the plugin's own words.
func TestCauseOf(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		body     string
		want     Cause
		wantKind ErrorKind
		setting  string
	}{
		{"master key", 400, pluginError(400, "IllegalStateException",
			"Master key is a required config for using create and update datasource APIs.Please set plugins.query.datasources.encryption.masterkey config in opensearch.yml in all the cluster nodes."),
			CauseMasterKeyMissing, KindRejected, "plugins.query.datasources.encryption.masterkey"},
		{"prometheus host unresolvable", 400, pluginError(400, "IllegalArgumentException",
			"Invalid URI in prometheus properties: prometheus.monitoring.svc: Name or service not known"),
			CauseHostUnresolvable, KindRejected, ""},
		{"prometheus URI syntax is not a resolver failure", 400, pluginError(400, "IllegalArgumentException",
			"Invalid URI in prometheus properties: Illegal character in authority at index 10: http://exa mple:9090"),
			CauseNone, KindRejected, ""},
		{"flint host unresolvable", 400, pluginError(400, "IllegalArgumentException", "Invalid flint host in properties."),
			CauseHostUnresolvable, KindRejected, ""},
		{"denylisted host", 400, pluginError(400, "IllegalArgumentException",
			"Disallowed hostname in the uri. Validate with plugins.query.datasources.uri.hosts.denylist config"),
			CauseHostDenied, KindRejected, "plugins.query.datasources.uri.hosts.denylist"},
		{"limit", 400, pluginError(400, "IllegalStateException", "domain concurrent datasources can not exceed 20"),
			CauseLimitReached, KindRejected, "plugins.query.datasources.limit"},
		{"API switched off", 400, pluginError(400, "OpenSearchStatusException", "plugins.query.datasources.enabled setting is false"),
			CauseAPIDisabled, KindRejected, "plugins.query.datasources.enabled"},
		{"duplicate", 400, pluginError(400, "IllegalArgumentException", "A datasource already exists with name: p"),
			CauseDuplicate, KindAlreadyExists, ""},
		{"another refusal", 400, pluginError(400, "IllegalArgumentException", "Missing [prometheus.uri] fields in the connector properties."),
			CauseNone, KindRejected, ""},
		{"the words in a 500 are no cause", 500, pluginError(500, "RuntimeException", "domain concurrent datasources can not exceed 20"),
			CauseNone, KindUnavailable, ""},
		{"a proxy quoting the words is no cause", 400, "domain concurrent datasources can not exceed 20", CauseNone, KindRejected, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, reply(tc.status, plainType, tc.body))
			c := newClient(t, srv.URL, withDialect(DialectSQLPlugin))
			_, err := c.Create(context.Background(), DataSource{Name: "p", Connector: "prometheus"})
			if got := CauseOf(err); got != tc.want {
				t.Errorf("CauseOf = %q, want %q (err %v)", got, tc.want, err)
			}
			if got := KindOf(err); got != tc.wantKind {
				t.Errorf("KindOf = %q, want %q", got, tc.wantKind)
			}
			if got := CauseOf(err).Setting(); got != tc.setting {
				t.Errorf("Setting = %q, want %q", got, tc.setting)
			}
		})
	}
	if CauseOf(errors.New("plain")) != CauseNone {
		t.Error("a plain error has a cause")
	}
}
