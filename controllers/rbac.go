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

// The manager's permissions. Secrets are read one by one when referenced,
// and only their metadata is listed and watched (see internal/secretwatch):
// their values are never cached beyond the referenced ones. Connection specs are only read; a DataSource is patched
// only to add or remove the finalizer.
//
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasources,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=opensearchconnections;clusteropensearchconnections,verbs=get;list;watch
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasources/status;opensearchconnections/status;clusteropensearchconnections/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasources/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
