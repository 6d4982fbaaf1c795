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
	"time"

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
// not reconcile it. A write is trusted for setMemoryWindow only: a cache
// lags by moments, and a longer difference is another process's write (a
// leader before this one), which the cache then shows correctly. The zero
// value is ready for use.
type setMemory struct {
	mu   sync.Mutex
	last map[types.NamespacedName]rememberedRollout
}

type rememberedRollout struct {
	uid     types.UID
	rollout *v1alpha1.RolloutStatus
	at      time.Time
}

// setMemoryWindow is how long after a status write a cached set that lacks
// it counts as behind.
const setMemoryWindow = 10 * time.Second

// behind says whether set, as read at now, lacks the rollout status this
// process wrote for it within setMemoryWindow.
func (m *setMemory) behind(set *v1alpha1.DataSourceSet, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok := m.last[types.NamespacedName{Namespace: set.Namespace, Name: set.Name}]
	return ok && last.uid == set.UID && now.Sub(last.at) < setMemoryWindow &&
		!equality.Semantic.DeepEqual(last.rollout, set.Status.Rollout)
}

// wrote records the rollout status set has on the API server since now.
func (m *setMemory) wrote(set *v1alpha1.DataSourceSet, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[types.NamespacedName]rememberedRollout{}
	}
	m.last[types.NamespacedName{Namespace: set.Namespace, Name: set.Name}] = rememberedRollout{
		uid: set.UID, rollout: set.Status.Rollout.DeepCopy(), at: now}
}

// forget drops what is kept of a set that is gone.
func (m *setMemory) forget(nn types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.last, nn)
}
