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
	"reflect"

	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// WatchLabelSelector limits opts' cache to the DataSources,
// OpenSearchConnections, ClusterOpenSearchConnections and DataSourceSets
// (whose children need the label too: see spec.template.metadata.labels)
// whose labels match selector (label-selector syntax, as kubectl -l takes
// it), so that several managers with disjoint selectors split a fleet
// between them. Objects that do not match are not even cached: the manager
// neither lists nor watches them, so it cannot touch them. Secrets and Namespaces are not filtered: a
// shard's connections and DataSources may name any Secret. An empty
// selector leaves opts as they are.
func WatchLabelSelector(opts ctrl.Options, selector string) (ctrl.Options, error) {
	if selector == "" {
		return opts, nil
	}
	sel, err := labels.Parse(selector)
	if err != nil {
		return opts, fmt.Errorf("--watch-label-selector %q: %w", selector, err)
	}
	byObject := make(map[client.Object]cache.ByObject, len(opts.Cache.ByObject)+4)
	filtered := map[reflect.Type]bool{}
	for obj, c := range opts.Cache.ByObject {
		if shardedKind(obj) {
			// Keep what the caller set for the kind (namespaces, a
			// transform); the selector is the shard's.
			c.Label = sel
			filtered[reflect.TypeOf(obj)] = true
		}
		byObject[obj] = c
	}
	for _, obj := range shardedObjects() {
		if !filtered[reflect.TypeOf(obj)] {
			byObject[obj] = cache.ByObject{Label: sel}
		}
	}
	opts.Cache.ByObject = byObject
	return opts, nil
}

// shardedObjects are the kinds a shard's selector filters.
func shardedObjects() []client.Object {
	return []client.Object{&v1alpha1.DataSource{}, &v1alpha1.OpenSearchConnection{}, &v1alpha1.ClusterOpenSearchConnection{}, &v1alpha1.DataSourceSet{}}
}

func shardedKind(obj client.Object) bool {
	for _, o := range shardedObjects() {
		if reflect.TypeOf(o) == reflect.TypeOf(obj) {
			return true
		}
	}
	return false
}
