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
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

func TestReportLater(t *testing.T) {
	conn := v1alpha1.WrittenConnection{Kind: v1alpha1.KindOpenSearchConnection, Name: "os", UID: "u1", Endpoint: "http://os:9200"}
	keys := []string{"prometheus.auth.password"}
	readyDS := func(generation, observed int64, ready metav1.ConditionStatus, reason string) *v1alpha1.DataSource {
		ds := &v1alpha1.DataSource{Status: v1alpha1.DataSourceStatus{
			ObservedGeneration: observed, Connection: &conn, CredentialKeys: keys,
			Conditions: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: ready, Reason: reason, ObservedGeneration: observed}},
		}}
		ds.Generation = generation
		return ds
	}
	rewrite := func(change func(*outcome)) outcome {
		out := outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced, written: &opensearch.WriteResult{Message: "Updated"},
			owner: &ownership{connection: conn, credentialKeys: keys}}
		if change != nil {
			change(&out)
		}
		return out
	}
	otherConn := conn
	otherConn.Endpoint = "http://other:9200"
	tests := []struct {
		name string
		ds   *v1alpha1.DataSource
		out  outcome
		want bool
	}{
		{"a Secret rotation of a Ready DataSource", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced), rewrite(nil), true},
		{"nothing written", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced), rewrite(func(o *outcome) { o.written = nil }), false},
		{"a spec edit not yet observed", readyDS(3, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced), rewrite(nil), false},
		{"first write after an outage", readyDS(2, 2, metav1.ConditionFalse, v1alpha1.ReasonUnavailable), rewrite(nil), false},
		{"a drift correction", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.drift = driftFinding{kind: driftCorrected, fields: []string{"description"}} }), false},
		{"a move to another cluster", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.owner.connection = otherConn }), false},
		{"credential keys changed", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.owner.credentialKeys = nil }), false},
		{"adopted by this write", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.owner.adopted = true }), false},
		{"a write that asks to come back", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.result = ctrl.Result{RequeueAfter: time.Minute} }), false},
		{"an error", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.err = errors.New("boom") }), false},
		{"disowned", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.disown = true }), false},
		{"no ownership to record", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.owner = nil }), false},
		{"Ready for another reason (Observed)", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonObserved), rewrite(nil), false},
		{"status describes an older generation", func() *v1alpha1.DataSource {
			ds := readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced)
			ds.Status.ObservedGeneration = 1
			return ds
		}(), rewrite(nil), false},
		{"the server answered with another status", readyDS(2, 2, metav1.ConditionTrue, v1alpha1.ReasonSynced),
			rewrite(func(o *outcome) { o.written.Status = "ACTIVE" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reportLater(tt.ds, tt.out); got != tt.want {
				t.Errorf("reportLater = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWithUnreported(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	pending := &outcome{written: &opensearch.WriteResult{Message: "Updated"}, writtenAt: at, fingerprint: "new"}
	newer := &opensearch.WriteResult{Message: "Updated again"}
	tests := []struct {
		name        string
		out         outcome
		pending     *outcome
		wantMessage string
		wantAt      time.Time
		wantFP      string
	}{
		{"nothing pending", outcome{fingerprint: "fp"}, nil, "", time.Time{}, "fp"},
		{"a pending write is reported", outcome{}, pending, "Updated", at, "new"},
		{"a newer write wins", outcome{written: newer, fingerprint: "newest"}, pending, "Updated again", time.Time{}, "newest"},
		{"a newer fingerprint wins", outcome{fingerprint: "observed"}, pending, "Updated", at, "observed"},
		{"a read says more", outcome{observed: &opensearch.RemoteDataSource{Name: "x"}, fingerprint: "read"}, pending, "", time.Time{}, "read"},
		{"disowned", outcome{disown: true}, pending, "", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withUnreported(tt.out, tt.pending)
			msg := ""
			if got.written != nil {
				msg = got.written.Message
			}
			if msg != tt.wantMessage || !got.writtenAt.Equal(tt.wantAt) || got.fingerprint != tt.wantFP {
				t.Errorf("got message %q at %v fingerprint %q, want %q at %v fingerprint %q",
					msg, got.writtenAt, got.fingerprint, tt.wantMessage, tt.wantAt, tt.wantFP)
			}
		})
	}
}
