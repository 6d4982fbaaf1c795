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
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// TestEventsFitTheNoteLimit: the API server drops an event whose note is
// over its limit, so a long rejection must be cut, not lost.
func TestEventsFitTheNoteLimit(t *testing.T) {
	fake := events.NewFakeRecorder(1)
	r := boundedRecorder{fake}
	r.Eventf(stDataSource(1, v1alpha1.DataSourceStatus{}), nil, "Warning", "Rejected", "Write", "OpenSearch rejected %s: %s",
		"the data source", strings.Repeat("x", 5000))
	got := <-fake.Events
	if len(got) > opensearch.MaxEventNote+len("Warning Rejected ") {
		t.Errorf("event is %d bytes: %.60q…", len(got), got)
	}
	if !strings.Contains(got, "OpenSearch rejected the data source: xxx") {
		t.Errorf("event lost its beginning: %.80q", got)
	}
}

// TestEnteredFailure: a Warning event marks each transition into a failing
// reason, once; retries in the same reason, recoveries and reasons that
// other code already records stay quiet.
func TestEnteredFailure(t *testing.T) {
	cond := func(s metav1.ConditionStatus, reason string) *metav1.Condition {
		return &metav1.Condition{Type: v1alpha1.ConditionReady, Status: s, Reason: reason, Message: "before"}
	}
	f, tr := metav1.ConditionFalse, metav1.ConditionTrue
	for _, tc := range []struct {
		name    string
		prev    *metav1.Condition
		status  metav1.ConditionStatus
		reason  string
		failing []string
		want    bool
	}{
		{"first reconcile fails", nil, f, v1alpha1.ReasonSecretNotFound, dataSourceFailureEvents, true},
		{"Synced to failing", cond(tr, v1alpha1.ReasonSynced), f, v1alpha1.ReasonConnectionNotReady, dataSourceFailureEvents, true},
		{"one failure to another", cond(f, v1alpha1.ReasonConnectionNotFound), f, v1alpha1.ReasonConflict, dataSourceFailureEvents, true},
		{"retry in the same reason", cond(f, v1alpha1.ReasonAdoptionDenied), f, v1alpha1.ReasonAdoptionDenied, dataSourceFailureEvents, false},
		{"recovery", cond(f, v1alpha1.ReasonSecretKeyNotFound), tr, v1alpha1.ReasonSynced, dataSourceFailureEvents, false},
		{"not a failure", nil, f, v1alpha1.ReasonSuspended, dataSourceFailureEvents, false},
		{"Rejected, which failedCall records", nil, f, v1alpha1.ReasonRejected, dataSourceFailureEvents, false},
		{"InvalidSpec, which failedCall records", nil, f, v1alpha1.ReasonInvalidSpec, dataSourceFailureEvents, false},
		{"Drifted, which Observe records", cond(tr, v1alpha1.ReasonObserved), f, v1alpha1.ReasonDrifted, dataSourceFailureEvents, false},
		{"same reason, Unknown before", cond(metav1.ConditionUnknown, v1alpha1.ReasonUnavailable), f, v1alpha1.ReasonUnavailable, dataSourceFailureEvents, true},
		{"connection refused", cond(tr, v1alpha1.ReasonConnected), f, v1alpha1.ReasonForbidden, connectionFailureEvents, true},
		{"connection refused again", cond(f, v1alpha1.ReasonForbidden), f, v1alpha1.ReasonForbidden, connectionFailureEvents, false},
		{"connection rejected", nil, f, v1alpha1.ReasonRejected, connectionFailureEvents, true},
		{"connection recovers", cond(f, v1alpha1.ReasonUnavailable), tr, v1alpha1.ReasonConnected, connectionFailureEvents, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := enteredFailure(tc.prev, tc.status, tc.reason, tc.failing); got != tc.want {
				t.Errorf("enteredFailure = %v, want %v", got, tc.want)
			}
		})
	}
}

// A retry that starts from a cached status older than the patch that
// entered a failure must not record it again; leaving the failure and
// entering it again records it again.
func TestFailureLogRecordsEachEntryOnce(t *testing.T) {
	failing := []string{v1alpha1.ReasonConflict}
	ready := &metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonSynced}
	conflict := &metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonConflict}
	var l failureLog
	steps := []struct {
		name string
		prev *metav1.Condition
		out  *metav1.Condition
		want bool
	}{
		{"entering the failure", ready, conflict, true},
		{"a retry whose cache still shows Ready", ready, conflict, false},
		{"a retry that sees the failure", conflict, conflict, false},
		{"leaving it", conflict, ready, false},
		{"entering it again", ready, conflict, true},
	}
	for _, st := range steps {
		if got := l.entered("ns/ds", st.prev, st.out.Status, st.out.Reason, failing); got != st.want {
			t.Errorf("%s: entered = %v, want %v", st.name, got, st.want)
		}
	}
	l.forget("ns/ds")
	if !l.entered("ns/ds", ready, metav1.ConditionFalse, v1alpha1.ReasonConflict, failing) {
		t.Errorf("an object created again under the name did not record its failure")
	}
}
