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
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// boundedRecorder cuts each event's note to the API's limit: the API server
// drops an event whose note is longer, so a long rejection from OpenSearch
// would otherwise vanish without a trace. Notes are built from text the
// client has already redacted.
type boundedRecorder struct {
	events.EventRecorder
}

func (r boundedRecorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...interface{}) {
	r.EventRecorder.Eventf(regarding, related, eventtype, reason, action, "%s",
		opensearch.Truncate(fmt.Sprintf(note, args...), opensearch.MaxEventNote))
}

// dataSourceFailureEvents are the failing Ready reasons of a DataSource that
// get a Warning event on entry. InvalidSpec and Rejected are left out
// because failedCall records them with OpenSearch's answer, and Drifted
// because Observe records each change in what it reports.
var dataSourceFailureEvents = []string{
	v1alpha1.ReasonSecretNotFound, v1alpha1.ReasonSecretKeyNotFound, v1alpha1.ReasonConnectionNotFound,
	v1alpha1.ReasonConnectionNotReady, v1alpha1.ReasonNamespaceNotAllowed, v1alpha1.ReasonAdoptionDenied,
	v1alpha1.ReasonObserveDenied, v1alpha1.ReasonConflict, v1alpha1.ReasonNotFound, v1alpha1.ReasonUnavailable,
}

// enteredFailure says whether a reconcile ending in Ready=status with
// reason is a transition into a failure worth a Warning event: the reason
// is one of failing, Ready is False, and the Ready condition the object had
// before (prev, nil if none) had another status or reason. A retry that
// meets the same failure again is not news, and `kubectl get events` would
// otherwise fill with copies; a message that changes within one reason (a
// new error text from the same outage) is not news either.
func enteredFailure(prev *metav1.Condition, status metav1.ConditionStatus, reason string, failing []string) bool {
	if status != metav1.ConditionFalse || !slices.Contains(failing, reason) {
		return false
	}
	return prev == nil || prev.Status != status || prev.Reason != reason
}

// connectionFailureEvents are the failing Ready reasons of a connection,
// each recorded with a Warning event on entry: no other event speaks of
// connections.
var connectionFailureEvents = []string{
	v1alpha1.ReasonSecretNotFound, v1alpha1.ReasonSecretKeyNotFound, v1alpha1.ReasonInvalidSpec,
	v1alpha1.ReasonForbidden, v1alpha1.ReasonRejected, v1alpha1.ReasonUnavailable, v1alpha1.ReasonTLSFailed,
}
