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
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
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
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// Options configure the operator's controllers.
type Options struct {
	// ClientFactory builds OpenSearch clients; nil means NewOpenSearchClient.
	ClientFactory ClientFactory
	// MaxConcurrentReconciles per controller; 0 means
	// DefaultMaxConcurrentReconciles.
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
	// MaxRetryAfter bounds how long a server's Retry-After holds a
	// connection; 0 means 5 minutes.
	MaxRetryAfter time.Duration
	// ReconcileTimeout bounds one reconcile; 0 means 5 minutes, the
	// longest requestTimeout a connection may set.
	ReconcileTimeout time.Duration
	// DeniedEgress lists networks no connection's client connects to,
	// whatever its endpoint resolves to (opensearch.DefaultDeniedEgress is
	// the manager's default); nil denies none. It applies to both
	// connection kinds.
	DeniedEgress []netip.Prefix
	// MaxRequestsPerConnection caps the DataSource reconciles working on
	// one connection at once, so that a server that stalls cannot hold
	// every worker; 0 means half of MaxConcurrentReconciles (at least 1).
	MaxRequestsPerConnection int
	// MinResyncPeriod is the shortest resyncPeriod a namespaced
	// OpenSearchConnection may ask for; a shorter one is raised to it.
	// 0 means 10 seconds; negative means no minimum.
	MinResyncPeriod time.Duration
	// MaxRequestTimeout is the longest requestTimeout a namespaced
	// OpenSearchConnection may ask for; a longer one is cut to it. 0 means
	// 30 seconds; negative means no maximum.
	MaxRequestTimeout time.Duration
}

// DefaultMaxConcurrentReconciles is how many reconciles each controller
// runs at once unless told otherwise. A reconcile spends most of its time
// waiting on the API server and OpenSearch, so workers are cheap; make
// bench found 16 to be where the API server, not the operator, limits a
// cold start and a rotation (4 left the API server idle between requests,
// 32 was no faster).
const DefaultMaxConcurrentReconciles = 16

func (o *Options) applyDefaults() {
	if o.ClientFactory == nil {
		o.ClientFactory = NewOpenSearchClient
	}
	if o.MaxConcurrentReconciles <= 0 {
		o.MaxConcurrentReconciles = DefaultMaxConcurrentReconciles
	}
	if o.DefaultResyncPeriod <= 0 {
		o.DefaultResyncPeriod = 10 * time.Minute
	}
	if o.MetricsRegistry == nil {
		o.MetricsRegistry = crmetrics.Registry
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 5 * time.Minute
	}
	if o.ReconcileTimeout <= 0 {
		o.ReconcileTimeout = 5 * time.Minute
	}
	if o.MaxRequestsPerConnection <= 0 {
		o.MaxRequestsPerConnection = max(1, o.MaxConcurrentReconciles/2)
	}
	if o.MinResyncPeriod == 0 {
		o.MinResyncPeriod = 10 * time.Second
	}
	if o.MaxRequestTimeout == 0 {
		o.MaxRequestTimeout = 30 * time.Second
	}
}

// controllerName makes base unique per manager in a process.
func (o *Options) controllerName(base string) string {
	if o.Name == "" {
		return base
	}
	return base + "-" + o.Name
}

const (
	// indexDataSourceConnection indexes DataSources by the ID of the
	// connection they use, so a connection finds its DataSources without a
	// full scan.
	indexDataSourceConnection = "spec.connectionRef.id"
	// indexDataSourceName indexes DataSources by the name of their data
	// source, to find two that would manage the same one.
	indexDataSourceName = "spec.name(effective)"
)

