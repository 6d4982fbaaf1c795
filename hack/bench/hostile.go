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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// chartMemoryLimit is the manager container's memory limit in the Helm
// chart (resources.limits.memory in charts/opensearch-datasource-operator/values.yaml).
// Every manager the bench starts runs under it as it would there: its
// --memory-limit-ratio applies to it.
const (
	chartMemoryLimit    = "256Mi"
	chartMemoryLimitKiB = 256 << 10
)

const (
	// hostileResync is the hostile connections' spec.resyncPeriod: the
	// shortest --min-resync-period allows, so each lists most often.
	hostileResync = 10 * time.Second
	// hostilePeriods is how many of their resync periods the bench watches.
	hostilePeriods = 3
	// hostileItems is the most data sources a list reply may hold: the
	// largest reply the decoder's limits admit keeps the most.
	hostileItems = 10_000
)

// hostileResult is what the hostile servers' replies cost.
type hostileResult struct {
	Connections int `json:"connections"`
	Items       int `json:"itemsPerReply"`
	// Lists is how many list replies the hostile servers sent.
	Lists int `json:"lists"`
	// Before is the manager's memory before the hostile connections
	// existed, After at the end of the window.
	Before memory   `json:"before"`
	After  memory   `json:"after"`
	Seen   activity `json:"otherTenants"`
	// Others is how many DataSources the other tenants have.
	Others int `json:"otherDataSources"`
}

// hostileTable adds sz.hostile connections, each to its own server whose
// every list reply holds the most data sources the limits allow, to a
// manager serving other tenants.
func (b *bench) hostileTable(ctx context.Context) table {
	t := table{Scenario: "hostile-reply",
		Title: fmt.Sprintf("Hostile replies: %d connections, each to a server whose list holds %d data sources (the most the limits allow), "+
			"probed every %s for %d periods beside other tenants", b.sz.hostile, hostileItems, hostileResync, hostilePeriods),
		Target: fmt.Sprintf("manager peak RSS < half the chart's memory limit (%s); the other tenants' DataSources stay Ready",
			mib(chartMemoryLimitKiB/2)),
		Header: []string{"CONNECTIONS", "LISTS SERVED", "RSS BEFORE", "PEAK BEFORE", "RSS AFTER", "PEAK AFTER",
			"OTHER DATASOURCES", "READY FLIPS", "NOT READY AT END"}}
	r, err := b.hostile(ctx)
	if err != nil {
		t.Err = err.Error()
		return t
	}
	t.Data = r
	t.Rows = [][]string{{fmt.Sprint(r.Connections), fmt.Sprint(r.Lists), mib(r.Before.RSSKiB), mib(r.Before.HWMKiB),
		mib(r.After.RSSKiB), mib(r.After.HWMKiB), fmt.Sprint(r.Others), fmt.Sprint(r.Seen.ReadyFlips), fmt.Sprint(r.Seen.NotReadyNow)}}
	t.Checks = []check{
		// At least two each: the replies were read again, not once.
		atLeast("list replies served", float64(r.Lists), float64(2*r.Connections)),
		atMost("peak RSS MiB", float64(r.After.HWMKiB)/1024, float64(chartMemoryLimitKiB/2)/1024),
		exactly("Ready flips of the other tenants", float64(r.Seen.ReadyFlips), 0),
		exactly("other tenants' DataSources not Ready", float64(r.Seen.NotReadyNow), 0),
	}
	return t
}

func (b *bench) hostile(ctx context.Context) (*hostileResult, error) {
	spec := fleetSpec{namespace: b.namespace("hostile"), connections: 2, perConnection: b.sz.perConnection, secrets: sharedSecret}
	s, err := b.startReady(ctx, spec)
	if err != nil {
		return nil, err
	}
	defer s.close()
	settle(ctx, settleTime)
	r := &hostileResult{Connections: b.sz.hostile, Items: hostileItems, Others: spec.dataSources()}
	if r.Before, err = s.mgr.memory(); err != nil {
		return nil, err
	}
	fakes, err := b.hostileServers(ctx, spec.namespace, b.sz.hostile)
	defer func() {
		for _, f := range fakes {
			f.close()
		}
	}()
	if err != nil {
		return nil, err
	}
	s.tracker.mark()
	settle(ctx, hostilePeriods*hostileResync+settleTime)
	if err := s.mgr.alive(); err != nil {
		return nil, err
	}
	if r.After, err = s.mgr.memory(); err != nil {
		return nil, err
	}
	r.Seen = s.tracker.mark()
	r.Lists = countOps(fakes)[fakeopensearch.OpList]
	progress("hostile replies: %d lists of %d data sources; peak RSS %s (before: %s); other tenants: %d Ready flips, %d not Ready",
		r.Lists, hostileItems, mib(r.After.HWMKiB), mib(r.Before.HWMKiB), r.Seen.ReadyFlips, r.Seen.NotReadyNow)
	return r, nil
}

// hostileServers starts n servers, each holding hostileItems data sources
// of one property, and a connection to each.
func (b *bench) hostileServers(ctx context.Context, namespace string, n int) ([]*fakeServer, error) {
	var fakes []*fakeServer
	var objs []client.Object
	for i := range n {
		f, err := startFake(hostileItems)
		if err != nil {
			return fakes, err
		}
		fakes = append(fakes, f)
		for j := range hostileItems {
			f.Seed(fakeopensearch.Document{Name: fmt.Sprintf("d%05d", j), Connector: "PROMETHEUS", AllowedRoles: []string{"r"},
				Properties: map[string]any{"prometheus.uri": "http://p:9090"}})
		}
		conn := &v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: fmt.Sprintf("hostile-%d", i)}}
		conn.Spec.Endpoint = f.url
		conn.Spec.ResyncPeriod = &metav1.Duration{Duration: hostileResync}
		objs = append(objs, conn)
	}
	return fakes, createAll(ctx, b.cl.c, objs)
}
