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
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// keepRuleTimeout bounds namedOn's read of the cache.
const keepRuleTimeout = 5 * time.Second

// namedOn is the snapshots' keep rule: of a connection's list, keep the
// data sources that a DataSource on that connection names. The rest are
// other people's, and a cluster may list thousands of them. A DataSource
// created after a list finds its name ListedNotKept there and asks for a
// newer list or reads it (see pickSnapshot, useLatestList).
//
// When the cache cannot answer, everything is kept: memory is the cost of
// the error, not a wrong "missing".
func namedOn(reader client.Reader) func(registry.ID) func(string) bool {
	keepAll := func(string) bool { return true }
	return func(id registry.ID) func(string) bool {
		// A cache that has not synced would block the list waiting on it.
		ctx, cancel := context.WithTimeout(context.Background(), keepRuleTimeout)
		defer cancel()
		var list v1alpha1.DataSourceList
		// The cached objects are only read here: no copy of each is needed.
		err := reader.List(ctx, &list, client.MatchingFields{indexDataSourceConnection: id.String()},
			client.UnsafeDisableDeepCopy)
		if err != nil {
			return keepAll
		}
		names := make(map[string]struct{}, len(list.Items))
		for i := range list.Items {
			names[dataSourceName(&list.Items[i])] = struct{}{}
		}
		return func(name string) bool {
			_, ok := names[name]
			return ok
		}
	}
}