// Setup adds the operator's controllers, its Secret watcher and its
// metrics to mgr. The same call serves the manager binary and in-process
// managers in tests and benchmarks.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	opts.applyDefaults()
	clientset, err := kubernetes.NewForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	meta, err := metadata.NewForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	secrets := secretwatch.New(clientset, meta)
	if err := mgr.Add(secrets); err != nil {
		return err
	}
	metrics := newOperatorMetrics(secrets.Watched)
	if err := metrics.Register(opts.MetricsRegistry); err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	if err := addIndexes(ctx, mgr); err != nil {
		return err
	}
	reg := registry.New[OpenSearchAPI](time.Now)
	reg.Snapshots.Keep(namedOn(mgr.GetCache()))
	clients := &connectionClients{registry: reg, secrets: secrets, factory: opts.ClientFactory, metrics: metrics,
		concurrency: opts.MaxConcurrentReconciles, deniedEgress: opts.DeniedEgress,
		limits: connectionLimits{minResync: opts.MinResyncPeriod, maxRequestTimeout: opts.MaxRequestTimeout}}
	enqueue := newEnqueuer(mgr.GetClient())
	recorder := boundedRecorder{mgr.GetEventRecorder("opensearch-datasource-operator")}
	ds := &DataSourceReconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Clients: clients, Registry: reg, Secrets: secrets, Memory: newMemory(),
		Enqueue: enqueue, Metrics: metrics, Recorder: recorder,
		DefaultResync: opts.DefaultResyncPeriod, MaxThrottle: opts.MaxRetryAfter, ReconcileTimeout: opts.ReconcileTimeout, Now: time.Now,
	}
	if err := ds.SetupWithManager(mgr, opts, secrets.Subscribe(kindDataSource, dataSourceEvent)); err != nil {
		return err
	}
	for _, kind := range []v1alpha1.ConnectionKind{v1alpha1.KindOpenSearchConnection, v1alpha1.KindClusterOpenSearchConnection} {
		conn := &ConnectionReconciler{
			Client: mgr.GetClient(), Kind: kind, Clients: clients, Registry: reg,
			Enqueue: enqueue, Recorder: recorder, DefaultResync: opts.DefaultResyncPeriod, MaxThrottle: opts.MaxRetryAfter,
			ReconcileTimeout: opts.ReconcileTimeout, Now: time.Now,
		}
		changed := secrets.Subscribe(string(kind), func(nn types.NamespacedName) event.GenericEvent {
			return event.GenericEvent{Object: connectionObject(registry.ID{Kind: string(kind), Namespace: nn.Namespace, Name: nn.Name})}
		})
		if err := conn.SetupWithManager(mgr, opts, changed); err != nil {
			return err
		}
	}
	sets := &DataSourceSetReconciler{Client: mgr.GetClient(), Secrets: secrets, Recorder: recorder, Now: time.Now}
	return sets.SetupWithManager(mgr, opts, secrets.Subscribe(kindDataSourceSet, setEvent))
}

func addIndexes(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.DataSource{}, indexDataSourceConnection,
		func(o client.Object) []string { return []string{connectionIDOf(o.(*v1alpha1.DataSource)).String()} }); err != nil {
		return err
	}
	return mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.DataSource{}, indexDataSourceName,
		func(o client.Object) []string { return []string{dataSourceName(o.(*v1alpha1.DataSource))} })
}

// SetupWithManager registers the DataSource controller. secretChanged
// carries the DataSources whose Secrets changed.
func (r *DataSourceReconciler) SetupWithManager(mgr ctrl.Manager, opts Options, secretChanged <-chan event.GenericEvent) error {
	// Status writes do not change the generation; reacting to them would
	// turn every status patch into another reconcile.
	specOrDeletion := predicate.Or(predicate.GenerationChangedPredicate{}, predicate.NewPredicateFuncs(
		func(o client.Object) bool { return !o.GetDeletionTimestamp().IsZero() }))
	enqueue := &handler.EnqueueRequestForObject{}
	return ctrl.NewControllerManagedBy(mgr).
		Named(opts.controllerName("datasource")).
		For(&v1alpha1.DataSource{}, builder.WithPredicates(specOrDeletion)).
		Watches(&v1alpha1.OpenSearchConnection{}, r.dataSourcesOf(v1alpha1.KindOpenSearchConnection)).
		Watches(&v1alpha1.ClusterOpenSearchConnection{}, r.dataSourcesOf(v1alpha1.KindClusterOpenSearchConnection)).
		Watches(&corev1.Namespace{}, r.clusterDataSourcesIn(), builder.WithPredicates(labelsChanged())).
		WatchesRawSource(source.Channel(secretChanged, enqueue)).
		WatchesRawSource(source.Channel(r.Enqueue.dataSources, enqueue)).
		WithOptions(controller.Options{MaxConcurrentReconciles: opts.MaxConcurrentReconciles}).
		Complete(&gatedReconciler{reader: r.Client, gate: newConnectionGate(opts.MaxRequestsPerConnection), next: r})
}

