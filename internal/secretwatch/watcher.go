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

package secretwatch

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// syncTimeout bounds how long Get waits for a namespace's first list.
const syncTimeout = 30 * time.Second

// Owner is an object that references Secrets: its kind (one of the
// operator's three) and its key.
type Owner struct {
	Kind string
	types.NamespacedName
}

// Watcher reads the Secrets the operator's objects reference and tells
// their owners when one is created, changed or deleted. It runs one
// metadata-only watch of all namespaces when its RBAC allows, else one per
// namespace that holds a referenced Secret; it keeps the resourceVersion of
// referenced Secrets only, and reads a Secret's data with a GET when a
// reconcile asks for a version it has not read yet.
type Watcher struct {
	kube     kubernetes.Interface
	metadata metadata.Interface
	// pageSize is how many Secrets one list request asks for.
	pageSize int64

	// started is closed when Start has set ctx and clusterWide.
	started chan struct{}

	mu sync.Mutex
	// ctx is the manager's, set by Start.
	ctx context.Context
	// clusterWide is decided by Start: one watch of all namespaces.
	clusterWide bool
	// watches are keyed by namespace, or by "" for the cluster-wide one.
	watches map[string]*scopeWatch
	entries map[types.NamespacedName]*entry
	owned   map[Owner]map[types.NamespacedName]struct{}
	notify  map[string]chan event.GenericEvent
	newObj  map[string]func(types.NamespacedName) event.GenericEvent
}

// entry is what the watcher knows of one referenced Secret.
type entry struct {
	owners map[Owner]struct{}
	// known says that rv is what the API server last reported; until the
	// namespace's watch or a GET says so, Get asks the API server.
	known bool
	// rv is the Secret's resourceVersion; empty while it does not exist.
	rv string
	// changes counts the watch's reports of a new version, so that a GET
	// that overlapped one does not record an older version over it.
	changes uint64
	// secret is the Secret as read at secret.ResourceVersion, trimmed to
	// what callers use; nil until read.
	secret *corev1.Secret
}

// New returns a watcher that reads Secrets with kube and watches their
// metadata with meta. It must be added to the manager (it is a Runnable)
// before Get is called.
func New(kube kubernetes.Interface, meta metadata.Interface) *Watcher {
	return &Watcher{
		kube:     kube,
		metadata: meta,
		pageSize: listPageSize,
		started:  make(chan struct{}),
		watches:  map[string]*scopeWatch{},
		entries:  map[types.NamespacedName]*entry{},
		owned:    map[Owner]map[types.NamespacedName]struct{}{},
		notify:   map[string]chan event.GenericEvent{},
		newObj:   map[string]func(types.NamespacedName) event.GenericEvent{},
	}
}

// Subscribe returns the channel on which owners of kind are told that a
// Secret they reference changed. newEvent builds the event for one owner.
func (w *Watcher) Subscribe(kind string, newEvent func(types.NamespacedName) event.GenericEvent) <-chan event.GenericEvent {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan event.GenericEvent, 1024)
	w.notify[kind] = ch
	w.newObj[kind] = newEvent
	return ch
}

