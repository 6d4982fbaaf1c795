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
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

var testOptions = Options{Namespace: "team", Connection: v1alpha1.ConnectionReference{Name: "os"}}

// mapped is a Manifest reduced to what the cases compare, with property
// values as text and each propertiesFrom as "key<-secret#key".
type mapped struct {
	objectName, specName, connector, description, resultIndex string
	status                                                    v1alpha1.DataSourceState
	policy                                                    v1alpha1.ManagementPolicy
	roles                                                     []string
	properties                                                map[string]string
	from                                                      []string
	configuration                                             string
	secret                                                    string
	secretKeys, hidden, withheld                              []string
}

func reduce(t *testing.T, m Manifest) mapped {
	t.Helper()
	s := m.DataSource.Spec
	out := mapped{objectName: m.DataSource.Name, specName: s.Name, connector: s.Connector, description: s.Description,
		resultIndex: s.ResultIndex, status: s.Status, policy: s.ManagementPolicy, roles: s.AllowedRoles,
		hidden: m.Hidden, withheld: m.Withheld}
	if m.DataSource.Namespace != "team" || s.ConnectionRef.Name != "os" {
		t.Errorf("namespace %q, connectionRef %+v: want the options' team and os", m.DataSource.Namespace, s.ConnectionRef)
	}
	for k, v := range s.Properties {
		var text string
		if err := json.Unmarshal(v.Raw, &text); err != nil {
			t.Fatalf("property %s is not a JSON string: %s", k, v.Raw)
		}
		if out.properties == nil {
			out.properties = map[string]string{}
		}
		out.properties[k] = text
	}
	for _, pf := range s.PropertiesFrom {
		out.from = append(out.from, pf.Key+"<-"+pf.SecretKeyRef.Name+"#"+pf.SecretKeyRef.Key)
	}
	if c := s.Configuration; c != nil {
		out.configuration = c.Endpoint + " <- " + c.Credentials.SecretRef.Name
	}
	if m.Secret != nil {
		out.secret = m.Secret.Namespace + "/" + m.Secret.Name
		for k, v := range m.Secret.StringData {
			if v != "" {
				t.Errorf("stub key %s has a value", k)
			}
			out.secretKeys = append(out.secretKeys, k)
		}
		sort.Strings(out.secretKeys)
	}
	return out
}

