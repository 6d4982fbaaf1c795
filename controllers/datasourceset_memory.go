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
	"sync"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// setMemory remembers, per set, the rollout status this process last
// wrote. Only the set controller writes a set's status, so a cached set
// whose status.rollout differs from it is older than the API server's
// copy: planning from it would take the rollout back (to an earlier wave,
// or spend a resume value a second time) and write that back, and nothing
// would run the set again to put it right, as its own status changes do
// not reconcile it. The zero value is ready for use.
type setMemory struct {
	mu   sync.Mutex
	last map[types.NamespacedName]rememberedRollout
}

type rememberedRollout struct {
	uid     types.UID
	rollout *v1alpha1.RolloutStatus
}

// behind says whether set, as read, lacks the rollout status this process
// last wrote for it.
func (m *setMemory) behind(set *v1alpha1.DataSourceSet) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok := m.last[types.NamespacedName{Namespace: set.Namespace, Name: set.Name}]
	return ok && last.uid == set.UID && !equality.Semantic.DeepEqual(last.rollout, set.Status.Rollout)
}

// wrote records the rollout status set now has on the API server.
func (m *setMemory) wrote(set *v1alpha1.DataSourceSet) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[types.NamespacedName]rememberedRollout{}
	}
	m.last[types.NamespacedName{Namespace: set.Namespace, Name: set.Name}] = rememberedRollout{
		uid: set.UID, rollout: set.Status.Rollout.DeepCopy()}
}

// forget drops what is kept of a set that is gone.
func (m *setMemory) forget(nn types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.last, nn)
}
