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

// Package v1alpha1 contains the API of the OpenSearch data source operator:
// DataSource, which declares one data source of the OpenSearch SQL/PPL
// plugin's /_plugins/_query/_datasources API, and the two kinds that say
// which OpenSearch cluster to manage it on, OpenSearchConnection
// (namespaced) and ClusterOpenSearchConnection (cluster-scoped); and
// DataSourceSet, which declares one data source for every connection its
// selector matches.
//
// +kubebuilder:object:generate=true
// +groupName=opensearch.datasource-operator.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "opensearch.datasource-operator.io", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this package with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the kinds of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes registers the package's kinds; apimachinery's builder keeps
// the API package free of controller-runtime.
func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&DataSource{}, &DataSourceList{},
		&OpenSearchConnection{}, &OpenSearchConnectionList{},
		&ClusterOpenSearchConnection{}, &ClusterOpenSearchConnectionList{},
		&DataSourceSet{}, &DataSourceSetList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
