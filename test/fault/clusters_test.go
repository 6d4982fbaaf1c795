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
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

const (
	// clusterUser and clusterPassword are what the fakes accept.
	clusterUser, clusterPassword = "operator", "operator-pass"
	// requestTimeout is every connection's spec.requestTimeout; slowBy
	// is how long a slow answer takes, well beyond it.
	requestTimeout = time.Second
	slowBy         = 3 * requestTimeout
	// burstRequests is how many requests one burst of a failing answer
	// spoils.
	burstRequests = 6
)

// cluster is a fake OpenSearch served through a handler that notes when
// each request arrived, to measure the request rate during an outage.
type cluster struct {
	name string
	url  string
	*fakeopensearch.Server

	mu       sync.Mutex
	arrivals []time.Time
}

func startCluster(t *testing.T, name string) *cluster {
	t.Helper()
	c := &cluster{name: name, Server: fakeopensearch.New(fakeopensearch.Options{
		Mode: fakeopensearch.ModeSQLPlugin, Username: clusterUser, Password: clusterPassword})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inner := c.Handler()
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.arrivals = append(c.arrivals, time.Now())
		c.mu.Unlock()
		inner.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	c.url = "http://" + l.Addr().String()
	return c
}

// arrivalsBetween returns the arrival times in [from, to).
func (c *cluster) arrivalsBetween(from, to time.Time) []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Time
	for _, at := range c.arrivals {
		if !at.Before(from) && at.Before(to) {
			out = append(out, at)
		}
	}
	return out
}

// faultKind is one way a cluster (or what stands in front of it) fails.
type faultKind struct {
	name  string
	start func(*cluster)
}

const (
	proxyPage   = "<!DOCTYPE html><html><body><h1>Welcome</h1><p>Default backend.</p></body></html>"
	notFoundTag = "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"
)

// faultKinds are the failures a burst picks from: the server's own errors,
// a throttle, the network, a slow server, and a proxy answering for it.
var faultKinds = []faultKind{
	{"500", failNext(fakeopensearch.Fault{Status: http.StatusInternalServerError})},
	{"503", failNext(fakeopensearch.Fault{Status: http.StatusServiceUnavailable})},
	{"429 Retry-After 1s", failNext(fakeopensearch.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})},
	{"connection reset", failNext(fakeopensearch.Fault{ResetConnection: true})},
	{"slow answers", func(c *cluster) { c.SetLatency(slowBy) }},
	{"HTML 200", failNext(fakeopensearch.Fault{Status: http.StatusOK, Body: proxyPage})},
	{"HTML 404", failNext(fakeopensearch.Fault{Status: http.StatusNotFound, Body: notFoundTag})},
}

func failNext(f fakeopensearch.Fault) func(*cluster) {
	return func(c *cluster) { c.FailNext(burstRequests, f) }
}

// calm ends every fault on c.
func calm(c *cluster) {
	c.FailNext(0, fakeopensearch.Fault{})
	c.SetLatency(0)
	c.SetOutage(nil)
}

// injector runs bursts of faults, chosen by a seeded generator so that a
// failure replays the same sequence, and tallies what it injected.
type injector struct {
	rnd      *rand.Rand
	clusters []*cluster
	order    []int // a shuffle of faultKinds, so every kind comes in turn
	mu       sync.Mutex
	injected map[string]int
}

func newInjector(seed uint64, clusters ...*cluster) *injector {
	return &injector{rnd: rand.New(rand.NewPCG(seed, seed^0x5eed)), clusters: clusters, injected: map[string]int{}}
}

// begin injects the next fault on one or every cluster, as the generator
// picks; end stops it.
func (in *injector) begin() (end func()) {
	if len(in.order) == 0 {
		in.order = in.rnd.Perm(len(faultKinds))
	}
	kind := faultKinds[in.order[0]]
	in.order = in.order[1:]
	targets := in.clusters
	if pick := in.rnd.IntN(len(in.clusters) + 1); pick < len(in.clusters) {
		targets = in.clusters[pick : pick+1]
	}
	for _, c := range targets {
		kind.start(c)
	}
	in.mu.Lock()
	in.injected[kind.name]++
	in.mu.Unlock()
	return func() {
		for _, c := range targets {
			calm(c)
		}
	}
}

// burst injects one fault for d, then lets the clusters answer for gap.
// The waits are the storm's schedule, not assertions.
func (in *injector) burst(d, gap time.Duration) {
	end := in.begin()
	time.Sleep(d)
	end()
	time.Sleep(gap)
}

// summary lists how often each kind was injected.
func (in *injector) summary() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var parts []string
	for _, k := range faultKinds {
		parts = append(parts, k.name+"×"+strconv.Itoa(in.injected[k.name]))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
