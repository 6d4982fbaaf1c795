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
	"maps"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// Options configure the operator's controllers.
type Options struct {
	// ClientFactory builds OpenSearch clients; nil means NewOpenSearchClient.
	ClientFactory ClientFactory
	// MaxConcurrentReconciles per controller; 0 means 4.
	MaxConcurrentReconciles int
	// DefaultResyncPeriod applies to connections without spec.resyncPeriod;
	// 0 means 10 minutes.
	DefaultResyncPeriod time.Duration
	// MetricsRegistry receives the operator's metrics; nil means
	// controller-runtime's registry, served on the manager's metrics port.
	// Tests running several managers in one process pass their own.
	MetricsRegistry prometheus.Registerer
	// Name distinguishes the controllers of several managers in one process
	// (controller names must be unique per process); empty for a binary.
	Name string
}

const (
	// indexDataSourceConnection indexes DataSources by the ID of the
	// connection they use, so a connection finds its DataSources without a
	// full scan.
	indexDataSourceConnection = "spec.connectionRef.id"
	// indexRemoteName indexes DataSources by connection and data source name,
	// to find two that would manage the same data source.
	indexRemoteName = "spec.connectionRef.id+name"
)

// remoteNameKey is a DataSource's key in indexRemoteName.
func remoteNameKey(ds *v1alpha1.DataSource) string {
	return connectionID(ds) + "|" + dataSourceName(ds)
}

// environment is what the reconcilers share.
type environment struct {
	client        client.Client
	registry      *connectionRegistry
	snapshots     *snapshotStore
	secrets       *SecretWatcher
	metrics       *operatorMetrics
	recorder      events.EventRecorder
	defaultResync time.Duration
	now           func() time.Time

	dataSourceTicks chan event.GenericEvent
	connRefresh     map[string]chan event.GenericEvent
}

// enqueueDataSourcesOf asks every DataSource using connection id to
// reconcile, which is when they compare themselves with its latest list.
func (e *environment) enqueueDataSourcesOf(ctx context.Context, id string) error {
	var list v1alpha1.DataSourceList
	if err := e.client.List(ctx, &list, client.MatchingFields{indexDataSourceConnection: id}); err != nil {
		return err
	}
	for i := range list.Items {
		if err := e.tick(ctx, &list.Items[i]); err != nil {
			return err
		}
	}
	return nil
}

// tick asks one DataSource to reconcile.
func (e *environment) tick(ctx context.Context, ds *v1alpha1.DataSource) error {
	ev := event.GenericEvent{Object: &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: ds.Name}}}
	select {
	case e.dataSourceTicks <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refreshConnection asks a connection to probe again, so its status shows
// the dialect a write just detected.
func (e *environment) refreshConnection(v *connectionView) {
	if ch := e.connRefresh[v.Kind]; ch != nil {
		select {
		case ch <- event.GenericEvent{Object: newConnectionObject(v.Kind, v.NamespacedName)}:
		default:
		}
	}
}

func newConnectionObject(kind string, nn types.NamespacedName) client.Object {
	meta := metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name}
	if kind == string(v1alpha1.KindClusterOpenSearchConnection) {
		return &v1alpha1.ClusterOpenSearchConnection{ObjectMeta: meta}
	}
	return &v1alpha1.OpenSearchConnection{ObjectMeta: meta}
}

// connectionID is the ID of the connection a DataSource names, in the form
// connectionView.ID gives.
func connectionID(ds *v1alpha1.DataSource) string {
	ref := ds.Spec.ConnectionRef
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		return string(ref.Kind) + "/" + ref.Name
	}
	return string(v1alpha1.KindOpenSearchConnection) + "/" + ds.Namespace + "/" + ref.Name
}

