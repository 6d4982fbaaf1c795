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
	"sync"

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
	v1alpha1.ReasonMasterKeyMissing, v1alpha1.ReasonHostUnresolvable, v1alpha1.ReasonHostDenied, v1alpha1.ReasonLimitReached,
	v1alpha1.ReasonAPIDisabled, v1alpha1.ReasonRecreateRequired,
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

// failureLog remembers, per object, the failing Ready reason last recorded
// with an event. The status a reconcile starts from is the cache's, which
// can lag the patch that entered the reason; without this a retry in that
// moment would record the same failure again. It only saves a repeat, so
// losing it (a restart) costs at most one event.
type failureLog struct {
	mu   sync.Mutex
	last map[string]string
}

// entered says whether the reconcile of the object key, ending in
// Ready=status with reason after prev, entered a failing reason this
// process has not recorded yet, and remembers what it ended in.
func (l *failureLog) entered(key string, prev *metav1.Condition, status metav1.ConditionStatus, reason string, failing []string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = map[string]string{}
	}
	if status != metav1.ConditionFalse || !slices.Contains(failing, reason) {
		delete(l.last, key)
		return false
	}
	recorded := l.last[key] == reason
	l.last[key] = reason
	return !recorded && enteredFailure(prev, status, reason, failing)
}

// forget drops what is remembered of the object key, which is gone.
func (l *failureLog) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.last, key)
}

// connectionFailureEvents are the failing Ready reasons of a connection,
// each recorded with a Warning event on entry: no other event speaks of
// connections.
var connectionFailureEvents = []string{
	v1alpha1.ReasonSecretNotFound, v1alpha1.ReasonSecretKeyNotFound, v1alpha1.ReasonInvalidSpec,
	v1alpha1.ReasonForbidden, v1alpha1.ReasonRejected, v1alpha1.ReasonUnavailable, v1alpha1.ReasonTLSFailed,
	v1alpha1.ReasonAPIDisabled,
}
