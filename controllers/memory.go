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

	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// applied is what this process knows of one DataSource beyond its status.
type applied struct {
	// checked is when the DataSource was last known to match OpenSearch: its
	// last successful write or the fetch time of the list it was last
	// compared with. A list older than that says nothing new.
	checked time.Time
	// fingerprint and synced are those of the last status this process
	// wrote. The cache shows that status only some time after the patch;
	// until then they keep a second write of the same body away.
	fingerprint string
	synced      bool
	// observed is the fingerprint of the spec last compared under
	// managementPolicy Observe: a different one is compared with a fresh
	// list, not one that may predate the data source.
	observed string
	// credentialKeys are the credential-named properties last written.
	// OpenSearch strips them from what it returns, so status.credentialKeys
	// is how one dropped from the spec is noticed (and removed from a
	// server that merges properties); this copy covers the time before the
	// cache shows that status.
	credentialKeys []string
	// written is the data source as this process last wrote it to
	// writtenTo (claimKey of target and name), as a list right after would
	// show it. Until a newer list, it stands in for a read: what a merging
	// PUT would leave behind is computed from it.
	written   *opensearch.RemoteDataSource
	writtenTo string
	// unreported is a successful write whose status patch was left to
	// the next reconcile (see reportLater); until then the status shows
	// the write before it.
	unreported *outcome
}

// memory holds applied per DataSource.
//
// Invariant: an entry describes the object with that UID and nothing else,
// so a DataSource deleted and re-created under the same name starts empty;
// and the status is the record wherever it can be: an entry only adds what
// the cache cannot show yet (fingerprint, credentialKeys, synced, a write
// reported later) or what status has no field for (checked, observed).
//
// claims records which DataSource last wrote each data source (by target
// endpoint and name) in this process. Two DataSources created in the same
// second can both pass the conflict check before either status shows a
// write; the claim, taken under the lock at write time, lets only the
// first one write.
type memory struct {
	mu      sync.Mutex
	byUID   map[types.UID]applied
	byName  map[types.NamespacedName]types.UID
	claims  map[string]types.UID
	claimOf map[types.UID]string
}

func newMemory() *memory {
	return &memory{byUID: map[types.UID]applied{}, byName: map[types.NamespacedName]types.UID{},
		claims: map[string]types.UID{}, claimOf: map[types.UID]string{}}
}

// claim records uid as the writer of key unless another UID holds it; it
// returns the holder.
func (m *memory) claim(key string, uid types.UID) types.UID {
	m.mu.Lock()
	defer m.mu.Unlock()
	if holder, ok := m.claims[key]; ok && holder != uid {
		return holder
	}
	if old, ok := m.claimOf[uid]; ok && old != key {
		delete(m.claims, old)
	}
	m.claims[key], m.claimOf[uid] = uid, key
	return uid
}

// unclaim drops uid's claim, if any.
func (m *memory) unclaim(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if key, ok := m.claimOf[uid]; ok {
		delete(m.claims, key)
		delete(m.claimOf, uid)
	}
}

// claimant returns the UID holding key; empty when none does.
func (m *memory) claimant(key string) types.UID {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.claims[key]
}

// get returns what is known of uid; the zero value when nothing is.
func (m *memory) get(uid types.UID) applied {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byUID[uid]
}

// update changes the entry of the object nn with uid, replacing an entry
// of an earlier object of the same name.
func (m *memory) update(nn types.NamespacedName, uid types.UID, change func(*applied)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.byName[nn]; ok && old != uid {
		delete(m.byUID, old)
	}
	m.byName[nn] = uid
	a := m.byUID[uid]
	change(&a)
	m.byUID[uid] = a
}

// forget drops the entry and the claim of the object named nn.
func (m *memory) forget(nn types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	uid := m.byName[nn]
	delete(m.byUID, uid)
	delete(m.byName, nn)
	if key, ok := m.claimOf[uid]; ok {
		delete(m.claims, key)
		delete(m.claimOf, uid)
	}
}