// dataSourcesOf maps a connection of kind to the DataSources that use it.
func (r *DataSourceReconciler) dataSourcesOf(kind v1alpha1.ConnectionKind) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		id := registry.ID{Kind: string(kind), Namespace: o.GetNamespace(), Name: o.GetName()}
		var list v1alpha1.DataSourceList
		if err := r.List(ctx, &list, client.MatchingFields{indexDataSourceConnection: id.String()}); err != nil {
			return nil
		}
		return requestsFor(list.Items, func(*v1alpha1.DataSource) bool { return true })
	})
}

// clusterDataSourcesIn maps a namespace to its DataSources on cluster
// connections: the namespace's labels decide whether a
// ClusterOpenSearchConnection's allowedNamespaces selector lets them in.
func (r *DataSourceReconciler) clusterDataSourcesIn() handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var list v1alpha1.DataSourceList
		if err := r.List(ctx, &list, client.InNamespace(o.GetName())); err != nil {
			return nil
		}
		return requestsFor(list.Items, func(ds *v1alpha1.DataSource) bool {
			return ds.Spec.ConnectionRef.Kind == v1alpha1.KindClusterOpenSearchConnection
		})
	})
}

func requestsFor(items []v1alpha1.DataSource, keep func(*v1alpha1.DataSource) bool) []reconcile.Request {
	var reqs []reconcile.Request
	for i := range items {
		if keep(&items[i]) {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&items[i])})
		}
	}
	return reqs
}

// labelsChanged passes only updates that change an object's labels.
func labelsChanged() predicate.Funcs {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			return !maps.Equal(e.ObjectOld.GetLabels(), e.ObjectNew.GetLabels())
		},
	}
}

// SetupWithManager registers the controller of r.Kind. secretChanged
// carries the connections whose Secrets changed.
func (r *ConnectionReconciler) SetupWithManager(mgr ctrl.Manager, opts Options, secretChanged <-chan event.GenericEvent) error {
	obj, name := client.Object(&v1alpha1.OpenSearchConnection{}), "opensearchconnection"
	if r.Kind == v1alpha1.KindClusterOpenSearchConnection {
		obj, name = &v1alpha1.ClusterOpenSearchConnection{}, "clusteropensearchconnection"
	}
	enqueue := &handler.EnqueueRequestForObject{}
	return ctrl.NewControllerManagedBy(mgr).
		Named(opts.controllerName(name)).
		For(obj, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesRawSource(source.Channel(secretChanged, enqueue)).
		WatchesRawSource(source.Channel(r.Enqueue.connections[string(r.Kind)], enqueue)).
		WithOptions(controller.Options{MaxConcurrentReconciles: opts.MaxConcurrentReconciles}).
		Complete(r)
}

// ManagerOptions completes base with what every manager running these
// controllers needs: a scheme with the Kubernetes and operator types, a
// client that never caches Secrets (the Secret watcher reads referenced
// ones only, so the manager's cache never holds the cluster's Secrets), a
// cache that keeps only what the reconciles read (cacheTransform, for
// every kind without a transform of its own), and GracefulShutdownTimeout.
// main.go, the demo and the tests share it.
func ManagerOptions(base ctrl.Options) ctrl.Options {
	if base.Scheme == nil {
		base.Scheme = runtime.NewScheme()
		utilruntime.Must(clientgoscheme.AddToScheme(base.Scheme))
		utilruntime.Must(v1alpha1.AddToScheme(base.Scheme))
	}
	base.Client.Cache = &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}
	if base.Cache.DefaultTransform == nil {
		base.Cache.DefaultTransform = cacheTransform
	}
	withShutdownTimeout(&base)
	return base
}
