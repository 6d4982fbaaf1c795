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
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func TestCacheTransform(t *testing.T) {
	managed := []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationUpdate,
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:spec":{}}`)}}
	lastApplied := corev1.LastAppliedConfigAnnotation
	tombstone := toolscache.DeletedFinalStateUnknown{Key: "ns/gone", Obj: &v1alpha1.DataSource{}}
	for _, tc := range []struct {
		name    string
		in, out any
	}{
		{"managedFields and the last-applied annotation go, other annotations stay",
			&v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Name: "a", ManagedFields: managed,
				Annotations: map[string]string{lastApplied: "{}", "team": "x"}}, Spec: v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "prometheus"}}},
			&v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Name: "a", Annotations: map[string]string{"team": "x"}},
				Spec: v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Connector: "prometheus"}}}},
		{"no annotation left is no map",
			&v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: "c", Annotations: map[string]string{lastApplied: "{}"}}},
			&v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: "c"}}},
		{"a Namespace keeps its metadata only",
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"tenant": "a"}, ManagedFields: managed},
				Spec:   corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
				Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}},
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"tenant": "a"}}}},
		{"an object with nothing to drop is unchanged",
			&v1alpha1.ClusterOpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: "k", Labels: map[string]string{"a": "b"}}},
			&v1alpha1.ClusterOpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: "k", Labels: map[string]string{"a": "b"}}}},
		{"a tombstone passes as it is", tombstone, tombstone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cacheTransform(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.out) {
				t.Errorf("cacheTransform:\n got %#v\nwant %#v", got, tc.out)
			}
		})
	}
}
