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
	"io"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// demo is one run of the tour: the client it drives the API server with,
// the servers it watches, and what each step observed.
type demo struct {
	out     io.Writer
	tty     bool
	started time.Time
	c       client.Client

	documented *fakeServer
	sqlplugin  server
	// servers maps a connection endpoint to the server behind it.
	servers map[string]server

	// The sample DataSources the steps act on.
	mysql, prometheus, analytics types.NamespacedName

	failed []string
}

// say prints one narrated line, stamped with the time since the start.
func (d *demo) say(format string, args ...any) {
	_, _ = fmt.Fprintf(d.out, "[%5.1fs] %s\n", time.Since(d.started).Seconds(), fmt.Sprintf(format, args...))
}

// observed records a step that was seen happening.
func (d *demo) observed(step, format string, args ...any) {
	d.say("%-15s ok: %s", step, fmt.Sprintf(format, args...))
}

// missed records a step that was not observed, with the DataSource's Ready
// condition.
func (d *demo) missed(step string, key types.NamespacedName, why string) {
	line := fmt.Sprintf("%s: %s; %s %s", step, why, key, d.readyMessage(context.Background(), key))
	d.failed = append(d.failed, line)
	d.say("%-15s NOT OBSERVED: %s; %s %s", step, why, key, d.readyMessage(context.Background(), key))
}

func (d *demo) dataSource(ctx context.Context, key types.NamespacedName) (*v1alpha1.DataSource, error) {
	ds := &v1alpha1.DataSource{}
	return ds, d.c.Get(ctx, key, ds)
}

// dataSourceAndServer returns a DataSource and the server its connection
// points at.
func (d *demo) dataSourceAndServer(ctx context.Context, key types.NamespacedName) (*v1alpha1.DataSource, server, error) {
	ds, err := d.dataSource(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	endpoint, _, err := d.connectionOf(ctx, ds)
	if err != nil {
		return nil, nil, err
	}
	srv, ok := d.servers[strings.TrimRight(endpoint, "/")]
	if !ok {
		return nil, nil, fmt.Errorf("its connection points at %s, which is none of the demo's servers", endpoint)
	}
	return ds, srv, nil
}

// connectionOf returns the endpoint and resolved dialect of a DataSource's
// connection.
func (d *demo) connectionOf(ctx context.Context, ds *v1alpha1.DataSource) (string, v1alpha1.Dialect, error) {
	ref := ds.Spec.ConnectionRef
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		c := &v1alpha1.ClusterOpenSearchConnection{}
		if err := d.c.Get(ctx, types.NamespacedName{Name: ref.Name}, c); err != nil {
			return "", "", err
		}
		return c.Spec.Endpoint, c.Status.Dialect, nil
	}
	c := &v1alpha1.OpenSearchConnection{}
	if err := d.c.Get(ctx, types.NamespacedName{Namespace: ds.Namespace, Name: ref.Name}, c); err != nil {
		return "", "", err
	}
	return c.Spec.Endpoint, c.Status.Dialect, nil
}

// readyMessage describes a DataSource's Ready condition for a failure line.
func (d *demo) readyMessage(ctx context.Context, key types.NamespacedName) string {
	ds, err := d.dataSource(ctx, key)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil {
		return "has no Ready condition yet"
	}
	return fmt.Sprintf("Ready=%s %s: %s", c.Status, c.Reason, c.Message)
}

// readyAt reports whether a DataSource is Ready for its current generation.
func (d *demo) readyAt(ctx context.Context, key types.NamespacedName) bool {
	ds, err := d.dataSource(ctx, key)
	if err != nil {
		return false
	}
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == ds.Generation
}

// rows reads every DataSource, its connection and what its server holds.
func (d *demo) rows(ctx context.Context) []row {
	var list v1alpha1.DataSourceList
	if err := d.c.List(ctx, &list); err != nil {
		return nil
	}
	rows := make([]row, 0, len(list.Items))
	for i := range list.Items {
		rows = append(rows, d.row(ctx, &list.Items[i]))
	}
	return rows
}

func (d *demo) row(ctx context.Context, ds *v1alpha1.DataSource) row {
	r := row{Name: ds.Namespace + "/" + ds.Name, DataSource: dataSourceName(ds), Connector: ds.Spec.Connector}
	if c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		r.Ready, r.Reason = string(c.Status), c.Reason
	}
	endpoint, dialect, err := d.connectionOf(ctx, ds)
	if err != nil {
		r.Server = "connection not found"
		return r
	}
	r.Dialect = string(dialect)
	srv, ok := d.servers[strings.TrimRight(endpoint, "/")]
	if !ok {
		r.Server = "not one of the demo's servers"
		return r
	}
	if v, err := srv.View(ctx, r.DataSource); err != nil {
		r.Server = "unreadable: " + err.Error()
	} else {
		r.Server = summarize(v)
	}
	return r
}

// converge shows the live table until the tour's DataSources are Ready,
// then records one step per DataSource.
func (d *demo) converge(ctx context.Context, want []types.NamespacedName) {
	var last string
	printed := 0
	show := func() {
		if table := renderTable(d.rows(ctx)); table != last {
			d.redraw(table, printed)
			last, printed = table, strings.Count(table, "\n")
		}
	}
	poll(ctx, 60*time.Second, func() bool {
		show()
		for _, key := range want {
			if !d.readyAt(ctx, key) {
				return false
			}
		}
		return true
	})
	// The servers and statuses may have moved on since the last table.
	show()
	for _, key := range want {
		if d.readyAt(ctx, key) {
			d.observed("ready", "%s is Ready (%s)", key, d.readyMessage(ctx, key))
		} else {
			d.missed("ready", key, "not Ready within 60s")
		}
	}
}

// redraw prints the table; on a terminal it replaces the previous one
// (printed lines long), elsewhere each version follows the last.
func (d *demo) redraw(table string, printed int) {
	switch {
	case d.tty && printed > 0:
		_, _ = fmt.Fprintf(d.out, "\033[%dA\033[J", printed)
	case !d.tty:
		d.say("DataSources:")
	}
	_, _ = io.WriteString(d.out, table)
}

// dataSourceName is the data source's name in OpenSearch.
func dataSourceName(ds *v1alpha1.DataSource) string {
	if ds.Spec.Name != "" {
		return ds.Spec.Name
	}
	return ds.Name
}

// poll calls done every 100ms until it reports true (true), or timeout
// passes or ctx ends (false).
func poll(ctx context.Context, timeout time.Duration, done func() bool) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if done() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}
