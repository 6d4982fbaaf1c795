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
	"errors"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/tools/cache"
)

var secretsResource = corev1.SchemeGroupVersion.WithResource("secrets")

// scopeWatch is the metadata-only watch of the Secrets of one namespace,
// or of all namespaces.
type scopeWatch struct {
	// key is the namespace watched, empty for all.
	key    string
	cancel context.CancelFunc
	// names are the referenced Secrets the watch covers; it stops when the
	// last one is released.
	names map[types.NamespacedName]struct{}
	// synced is closed once the first list has been recorded.
	synced chan struct{}
	// denied is closed while the API server refuses the watch's lists
	// (Forbidden), and deniedErr says how; a list that succeeds later
	// replaces both. Get fails at once on it rather than wait out
	// syncTimeout for a list RBAC will not allow. The watcher's lock
	// guards both.
	denied    chan struct{}
	deniedErr error
}

// mayWatchAllNamespaces asks the API server whether the watcher may list
// and watch Secrets in every namespace: the cluster-wide RBAC grants it,
// the RBAC of a manager limited to some namespaces does not. Asking spares
// the watcher a denied request; if the question fails, per-namespace
// watches are the safe answer.
func mayWatchAllNamespaces(ctx context.Context, kube kubernetes.Interface) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, verb := range []string{"list", "watch"} {
		review, err := kube.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Verb: verb, Resource: "secrets",
			}},
		}, metav1.CreateOptions{})
		if err != nil || !review.Status.Allowed {
			return false
		}
	}
	return true
}

// startWatch starts the watch of namespace key (all namespaces: empty)
// under the watcher's context; w.mu is held. The reflector lists and
// watches metadata only, so the API server never sends the data of other
// Secrets, and what it reports of them is dropped as it arrives: unrelated
// Secrets cost their decoding, not memory.
func (w *Watcher) startWatch(key string) *scopeWatch {
	ctx, cancel := context.WithCancel(w.ctx)
	sw := &scopeWatch{key: key, cancel: cancel, names: map[types.NamespacedName]struct{}{}, synced: make(chan struct{}),
		denied: make(chan struct{})}
	client := w.metadata.Resource(secretsResource).Namespace(key)
	lw := cache.ToListWatcherWithWatchListSemantics(&cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return w.listReferenced(ctx, client, sw, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			events, err := client.Watch(ctx, opts)
			if err != nil {
				return nil, err
			}
			return watch.Filter(events, func(ev watch.Event) (watch.Event, bool) {
				return ev, w.keep(sw, ev)
			}), nil
		},
	}, w.metadata)
	name := "secret metadata in namespace " + key
	if key == metav1.NamespaceAll {
		name = "secret metadata in all namespaces"
	}
	reflector := cache.NewReflectorWithOptions(lw, &metav1.PartialObjectMetadata{}, &referencedStore{w: w, sw: sw},
		cache.ReflectorOptions{Name: name})
	go reflector.RunWithContext(ctx)
	return sw
}

// listPageSize is how many Secrets one list request asks for: enough that
// a cluster of thousands lists in a few requests, few enough that the
// metadata of one page (managedFields included) stays small.
const listPageSize = 500

// listReferenced lists the scope's Secrets a page at a time, keeping of
// each page only the Secrets something references, so that at most one
// page of other Secrets' metadata is held at once. The reflector's first
// list asks for any version ("0"), which the API server answers from its
// cache in one piece whatever the limit; the pages are read consistently
// instead, and the list carries the version of its first page.
func (w *Watcher) listReferenced(ctx context.Context, client metadata.ResourceInterface, sw *scopeWatch,
	opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	opts.Limit, opts.Continue = w.pageSize, ""
	if opts.ResourceVersion == "0" {
		opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
	}
	out := &metav1.PartialObjectMetadataList{}
	for {
		page, err := client.List(ctx, opts)
		w.listed(sw, err)
		if err != nil {
			return nil, err
		}
		if out.ResourceVersion == "" {
			out.ListMeta = page.ListMeta
		}
		for i := range page.Items {
			if w.references(sw, &page.Items[i]) {
				out.Items = append(out.Items, page.Items[i])
			}
		}
		if page.Continue == "" {
			out.Continue, out.RemainingItemCount = "", nil
			return out, nil
		}
		// A continued list takes the version from its token.
		opts.Continue, opts.ResourceVersion, opts.ResourceVersionMatch = page.Continue, "", ""
	}
}

// keep passes a watch's bookmarks and errors, and its reports of
// referenced Secrets.
func (w *Watcher) keep(sw *scopeWatch, ev watch.Event) bool {
	switch ev.Type {
	case watch.Added, watch.Modified, watch.Deleted:
		m, err := meta.Accessor(ev.Object)
		return err != nil || w.references(sw, m)
	default:
		return true
	}
}

// references says whether sw covers the referenced Secret m.
func (w *Watcher) references(sw *scopeWatch, m metav1.Object) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := sw.names[types.NamespacedName{Namespace: m.GetNamespace(), Name: m.GetName()}]
	return ok
}

func (sw *scopeWatch) isSynced() bool {
	select {
	case <-sw.synced:
		return true
	default:
		return false
	}
}

// markSynced closes synced once; the watcher's lock is held.
func (sw *scopeWatch) markSynced() {
	if !sw.isSynced() {
		close(sw.synced)
	}
}

// listed records whether the API server refused a list of sw.
func (w *Watcher) listed(sw *scopeWatch, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case apierrors.IsForbidden(err) && sw.deniedErr == nil:
		sw.deniedErr = err
		close(sw.denied)
	case err == nil && sw.deniedErr != nil:
		sw.deniedErr, sw.denied = nil, make(chan struct{})
	}
}

// waitSynced waits for sw's first list, at most timeout; it fails at once
// while the API server refuses the list.
func (w *Watcher) waitSynced(ctx context.Context, sw *scopeWatch, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		w.mu.Lock()
		denied, deniedErr := sw.denied, sw.deniedErr
		w.mu.Unlock()
		if deniedErr != nil && !sw.isSynced() {
			return deniedErr
		}
		select {
		case <-sw.synced:
			return nil
		case <-denied:
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return errors.New("timed out waiting for the first list")
		}
	}
}

// referencedStore is the reflector's store for one watch: it passes what
// the watch reports to the watcher, which keeps the resourceVersions of
// referenced Secrets and nothing else.
type referencedStore struct {
	w  *Watcher
	sw *scopeWatch
}

var _ cache.ReflectorStore = (*referencedStore)(nil)

func (s *referencedStore) Add(obj any) error    { return s.report(obj, false) }
func (s *referencedStore) Update(obj any) error { return s.report(obj, false) }
func (s *referencedStore) Delete(obj any) error { return s.report(obj, true) }

// Replace records a full list: a relist after the watch expired reports
// every change the watch missed, deletions included.
func (s *referencedStore) Replace(list []any, _ string) error {
	s.w.replaced(s.sw, list)
	return nil
}

// Resync has nothing to do: the store holds no objects to replay.
func (s *referencedStore) Resync() error { return nil }

func (s *referencedStore) report(obj any, gone bool) error {
	if tombstone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj, gone = tombstone.Obj, true
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	rv := m.GetResourceVersion()
	if gone {
		rv = ""
	}
	s.w.observed(s.sw, types.NamespacedName{Namespace: m.GetNamespace(), Name: m.GetName()}, rv)
	return nil
}
