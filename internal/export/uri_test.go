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

package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

func TestRedactURI(t *testing.T) {
	cases := []struct{ in, want string }{
		// User information.
		{"http://user:pass@prometheus:9090", "http://WITHHELD@prometheus:9090"},
		{"https://token@search.example:9200/path", "https://WITHHELD@search.example:9200/path"},
		{"https://u:p%40ss@host", "https://WITHHELD@host"},
		{"https://u:p@ss@host/x@y", "https://WITHHELD@host/x@y"},
		{"jdbc:mysql://root:pw@db:3306/x", "jdbc:mysql://WITHHELD@db:3306/x"},
		{"jdbc:oracle:thin:scott/tiger@//db:1521/svc", "jdbc:oracle:thin:WITHHELD@//db:1521/svc"},
		// Parameters, in the query or ';'-separated.
		{"jdbc:mysql://h/db?user=u&password=pw", "jdbc:mysql://h/db?user=u&password=WITHHELD"},
		{"http://p:9090/?Token=t&x=1", "http://p:9090/?Token=WITHHELD&x=1"},
		{"https://aps?X-Amz-Security-Token=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d",
			"https://aps?X-Amz-Security-Token=WITHHELD&X-Amz-Credential=WITHHELD&X-Amz-Signature=WITHHELD&X-Amz-Date=d"},
		{"https://h?access_token=a&apikey=b&api_key=c&client_secret=d&pwd=e&sig=f",
			"https://h?access_token=WITHHELD&apikey=WITHHELD&api_key=WITHHELD&client_secret=WITHHELD&pwd=WITHHELD&sig=WITHHELD"},
		{"https://h?pass%77ord=x", "https://h?pass%77ord=WITHHELD"},
		{"jdbc:sqlserver://h:1433;databaseName=d;password=pw;user=u", "jdbc:sqlserver://h:1433;databaseName=d;password=WITHHELD;user=u"},
		{"https://h/#access_token=t", "https://h/#access_token=WITHHELD"},
		{"h:9090?token=t", "h:9090?token=WITHHELD"},
		{"mongodb://u:p@a,b/db?authSource=admin", "mongodb://WITHHELD@a,b/db?authSource=admin"},
	}
	for _, tc := range cases {
		got, found := redactURI(tc.in)
		if got != tc.want || !found {
			t.Errorf("redactURI(%q) = %q, %v; want %q, true", tc.in, got, found, tc.want)
		}
	}
	for _, clean := range []string{
		"http://prometheus:9090", "https://search.example:9200/x?timeout=5s&user=reader", "jdbc:mysql://h:3306/db",
		"arn:aws:iam::1:role/r", "eu-west-1", "basicauth", "a;b", "https://h?password=", "jdbc:oracle:thin:@//db:1521/svc",
		"user@example.com",
	} {
		if got, found := redactURI(clean); found || got != clean {
			t.Errorf("redactURI(%q) = %q, %v; want it unchanged", clean, got, found)
		}
	}
}

// canary is a credential that must never reach a manifest.
const canary = "c4n4ry-s3cr3t"

