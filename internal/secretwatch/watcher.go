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

// Package secretwatch reads and watches exactly the Secrets the operator's
// objects reference, one name-scoped watch each, and tells their owners
// when one changes.
package secretwatch

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

// Owner is an object that references Secrets: its kind (one of the
// operator's three) and its key.
type Owner struct {
	Kind string
	types.NamespacedName
}

// Watcher reads and watches exactly the Secrets the operator's objects
// reference, each through its own watch scoped by name. A cluster-wide Secret
// informer would hold every Secret of the cluster in memory; this holds only
// the referenced ones, so memory does not grow with unrelated Secrets. A
// watch on a Secret that does not exist yet reports its creation, which is
// how SecretNotFound resolves without polling.
type Watcher struct {
	clientset kubernetes.Interface

	mu      sync.Mutex
	ctx     context.Context
	watches map[types.NamespacedName]*secretWatch
	owned   map[Owner]map[types.NamespacedName]struct{}
	notify  map[string]chan event.GenericEvent
	newObj  map[string]func(types.NamespacedName) event.GenericEvent
}

type secretWatch struct {
	informer cache.SharedIndexInformer
	cancel   context.CancelFunc
	owners   map[Owner]struct{}
}

// New returns a watcher that reads Secrets with clientset. It
// must be added to the manager (it is a Runnable) before Get is called.
func New(clientset kubernetes.Interface) *Watcher {
	return &Watcher{
		clientset: clientset,
		watches:   map[types.NamespacedName]*secretWatch{},
		owned:     map[Owner]map[types.NamespacedName]struct{}{},
		notify:    map[string]chan event.GenericEvent{},
		newObj:    map[string]func(types.NamespacedName) event.GenericEvent{},
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

// Start implements manager.Runnable: it keeps the context the watches run
// under and stops them all when the manager stops.
func (w *Watcher) Start(ctx context.Context) error {
	w.mu.Lock()
	w.ctx = ctx
	w.mu.Unlock()
	<-ctx.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for nn, sw := range w.watches {
		sw.cancel()
		delete(w.watches, nn)
	}
	return nil
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: watches are
// started only on behalf of reconcilers, which run on the leader.
func (w *Watcher) NeedLeaderElection() bool { return false }

// Get returns the Secret nn, or nil when it does not exist, and records that
// owner references it so that a later change reaches the owner.
func (w *Watcher) Get(ctx context.Context, owner Owner, nn types.NamespacedName) (*corev1.Secret, error) {
	informer, err := w.watch(owner, nn)
	if err != nil {
		return nil, err
	}
	if !informer.HasSynced() {
		syncCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if !cache.WaitForCacheSync(syncCtx.Done(), informer.HasSynced) {
			return nil, fmt.Errorf("timed out reading Secret %s", nn)
		}
	}
	obj, exists, err := informer.GetStore().GetByKey(nn.Namespace + "/" + nn.Name)
	if err != nil || !exists {
		return nil, err
	}
	return obj.(*corev1.Secret), nil
}

// Retain says that owner now references only keep; watches on Secrets that
// no owner references any more are stopped.
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
		if sw, ok := w.watches[nn]; ok {
			delete(sw.owners, owner)
			if len(sw.owners) == 0 {
				sw.cancel()
				delete(w.watches, nn)
			}
		}
	}
	if len(w.owned[owner]) == 0 {
		delete(w.owned, owner)
	}
}

// Watched returns how many Secrets are being watched (for tests and metrics).
func (w *Watcher) Watched() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.watches)
}

func (w *Watcher) watch(owner Owner, nn types.NamespacedName) (cache.SharedIndexInformer, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctx == nil {
		return nil, fmt.Errorf("secret watcher is not started")
	}
	if w.owned[owner] == nil {
		w.owned[owner] = map[types.NamespacedName]struct{}{}
	}
	w.owned[owner][nn] = struct{}{}
	if sw, ok := w.watches[nn]; ok {
		sw.owners[owner] = struct{}{}
		return sw.informer, nil
	}

	lw := cache.NewFilteredListWatchFromClient(w.clientset.CoreV1().RESTClient(), "secrets", nn.Namespace,
		func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermEqualSelector("metadata.name", nn.Name).String()
		})
	informer := cache.NewSharedIndexInformer(lw, &corev1.Secret{}, 0, cache.Indexers{})
	ctx, cancel := context.WithCancel(w.ctx)
	sw := &secretWatch{informer: informer, cancel: cancel, owners: map[Owner]struct{}{owner: {}}}
	w.watches[nn] = sw
	changed := func() { w.changed(nn) }
	// The initial list is what the caller of Get is about to read; only
	// later adds (a Secret created after it was referenced) are news.
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(_ any, initial bool) {
			if !initial {
				changed()
			}
		},
		UpdateFunc: func(oldObj, newObj any) {
			if oldObj.(*corev1.Secret).ResourceVersion != newObj.(*corev1.Secret).ResourceVersion {
				changed()
			}
		},
		DeleteFunc: func(any) { changed() },
	}); err != nil {
		cancel()
		delete(w.watches, nn)
		return nil, err
	}
	go informer.RunWithContext(ctx)
	return informer, nil
}

// changed tells every owner of nn.
func (w *Watcher) changed(nn types.NamespacedName) {
	w.mu.Lock()
	sw, ok := w.watches[nn]
	if !ok {
		w.mu.Unlock()
		return
	}
	events := make([]event.GenericEvent, 0, len(sw.owners))
	chans := make([]chan event.GenericEvent, 0, len(sw.owners))
	for owner := range sw.owners {
		ch, newEvent := w.notify[owner.Kind], w.newObj[owner.Kind]
		if ch == nil {
			continue
		}
		events = append(events, newEvent(owner.NamespacedName))
		chans = append(chans, ch)
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
