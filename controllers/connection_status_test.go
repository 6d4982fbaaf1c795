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

package controllers

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// TestConnectionStatus is the connection status's one table: what each
// probe finding makes of the previous status.
func TestConnectionStatus(t *testing.T) {
	connected := v1alpha1.ConnectionStatus{
		ObservedGeneration: 1, Version: "2.19.0", Dialect: v1alpha1.DialectSQLPlugin, ClusterUUID: "uuid-a",
		Conditions: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonConnected,
			Message: "OpenSearch 2.19.0 answered; the data source API is present and permitted", ObservedGeneration: 1, LastTransitionTime: stT0}},
	}
	answered := probeFinding{kind: probeAnswered, dialect: opensearch.DialectSQLPlugin,
		info: opensearch.ServerInfo{Version: "3.1.0", ClusterUUID: "uuid-b"}}
	cases := []struct {
		name       string
		prev       v1alpha1.ConnectionStatus
		found      probeFinding
		clamped    []string
		wantReady  string // Status/Reason, or "absent"
		wantMsg    string
		wantGen    int64 // Ready's observedGeneration
		wantUUID   string
		wantVer    string
		wantDia    v1alpha1.Dialect
		wantLTTNow bool
	}{
		{name: "first answer", found: answered, wantReady: "True/Connected",
			wantMsg: "OpenSearch 3.1.0 answered; the data source API is present and permitted",
			wantGen: 2, wantUUID: "uuid-b", wantVer: "3.1.0", wantDia: v1alpha1.DialectSQLPlugin, wantLTTNow: true},
		{name: "an answer without cluster_uuid says how the cluster is identified",
			found: probeFinding{kind: probeAnswered, dialect: opensearch.DialectDocumented, info: opensearch.ServerInfo{Version: "2.11.0"}},
			prev:  connected, wantReady: "True/Connected",
			wantMsg: "OpenSearch 2.11.0 answered; the data source API is present and permitted; " +
				"it reported no cluster_uuid, so the cluster is identified by its endpoint",
			wantGen: 2, wantVer: "2.11.0", wantDia: v1alpha1.DialectDocumented},
		{name: "a failure forgets the cluster but keeps the version",
			found: probeFinding{kind: probeFailed, dialect: opensearch.DialectSQLPlugin, reason: v1alpha1.ReasonUnavailable, message: "could not connect"},
			prev:  connected, wantReady: "False/Unavailable", wantMsg: "could not connect",
			wantGen: 2, wantVer: "2.19.0", wantDia: v1alpha1.DialectSQLPlugin, wantLTTNow: true},
		{name: "refused before sending: identity, version and dialect kept",
			found: probeFinding{kind: probeRefused, reason: v1alpha1.ReasonSecretNotFound, message: "Secret x not found"},
			prev:  connected, wantReady: "False/SecretNotFound", wantMsg: "Secret x not found",
			wantGen: 2, wantUUID: "uuid-a", wantVer: "2.19.0", wantDia: v1alpha1.DialectSQLPlugin, wantLTTNow: true},
		{name: "the last probe stands: Ready moves to the new generation, transition time kept",
			found: probeFinding{kind: probeStands}, prev: connected, wantReady: "True/Connected",
			wantMsg: "OpenSearch 2.19.0 answered; the data source API is present and permitted",
			wantGen: 2, wantUUID: "uuid-a", wantVer: "2.19.0", wantDia: v1alpha1.DialectSQLPlugin},
		{name: "a standing probe under new limits says so once",
			found: probeFinding{kind: probeStands}, prev: connected, clamped: []string{"requestTimeout 5m (at most 1m)"},
			wantReady: "True/Connected",
			wantMsg:   "OpenSearch 2.19.0 answered; the data source API is present and permitted; the operator's limits apply: requestTimeout 5m (at most 1m)",
			wantGen:   2, wantUUID: "uuid-a", wantVer: "2.19.0", wantDia: v1alpha1.DialectSQLPlugin},
		{name: "not run: Ready left for the retry", found: probeFinding{kind: probeNotRun}, prev: connected,
			wantReady: "True/Connected", wantMsg: "OpenSearch 2.19.0 answered; the data source API is present and permitted",
			wantGen: 1, wantUUID: "uuid-a", wantVer: "2.19.0", wantDia: v1alpha1.DialectSQLPlugin},
		{name: "not run on a new connection: no Ready yet", found: probeFinding{kind: probeNotRun}, wantReady: "absent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prev := tc.prev.DeepCopy()
			st := connectionStatus(prev, tc.found, 2, tc.clamped, stT1)
			if st.ObservedGeneration != 2 {
				t.Errorf("observedGeneration = %d, want 2", st.ObservedGeneration)
			}
			if got := readyState(st.Conditions); got != tc.wantReady {
				t.Fatalf("Ready = %s, want %s", got, tc.wantReady)
			}
			if st.ClusterUUID != tc.wantUUID || st.Version != tc.wantVer || st.Dialect != tc.wantDia {
				t.Errorf("uuid, version, dialect = %q, %q, %q; want %q, %q, %q",
					st.ClusterUUID, st.Version, st.Dialect, tc.wantUUID, tc.wantVer, tc.wantDia)
			}
			if !equality.Semantic.DeepEqual(*prev, tc.prev) {
				t.Errorf("connectionStatus modified the previous status")
			}
			ready := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionReady)
			if ready == nil {
				return
			}
			if ready.Message != tc.wantMsg || ready.ObservedGeneration != tc.wantGen {
				t.Errorf("Ready message, generation = %q, %d\nwant %q, %d", ready.Message, ready.ObservedGeneration, tc.wantMsg, tc.wantGen)
			}
			if got := ready.LastTransitionTime.Equal(&stT1); got != tc.wantLTTNow {
				t.Errorf("transition time moved = %v, want %v", got, tc.wantLTTNow)
			}
		})
	}
}

// readyState is Ready as Status/Reason, or "absent".
func readyState(conds []metav1.Condition) string {
	c := meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
	if c == nil {
		return "absent"
	}
	return string(c.Status) + "/" + c.Reason
}
