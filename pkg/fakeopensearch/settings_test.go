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

package fakeopensearch

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const promNoAuth = `{"name":"p2","connector":"prometheus","properties":{"prometheus.uri":"http://prom:9090"}}`

// pluginDetails returns the type and details of a plugin-shaped error body.
func pluginDetails(t *testing.T, body string) (string, string) {
	t.Helper()
	var b pluginBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("not a plugin error: %s", body)
	}
	return b.Error.Type, b.Error.Details
}

// Without a master key (2.9 and later) only writes carrying credentials
// fail, with EncryptorImpl's IllegalStateException; 2.7 and 2.8 had a
// default key.
func TestNoMasterKey(t *testing.T) {
	s := start(t, Options{NoMasterKey: true})
	u := s.URL() + BasePath
	resp, body := call(t, nil, "POST", u, promBody)
	typ, details := pluginDetails(t, body)
	if resp.StatusCode != 400 || typ != "IllegalStateException" ||
		!strings.HasPrefix(details, "Master key is a required config for using create and update datasource APIs.Please set plugins.query.datasources.encryption.masterkey") {
		t.Fatalf("create with credentials: %d %s", resp.StatusCode, body)
	}
	if _, ok := s.Stored("p1"); ok {
		t.Fatal("the refused create stored the data source")
	}
	if resp, body := call(t, nil, "POST", u, promNoAuth); resp.StatusCode != 201 {
		t.Fatalf("create without credentials: %d %s", resp.StatusCode, body)
	}
	if resp, body := call(t, nil, "PATCH", u, `{"name":"p2","description":"x"}`); resp.StatusCode != 200 {
		t.Fatalf("patch without credentials: %d %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, nil, "PUT", u, strings.Replace(promBody, `"p1"`, `"p2"`, 1)); resp.StatusCode != 400 {
		t.Fatalf("update adding credentials: %d, want 400", resp.StatusCode)
	}
	// A data source stored with credentials (before the key went away)
	// cannot be decrypted for GET or PATCH.
	s.Seed(Document{Name: "p3", Connector: "PROMETHEUS", Properties: map[string]any{
		"prometheus.uri": "http://prom:9090", "prometheus.auth.type": "basicauth",
		"prometheus.auth.username": "u", "prometheus.auth.password": "pw"}})
	if resp, _ := call(t, nil, "GET", u+"/p3", ""); resp.StatusCode != 400 {
		t.Fatalf("get with stored credentials: %d, want 400", resp.StatusCode)
	}
	if resp, _ := call(t, nil, "PATCH", u, `{"name":"p3","description":"x"}`); resp.StatusCode != 400 {
		t.Fatalf("patch with stored credentials: %d, want 400", resp.StatusCode)
	}

	old := start(t, Options{NoMasterKey: true, Version: "2.8.0"})
	if resp, body := call(t, nil, "POST", old.URL()+BasePath, promBody); resp.StatusCode != 201 {
		t.Fatalf("2.8 has a default master key: %d %s", resp.StatusCode, body)
	}
}

// plugins.query.datasources.enabled exists from 2.16 only.
func TestEnabledSwitchFrom216(t *testing.T) {
	for version, want := range map[string]int{"2.15.0": 200, "2.16.0": 400, "3.1.0": 400} {
		s := start(t, Options{Version: version})
		s.SetEnabled(false)
		if resp, body := call(t, nil, "GET", s.URL()+BasePath, ""); resp.StatusCode != want {
			t.Errorf("%s: list with the API switched off: %d %s, want %d", version, resp.StatusCode, body, want)
		}
	}
}

// Connectors come and go with releases (the reference's §5.2).
func TestConnectorsByVersion(t *testing.T) {
	glue := `"glue.auth.type":"iam_role","glue.auth.role_arn":"arn:aws:iam::1:role/g","glue.indexstore.opensearch.uri":"http://os:9200","glue.indexstore.opensearch.auth":"noauth"`
	bodies := map[string]string{
		"s3glue":        `{"name":"d","connector":"s3glue","properties":{` + glue + `}}`,
		"security_lake": `{"name":"d","connector":"security_lake","properties":{` + glue + `,"glue.lakeformation.session_tag":"t"}}`,
		"spark": `{"name":"d","connector":"spark","properties":{"spark.connector":"emr","emr.cluster":"j-1","emr.auth.type":"awssigv4",` +
			`"emr.auth.access_key":"a","emr.auth.secret_key":"s"}}`,
	}
	tests := []struct {
		version, connector string
		known              bool
	}{
		{"2.10.0", "s3glue", false}, {"2.11.0", "s3glue", true},
		{"2.16.0", "security_lake", false}, {"2.17.0", "security_lake", true},
		{"2.8.0", "spark", false}, {"2.9.0", "spark", true}, {"2.19.1", "spark", true}, {"3.0.0", "spark", false},
	}
	for _, tt := range tests {
		s := start(t, Options{Version: tt.version})
		resp, body := call(t, nil, "POST", s.URL()+BasePath, bodies[tt.connector])
		unknown := resp.StatusCode == 400 && strings.Contains(body, "No DataSourceType with name "+tt.connector+" found")
		if tt.known && resp.StatusCode != 201 || !tt.known && !unknown {
			t.Errorf("%s %s: %d %s, want known=%v", tt.version, tt.connector, resp.StatusCode, body, tt.known)
		}
	}
}

func TestSparkValidation(t *testing.T) {
	s := start(t, Options{Version: "2.19.1"})
	for props, want := range map[string]string{
		`"spark.connector":"glue"`: "Spark connector type is invalid.",
		`"spark.connector":"emr"`:  "EMR config properties are missing.",
		`"spark.connector":"emr","emr.cluster":"j-1","emr.auth.type":"basicauth"`: "Invalid auth type.",
		`"spark.connector":"emr","emr.cluster":"j-1","emr.auth.type":"awssigv4"`:  "EMR auth keys are missing.",
	} {
		resp, body := call(t, nil, "POST", s.URL()+BasePath, `{"name":"d","connector":"spark","properties":{`+props+`}}`)
		if _, details := pluginDetails(t, body); resp.StatusCode != 400 || details != want {
			t.Errorf("%s: %d %s, want 400 %q", props, resp.StatusCode, body, want)
		}
	}
}

// The housekeeper drops the Flint indices of a deleted data source and
// stops those of a disabled one; re-activating or re-creating the data
// source brings neither back.
func TestHousekeeper(t *testing.T) {
	s := start(t, Options{})
	u := s.URL() + BasePath
	glue := `{"name":"%s","connector":"s3glue","properties":{"glue.auth.type":"iam_role","glue.auth.role_arn":"arn:aws:iam::1:role/g",` +
		`"glue.indexstore.opensearch.uri":"http://os:9200","glue.indexstore.opensearch.auth":"noauth"}}`
	for _, n := range []string{"g1", "g2", "g3"} {
		if resp, body := call(t, nil, "POST", u, strings.Replace(glue, "%s", n, 1)); resp.StatusCode != 201 {
			t.Fatalf("create %s: %d %s", n, resp.StatusCode, body)
		}
		s.AddFlintIndex(n, "flint_"+n+"_default_logs_skipping_index")
	}
	call(t, nil, "DELETE", u+"/g1", "")
	call(t, nil, "PATCH", u, `{"name":"g2","status":"disabled"}`)
	s.RunHousekeeper()
	if got := s.FlintIndices("g1"); len(got) != 0 {
		t.Errorf("deleted data source kept %v", got)
	}
	if got := s.FlintIndices("g2"); len(got) != 1 || got[0].AutoRefresh {
		t.Errorf("disabled data source: %v, want one index without auto-refresh", got)
	}
	if got := s.FlintIndices("g3"); len(got) != 1 || !got[0].AutoRefresh {
		t.Errorf("active data source: %v, want one auto-refreshing index", got)
	}
	call(t, nil, "PATCH", u, `{"name":"g2","status":"active"}`)
	call(t, nil, "POST", u, strings.Replace(glue, "%s", "g1", 1))
	s.RunHousekeeper()
	if got := s.FlintIndices("g2"); len(got) != 1 || got[0].AutoRefresh {
		t.Errorf("re-activated data source: %v, want auto-refresh still off", got)
	}
	if got := s.FlintIndices("g1"); len(got) != 0 {
		t.Errorf("re-created data source: %v, want its indices gone", got)
	}

	old := start(t, Options{Version: "2.12.0"})
	old.AddFlintIndex("gone", "flint_gone_default_logs_skipping_index")
	old.RunHousekeeper()
	if got := old.FlintIndices("gone"); len(got) != 1 {
		t.Errorf("2.12 has no housekeeper, yet %v", got)
	}
}

func TestHousekeeperInterval(t *testing.T) {
	s := start(t, Options{HousekeeperInterval: 10 * time.Millisecond})
	s.AddFlintIndex("gone", "flint_gone_default_logs_skipping_index")
	deadline := time.Now().Add(5 * time.Second)
	for len(s.FlintIndices("gone")) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the housekeeper never ran")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A URI java.net.URI refuses is told from a host that does not resolve
// by URISyntaxException's words, which name the index.
func TestURISyntaxAsJava(t *testing.T) {
	s := start(t, Options{})
	body := `{"name":"p","connector":"prometheus","properties":{"prometheus.uri":"http://exa mple:9090"}}`
	resp, out := call(t, nil, "POST", s.URL()+BasePath, body)
	want := "Invalid URI in prometheus properties: Illegal character in authority at index 10: http://exa mple:9090"
	if _, details := pluginDetails(t, out); resp.StatusCode != 400 || details != want {
		t.Fatalf("%d %s, want 400 %q", resp.StatusCode, out, want)
	}
	body = `{"name":"p","connector":"prometheus","properties":{"prometheus.uri":"http://[fe80::1:9090"}}`
	resp, out = call(t, nil, "POST", s.URL()+BasePath, body)
	want = "Invalid URI in prometheus properties: Expected closing bracket for IPv6 address at index 20: http://[fe80::1:9090"
	if _, details := pluginDetails(t, out); resp.StatusCode != 400 || details != want {
		t.Fatalf("%d %s, want 400 %q", resp.StatusCode, out, want)
	}
}
