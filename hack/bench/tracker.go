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

package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// tracker watches one namespace's DataSources and connections from the
// bench's side: when each DataSource first became Ready, and how many
// writes and Ready flips happened since the last mark.
type tracker struct {
	want int

	mu      sync.Mutex
	readyAt map[types.NamespacedName]time.Time
	ready   map[types.NamespacedName]bool
	// Since the last mark: DataSource and connection updates (any new
	// resourceVersion), and Ready True → not True transitions.
	dsWrites, connWrites, flips int
	allReady                    chan struct{}
}

// startTracker watches namespace until ctx ends and returns once its view
// is in sync; want is how many DataSources make "all Ready".
func startTracker(ctx context.Context, cfg *rest.Config, namespace string, want int) (*tracker, error) {
	t := &tracker{want: want, readyAt: map[types.NamespacedName]time.Time{},
		ready: map[types.NamespacedName]bool{}, allReady: make(chan struct{})}
	c, err := cache.New(cfg, cache.Options{Scheme: testenv.Scheme(), DefaultNamespaces: map[string]cache.Config{namespace: {}}})
	if err != nil {
		return nil, err
	}
	dsInf, err := c.GetInformer(ctx, &v1alpha1.DataSource{})
	if err != nil {
		return nil, err
	}
	if _, err := dsInf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { t.observe(o.(*v1alpha1.DataSource), false) },
		UpdateFunc: func(old, o any) { t.observe(o.(*v1alpha1.DataSource), isUpdate(old, o)) },
	}); err != nil {
		return nil, err
	}
	connInf, err := c.GetInformer(ctx, &v1alpha1.OpenSearchConnection{})
	if err != nil {
		return nil, err
	}
	if _, err := connInf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		UpdateFunc: func(old, o any) {
			if isUpdate(old, o) {
				t.mu.Lock()
				t.connWrites++
				t.mu.Unlock()
			}
		},
	}); err != nil {
		return nil, err
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the bench's watch of %s did not sync", namespace)
	}
	return t, nil
}

func isUpdate(old, o any) bool {
	return old.(client.Object).GetResourceVersion() != o.(client.Object).GetResourceVersion()
}

// observe records ds's readiness; written says it is a new version of an
// object already seen.
func (t *tracker) observe(ds *v1alpha1.DataSource, written bool) {
	nn := types.NamespacedName{Namespace: ds.Namespace, Name: ds.Name}
	now := isReady(ds)
	t.mu.Lock()
	defer t.mu.Unlock()
	if written {
		t.dsWrites++
	}
	if t.ready[nn] && !now {
		t.flips++
	}
	t.ready[nn] = now
	if _, seen := t.readyAt[nn]; now && !seen {
		t.readyAt[nn] = time.Now()
		if len(t.readyAt) == t.want {
			close(t.allReady)
		}
	}
}

// isReady is what `kubectl wait --for=condition=Ready` would accept, for
// the DataSource's current generation.
func isReady(ds *v1alpha1.DataSource) bool {
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == ds.Generation
}

// waitAllReady waits until every DataSource has been Ready once and returns
// when the first and the last became so.
func (t *tracker) waitAllReady(ctx context.Context, timeout time.Duration) (first, last time.Time, err error) {
	select {
	case <-t.allReady:
	case <-time.After(timeout):
		t.mu.Lock()
		n := len(t.readyAt)
		t.mu.Unlock()
		return first, last, fmt.Errorf("%d of %d DataSources Ready after %s", n, t.want, timeout)
	case <-ctx.Done():
		return first, last, ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, at := range t.readyAt {
		if at.After(last) {
			last = at
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, last, nil
}

// activity is what the tracker saw since the last mark.
type activity struct {
	DataSourceWrites int `json:"dataSourceWrites"`
	ConnectionWrites int `json:"connectionWrites"`
	ReadyFlips       int `json:"readyFlips"`
	NotReadyNow      int `json:"notReadyNow"`
}

// mark returns what happened since the previous mark and starts counting anew.
func (t *tracker) mark() activity {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := activity{DataSourceWrites: t.dsWrites, ConnectionWrites: t.connWrites, ReadyFlips: t.flips}
	for _, r := range t.ready {
		if !r {
			a.NotReadyNow++
		}
	}
	t.dsWrites, t.connWrites, t.flips = 0, 0, 0
	return a
}

// readySince is when the tracker first saw nn Ready, if it has.
func (t *tracker) readySince(nn types.NamespacedName) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.readyAt[nn]
	return at, ok
}
