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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// TestKstatus computes, with the library Flux uses for health checks, the
// status of a DataSource after each kind of outcome: Current when synced,
// Failed when only a person can fix it, InProgress otherwise (a suspended
// DataSource too: kstatus reads its Ready=False as not there yet).
func TestKstatus(t *testing.T) {
	cases := []struct {
		reason string
		ready  metav1.ConditionStatus
		want   status.Status
	}{
		{v1alpha1.ReasonSynced, metav1.ConditionTrue, status.CurrentStatus},
		{v1alpha1.ReasonObserved, metav1.ConditionTrue, status.CurrentStatus},
		{v1alpha1.ReasonDrifted, metav1.ConditionFalse, status.FailedStatus},
		{v1alpha1.ReasonSuspended, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonInvalidSpec, metav1.ConditionFalse, status.FailedStatus},
		{v1alpha1.ReasonRejected, metav1.ConditionFalse, status.FailedStatus},
		{v1alpha1.ReasonConflict, metav1.ConditionFalse, status.FailedStatus},
		{v1alpha1.ReasonNamespaceNotAllowed, metav1.ConditionFalse, status.FailedStatus},
		{v1alpha1.ReasonNotFound, metav1.ConditionFalse, status.FailedStatus},
		{v1alpha1.ReasonConnectionNotFound, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonConnectionNotReady, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonSecretNotFound, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonSecretKeyNotFound, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonUnavailable, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonTLSFailed, metav1.ConditionFalse, status.InProgressStatus},
		{v1alpha1.ReasonDeleting, metav1.ConditionFalse, status.InProgressStatus},
	}
	for _, tc := range cases {
		t.Run(tc.reason, func(t *testing.T) {
			ds := stDataSource(2, v1alpha1.DataSourceStatus{})
			ds.APIVersion, ds.Kind = v1alpha1.GroupVersion.String(), "DataSource"
			ds.Status = *computeStatus(ds, outcome{ready: tc.ready, reason: tc.reason, message: "m"}, stT1)
			obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ds)
			if err != nil {
				t.Fatal(err)
			}
			res, err := status.Compute(&unstructured.Unstructured{Object: obj})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want {
				t.Errorf("kstatus = %s (%s), want %s; conditions %+v", res.Status, res.Message, tc.want, ds.Status.Conditions)
			}
		})
	}
}

// TestKstatusWaitsForTheOperator checks that a spec change the operator
// has not seen yet reads as InProgress, whatever the old conditions say.
func TestKstatusWaitsForTheOperator(t *testing.T) {
	ds := stDataSource(2, v1alpha1.DataSourceStatus{})
	ds.APIVersion, ds.Kind = v1alpha1.GroupVersion.String(), "DataSource"
	ds.Status = *computeStatus(ds, outcome{ready: metav1.ConditionTrue, reason: v1alpha1.ReasonSynced}, stT1)
	ds.Generation = 3
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ds)
	if err != nil {
		t.Fatal(err)
	}
	res, err := status.Compute(&unstructured.Unstructured{Object: obj})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != status.InProgressStatus {
		t.Errorf("kstatus = %s, want InProgress for an unobserved generation", res.Status)
	}
}