// TestMapWithholdsURICredentials pins, for each URI shape, where a URI with
// credentials inside goes: a property is read whole from the Secret stub;
// the documented API's configuration.endpoint, which cannot come from a
// Secret, keeps its place with the credentials replaced. The canary never
// reaches the printed manifests, with stubs or without.
func TestMapWithholdsURICredentials(t *testing.T) {
	cases := []struct {
		name     string
		remote   opensearch.RemoteDataSource
		fromKey  string // the property read from the stub, or ""
		endpoint string // the endpoint printed, or ""
	}{
		{"prometheus.uri with user information",
			opensearch.RemoteDataSource{Name: "p", Connector: "PROMETHEUS", Properties: map[string]string{
				"prometheus.uri": "http://reader:" + canary + "@prometheus:9090"}}, "prometheus.uri", ""},
		{"prometheus.uri with a token parameter",
			opensearch.RemoteDataSource{Name: "p", Connector: "PROMETHEUS", Properties: map[string]string{
				"prometheus.uri": "https://prometheus:9090/api?access_token=" + canary}}, "prometheus.uri", ""},
		{"glue.indexstore.opensearch.uri with user information",
			opensearch.RemoteDataSource{Name: "g", Connector: "S3GLUE", Properties: map[string]string{
				"glue.indexstore.opensearch.uri": "https://admin:" + canary + "@search:9200", "glue.auth.type": "iam_role"}},
			"glue.indexstore.opensearch.uri", ""},
		{"alertmanager.uri with a password parameter",
			opensearch.RemoteDataSource{Name: "a", Connector: "PROMETHEUS", Properties: map[string]string{
				"alertmanager.uri": "http://am:9093?Password=" + canary}}, "alertmanager.uri", ""},
		{"configuration.endpoint with a password parameter",
			opensearch.RemoteDataSource{Name: "m", Connector: "mysql", ConfigurationEndpoint: "jdbc:mysql://db:3306/x?user=u&password=" + canary},
			"", "jdbc:mysql://db:3306/x?user=u&password=WITHHELD"},
		{"configuration.endpoint with user information",
			opensearch.RemoteDataSource{Name: "m", Connector: "mysql", ConfigurationEndpoint: "jdbc:mysql://root:" + canary + "@db:3306/x"},
			"", "jdbc:mysql://WITHHELD@db:3306/x"},
		{"configuration.endpoint in the SQL Server style",
			opensearch.RemoteDataSource{Name: "m", Connector: "sqlserver", ConfigurationEndpoint: "jdbc:sqlserver://db:1433;password=" + canary},
			"", "jdbc:sqlserver://db:1433;password=WITHHELD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Map(tc.remote, testOptions)
			if err != nil {
				t.Fatal(err)
			}
			spec := m.DataSource.Spec
			if tc.fromKey != "" {
				if _, ok := spec.Properties[tc.fromKey]; ok {
					t.Errorf("%s is still in spec.properties", tc.fromKey)
				}
				if !hasFrom(spec.PropertiesFrom, tc.fromKey, m.DataSource.Name+"-credentials") {
					t.Errorf("%s is not read from the stub: %+v", tc.fromKey, spec.PropertiesFrom)
				}
				if _, ok := m.Secret.StringData[tc.fromKey]; !ok || !strings.Contains(m.URIs[tc.fromKey], Withheld) {
					t.Errorf("stub keys %v, URIs %v: want %s in both", m.Secret.StringData, m.URIs, tc.fromKey)
				}
			}
			if spec.Suspend != (tc.fromKey != "") {
				t.Errorf("suspend %v: a DataSource must be suspended exactly while a URI it reads is only a stub's empty key", spec.Suspend)
			}
			if observed, _ := Map(tc.remote, Options{Namespace: "team", Observe: true}); observed.DataSource.Spec.Suspend {
				t.Error("an observed DataSource writes nothing and needs no suspend")
			}
			if tc.endpoint != "" && (spec.Configuration.Endpoint != tc.endpoint || !m.EndpointWithheld) {
				t.Errorf("endpoint %q (withheld %v), want %q", spec.Configuration.Endpoint, m.EndpointWithheld, tc.endpoint)
			}
			if len(Notes(m)) == 0 {
				t.Error("no note says what was withheld")
			}
			for _, noStubs := range []bool{false, true} {
				var out bytes.Buffer
				if err := Write(&out, "https://os", []Manifest{m}, nil, Style{NoStubs: noStubs}); err != nil {
					t.Fatal(err)
				}
				if text := out.String() + strings.Join(Notes(m), "\n"); strings.Contains(text, canary) {
					t.Errorf("the canary was printed (no stubs: %v):\n%s", noStubs, text)
				}
			}
		})
	}
}

func hasFrom(from []v1alpha1.PropertyFromSecret, key, secret string) bool {
	for _, p := range from {
		if p.Key == key && p.SecretKeyRef.Name == secret && p.SecretKeyRef.Key == key {
			return true
		}
	}
	return false
}