func TestMap(t *testing.T) {
	cases := []struct {
		name   string
		remote opensearch.RemoteDataSource
		opts   Options
		want   mapped
	}{{
		name: "SQL plugin prometheus with basic auth: credentials from a stub, defaults left out",
		remote: opensearch.RemoteDataSource{Name: "my_prometheus", Connector: "PROMETHEUS", Description: "metrics",
			ResultIndex: "query_execution_result_my_prometheus", Status: "ACTIVE", AllowedRoles: []string{"a", "b"},
			Properties: map[string]string{"prometheus.uri": "http://p:9090", "prometheus.auth.type": "basicauth"}},
		want: mapped{objectName: "my-prometheus", specName: "my_prometheus", connector: "prometheus", description: "metrics",
			roles: []string{"a", "b"}, properties: map[string]string{"prometheus.uri": "http://p:9090", "prometheus.auth.type": "basicauth"},
			from: []string{"prometheus.auth.password<-my-prometheus-credentials#prometheus.auth.password",
				"prometheus.auth.username<-my-prometheus-credentials#prometheus.auth.username"},
			secret: "team/my-prometheus-credentials", secretKeys: []string{"prometheus.auth.password", "prometheus.auth.username"},
			hidden: []string{"prometheus.auth.password", "prometheus.auth.username"}},
	}, {
		name: "a plain name stays metadata.name; DISABLED and a custom result index are kept; Observe",
		remote: opensearch.RemoteDataSource{Name: "logs", Connector: "OPENSEARCH", ResultIndex: "query_execution_result_custom",
			Status: "disabled", AllowedRoles: []string{}},
		opts: Options{Observe: true},
		want: mapped{objectName: "logs", connector: "opensearch", resultIndex: "query_execution_result_custom",
			status: v1alpha1.StateDisabled, policy: v1alpha1.ManagementObserve},
	}, {
		name: "documented server: configuration with a stub for username and password",
		remote: opensearch.RemoteDataSource{DataSourceID: "ds-1", Name: "mysql-db", Connector: "mysql",
			ConfigurationEndpoint: "jdbc:mysql://db:3306/x", Properties: map[string]string{"port": "3306"}},
		want: mapped{objectName: "mysql-db", connector: "mysql", properties: map[string]string{"port": "3306"},
			configuration: "jdbc:mysql://db:3306/x <- mysql-db-credentials", secret: "team/mysql-db-credentials",
			secretKeys: []string{"password", "username"}, hidden: []string{"password", "username"}},
	}, {
		name: "SigV4 prometheus needs the access key pair; the region is plain",
		remote: opensearch.RemoteDataSource{Name: "amp", Connector: "PROMETHEUS", Properties: map[string]string{
			"prometheus.uri": "https://aps", "prometheus.auth.type": "awssigv4", "prometheus.auth.region": "eu-west-1"}},
		want: mapped{objectName: "amp", connector: "prometheus", properties: map[string]string{
			"prometheus.uri": "https://aps", "prometheus.auth.type": "awssigv4", "prometheus.auth.region": "eu-west-1"},
			from: []string{"prometheus.auth.access_key<-amp-credentials#prometheus.auth.access_key",
				"prometheus.auth.secret_key<-amp-credentials#prometheus.auth.secret_key"},
			secret: "team/amp-credentials", secretKeys: []string{"prometheus.auth.access_key", "prometheus.auth.secret_key"},
			hidden: []string{"prometheus.auth.access_key", "prometheus.auth.secret_key"}},
	}, {
		name: "s3glue: basic auth to the index store; an IAM role needs no Secret",
		remote: opensearch.RemoteDataSource{Name: "glue", Connector: "S3GLUE", Properties: map[string]string{
			"glue.auth.type": "iam_role", "glue.auth.role_arn": "arn:aws:iam::1:role/r",
			"glue.indexstore.opensearch.uri": "https://os", "glue.indexstore.opensearch.auth": "basicauth"}},
		want: mapped{objectName: "glue", connector: "s3glue", properties: map[string]string{
			"glue.auth.type": "iam_role", "glue.auth.role_arn": "arn:aws:iam::1:role/r",
			"glue.indexstore.opensearch.uri": "https://os", "glue.indexstore.opensearch.auth": "basicauth"},
			from: []string{"glue.indexstore.opensearch.auth.password<-glue-credentials#glue.indexstore.opensearch.auth.password",
				"glue.indexstore.opensearch.auth.username<-glue-credentials#glue.indexstore.opensearch.auth.username"},
			secret:     "team/glue-credentials",
			secretKeys: []string{"glue.indexstore.opensearch.auth.password", "glue.indexstore.opensearch.auth.username"},
			hidden:     []string{"glue.indexstore.opensearch.auth.password", "glue.indexstore.opensearch.auth.username"}},
	}, {
		name: "a credential the server did return is not copied",
		remote: opensearch.RemoteDataSource{Name: "Custom", Connector: "custom", Properties: map[string]string{
			"endpoint": "http://x", "api.token": "tok-123", "x.auth.password": "pw-456"}},
		want: mapped{objectName: "custom", specName: "Custom", connector: "custom", properties: map[string]string{"endpoint": "http://x"},
			from:   []string{"api.token<-custom-credentials#api.token", "x.auth.password<-custom-credentials#x.auth.password"},
			secret: "team/custom-credentials", secretKeys: []string{"api.token", "x.auth.password"},
			withheld: []string{"api.token", "x.auth.password"}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions
			opts.Observe = tc.opts.Observe
			m, err := Map(tc.remote, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := reduce(t, m); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestMapRefuses(t *testing.T) {
	cases := []struct {
		remote opensearch.RemoteDataSource
		want   string
	}{
		{opensearch.RemoteDataSource{Name: "@opensearch", Connector: "OPENSEARCH"}, "built-in"},
		{opensearch.RemoteDataSource{Name: "1abc", Connector: "PROMETHEUS"}, "does not fit spec.name"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "pro-metheus"}, "does not fit spec.connector"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", ResultIndex: "Upper"}, "does not fit spec.resultIndex"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Properties: map[string]string{"a\nkind: X": "v"}},
			`property key "a\nkind: X" does not fit`},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Properties: map[string]string{"a b": "v"}}, "does not fit spec.properties keys"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Properties: map[string]string{strings.Repeat("k", 257): "v"}},
			"at most 256 characters"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Properties: map[string]string{
			strings.Repeat("k", 250) + ".auth.type": "basicauth"}}, "does not fit spec.properties keys"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Properties: map[string]string{"v": strings.Repeat("é", 4097)}},
			`the value of property "v" is longer than 4096 characters`},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Properties: manyProperties(129)}, "129 properties, more than"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", Description: strings.Repeat("d", 4097)}, "spec.description"},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", AllowedRoles: []string{"a", ""}}, `allowed role ""`},
		{opensearch.RemoteDataSource{Name: "ok", Connector: "x", AllowedRoles: make([]string, 257)}, "257 allowed roles"},
	}
	for _, tc := range cases {
		_, err := Map(tc.remote, testOptions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Map(%+v) = %v, want an error containing %q", tc.remote, err, tc.want)
		}
	}
}

