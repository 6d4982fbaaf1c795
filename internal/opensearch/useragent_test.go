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
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

// Every request names the operator and its release, signed or not; a
// signed request's signature does not cover the header the transport sets
// after signing.
func TestRequestsNameTheOperatorAndItsVersion(t *testing.T) {
	isolateAWS(t)
	defer func(v string) { version.Version = v }(version.Version)
	version.Version = "9.8.7-test"
	want := "opensearch-datasource-operator/9.8.7-test ("
	srv, rec := newServer(t, reply(200, jsonType, `[]`))
	for name, mods := range map[string][]func(*Config){
		"basic auth": {withDialect(DialectSQLPlugin), func(c *Config) { c.Username, c.Password = "u", "p" }},
		"SigV4": {withDialect(DialectSQLPlugin), withSigV4(AWSSigV4{Region: "eu-west-1",
			AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI", StaticKeys: true})},
	} {
		c := newClient(t, srv.URL, mods...)
		if _, err := c.List(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := rec.last(t)
		if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, want) {
			t.Errorf("%s: User-Agent %q, want it to start with %q", name, ua, want)
		}
		if name == "SigV4" {
			checkSigned(t, got, "AKIDEXAMPLE", "eu-west-1", "es")
			if signed := scopeRE.FindStringSubmatch(got.Header.Get("Authorization"))[5]; strings.Contains(signed, "user-agent") {
				t.Errorf("SigV4 signs user-agent (%s), which the transport changes after signing", signed)
			}
		}
	}
}
