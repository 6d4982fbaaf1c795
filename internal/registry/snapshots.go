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

package registry

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// Snapshot is every data source of one connection, as one list call
// returned them.
type Snapshot struct {
	FetchedAt time.Time
	// Source is the cluster the list was taken from (the connection's
	// normalised endpoint then): a list answers only for that cluster, and
	// a connection whose endpoint was edited has no list of the new one yet.
	Source string
	Items  map[string]opensearch.RemoteDataSource
	// Generation counts the changes in what the connection's lists showed:
	// a stored snapshot keeps the generation of the one it replaces when
	// their items are equal, and takes the next one otherwise. Whoever
	// acts on a list can tell from it whether there is anything new.
	Generation uint64
}

// Snapshots holds the latest list of each connection's data sources, so
// that one list call serves the drift checks of all of a connection's
// DataSources. Concurrent requests for a fresh list share one call.
type Snapshots struct {
	now func() time.Time

	mu       sync.Mutex
	latest   map[ID]*Snapshot
	inflight map[ID]*listCall
}

// Lister lists a connection's data sources; the OpenSearch client is one.
type Lister interface {
	List(ctx context.Context) ([]opensearch.RemoteDataSource, error)
}

type listCall struct {
	source  string
	started time.Time
	done    chan struct{}
	snap    *Snapshot
	err     error
}

// NewSnapshots returns an empty store that stamps lists with now.
func NewSnapshots(now func() time.Time) *Snapshots {
	return &Snapshots{now: now, latest: map[ID]*Snapshot{}, inflight: map[ID]*listCall{}}
}

// Latest returns the connection's last snapshot of the cluster at source,
// or nil.
func (s *Snapshots) Latest(conn ID, source string) *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if snap := s.latest[conn]; snap != nil && snap.Source == source {
		return snap
	}
	return nil
}

// Fresh returns a snapshot of conn's cluster at source fetched after
// notBefore, listing through api only when neither the stored snapshot nor
// a list already in flight is recent enough and of that cluster.
func (s *Snapshots) Fresh(ctx context.Context, conn ID, source string, api Lister, notBefore time.Time) (*Snapshot, error) {
	s.mu.Lock()
	if snap := s.latest[conn]; snap != nil && snap.Source == source && snap.FetchedAt.After(notBefore) {
		s.mu.Unlock()
		return snap, nil
	}
	call := s.inflight[conn]
	if call == nil || call.source != source || !call.started.After(notBefore) {
		call = &listCall{source: source, started: s.now(), done: make(chan struct{})}
		s.inflight[conn] = call
		go s.list(conn, api, call)
	}
	s.mu.Unlock()

	select {
	case <-call.done:
		return call.snap, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// list runs detached from any one reconcile's context, because other
// reconciles may be waiting on the same call.
func (s *Snapshots) list(conn ID, api Lister, call *listCall) {
	items, err := api.List(context.Background())
	if err == nil {
		snap := &Snapshot{FetchedAt: call.started, Source: call.source, Items: make(map[string]opensearch.RemoteDataSource, len(items))}
		for _, it := range items {
			snap.Items[it.Name] = it
		}
		call.snap = snap
	}
	call.err = err
	s.mu.Lock()
	// Only the call still registered may store its result: a newer call
	// replaced it, or Forget dropped the connection (which may come back
	// under the same name pointing at another cluster).
	if s.inflight[conn] == call {
		delete(s.inflight, conn)
		if err == nil {
			if cur := s.latest[conn]; cur == nil || cur.Source != call.source || cur.FetchedAt.Before(call.snap.FetchedAt) {
				call.snap.Generation = nextGeneration(cur, call.snap)
				s.latest[conn] = call.snap
			}
		}
	}
	s.mu.Unlock()
	close(call.done)
}

// Forget drops a deleted connection's snapshot and disowns a list in
// flight for it.
func (s *Snapshots) Forget(conn ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.latest, conn)
	delete(s.inflight, conn)
}

// nextGeneration is the generation of next, which replaces cur.
func nextGeneration(cur, next *Snapshot) uint64 {
	switch {
	case cur == nil:
		return 1
	case reflect.DeepEqual(cur.Items, next.Items):
		return cur.Generation
	}
	return cur.Generation + 1
}
