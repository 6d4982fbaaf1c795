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
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

// operatorMetrics are the operator's own Prometheus metrics. Labels carry
// object and connection names only, never values from Secrets.
type operatorMetrics struct {
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	driftCorrected  *prometheus.CounterVec
	readiness       *readinessCollector
	connections     *connectionReadiness
	watchedSecrets  prometheus.GaugeFunc
	buildInfo       prometheus.Collector

	// series orders the writes to a connection's series with their
	// deletion: a write checks that the connection is live and writes
	// while holding it, and forgetConnection deletes while holding it, so
	// that no write that saw the connection live lands after the deletion.
	series sync.Mutex
}

// newOperatorMetrics returns the metrics; watchedSecrets counts the Secrets
// being watched at scrape time.
func newOperatorMetrics(watchedSecrets func() int) *operatorMetrics {
	return &operatorMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "opensearch_datasource_operator_requests_total",
			Help: "Requests sent to OpenSearch, by connection, HTTP method, operation and outcome.",
		}, []string{"connection", "method", "operation", "outcome"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "opensearch_datasource_operator_request_duration_seconds",
			Help:    "Latency of requests sent to OpenSearch, by connection, HTTP method and operation.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"connection", "method", "operation"}),
		driftCorrected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "opensearch_datasource_operator_drift_corrections_total",
			Help: "Data sources rewritten because they were changed outside Kubernetes, by connection.",
		}, []string{"connection"}),
		readiness: &readinessCollector{
			desc: prometheus.NewDesc("opensearch_datasource_operator_datasources",
				"DataSources by the reason of their Ready condition.", []string{"reason"}, nil),
			reasons: map[types.NamespacedName]string{},
		},
		connections: &connectionReadiness{
			desc: prometheus.NewDesc("opensearch_datasource_operator_connection_ready",
				"1 while a connection's Ready condition is True, else 0, by connection; "+
					"a deleted connection has no series.", []string{"connection"}, nil),
			ready: map[string]bool{},
		},
		watchedSecrets: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "opensearch_datasource_operator_watched_secrets",
			Help: "Secrets the operator watches: only those its objects reference, never the cluster's others.",
		}, func() float64 { return float64(watchedSecrets()) }),
		buildInfo: buildInfo(version.Get()),
	}
}

// buildInfo is the usual constant 1 whose labels say which build runs, so
// a dashboard can join it to the other series and a rollout can be
// followed replica by replica.
func buildInfo(v version.Info) prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "opensearch_datasource_operator_build_info",
		Help: "Always 1; the labels name the running build's version, commit, build date and Go version.",
	}, []string{"version", "commit", "build_date", "go_version"})
	g.WithLabelValues(v.Version, v.Commit, v.BuildDate, v.GoVersion).Set(1)
	return g
}

// Register adds the metrics to reg; it fails if they are registered already.
func (m *operatorMetrics) Register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.requests, m.requestDuration, m.driftCorrected, m.readiness, m.connections, m.watchedSecrets, m.buildInfo} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// forgetConnection drops the series of a deleted connection, so that a
// fleet whose connections come and go does not grow without bound.
func (m *operatorMetrics) forgetConnection(id string) {
	m.series.Lock()
	defer m.series.Unlock()
	labels := prometheus.Labels{"connection": id}
	m.requests.DeletePartialMatch(labels)
	m.requestDuration.DeletePartialMatch(labels)
	m.driftCorrected.DeletePartialMatch(labels)
	m.connections.forget(id)
}

// connectionReady records whether connection is Ready while live says the
// connection exists: a probe that ends after the connection was deleted
// must not bring its series back.
func (m *operatorMetrics) connectionReady(connection string, ready bool, live func() bool) {
	m.series.Lock()
	defer m.series.Unlock()
	if live() {
		m.connections.set(connection, ready)
	}
}

// observer records the requests of one connection's client while live
// says the connection exists: a request that ends after the connection's
// series were dropped must not bring them back.
func (m *operatorMetrics) observer(connection string, live func() bool) func(opensearch.RequestRecord) {
	return func(r opensearch.RequestRecord) {
		m.series.Lock()
		defer m.series.Unlock()
		if !live() {
			return
		}
		m.requests.WithLabelValues(connection, r.Method, r.Operation, r.Outcome).Inc()
		m.requestDuration.WithLabelValues(connection, r.Method, r.Operation).Observe(r.Duration.Seconds())
	}
}

// driftCorrection counts a drift correction on connection while live says
// the connection exists: a write that ends after the connection was
// deleted must not bring its series back.
func (m *operatorMetrics) driftCorrection(connection string, live func() bool) {
	m.series.Lock()
	defer m.series.Unlock()
	if live() {
		m.driftCorrected.WithLabelValues(connection).Inc()
	}
}

// readinessCollector reports how many DataSources have each Ready reason,
// computed at scrape time from what the reconciler last decided.
type readinessCollector struct {
	desc *prometheus.Desc

	mu      sync.Mutex
	reasons map[types.NamespacedName]string
}

func (c *readinessCollector) set(nn types.NamespacedName, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reasons[nn] = reason
}

func (c *readinessCollector) forget(nn types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.reasons, nn)
}

func (c *readinessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *readinessCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	counts := map[string]int{}
	for _, r := range c.reasons {
		counts[r]++
	}
	c.mu.Unlock()
	for reason, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), reason)
	}
}

// connectionReadiness reports each connection's Ready condition as 1 or 0,
// from what the connection reconciler last decided. One series per
// connection, labelled by its kind, namespace and name only; the reason is
// left to the object, so that a reason changing while the connection stays
// down does not restart an alert's clock.
type connectionReadiness struct {
	desc *prometheus.Desc

	mu    sync.Mutex
	ready map[string]bool
}

func (c *connectionReadiness) set(connection string, ready bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ready[connection] = ready
}

func (c *connectionReadiness) forget(connection string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.ready, connection)
}

func (c *connectionReadiness) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *connectionReadiness) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for connection, ready := range c.ready {
		v := 0.0
		if ready {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, connection)
	}
}
