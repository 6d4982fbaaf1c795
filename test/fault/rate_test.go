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

package fault

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// How the operator backs off, which bounds what an outage costs a cluster.
const (
	// retryBase is controller-runtime's per-item backoff: a work item (a
	// connection's probe, a DataSource's reconcile) that failed k times in
	// a row is retried after retryBase·2^k. A DataSource whose connection
	// is not Ready makes no request at all.
	retryBase = 5 * time.Millisecond
	// requestsPerAttempt: an attempt ends at its first failed request, and
	// net/http sends an idempotent request once more when a reused
	// connection was reset.
	requestsPerAttempt = 2
)

// attemptsWithin is the most attempts one item makes within d of its
// first failure: at 0, b, 3b, 7b, …, b·(2^n − 1).
func attemptsWithin(d time.Duration) int {
	n := 0
	for retryBase*time.Duration((1<<n)-1) < d {
		n++
	}
	return n
}

// outageReport is what one outage cost and showed.
type outageReport struct {
	duration  time.Duration
	perSecond []int
	total     int
	// items is the work items that may call the cluster: its connection
	// and the DataSources on it.
	items int
	// connectionReasons and dataSourceReasons are the Ready reasons seen
	// while the cluster was down.
	connectionReasons []string
	dataSourceReasons map[string][]string
}

func (r outageReport) perSecondBound() int {
	return r.items * attemptsWithin(time.Second) * requestsPerAttempt
}

func (r outageReport) totalBound() int {
	return r.items * attemptsWithin(r.duration) * requestsPerAttempt
}

// outage takes connection conn's cluster down for d (every connection
// reset, GET / included), makes the changes during asks for once it is
// down, watches the conditions meanwhile, and counts the requests that
// arrived in each second of it.
func outage(t *testing.T, f *fleet, conn string, d time.Duration, during func()) outageReport {
	t.Helper()
	c := f.clusters[conn]
	report := outageReport{duration: d, items: 1, dataSourceReasons: map[string][]string{}}
	onIt := []string{}
	for _, name := range f.live() {
		if f.items[name].conn == conn {
			onIt = append(onIt, name)
			report.items++
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			conns, sources := readyReasons(f, conn, onIt)
			mu.Lock()
			report.connectionReasons = appendNew(report.connectionReasons, conns...)
			for name, reason := range sources {
				report.dataSourceReasons[name] = appendNew(report.dataSourceReasons[name], reason)
			}
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	from := time.Now()
	c.SetOutage(&fakeopensearch.Fault{ResetConnection: true})
	during()
	time.Sleep(time.Until(from.Add(d))) // the outage's length, not an assertion
	c.SetOutage(nil)
	to := time.Now()
	stop()
	wg.Wait()
	arrivals := c.arrivalsBetween(from, to)
	report.total = len(arrivals)
	report.perSecond = make([]int, int(to.Sub(from)/time.Second)+1)
	for _, at := range arrivals {
		report.perSecond[int(at.Sub(from)/time.Second)]++
	}
	return report
}

// readyReasons reads the Ready condition of connection conn and of names.
func readyReasons(f *fleet, conn string, names []string) ([]string, map[string]string) {
	var out []string
	oc := &v1alpha1.OpenSearchConnection{}
	if err := f.k8s.Get(f.ctx(), client.ObjectKey{Namespace: namespace, Name: conn}, oc); err == nil {
		out = append(out, reasonOf(oc.Status.Conditions))
	}
	sources := map[string]string{}
	for _, name := range names {
		ds := &v1alpha1.DataSource{}
		if err := f.k8s.Get(f.ctx(), client.ObjectKey{Namespace: namespace, Name: name}, ds); err == nil {
			sources[name] = reasonOf(ds.Status.Conditions)
			if c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady); c != nil &&
				c.Status == metav1.ConditionFalse && strings.Contains(c.Message, "OpenSearch is unavailable") {
				// Not Ready because the connection (or its own write)
				// found OpenSearch unavailable.
				sources[name] += " (unavailable)"
			}
		}
	}
	return out, sources
}

// reasonOf is "True/Reason" or "False/Reason" of the Ready condition.
func reasonOf(conds []metav1.Condition) string {
	c := meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
	if c == nil {
		return "none"
	}
	return string(c.Status) + "/" + c.Reason
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// check asserts what the outage must show: a bounded request rate, the
// connection Unavailable, and every DataSource on it not Ready because
// OpenSearch is unavailable (its own reason is ConnectionNotReady when it
// had nothing to write, Unavailable when its write failed).
func (r outageReport) check(t *testing.T) {
	t.Helper()
	for s, n := range r.perSecond {
		if n > r.perSecondBound() {
			t.Errorf("second %d of the outage: %d requests, more than %d (%d items × %d attempts in a second × %d requests)",
				s, n, r.perSecondBound(), r.items, attemptsWithin(time.Second), requestsPerAttempt)
		}
	}
	if r.total > r.totalBound() {
		t.Errorf("the outage of %s drew %d requests, more than %d (%d items × %d attempts in %s × %d requests)",
			r.duration, r.total, r.totalBound(), r.items, attemptsWithin(r.duration), r.duration, requestsPerAttempt)
	}
	if !slices.Contains(r.connectionReasons, "False/"+v1alpha1.ReasonUnavailable) {
		t.Errorf("the connection never said Unavailable during the outage; it said %v", r.connectionReasons)
	}
	var names []string
	for name := range r.dataSourceReasons {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.ContainsFunc(r.dataSourceReasons[name], func(s string) bool {
			return strings.HasPrefix(s, "False/") && strings.HasSuffix(s, " (unavailable)")
		}) {
			t.Errorf("DataSource %s never said OpenSearch was unavailable during the outage: %v", name, r.dataSourceReasons[name])
		}
	}
}

func (r outageReport) String() string {
	return fmt.Sprintf("%d requests (per second %v; bounds %d per second, %d in all) from %d work items; connection %v; DataSources %v",
		r.total, r.perSecond, r.perSecondBound(), r.totalBound(), r.items,
		r.connectionReasons, r.dataSourceReasons)
}
