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
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// manager is one manager process of the storm.
type manager struct {
	name string
	*managerbin.Process
}

// startManager runs the manager binary with leader election, as a
// Deployment with several replicas does.
func startManager(t *testing.T, bin, kubeconfig, name string) *manager {
	t.Helper()
	p := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false", "--leader-elect",
		"--leader-election-namespace=default", "--max-retry-after=2s")
	return &manager{name: name, Process: p}
}

// leads reports whether the manager has acquired the leader Lease.
func (m *manager) leads() bool {
	return strings.Contains(m.Logs.String(), "Successfully acquired lease")
}

// writes is what a manager has written, as its own metrics count it:
// Kubernetes requests that change an object (PUT, PATCH, DELETE: status,
// finalizers, the Lease once it leads) and requests to OpenSearch. POST is
// left out: every manager, leader or not, asks the API server what it may
// watch with SelfSubjectAccessReviews, which are POSTs that store nothing.
type writes struct {
	kube, openSearch float64
	// lines are the series counted, to say what was written.
	lines []string
}

func (m *manager) writes(t *testing.T) writes {
	t.Helper()
	resp, err := http.Get("http://" + m.MetricsAddr + "/metrics")
	if err != nil {
		t.Fatalf("scraping %s: %v", m.name, err)
	}
	defer resp.Body.Close()
	return parseWrites(t, resp.Body)
}

func parseWrites(t *testing.T, r io.Reader) writes {
	t.Helper()
	var w writes
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, rest, ok := strings.Cut(line, "{")
		if !ok {
			continue
		}
		labels, value, _ := strings.Cut(rest, "} ")
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "rest_client_requests_total":
			for _, verb := range []string{"PUT", "PATCH", "DELETE"} {
				if strings.Contains(labels, `method="`+verb+`"`) {
					w.kube += v
					w.lines = append(w.lines, line)
				}
			}
		case "opensearch_datasource_operator_requests_total":
			w.openSearch += v
			w.lines = append(w.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return w
}

// waitForLeader waits until one of ms leads and returns it.
func waitForLeader(t *testing.T, timeout time.Duration, ms ...*manager) *manager {
	t.Helper()
	var leader *manager
	eventually(t, "a leader", timeout, func() error {
		for _, m := range ms {
			if m.leads() {
				leader = m
				return nil
			}
		}
		return fmt.Errorf("none of %d managers holds the Lease", len(ms))
	})
	return leader
}

// expectNoWrites fails if a manager that is not the leader wrote anything.
func expectNoWrites(t *testing.T, m *manager) {
	t.Helper()
	if w := m.writes(t); w.kube != 0 || w.openSearch != 0 {
		t.Errorf("%s is not the leader but wrote: %v Kubernetes writes, %v OpenSearch requests:\n%s",
			m.name, w.kube, w.openSearch, strings.Join(w.lines, "\n"))
	}
}

// stop sends SIGTERM and waits for the exit, which must come within the
// manager's graceful shutdown timeout: a reconcile waiting on a slow
// server is cancelled, not waited for.
func (m *manager) stop(t *testing.T) {
	t.Helper()
	if err := m.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	limit := controllers.GracefulShutdownTimeout + 5*time.Second
	select {
	case err := <-m.Exited:
		if err != nil {
			t.Errorf("%s exited with %v after SIGTERM", m.name, err)
		}
	case <-time.After(limit):
		t.Fatalf("%s did not stop within %s of SIGTERM", m.name, limit)
	}
}

// kill ends the manager at once, as an OOM kill or a lost node does.
func (m *manager) kill(t *testing.T) {
	t.Helper()
	if err := m.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-m.Exited; err == nil {
		t.Fatalf("%s exited cleanly when killed", m.name)
	}
}
