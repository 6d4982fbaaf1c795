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
	"reflect"
	"testing"
)

func TestParseProcStatus(t *testing.T) {
	status := "Name:\tmanager\nVmPeak:\t 1300000 kB\nVmHWM:\t   70312 kB\nVmRSS:\t   68608 kB\n" +
		"RssAnon:\t   40000 kB\nRssFile:\t   28000 kB\nRssShmem:\t     608 kB\nThreads:\t12\n"
	got, err := parseProcStatus(status)
	if err != nil {
		t.Fatal(err)
	}
	if want := (memory{RSSKiB: 68608, HWMKiB: 70312, AnonKiB: 40000, FileKiB: 28000}); got != want {
		t.Errorf("parseProcStatus = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"Name:\tmanager\n", "VmRSS:\t 12 MB\nVmHWM:\t 12 kB\n", "VmRSS:\t x kB\nVmHWM:\t 1 kB\n"} {
		if _, err := parseProcStatus(bad); err == nil {
			t.Errorf("parseProcStatus(%q) accepted it", bad)
		}
	}
}

func TestParseProcStat(t *testing.T) {
	// Fields 14 and 15 (utime, stime) are 250 and 50 ticks; the command
	// name holds a space and a parenthesis.
	stat := "4242 (man ager)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 12 0 100 1300000000 17152"
	got, err := parseProcStat(stat)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3 {
		t.Errorf("parseProcStat = %v, want 3 (300 ticks)", got)
	}
	for _, bad := range []string{"4242 manager S 1", "4242 (manager) S 1 2 3", "4242 (m) S 1 4242 4242 0 -1 1 1 0 0 0 x 50 0"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q) accepted it", bad)
		}
	}
}

func TestSumByLabel(t *testing.T) {
	exposition := `# HELP rest_client_requests_total Number of HTTP requests.
# TYPE rest_client_requests_total counter
rest_client_requests_total{code="200",host="127.0.0.1:40000",method="GET"} 12
rest_client_requests_total{code="200",host="127.0.0.1:40000",method="PATCH"} 400
rest_client_requests_total{code="409",host="127.0.0.1:40000",method="PATCH"} 3
rest_client_requests_total{code="201",host="127.0.0.1:40000",method="POST"} 1e+03
rest_client_requests_total_other{method="GET"} 99
controller_runtime_reconcile_total{controller="datasource",result="success"} 200
controller_runtime_reconcile_total{controller="datasource",result="requeue_after"} 5
`
	if got, want := sumByLabel(exposition, "rest_client_requests_total", "method"),
		map[string]float64{"GET": 12, "PATCH": 403, "POST": 1000}; !reflect.DeepEqual(got, want) {
		t.Errorf("requests by method = %v, want %v", got, want)
	}
	if got, want := sumByLabel(exposition, "controller_runtime_reconcile_total", "controller"),
		map[string]float64{"datasource": 205}; !reflect.DeepEqual(got, want) {
		t.Errorf("reconciles by controller = %v, want %v", got, want)
	}
}

func TestAPICounts(t *testing.T) {
	before := apiCounts{Requests: map[string]float64{"GET": 10, "PATCH": 5}, Reconciles: map[string]float64{"datasource": 7}}
	after := apiCounts{Requests: map[string]float64{"GET": 12, "PATCH": 5, "POST": 2}, Reconciles: map[string]float64{"datasource": 9}}
	d := after.minus(before)
	if want := (map[string]float64{"GET": 2, "POST": 2}); !reflect.DeepEqual(d.Requests, want) {
		t.Errorf("requests delta = %v, want %v", d.Requests, want)
	}
	if d.writes() != 2 {
		t.Errorf("writes = %v, want 2 (the POSTs)", d.writes())
	}
}
