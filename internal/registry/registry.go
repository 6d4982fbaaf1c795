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

// Package registry keeps what the operator knows of each connection's
// OpenSearch cluster between reconciles: one client per connection (so that
// every reconciler talking to a cluster shares its connection pool and its
// detected dialect), the server's request to wait (429 with Retry-After),
// and the latest list of its data sources.
package registry

import (
	"errors"
	"sync"
	"time"
)

// ID identifies one connection object. Namespace is empty for the
// cluster-scoped kind.
type ID struct {
	Kind      string
	Namespace string
	Name      string
}

// String is the form used in metric labels, events, logs and field indexes:
// Kind/namespace/name, or Kind/name for the cluster-scoped kind.
func (id ID) String() string {
	if id.Namespace == "" {
		return id.Kind + "/" + id.Name
	}
	return id.Kind + "/" + id.Namespace + "/" + id.Name
}

// Throttle is a connection's server asking the operator to wait. It holds
// for every data source on the connection: the server's limit is not per
// data source.
type Throttle struct {
	Until   time.Time
	Message string
}

// Registry holds the clients, throttles and list snapshots of every
// connection. C is the client type; the registry only needs it to list.
type Registry[C Lister] struct {
	// Snapshots is the latest list of each connection's data sources.
	Snapshots *Snapshots

	mu        sync.Mutex
	clients   map[ID]cachedClient[C]
	throttles map[ID]Throttle
	// epochs holds the current epoch of each connection name in use: a
	// number drawn from lastEpoch when the name is first read after a
	// Forget, and never drawn again. Forget deletes the name's entry, so
	// that the next read draws a new number; a reconcile holding the old
	// one is told apart from one that read the successor, and a deleted
	// name leaves nothing behind.
	epochs    map[ID]uint64
	lastEpoch uint64
}

// ErrForgotten is returned by Client when the connection was forgotten
// (deleted) after the caller read it.
var ErrForgotten = errors.New("the connection was deleted while it was being used")

type cachedClient[C any] struct {
	hash   string
	client C
}

// New returns an empty registry whose snapshots are stamped with now.
func New[C Lister](now func() time.Time) *Registry[C] {
	return &Registry[C]{
		Snapshots: NewSnapshots(now),
		clients:   map[ID]cachedClient[C]{},
		throttles: map[ID]Throttle{},
		epochs:    map[ID]uint64{},
	}
}

// Epoch is id's epoch, which Forget ends. Read it before reading the
// connection object and hand it to Client; when the object does not
// exist, hand it to Release.
func (r *Registry[C]) Epoch(id ID) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.epochs[id]
	if !ok {
		r.lastEpoch++
		e = r.lastEpoch
		r.epochs[id] = e
	}
	return e
}

// Release drops id's epoch when the caller found no connection object and
// nothing is cached for it, so that names that DataSources reference but
// no connection has leave nothing behind either. A reconcile that read
// the same epoch and found the object (it was created in between) is told
// ErrForgotten and runs again on the creation's event.
func (r *Registry[C]) Release(id ID, epoch uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, cached := r.clients[id]; !cached && r.epochs[id] == epoch {
		delete(r.epochs, id)
	}
}

// Live reports whether id was not forgotten since epoch.
func (r *Registry[C]) Live(id ID, epoch uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.epochs[id] == epoch
}

// Client returns id's client when it was built from the same settings
// (hash covers the endpoint, options and Secret versions), and otherwise
// builds a new one. build receives the client it replaces, if any, so that
// what that one learned (a detected dialect) carries over.
//
// epoch is what Epoch returned before the caller read the connection: if
// the connection was forgotten since, Client returns ErrForgotten and
// caches nothing, so that a reconcile still running when its connection
// was deleted cannot bring the deleted connection's client back.
func (r *Registry[C]) Client(id ID, epoch uint64, hash string, build func(previous *C) (C, error)) (C, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.epochs[id] != epoch {
		var zero C
		return zero, ErrForgotten
	}
	cached, ok := r.clients[id]
	if ok && cached.hash == hash {
		return cached.client, nil
	}
	var previous *C
	if ok {
		previous = &cached.client
	}
	c, err := build(previous)
	if err != nil {
		var zero C
		return zero, err
	}
	// A replaced client is not closed: a reconcile may still be using it,
	// and it cleans up after itself once unreachable.
	r.clients[id] = cachedClient[C]{hash: hash, client: c}
	return c, nil
}

// Throttle records that id's server asked to be left alone until t.Until;
// a later Until wins over an earlier one.
func (r *Registry[C]) Throttle(id ID, t Throttle) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur, ok := r.throttles[id]; !ok || t.Until.After(cur.Until) {
		r.throttles[id] = t
	}
}

// Throttled returns the throttle in force on id at now, if any.
func (r *Registry[C]) Throttled(id ID, now time.Time) (Throttle, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.throttles[id]
	if ok && !now.Before(t.Until) {
		delete(r.throttles, id)
		return Throttle{}, false
	}
	return t, ok
}

// ClearThrottle lifts id's throttle: its server answered again.
func (r *Registry[C]) ClearThrottle(id ID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.throttles, id)
}

// Forget drops everything known of a deleted connection, which may come
// back under the same name pointing at another cluster, and ends its epoch.
func (r *Registry[C]) Forget(id ID) {
	r.mu.Lock()
	delete(r.epochs, id)
	delete(r.clients, id)
	delete(r.throttles, id)
	r.mu.Unlock()
	r.Snapshots.Forget(id)
}