// Setup adds the operator's three controllers, its Secret watcher and its
// metrics to mgr. The same call serves the manager binary and in-process
// managers in tests and benchmarks.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if opts.ClientFactory == nil {
		opts.ClientFactory = NewOpenSearchClient
	}
	if opts.MaxConcurrentReconciles <= 0 {
		opts.MaxConcurrentReconciles = 4
	}
	if opts.DefaultResyncPeriod <= 0 {
		opts.DefaultResyncPeriod = 10 * time.Minute
	}
	if opts.MetricsRegistry == nil {
		opts.MetricsRegistry = crmetrics.Registry
	}
	clientset, err := kubernetes.NewForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	metrics := newOperatorMetrics()
	if err := metrics.Register(opts.MetricsRegistry); err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	secrets := NewSecretWatcher(clientset)
	if err := mgr.Add(secrets); err != nil {
		return err
	}
	if err := opts.MetricsRegistry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "opensearch_datasource_operator_watched_secrets",
		Help: "Secrets the operator watches: only those its objects reference, never the cluster's others.",
	}, func() float64 { return float64(secrets.Watched()) })); err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	env := &environment{
		client:          mgr.GetClient(),
		registry:        newConnectionRegistry(opts.ClientFactory, secrets, metrics),
		snapshots:       newSnapshotStore(time.Now),
		secrets:         secrets,
		metrics:         metrics,
		recorder:        mgr.GetEventRecorder("opensearch-datasource-operator"),
		defaultResync:   opts.DefaultResyncPeriod,
		now:             time.Now,
		dataSourceTicks: make(chan event.GenericEvent, 1024),
		connRefresh: map[string]chan event.GenericEvent{
			string(v1alpha1.KindOpenSearchConnection):        make(chan event.GenericEvent, 64),
			string(v1alpha1.KindClusterOpenSearchConnection): make(chan event.GenericEvent, 64),
		},
	}

	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.DataSource{}, indexDataSourceConnection,
		func(o client.Object) []string { return []string{connectionID(o.(*v1alpha1.DataSource))} }); err != nil {
		return err
	}
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.DataSource{}, indexRemoteName,
		func(o client.Object) []string { return []string{remoteNameKey(o.(*v1alpha1.DataSource))} }); err != nil {
		return err
	}

	ctrlOpts := controller.Options{MaxConcurrentReconciles: opts.MaxConcurrentReconciles}
	name := func(base string) string {
		if opts.Name == "" {
			return base
		}
		return base + "-" + opts.Name
	}
	enqueue := &handler.EnqueueRequestForObject{}

	dsReconciler := &DataSourceReconciler{Client: mgr.GetClient(), env: env, states: map[types.NamespacedName]dataSourceState{}}
	dataSourcesOf := func(kind v1alpha1.ConnectionKind) handler.EventHandler {
		return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			id := (&connectionView{Kind: string(kind), NamespacedName: client.ObjectKeyFromObject(o)}).ID()
			var list v1alpha1.DataSourceList
			if err := mgr.GetClient().List(ctx, &list, client.MatchingFields{indexDataSourceConnection: id}); err != nil {
				return nil
			}
			reqs := make([]reconcile.Request, len(list.Items))
			for i := range list.Items {
				reqs[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])}
			}
			return reqs
		})
	}
	// Status writes do not change the generation; reacting to them would
	// turn every status patch into another reconcile.
	specOrDeletion := predicate.Or(predicate.GenerationChangedPredicate{}, predicate.NewPredicateFuncs(
		func(o client.Object) bool { return !o.GetDeletionTimestamp().IsZero() }))
	newDataSource := func(nn types.NamespacedName) event.GenericEvent {
		return event.GenericEvent{Object: &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name}}}
	}
	// A namespace's labels decide whether a ClusterOpenSearchConnection's
	// allowedNamespaces selector lets its DataSources in.
	clusterDataSourcesIn := handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var list v1alpha1.DataSourceList
		if err := mgr.GetClient().List(ctx, &list, client.InNamespace(o.GetName())); err != nil {
			return nil
		}
		var reqs []reconcile.Request
		for i := range list.Items {
			if list.Items[i].Spec.ConnectionRef.Kind == v1alpha1.KindClusterOpenSearchConnection {
				reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
			}
		}
		return reqs
	})
	labelsChanged := predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			return !maps.Equal(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels())
		},
	}
	if err := ctrl.NewControllerManagedBy(mgr).
		Named(name("datasource")).
		For(&v1alpha1.DataSource{}, builder.WithPredicates(specOrDeletion)).
		Watches(&v1alpha1.OpenSearchConnection{}, dataSourcesOf(v1alpha1.KindOpenSearchConnection)).
		Watches(&v1alpha1.ClusterOpenSearchConnection{}, dataSourcesOf(v1alpha1.KindClusterOpenSearchConnection)).
		Watches(&corev1.Namespace{}, clusterDataSourcesIn, builder.WithPredicates(labelsChanged)).
		WatchesRawSource(source.Channel(secrets.Subscribe("DataSource", newDataSource), enqueue)).
		WatchesRawSource(source.Channel(env.dataSourceTicks, enqueue)).
		WithOptions(ctrlOpts).
		Complete(dsReconciler); err != nil {
		return err
	}

	for _, kind := range []v1alpha1.ConnectionKind{v1alpha1.KindOpenSearchConnection, v1alpha1.KindClusterOpenSearchConnection} {
		var obj client.Object = &v1alpha1.OpenSearchConnection{}
		ctrlName := "opensearchconnection"
		if kind == v1alpha1.KindClusterOpenSearchConnection {
			obj, ctrlName = &v1alpha1.ClusterOpenSearchConnection{}, "clusteropensearchconnection"
		}
		newEvent := func(nn types.NamespacedName) event.GenericEvent {
			return event.GenericEvent{Object: newConnectionObject(string(kind), nn)}
		}
		if err := ctrl.NewControllerManagedBy(mgr).
			Named(name(ctrlName)).
			For(obj, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
			WatchesRawSource(source.Channel(secrets.Subscribe(string(kind), newEvent), enqueue)).
			WatchesRawSource(source.Channel(env.connRefresh[string(kind)], enqueue)).
			WithOptions(ctrlOpts).
			Complete(&ConnectionReconciler{Client: mgr.GetClient(), env: env, Kind: kind}); err != nil {
			return err
		}
	}
	return nil
}
