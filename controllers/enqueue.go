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
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// secretReader reads the Secrets an object references and remembers who
// references which, so that a change reaches its owners.
type secretReader interface {
	Get(ctx context.Context, owner secretwatch.Owner, nn types.NamespacedName) (*corev1.Secret, error)
	Retain(owner secretwatch.Owner, keep []types.NamespacedName)
}

var _ secretReader = (*secretwatch.Watcher)(nil)

// enqueuer asks reconcilers to run again when something other than their
// own watches calls for it: a connection's probe has a new list for its
// DataSources, a DataSource that lost a conflict may now win, a write
// revealed a connection's dialect.
type enqueuer struct {
	reader      client.Reader
	dataSources chan event.GenericEvent
	connections map[string]chan event.GenericEvent
}

func newEnqueuer(reader client.Reader) *enqueuer {
	return &enqueuer{
		reader:      reader,
		dataSources: make(chan event.GenericEvent, 1024),
		connections: map[string]chan event.GenericEvent{
			string(v1alpha1.KindOpenSearchConnection):        make(chan event.GenericEvent, 64),
			string(v1alpha1.KindClusterOpenSearchConnection): make(chan event.GenericEvent, 64),
		},
	}
}

// dataSource enqueues one DataSource, waiting for room in the queue.
func (e *enqueuer) dataSource(ctx context.Context, nn types.NamespacedName) error {
	select {
	case e.dataSources <- dataSourceEvent(nn):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dataSourcesOf enqueues every DataSource using connection id.
func (e *enqueuer) dataSourcesOf(ctx context.Context, id registry.ID) error {
	var list v1alpha1.DataSourceList
	if err := e.reader.List(ctx, &list, client.MatchingFields{indexDataSourceConnection: id.String()}); err != nil {
		return err
	}
	for i := range list.Items {
		if err := e.dataSource(ctx, client.ObjectKeyFromObject(&list.Items[i])); err != nil {
			return err
		}
	}
	return nil
}

// connection enqueues a connection's probe unless one is already waiting
// in a full queue, which serves the same purpose.
func (e *enqueuer) connection(id registry.ID) {
	if ch := e.connections[id.Kind]; ch != nil {
		select {
		case ch <- event.GenericEvent{Object: connectionObject(id)}:
		default:
		}
	}
}

func dataSourceEvent(nn types.NamespacedName) event.GenericEvent {
	return event.GenericEvent{Object: &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name}}}
}

// fanouts remembers, for each connection, what its DataSources were last
// asked to compare themselves with, so that a probe that found nothing new
// does not enqueue every one of them again: with a short resyncPeriod
// and many DataSources that would keep the shared workers busy for
// nothing.
type fanouts struct {
	mu   sync.Mutex
	last map[registry.ID]fanout
}

// fanout is what a connection's DataSources last saw: the connection's
// generation and the parts of its status they read, the generation of
// its list, and when.
type fanout struct {
	generation int64
	state      string
	list       uint64
	at         time.Time
}

// fanoutRefresh is how many resync periods may pass without a fan-out: a
// DataSource that missed one (its reconcile failed for a reason of its
// own) is asked again within that time even when nothing changed.
const fanoutRefresh = 10

// due reports whether v's DataSources should compare themselves now, and
// records that they will: v changed (its spec, its Ready condition, its
// dialect or version), its list changed, or the last fan-out is older
// than fanoutRefresh resync periods.
func (f *fanouts) due(v *connectionView, snap *registry.Snapshot, now time.Time) bool {
	next := fanout{generation: v.Generation, state: connectionState(v), at: now}
	if snap != nil {
		next.list = snap.Generation
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = map[registry.ID]fanout{}
	}
	prev, ok := f.last[v.ID]
	if ok && prev.generation == next.generation && prev.state == next.state && prev.list == next.list &&
		now.Sub(prev.at) < fanoutRefresh*v.ResyncPeriod {
		return false
	}
	f.last[v.ID] = next
	return true
}

// forget drops a deleted connection's record.
func (f *fanouts) forget(id registry.ID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.last, id)
}

// connectionState is what a connection's DataSources read from its status.
func connectionState(v *connectionView) string {
	ready := meta.FindStatusCondition(v.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil {
		return string(v.Status.Dialect) + "|" + v.Status.Version
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s", v.Status.Dialect, v.Status.Version, ready.Status, ready.Reason, ready.Message)
}
