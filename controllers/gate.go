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
	"math/rand/v2"
	"sync"
	"time"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// connectionGate caps how many DataSource reconciles work on one connection
// at once. A reconcile sends its requests one after another, so this caps
// the requests the DataSource controller has in flight to one server.
type connectionGate struct {
	limit int

	mu    sync.Mutex
	inUse map[registry.ID]int
}

func newConnectionGate(limit int) *connectionGate {
	return &connectionGate{limit: limit, inUse: map[registry.ID]int{}}
}

// tryAcquire takes one of id's slots, or reports that all are taken.
func (g *connectionGate) tryAcquire(id registry.ID) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inUse[id] >= g.limit {
		return false
	}
	g.inUse[id]++
	return true
}

// release gives back a slot; a connection with none taken has no entry.
func (g *connectionGate) release(id registry.ID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inUse[id]--; g.inUse[id] <= 0 {
		delete(g.inUse, id)
	}
}

// busyRetry is how soon a DataSource whose connection is at its cap runs
// again: soon enough that a slot freed by a fast server is taken within
// about a second, rare enough that the DataSources of a stalled one cost
// little.
const busyRetry = 500 * time.Millisecond

// gatedReconciler runs a DataSource's reconcile only while its connection
// has a free slot. The workers are shared by every tenant; a reconcile
// that waited for a slot, or for a server that stalls every write, would
// hold one, and a stalled server's DataSources would soon hold them all.
// Instead a DataSource whose connection is at its cap is put back in the
// queue at low priority and runs again shortly; its status does not
// change, because nothing is known about its data source that was not
// before.
type gatedReconciler struct {
	reader client.Reader
	gate   *connectionGate
	next   reconcile.Reconciler
}

func (g *gatedReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var ds v1alpha1.DataSource
	if err := g.reader.Get(ctx, req.NamespacedName, &ds, client.UnsafeDisableDeepCopy); err != nil {
		// Gone, or the cache cannot tell: the reconcile itself deals
		// with both without a request to any server.
		return g.next.Reconcile(ctx, req)
	}
	id := connectionIDOf(&ds)
	if !g.gate.tryAcquire(id) {
		log.FromContext(ctx).V(1).Info("connection at its cap of requests in flight; retrying shortly",
			"connection", id.String(), "cap", g.gate.limit)
		return ctrl.Result{RequeueAfter: busyRetry + rand.N(busyRetry), Priority: ptr.To(handler.LowPriority)}, nil
	}
	defer g.gate.release(id)
	return g.next.Reconcile(ctx, req)
}

// connectionLimits bound what a namespaced OpenSearchConnection may ask
// for: its author is a tenant, and a resync of a second or a request
// timeout of minutes costs everyone. A ClusterOpenSearchConnection is
// written by the cluster's administrators and is not bound.
type connectionLimits struct {
	minResync         time.Duration
	maxRequestTimeout time.Duration
}

// clamp brings v within the limits and records, for its status, what it
// changed.
func (l connectionLimits) clamp(v *connectionView) {
	if v.ID.Kind != string(v1alpha1.KindOpenSearchConnection) {
		return
	}
	if l.minResync > 0 && v.ResyncPeriod < l.minResync {
		v.Clamped = append(v.Clamped, fmt.Sprintf("resyncPeriod %s is below the operator's minimum, so %s applies", v.ResyncPeriod, l.minResync))
		v.ResyncPeriod = l.minResync
	}
	if l.maxRequestTimeout > 0 && v.RequestTimeout > l.maxRequestTimeout {
		v.Clamped = append(v.Clamped, fmt.Sprintf("requestTimeout %s is above the operator's maximum, so %s applies",
			v.RequestTimeout, l.maxRequestTimeout))
		v.RequestTimeout = l.maxRequestTimeout
	}
}
