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

package diagnose

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestConditionLines(t *testing.T) {
	at := metav1.NewTime(now.Add(-90 * time.Second))
	for _, tc := range []struct {
		name  string
		conds []metav1.Condition
		gen   int64
		want  []string
	}{
		{"none", nil, 1, []string{"no conditions yet: the operator has not reconciled it (is the manager running and watching this namespace?)"}},
		{"Ready first, generation noted", []metav1.Condition{
			{Type: "Reconciling", Status: "True", Reason: "SecretKeyNotFound", ObservedGeneration: 2, LastTransitionTime: at},
			{Type: "Ready", Status: "False", Reason: "SecretKeyNotFound", ObservedGeneration: 1, LastTransitionTime: at,
				Message: "Secret default/x has no key \"password\""},
		}, 2, []string{
			`Ready=False SecretKeyNotFound (1m30s ago) [of generation 1; the spec is at 2]: Secret default/x has no key "password"`,
			"Reconciling=True SecretKeyNotFound (1m30s ago)",
		}},
		{"hostile message", []metav1.Condition{{Type: "Ready", Status: "False", Reason: "Rejected", ObservedGeneration: 1,
			LastTransitionTime: at, Message: "bad\nReady=True Synced\x1b[2J"}}, 1,
			[]string{`Ready=False Rejected (1m30s ago): bad\nReady=True Synced\x1b[2J`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := conditionLines(tc.conds, tc.gen, now); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestConnectionLines(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint string
		status   v1alpha1.ConnectionStatus
		want     []string
	}{
		{"probed", "https://admin:pw@os.example:9200", v1alpha1.ConnectionStatus{Dialect: "SQLPlugin", Version: "2.19.1", ClusterUUID: "u1"},
			[]string{"endpoint https://os.example:9200", "dialect SQLPlugin, OpenSearch 2.19.1, clusterUUID u1"}},
		{"never probed", "http://127.0.0.1:9200", v1alpha1.ConnectionStatus{},
			[]string{"endpoint http://127.0.0.1:9200", "dialect (not known yet), OpenSearch (not known yet), clusterUUID (not known yet)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := connectionLines(tc.endpoint, tc.status); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestSecretLine(t *testing.T) {
	use := SecretUse{Field: "spec.auth.basic.secretRef", Namespace: "ns", Name: "creds", Keys: []string{"username", "password"}}
	for _, tc := range []struct {
		name  string
		state SecretState
		want  string
	}{
		{"missing Secret", SecretState{}, "Secret ns/creds (spec.auth.basic.secretRef): MISSING: it does not exist"},
		{"all keys", SecretState{Found: true, Keys: map[string]bool{"username": false, "password": false, "extra": false}},
			`Secret ns/creds (spec.auth.basic.secretRef): exists; key "username" present, key "password" present`},
		{"missing key names the others", SecretState{Found: true, Keys: map[string]bool{"username": false, "pass": false}},
			`Secret ns/creds (spec.auth.basic.secretRef): exists; key "username" present, key "password" MISSING; it has keys "pass", "username"`},
		{"empty value", SecretState{Found: true, Keys: map[string]bool{"username": false, "password": true}},
			`Secret ns/creds (spec.auth.basic.secretRef): exists; key "username" present, key "password" present but empty`},
		{"unreadable", SecretState{Err: errors.New(`secrets "creds" is forbidden`)},
			`Secret ns/creds (spec.auth.basic.secretRef): cannot be read: secrets "creds" is forbidden`},
		{"hostile key names", SecretState{Found: true, Keys: map[string]bool{"a\nb": false}},
			`Secret ns/creds (spec.auth.basic.secretRef): exists; key "username" MISSING, key "password" MISSING; it has keys "a\nb"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := secretLine(use, tc.state); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestKeyListIsBounded(t *testing.T) {
	keys := map[string]bool{}
	for i := range 25 {
		keys[fmt.Sprintf("k%02d", i)] = false
	}
	got := keyList(keys)
	if !strings.HasSuffix(got, `"k19" and 5 more`) || strings.Contains(got, "k20") {
		t.Errorf("keyList = %s", got)
	}
}

func TestWrittenLines(t *testing.T) {
	synced := metav1.NewTime(now.Add(-time.Minute))
	for _, tc := range []struct {
		name string
		st   v1alpha1.DataSourceStatus
		want []string
	}{
		{"never written", v1alpha1.DataSourceStatus{}, []string{
			"status.connection (where it last wrote): none",
			"status.pendingCreate (a create not yet confirmed): none",
			"last write: never",
		}},
		{"written", v1alpha1.DataSourceStatus{
			Connection:   &v1alpha1.WrittenConnection{Kind: "OpenSearchConnection", Name: "os", Endpoint: "http://u:p@h:9200", ClusterUUID: "c1"},
			LastSyncTime: &synced, Message: "Created DataSource with name x", Adopted: true,
		}, []string{
			"status.connection (where it last wrote): OpenSearchConnection/os at http://h:9200, clusterUUID c1",
			"status.pendingCreate (a create not yet confirmed): none",
			"last write: 1m0s ago",
			"the server's last answer: Created DataSource with name x",
			"adopted: it took over a data source that existed before it",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := writtenLines(tc.st, now); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestEventLines(t *testing.T) {
	event := func(age time.Duration, typ, reason, msg string, count int32) corev1.Event {
		return corev1.Event{Type: typ, Reason: reason, Message: msg, Count: count, LastTimestamp: metav1.NewTime(now.Add(-age))}
	}
	if got := eventLines(nil, now); !slices.Equal(got, []string{"none (events expire after an hour by default)"}) {
		t.Errorf("no events: %q", got)
	}
	got := eventLines([]corev1.Event{
		event(time.Minute, "Normal", "Created", "created", 1),
		event(time.Second, "Warning", "Forbidden", "denied\r\nfake line", 3),
	}, now)
	want := []string{`1s ago Warning Forbidden: denied\r\nfake line (3 times)`, "1m0s ago Normal Created: created"}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	many := make([]corev1.Event, 15)
	for i := range many {
		many[i] = event(time.Duration(i)*time.Second, "Normal", "R", fmt.Sprint(i), 1)
	}
	if got := eventLines(many, now); len(got) != maxEvents || !strings.HasSuffix(got[0], ": 0") {
		t.Errorf("15 events printed as %q", got)
	}
}

func TestRemoteLines(t *testing.T) {
	r := opensearch.RemoteDataSource{Name: "x", Connector: "PROMETHEUS", Status: "ACTIVE", ResultIndex: "query_execution_result_x",
		AllowedRoles: []string{"r"}, Properties: map[string]string{
			"prometheus.uri":        "http://p:9090",
			"prometheus.auth.type":  "basicauth",
			"prometheus.api_token":  "should-not-show",
			"prometheus.region":     "eu\ninjected",
			"prometheus.from.vault": "from-secret-value",
		}}
	got := remoteLines(r, map[string]bool{"prometheus.from.vault": true})
	want := []string{
		`connector "PROMETHEUS", status "ACTIVE", resultIndex "query_execution_result_x"`,
		`description "", allowedRoles ["r"]`,
		`properties[prometheus.api_token] = (a credential; not shown)`,
		`properties[prometheus.auth.type] = "basicauth"`,
		`properties[prometheus.from.vault] = (from a Secret; not shown)`,
		`properties[prometheus.region] = "eu\ninjected"`,
		`properties[prometheus.uri] = "http://p:9090"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestRemoteLinesAreBounded(t *testing.T) {
	props := map[string]string{}
	for i := range 60 {
		props[fmt.Sprintf("k%02d", i)] = strings.Repeat("v", 1000)
	}
	got := remoteLines(opensearch.RemoteDataSource{Properties: props}, nil)
	if len(got) != 2+1+maxProperties {
		t.Errorf("%d lines for 60 properties", len(got))
	}
	if got[2] != "60 properties; the first 50:" {
		t.Errorf("no count line: %q", got[2])
	}
	for _, l := range got {
		if len(l) > maxValue+100 {
			t.Errorf("line of %d bytes", len(l))
		}
	}
}

func TestChangeLines(t *testing.T) {
	for _, tc := range []struct {
		name       string
		changes    []opensearch.Change
		fromSecret []string
		want       []string
	}{
		{"none", nil, nil, []string{"nothing: the server holds what the spec says"}},
		{"values", []opensearch.Change{
			{Field: "description", From: "old", To: "new"},
			{Field: "properties[a]", To: "1", NotOnServer: true},
			{Field: "properties[b]", From: "x\ny", NotDesired: true},
			{Field: "properties[c.password]", Hidden: true},
		}, []string{"d"}, []string{
			`description: "old" -> "new"`,
			`properties[a]: (absent) -> "1"`,
			`properties[b]: "x\ny" -> (removed)`,
			`properties[c.password]: (hidden) -> (hidden)`,
			"not compared (values from Secrets, which diagnose does not read): d",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := changeLines(tc.changes, tc.fromSecret); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestAccessLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"allowed", nil, "the connection's user may read the data source API (cluster:admin/opensearch/ql/datasources/read); " +
			"writes need the rest of cluster:admin/opensearch/ql/datasources/*"},
		{"401", &opensearch.Error{Kind: opensearch.KindForbidden, StatusCode: 401, Operation: "list", Message: "Unauthorized"},
			"OpenSearch refused the connection's credentials (401): check the Secret of spec.auth; the user also needs the " +
				"cluster permissions cluster:admin/opensearch/ql/datasources/* (Unauthorized)"},
		{"403", &opensearch.Error{Kind: opensearch.KindForbidden, StatusCode: 403, Operation: "list",
			Message: "no permissions for [cluster:admin/opensearch/ql/datasources/read]"},
			"the connection's user lacks cluster:admin/opensearch/ql/datasources/read: grant its role the cluster permissions " +
				"cluster:admin/opensearch/ql/datasources/* (no permissions for [cluster:admin/opensearch/ql/datasources/read])"},
		{"no plugin", &opensearch.Error{Kind: opensearch.KindUnavailable, StatusCode: 404, Operation: "list", Message: "no handler"},
			"the data source API did not answer as the SQL plugin does (is the SQL plugin installed?): " +
				"opensearch list: Unavailable (404): no handler"},
		{"down", &opensearch.Error{Kind: opensearch.KindUnavailable, Operation: "info", Message: "connection refused"},
			"could not ask: opensearch info: Unavailable: connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := accessLine(tc.err); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestTargetOf(t *testing.T) {
	for _, tc := range []struct {
		words   []string
		want    target
		wantErr string
	}{
		{[]string{"team-a/logs"}, target{kind: "datasource", namespace: "team-a", name: "logs"}, ""},
		{[]string{"logs"}, target{kind: "datasource", name: "logs"}, ""},
		{[]string{"connection", "team-a/os"}, target{kind: "connection", namespace: "team-a", name: "os"}, ""},
		{[]string{"ClusterConnection", "shared"}, target{kind: "clusterconnection", name: "shared"}, ""},
		{[]string{"clusterconnection", "ns/shared"}, target{}, "has no namespace"},
		{[]string{"pod", "x"}, target{}, `unknown kind "pod"`},
		{nil, target{}, "name one object"},
		{[]string{"a/b/c"}, target{}, "want [NAMESPACE/]NAME"},
	} {
		got, err := targetOf(tc.words)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("targetOf(%q) error = %v, want %q", tc.words, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("targetOf(%q) = %+v, %v; want %+v", tc.words, got, err, tc.want)
		}
	}
}

func TestParseTakesFlagsAnywhere(t *testing.T) {
	f, tgt, err := parse("manager", []string{"logs", "-n", "team-a", "--request-timeout", "3s"}, &strings.Builder{})
	if err != nil || f.namespace != "team-a" || f.timeout != 3*time.Second || tgt.name != "logs" {
		t.Errorf("parse = %+v, %+v, %v", f, tgt, err)
	}
}

// TestFailedEscapesTheError pins that an error which carries a server's
// text cannot write lines of its own into the terminal.
func TestFailedEscapesTheError(t *testing.T) {
	var b strings.Builder
	code := failed(&b, errors.New("opensearch said: bad\n\x1b[31mforged line"), 1)
	if code != 1 || strings.Count(b.String(), "\n") != 1 || strings.Contains(b.String(), "\x1b") {
		t.Errorf("failed wrote %q (code %d), want one escaped line", b.String(), code)
	}
}