func manyProperties(n int) map[string]string {
	props := map[string]string{}
	for i := range n {
		props[fmt.Sprintf("k%d", i)] = "v"
	}
	return props
}

func TestMapAllGivesUniqueNames(t *testing.T) {
	manifests, skipped := MapAll([]opensearch.RemoteDataSource{
		{Name: "my-ds", Connector: "OPENSEARCH"},
		{Name: "My_DS", Connector: "PROMETHEUS", Properties: map[string]string{"prometheus.auth.type": "basicauth"}},
		{Name: "@opensearch", Connector: "OPENSEARCH"},
	}, testOptions)
	if len(skipped) != 1 || skipped[0].Name != "@opensearch" {
		t.Errorf("skipped = %+v, want @opensearch alone", skipped)
	}
	var got []string
	for _, m := range manifests {
		got = append(got, m.DataSource.Name+"="+dataSourceNameOf(m))
	}
	if want := []string{"my-ds=My_DS", "my-ds-2=my-ds"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("names = %v, want %v", got, want)
	}
	if m := manifests[0]; m.Secret == nil || m.Secret.Name != "my-ds-credentials" {
		t.Errorf("the first keeps its stub name: %+v", m.Secret)
	}
	if second := manifests[1]; second.DataSource.Spec.Name != "my-ds" {
		t.Errorf("the renamed one must keep its data source's name in spec.name: %q", second.DataSource.Spec.Name)
	}
}

func TestHiddenKeys(t *testing.T) {
	cases := []struct {
		props map[string]string
		want  []string
	}{
		{map[string]string{"prometheus.auth.type": "BasicAuth"}, []string{"prometheus.auth.password", "prometheus.auth.username"}},
		{map[string]string{"alertmanager.auth.type": "awssigv4", "alertmanager.auth.access_key": "shown"},
			[]string{"alertmanager.auth.secret_key"}},
		{map[string]string{"glue.indexstore.opensearch.auth": "awssigv4"}, nil},
		{map[string]string{"glue.indexstore.opensearch.auth": "noauth"}, nil},
		{map[string]string{"emr.auth.type": "awssigv4"}, []string{"emr.auth.access_key", "emr.auth.secret_key"}},
		{map[string]string{"prometheus.uri": "http://p"}, nil},
	}
	for _, tc := range cases {
		if got := HiddenKeys(tc.props); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("HiddenKeys(%v) = %v, want %v", tc.props, got, tc.want)
		}
	}
}

func TestMapAllAvoidsTakenNames(t *testing.T) {
	opts := testOptions
	opts.Taken = []string{"logs", "logs-2"}
	remotes := []opensearch.RemoteDataSource{{Name: "logs", Connector: "OPENSEARCH"}, {Name: "other", Connector: "OPENSEARCH"}}
	manifests, skipped := MapAll(remotes, opts)
	if len(skipped) != 0 || len(manifests) != 2 {
		t.Fatalf("MapAll = %d manifests, skipped %v", len(manifests), skipped)
	}
	if m := manifests[0].DataSource; m.Name != "logs-3" || m.Spec.Name != "logs" {
		t.Errorf("the data source logs became DataSource %s with spec.name %q, want logs-3 keeping the name logs", m.Name, m.Spec.Name)
	}
	if m := manifests[1].DataSource; m.Name != "other" {
		t.Errorf("an untaken name changed to %s", m.Name)
	}
}
