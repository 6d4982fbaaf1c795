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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

const driftPrefix = "Changed outside Kubernetes: "

// differsPrefix starts the message of an Observe DataSource's Drifted
// condition: nothing says the data source was ever written from
// Kubernetes, so only that it differs is known.
const differsPrefix = "Differs from the spec: "

// inSyncMessage is the message of Drifted False InSync.
const inSyncMessage = "The data source matches the spec"

// driftKind is what a reconcile found when it compared the data source
// with the spec, if it compared at all.
type driftKind int

const (
	// driftNotCompared leaves the Drifted condition as it is: nothing was
	// compared, or the comparison had nothing new to say.
	driftNotCompared driftKind = iota
	// driftChanged: a data source this DataSource writes was changed
	// outside Kubernetes in fields.
	driftChanged
	// driftDiffers: an observed data source differs from the spec in
	// fields.
	driftDiffers
	// driftObservedMatch: an observed data source matches the spec.
	driftObservedMatch
	// driftMatched: a data source this DataSource writes already matched
	// the spec, so a drift reported earlier is over.
	driftMatched
	// driftCorrected: a write put the spec back over fields.
	driftCorrected
)

// driftFinding is what the steps of one reconcile learnt of drift; the
// Drifted condition is computed from it in one place, driftedCondition.
type driftFinding struct {
	kind   driftKind
	fields []string
}

// driftedCondition is the Drifted condition after a reconcile that found f,
// given the previous one (nil when there is none), or nil when Drifted
// stays as it is. A DataSource that never drifted carries no Drifted
// condition (see computeStatus); an observed one always does, because
// Observe exists to report the comparison.
func driftedCondition(prev *metav1.Condition, f driftFinding) *metav1.Condition {
	fields := strings.Join(f.fields, ", ")
	cond := func(status metav1.ConditionStatus, reason, message string) *metav1.Condition {
		return &metav1.Condition{Type: v1alpha1.ConditionDrifted, Status: status, Reason: reason, Message: message}
	}
	wasDrifted := prev != nil && prev.Status == metav1.ConditionTrue
	switch f.kind {
	case driftNotCompared:
		return nil
	case driftChanged:
		return cond(metav1.ConditionTrue, v1alpha1.ReasonRemoteChanged, driftPrefix+fields)
	case driftDiffers:
		return cond(metav1.ConditionTrue, v1alpha1.ReasonDiffers, differsPrefix+fields)
	case driftObservedMatch:
		return cond(metav1.ConditionFalse, v1alpha1.ReasonInSync, inSyncMessage)
	case driftMatched:
		if wasDrifted {
			return cond(metav1.ConditionFalse, v1alpha1.ReasonInSync, inSyncMessage)
		}
	case driftCorrected:
		if len(f.fields) > 0 {
			return cond(metav1.ConditionFalse, v1alpha1.ReasonCorrected, "Corrected: "+fields)
		}
	}
	return nil
}

// fieldsToCorrect are the fields a successful write corrects: those the
// drift check found changed, else those an earlier reconcile reported
// drifted and failed to correct. None when nothing drifted.
func fieldsToCorrect(prev *metav1.Condition, found []string) []string {
	if len(found) > 0 {
		return found
	}
	if prev == nil || prev.Status != metav1.ConditionTrue {
		return nil
	}
	return []string{strings.TrimPrefix(strings.TrimPrefix(prev.Message, driftPrefix), differsPrefix)}
}