// Start implements manager.Runnable: it asks the API server whether it may
// watch Secrets cluster-wide, keeps the context the watches run under and
// stops them all when the manager stops.
func (w *Watcher) Start(ctx context.Context) error {
	clusterWide := mayWatchAllNamespaces(ctx, w.kube)
	log.FromContext(ctx).Info("watching the metadata of referenced Secrets", "clusterWide", clusterWide)
	w.mu.Lock()
	w.ctx, w.clusterWide = ctx, clusterWide
	w.mu.Unlock()
	close(w.started)
	<-ctx.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for key, sw := range w.watches {
		sw.cancel()
		delete(w.watches, key)
	}
	return nil
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: watches are
// started only on behalf of reconcilers, which run on the leader.
func (w *Watcher) NeedLeaderElection() bool { return false }

// Get returns the Secret nn, or nil when it does not exist, and records that
// owner references it so that a later change reaches the owner. The Secret
// carries its name, namespace, uid, resourceVersion, type and data only;
// callers must not modify it.
func (w *Watcher) Get(ctx context.Context, owner Owner, nn types.NamespacedName) (*corev1.Secret, error) {
	select {
	case <-w.started:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sw, err := w.reference(owner, nn)
	if err != nil {
		return nil, err
	}
	if err := w.waitSynced(ctx, sw, syncTimeout); err != nil {
		if apierrors.IsForbidden(err) {
			return nil, fmt.Errorf("the operator may not list and watch Secrets in namespace %s, where Secret %s is; "+
				"grant it that (the chart's RBAC for that namespace) or reference a Secret it may read: %w", nn.Namespace, nn.Name, err)
		}
		return nil, fmt.Errorf("watching Secret %s: %w", nn, err)
	}
	secret, changes, atLeast, read := w.cached(nn)
	if !read {
		return secret, nil
	}
	got, err := w.read(ctx, nn, atLeast)
	switch {
	case apierrors.IsNotFound(err):
		got = nil
	case err != nil:
		return nil, fmt.Errorf("reading Secret %s: %w", nn, err)
	default:
		got = trim(got)
	}
	w.record(nn, got, changes)
	return got, nil
}

// cached returns what is known of nn without asking the API server, or
// read=true and the watch's change count when the caller must GET it.
// atLeast is the version the watch last reported, when it reported one:
// the read need be no older than that.
func (w *Watcher) cached(nn types.NamespacedName) (secret *corev1.Secret, changes uint64, atLeast string, read bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.entries[nn]
	switch {
	case e == nil:
		return nil, 0, "", true
	case e.known && e.rv == "":
		return nil, 0, "", false
	case e.known && e.secret != nil && e.secret.ResourceVersion == e.rv:
		return e.secret, 0, "", false
	case e.known:
		return nil, e.changes, e.rv, true
	}
	return nil, e.changes, "", true
}

// read GETs nn. With atLeast, the version the watch reported, the API
// server answers from its watch cache instead of a quorum read from etcd:
// a version no older than one the watch has delivered is as fresh as the
// watch, and any later change is reported by the watch again. A server
// whose cache is behind that version (another replica of an HA control
// plane) answers "too large resource version"; then etcd is asked.
func (w *Watcher) read(ctx context.Context, nn types.NamespacedName, atLeast string) (*corev1.Secret, error) {
	secrets := w.kube.CoreV1().Secrets(nn.Namespace)
	if atLeast != "" {
		got, err := secrets.Get(ctx, nn.Name, metav1.GetOptions{ResourceVersion: atLeast})
		if !apierrors.HasStatusCause(err, metav1.CauseTypeResourceVersionTooLarge) {
			return got, err
		}
	}
	return secrets.Get(ctx, nn.Name, metav1.GetOptions{})
}

// record keeps what a GET returned (nil: not found) unless the watch
// reported a change while it was under way: that report is newer, and the
// owners it notified will read again.
func (w *Watcher) record(nn types.NamespacedName, got *corev1.Secret, changes uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.entries[nn]
	if e == nil {
		return
	}
	rv := ""
	if got != nil {
		rv = got.ResourceVersion
	}
	if e.changes == changes {
		e.known, e.rv = true, rv
	}
	if e.known && e.rv == rv {
		e.secret = got
	}
}

// trim keeps what callers use: a Secret's annotations may hold a copy of its
// data (kubectl's last-applied-configuration) and its managed fields are
// often larger than the data.
func trim(s *corev1.Secret) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, UID: s.UID, ResourceVersion: s.ResourceVersion},
		Type:       s.Type,
		Data:       s.Data,
	}
}

// Retain says that owner now references only keep; Secrets that no owner
// references any more are forgotten, and a watch stops with its last
// referenced Secret.
func (w *Watcher) Retain(owner Owner, keep []types.NamespacedName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wanted := make(map[types.NamespacedName]struct{}, len(keep))
	for _, nn := range keep {
		wanted[nn] = struct{}{}
	}
	for nn := range w.owned[owner] {
		if _, ok := wanted[nn]; ok {
			continue
		}
		delete(w.owned[owner], nn)
		w.release(owner, nn)
	}
	if len(w.owned[owner]) == 0 {
		delete(w.owned, owner)
	}
}

