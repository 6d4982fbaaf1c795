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
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

func TestOpCounts(t *testing.T) {
	o := opCounts{fakeopensearch.OpCreate: 1000, fakeopensearch.OpInfo: 50, fakeopensearch.OpList: 50,
		fakeopensearch.OpUpdate: 2, fakeopensearch.OpDelete: 1}
	if got, want := o.String(), "info 50, list 50, create 1000, update 2, delete 1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if o.writes() != 1003 {
		t.Errorf("writes() = %d, want 1003 (create, update, delete)", o.writes())
	}
	if o.total() != 1103 {
		t.Errorf("total() = %d, want 1103", o.total())
	}
	if got := (opCounts{}).String(); got != "none" {
		t.Errorf("empty String() = %q, want none", got)
	}
}

func TestMinMaxPuts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		puts   map[string]int
		n      int
		lo, hi int
	}{
		{"one each", map[string]int{"a": 1, "b": 1}, 2, 1, 1},
		{"one got two", map[string]int{"a": 1, "b": 2}, 2, 1, 2},
		{"one got none", map[string]int{"a": 1}, 2, 0, 1},
		{"nothing written", map[string]int{}, 3, 0, 0},
	} {
		if lo, hi := minMaxPuts(tc.puts, tc.n); lo != tc.lo || hi != tc.hi {
			t.Errorf("%s: minMaxPuts = %d–%d, want %d–%d", tc.name, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestWritesInFlight(t *testing.T) {
	f, err := startFake(10)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	f.SetOpLatency(fakeopensearch.OpCreate, time.Minute)
	c := &http.Client{Timeout: 200 * time.Millisecond}
	body := `{"name":"a","connector":"prometheus","properties":{"prometheus.uri":"http://p:9090"}}`
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := c.Post(f.url+"/_plugins/_query/_datasources", "application/json", strings.NewReader(body)); err == nil {
				_ = resp.Body.Close()
				t.Error("a stalled write was answered")
			}
		}()
	}
	wg.Wait()
	if got := f.peakWriting.Load(); got != 3 {
		t.Errorf("peak writes in flight = %d, want 3", got)
	}
	// The clients gave up; the stalled writes stop counting long before
	// the fake's minute is up.
	deadline := time.Now().Add(5 * time.Second)
	for f.writing.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := f.writing.Load(); got != 0 {
		t.Errorf("writes in flight after the clients gave up = %d, want 0", got)
	}
}
