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
	"hash/maphash"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// Snapshot is one list call's answer for one connection: every name it
// listed, and the details of the data sources some DataSource names (see
// Snapshots.Keep). A hostile or merely large cluster can list many
// thousands of data sources no DataSource manages; holding each one's
// properties for every connection would grow the manager's memory with
// other people's data.
type Snapshot struct {
	FetchedAt time.Time
	// Source is the cluster the list was taken from (the connection's
	// normalised endpoint then): a list answers only for that cluster, and
	// a connection whose endpoint was edited has no list of the new one yet.
	Source string
	// Items holds the kept data sources by name.
	Items map[string]opensearch.RemoteDataSource
	// listed holds a hash of every listed name, sorted, so that a name
	// that was listed but not kept is told apart from a missing one.
	listed []uint64
	// Generation counts the changes in what the connection's lists showed
	// of the kept data sources: a stored snapshot keeps the generation of
	// the one it replaces when the server changed none of them (see
	// sameOnServer), and takes the next one otherwise. Whoever acts on a
	// list can tell from it whether there is anything new.
	Generation uint64
}

// Presence is what a snapshot knows of one name.
type Presence int

const (
	// Missing: the list did not have it.
	Missing Presence = iota
	// Kept: the list had it, and Items holds it.
	Kept
	// ListedNotKept: the list had it, but no DataSource named it then,
	// so its details were dropped; only a newer list has them.
	ListedNotKept
)

// Lookup says what the snapshot knows of name.
func (s *Snapshot) Lookup(name string) (opensearch.RemoteDataSource, Presence) {
	if it, ok := s.Items[name]; ok {
		return it, Kept
	}
	if _, found := slices.BinarySearch(s.listed, hashName(name)); found {
		return opensearch.RemoteDataSource{}, ListedNotKept
	}
	return opensearch.RemoteDataSource{}, Missing
}

// nameSeed makes name hashes unpredictable to a server choosing names, so
// that none can collide with a name a tenant uses.
var nameSeed = maphash.MakeSeed()

// hashName is what a snapshot keeps of a name it does not keep the details
// of: 8 bytes, whatever the name's length.
func hashName(name string) uint64 { return maphash.String(nameSeed, name) }

// Snapshots holds the latest list of each connection's data sources, so
// that one list call serves the drift checks of all of a connection's
// DataSources. Concurrent requests for a fresh list share one call.
type Snapshots struct {
	now func() time.Time
	// keep, when set, says which names of a connection's list to keep the
	// details of.
	keep func(conn ID) func(name string) bool

	mu       sync.Mutex
	latest   map[ID]*Snapshot
	inflight map[ID]*listCall
}

// Lister lists a connection's data sources, keeping the details of those
// keep accepts; the OpenSearch client is one.
type Lister interface {
	ListKept(ctx context.Context, keep func(name string) bool) (opensearch.Listing, error)
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

// Keep makes the snapshots of conn hold only the data sources whose names
// keep(conn) accepts, asked once per list as it starts; the decoder drops
// the rest as it reads them. Set it before the first list.
func (s *Snapshots) Keep(keep func(conn ID) func(name string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keep = keep
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
	listing, err := api.ListKept(context.Background(), s.keeper(conn))
	if err == nil {
		call.snap = newSnapshot(call, listing)
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

// keeper is what of conn's list to keep: everything without Keep.
func (s *Snapshots) keeper(conn ID) func(string) bool {
	s.mu.Lock()
	keep := s.keep
	s.mu.Unlock()
	if keep == nil {
		return nil
	}
	return keep(conn)
}

// newSnapshot is what call's list answered, kept as Lookup reads it.
func newSnapshot(call *listCall, listing opensearch.Listing) *Snapshot {
	snap := &Snapshot{FetchedAt: call.started, Source: call.source,
		Items:  make(map[string]opensearch.RemoteDataSource, len(listing.Items)),
		listed: make([]uint64, len(listing.Names))}
	for _, it := range listing.Items {
		snap.Items[it.Name] = it
	}
	for i, name := range listing.Names {
		snap.listed[i] = hashName(name)
	}
	slices.Sort(snap.listed)
	return snap
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
	case sameOnServer(cur, next):
		return cur.Generation
	}
	return cur.Generation + 1
}

// sameOnServer says whether the server changed none of the data sources
// either snapshot kept. What is kept changes with the DataSources, not
// the server: a name kept now that was listed without being kept before,
// or the reverse, is news to no DataSource but the one that began or
// stopped naming it, which is reconciled for that change anyway.
func sameOnServer(cur, next *Snapshot) bool {
	for name, it := range next.Items {
		before, presence := cur.Lookup(name)
		if presence == Missing || presence == Kept && !reflect.DeepEqual(before, it) {
			return false
		}
	}
	for name := range cur.Items {
		if _, presence := next.Lookup(name); presence == Missing {
			return false
		}
	}
	return true
}