// release drops owner from nn's owners; w.mu is held.
func (w *Watcher) release(owner Owner, nn types.NamespacedName) {
	e, ok := w.entries[nn]
	if !ok {
		return
	}
	delete(e.owners, owner)
	if len(e.owners) > 0 {
		return
	}
	delete(w.entries, nn)
	key := w.watchKey(nn)
	if sw, ok := w.watches[key]; ok {
		delete(sw.names, nn)
		if len(sw.names) == 0 {
			sw.cancel()
			delete(w.watches, key)
		}
	}
}

// Watched returns how many Secrets are referenced (for metrics and tests).
func (w *Watcher) Watched() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.entries)
}

// Watches returns how many watches the watcher runs against the API
// server: none while nothing is referenced, then one, or one per namespace
// holding a referenced Secret when it may not watch all namespaces.
func (w *Watcher) Watches() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.watches)
}

// watchKey is the key of the watch that covers nn; w.mu is held.
func (w *Watcher) watchKey(nn types.NamespacedName) string {
	if w.clusterWide {
		return metav1.NamespaceAll
	}
	return nn.Namespace
}

// reference records that owner references nn and returns the watch that
// covers it, starting it if needed.
func (w *Watcher) reference(owner Owner, nn types.NamespacedName) (*scopeWatch, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctx.Err() != nil {
		return nil, fmt.Errorf("secret watcher stopped: %w", w.ctx.Err())
	}
	if w.owned[owner] == nil {
		w.owned[owner] = map[types.NamespacedName]struct{}{}
	}
	w.owned[owner][nn] = struct{}{}
	e, ok := w.entries[nn]
	if !ok {
		e = &entry{owners: map[Owner]struct{}{}}
		w.entries[nn] = e
	}
	e.owners[owner] = struct{}{}
	key := w.watchKey(nn)
	sw, ok := w.watches[key]
	if !ok {
		sw = w.startWatch(key)
		w.watches[key] = sw
	}
	sw.names[nn] = struct{}{}
	return sw, nil
}

// observed records that sw reports nn at rv (empty: gone) and tells nn's
// owners if that is news.
func (w *Watcher) observed(sw *scopeWatch, nn types.NamespacedName, rv string) {
	w.mu.Lock()
	if w.watches[w.watchKey(nn)] != sw {
		w.mu.Unlock()
		return
	}
	e, ok := w.entries[nn]
	if !ok || (e.known && e.rv == rv) {
		w.mu.Unlock()
		return
	}
	e.known, e.rv = true, rv
	e.changes++
	e.secret = nil
	w.tell(e)
}

// replaced records a namespace's full list. The first list of a watch is
// what Get is about to read, not news. The list holds only the Secrets
// that were referenced when it arrived, so a Secret missing from it may
// have been referenced since: it becomes unknown, and Get reads it.
func (w *Watcher) replaced(sw *scopeWatch, list []any) {
	w.mu.Lock()
	if w.watches[sw.key] != sw {
		w.mu.Unlock()
		return
	}
	present := make(map[types.NamespacedName]string, len(list))
	for _, obj := range list {
		if m, err := meta.Accessor(obj); err == nil {
			present[types.NamespacedName{Namespace: m.GetNamespace(), Name: m.GetName()}] = m.GetResourceVersion()
		}
	}
	first := !sw.isSynced()
	var changed []*entry
	for nn := range sw.names {
		e := w.entries[nn]
		if e == nil {
			continue
		}
		rv, ok := present[nn]
		switch {
		case e.known && e.rv == rv:
			continue
		case ok:
			e.known, e.rv = true, rv
		default:
			e.known = false
		}
		e.changes++
		e.secret = nil
		if !first {
			changed = append(changed, e)
		}
	}
	sw.markSynced()
	w.tell(changed...)
}

// tell sends an event to every owner of entries, then releases w.mu, which
// the caller holds; sending waits for room in the owners' queues.
func (w *Watcher) tell(entries ...*entry) {
	var events []event.GenericEvent
	var chans []chan event.GenericEvent
	for _, e := range entries {
		for owner := range e.owners {
			ch, newEvent := w.notify[owner.Kind], w.newObj[owner.Kind]
			if ch == nil {
				continue
			}
			events = append(events, newEvent(owner.NamespacedName))
			chans = append(chans, ch)
		}
	}
	done := w.ctx.Done()
	w.mu.Unlock()
	for i, ev := range events {
		select {
		case chans[i] <- ev:
		case <-done:
			return
		}
	}
}
