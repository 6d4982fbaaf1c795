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
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// probeKind is how a connection's probe ended.
type probeKind int

const (
	// probeNotRun: the connection's own objects could not be read; the
	// reconcile is retried and Ready is left as it is.
	probeNotRun probeKind = iota
	// probeStands: nothing was asked of the server because the last probe
	// stands for an edit that changes nothing the client is built from.
	probeStands
	// probeRefused: the connection cannot be used as it is (a missing
	// Secret, an endpoint the operator may not reach); nothing was sent.
	probeRefused
	// probeFailed: the server did not answer in full.
	probeFailed
	// probeAnswered: the server answered, and its data sources were listed.
	probeAnswered
)

// probeFinding is what one probe found; connectionStatus turns it into the
// connection's status, in one place.
type probeFinding struct {
	kind            probeKind
	reason, message string
	// dialect is the client's after the probe: an Auto client may have
	// resolved it.
	dialect opensearch.Dialect
	info    opensearch.ServerInfo

	result ctrl.Result
	err    error
}

// connectionStatus is the connection's status after a probe that found f:
// the previous status with Ready, dialect, version and cluster identity
// set from f, for generation, with the settings the operator's limits
// changed named in the message.
func connectionStatus(prev *v1alpha1.ConnectionStatus, f probeFinding, generation int64, clamped []string, now metav1.Time) *v1alpha1.ConnectionStatus {
	st := prev.DeepCopy()
	st.ObservedGeneration = generation
	ready := metav1.Condition{Type: v1alpha1.ConditionReady, ObservedGeneration: generation}
	switch f.kind {
	case probeNotRun:
		return st
	case probeStands:
		c := meta.FindStatusCondition(prev.Conditions, v1alpha1.ConditionReady)
		if c == nil {
			return st
		}
		ready.Status, ready.Reason, ready.Message = c.Status, c.Reason, c.Message
	case probeRefused:
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, f.reason, f.message
	case probeFailed:
		// Which cluster answers is known only while one does.
		st.Dialect, st.ClusterUUID = v1alpha1.Dialect(f.dialect), ""
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, f.reason, f.message
	case probeAnswered:
		st.Dialect, st.Version, st.ClusterUUID = v1alpha1.Dialect(f.dialect), f.info.Version, f.info.ClusterUUID
		ready.Status, ready.Reason, ready.Message = metav1.ConditionTrue, v1alpha1.ReasonConnected, answeredMessage(f.info)
	}
	ready.Message = opensearch.Truncate(withClamped(ready.Message, clamped), opensearch.MaxStatusMessage)
	setReady(&st.Conditions, ready, now)
	return st
}

func answeredMessage(info opensearch.ServerInfo) string {
	msg := fmt.Sprintf("OpenSearch %s answered; the data source API is present and permitted", info.Version)
	if info.ClusterUUID == "" {
		msg += "; it reported no cluster_uuid, so the cluster is identified by its endpoint"
	}
	return msg
}
