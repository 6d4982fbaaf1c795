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
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// fakeServer is one connection's OpenSearch: the project's fake in
// SQL-plugin mode behind a real HTTP listener, with a hook that sees every
// write once the fake has handled it.
type fakeServer struct {
	*fakeopensearch.Server
	url  string
	http *http.Server
	hook atomic.Pointer[writeHook]
	// accepted counts TCP connections: a client that keeps too few idle
	// connections for its concurrency opens one per request.
	accepted atomic.Int64
	// writing is how many writes the fake is handling now, and
	// peakWriting the most at once: how many of the manager's workers a
	// server that stalls writes holds.
	writing, peakWriting atomic.Int64
}

// writeHook is told the method and data source name of each POST or PUT,
// after the fake has stored (or refused) it.
type writeHook func(method, name string, at time.Time)

// startFake serves a fake holding up to limit data sources on a loopback port.
func startFake(limit int) (*fakeServer, error) {
	f := &fakeServer{Server: fakeopensearch.New(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Limit: limit})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f.url = "http://" + l.Addr().String()
	f.http = &http.Server{Handler: f.observe(f.Handler()), ReadHeaderTimeout: 30 * time.Second,
		ConnState: func(_ net.Conn, state http.ConnState) {
			if state == http.StateNew {
				f.accepted.Add(1)
			}
		}}
	go func() { _ = f.http.Serve(l) }()
	return f, nil
}

func (f *fakeServer) close() { _ = f.http.Close() }

// peak raises peakWriting to n if n is more.
func (f *fakeServer) peak(n int64) {
	for {
		p := f.peakWriting.Load()
		if n <= p || f.peakWriting.CompareAndSwap(p, n) {
			return
		}
	}
}

// observe counts the writes in flight and calls the hook, when one is
// set, after each write is handled. It reads each write's body before the
// fake does: once a body is read to its end, the HTTP server notices a
// client that hangs up and ends the request's context, so a write whose
// client gave up stops counting even while the fake stalls it.
func (f *fakeServer) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodPut {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.peak(f.writing.Add(1))
		next.ServeHTTP(w, r)
		f.writing.Add(-1)
		hook := f.hook.Load()
		if hook == nil {
			return
		}
		var doc struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(body, &doc) == nil && doc.Name != "" {
			(*hook)(r.Method, doc.Name, time.Now())
		}
	})
}

// opCounts are the data source API requests some fakes received, by operation.
type opCounts map[fakeopensearch.Op]int

var countedOps = []fakeopensearch.Op{
	fakeopensearch.OpInfo, fakeopensearch.OpList, fakeopensearch.OpGet, fakeopensearch.OpCreate,
	fakeopensearch.OpUpdate, fakeopensearch.OpPatch, fakeopensearch.OpDelete,
}

func countOps(fakes []*fakeServer) opCounts {
	out := opCounts{}
	for _, f := range fakes {
		for _, op := range countedOps {
			out[op] += f.Count(op)
		}
	}
	return out
}

// acceptedConnections is how many TCP connections fakes accepted.
func acceptedConnections(fakes []*fakeServer) int {
	n := int64(0)
	for _, f := range fakes {
		n += f.accepted.Load()
	}
	return int(n)
}

// writes is how many requests could have changed a data source.
func (o opCounts) writes() int {
	return o[fakeopensearch.OpCreate] + o[fakeopensearch.OpUpdate] + o[fakeopensearch.OpPatch] + o[fakeopensearch.OpDelete]
}

// String lists the non-zero counts in a fixed order, e.g. "info 50, create 1000".
func (o opCounts) String() string {
	var b bytes.Buffer
	for _, op := range countedOps {
		if o[op] == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(op))
		b.WriteString(" ")
		b.WriteString(strconv.Itoa(o[op]))
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// total is every request counted.
func (o opCounts) total() int {
	n := 0
	for _, v := range o {
		n += v
	}
	return n
}
