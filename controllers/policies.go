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
	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// deletionPolicy is spec.deletionPolicy, or when it is unset the
// connector's default: Retain where deleting the data source also loses
// the data built on it (s3glue, security_lake), Delete elsewhere.
func deletionPolicy(spec *v1alpha1.DataSourceSpec) v1alpha1.DeletionPolicy {
	switch {
	case spec.DeletionPolicy != "":
		return spec.DeletionPolicy
	case opensearch.LosesDataOnDelete(spec.Connector):
		return v1alpha1.DeletionRetain
	}
	return v1alpha1.DeletionDelete
}

// retainReason says why deletionPolicy keeps the data source, naming
// the connector when the policy was not written in the spec.
func retainReason(spec *v1alpha1.DataSourceSpec) string {
	if spec.DeletionPolicy == "" {
		return "deletionPolicy is Retain (the default for connector " + spec.Connector +
			", whose Flint indices OpenSearch drops with the data source)"
	}
	return "deletionPolicy is Retain"
}

// mayRecreate says whether spec.recreatePolicy, or when it is unset the
// connector's default, lets the operator delete the data source and create
// it again: not where that loses the data built on it.
func mayRecreate(spec *v1alpha1.DataSourceSpec) bool {
	if spec.RecreatePolicy != "" {
		return spec.RecreatePolicy == v1alpha1.RecreateAllow
	}
	return !opensearch.LosesDataOnDelete(spec.Connector)
}
