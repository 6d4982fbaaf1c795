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

// Package e2e runs the manager as the binary users deploy, against a real
// kube-apiserver (envtest) and the fake OpenSearch, and drives it with the
// real kubectl and the repository's own samples.
package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

func TestManagerBinaryRunsTheSamples(t *testing.T) {
	testenv.Assets(t)
	kubectl := testenv.Kubectl(t)
	root := testenv.Root(t)

	_, kubeconfig := managerbin.ControlPlane(t, root, "e2e")

	// The sample connection's Secret says admin/change-me; the fake checks it.
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "admin", Password: "change-me"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)

	mgr := managerbin.Start(t, root, kubeconfig,
		"--metrics-secure=false", "--leader-elect", "--leader-election-namespace", "default", "--zap-log-level", "debug")
	metricsAddr, probeAddr, logs, exited := mgr.MetricsAddr, mgr.ProbeAddr, mgr.Logs, mgr.Exited

	waitFor(t, "the manager's readiness probe", func() bool { return httpOK("http://" + probeAddr + "/readyz") })

	run := func(stdin string, args ...string) string {
		c := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig, "-n", "default"}, args...)...)
		c.Stdin = strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	connection, err := os.ReadFile(filepath.Join(root, "config", "samples", "opensearch_v1alpha1_opensearchconnection.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	run(strings.Replace(string(connection), "http://127.0.0.1:9200", fake.URL(), 1), "apply", "-f", "-")
	run("", "apply", "-f", filepath.Join(root, "config", "samples", "opensearch_v1alpha1_datasource_prometheus.yaml"))
	run("", "wait", "--for=condition=Ready", "opensearchconnection/opensearch", "--timeout=60s")
	run("", "wait", "--for=condition=Ready", "datasource/my-prometheus", "--timeout=60s")

	doc, ok := fake.Stored("my_prometheus")
	if !ok {
		t.Fatalf("the sample data source is not in OpenSearch; stored: %v", fake.StoredNames())
	}
	if doc.Properties["prometheus.uri"] != "http://prometheus.monitoring.svc:9090" || doc.Properties["prometheus.auth.password"] != "change-me" {
		t.Errorf("stored properties = %v", doc.Properties)
	}
	// The sample's user name, "prometheus", is not a secret: it must not
	// be masked inside the data source's own name.
	if msg := run("", "get", "datasource/my-prometheus", "-o", "jsonpath={.status.message}"); msg != "Created DataSource with name my_prometheus" {
		t.Errorf("status.message = %q, want the server's reply unmangled", msg)
	}
	// What Argo CD or Flux would diff: nothing but the user's fields and
	// the CRD's defaults, after the operator has done its work.
	for _, obj := range []struct{ file, kind, ref string }{
		{"opensearch_v1alpha1_datasource_prometheus.yaml", "DataSource", "datasource/my-prometheus"},
		{"opensearch_v1alpha1_opensearchconnection.yaml", "OpenSearchConnection", "opensearchconnection/opensearch"},
	} {
		sample := readSample(t, filepath.Join(root, "config", "samples", obj.file), obj.kind)
		if obj.kind == "OpenSearchConnection" {
			sample["spec"].(map[string]any)["endpoint"] = fake.URL()
		}
		var live map[string]any
		if err := json.Unmarshal([]byte(run("", "get", obj.ref, "-o", "json")), &live); err != nil {
			t.Fatal(err)
		}
		expectOnlyUserFields(t, root, sample, live)
	}
	// A DataSource whose spec.name defaults to metadata.name still shows
	// its data source's name, and each row names its connection.
	run(defaultedName, "apply", "-f", "-")
	run("", "wait", "--for=condition=Ready", "datasource/defaulted", "--timeout=60s")
	table := run("", "get", "osds")
	expectColumns(t, table, []string{"NAME", "DATASOURCE", "CONNECTION", "CONNECTOR", "STATUS", "READY", "REASON", "AGE"},
		map[string][]string{
			"my-prometheus": {"my-prometheus", "my_prometheus", "opensearch", "prometheus", "ACTIVE", "True", "Synced"},
			"defaulted":     {"defaulted", "defaulted", "opensearch", "prometheus", "ACTIVE", "True", "Synced"},
		})
	wide := run("", "get", "osds", "-o", "wide")
	expectColumns(t, wide, []string{"NAME", "DATASOURCE", "CONNECTION", "CONNECTOR", "STATUS", "READY", "REASON",
		"POLICY", "DIALECT", "LAST SYNC", "AGE", "MESSAGE"},
		map[string][]string{
			"defaulted": {"defaulted", "defaulted", "opensearch", "prometheus", "ACTIVE", "True", "Synced", "CreateOrUpdate", "SQLPlugin"},
		})
	if row := tableRow(wide, "defaulted"); len(row) < 11 || !regexp.MustCompile(`^\d+s$`).MatchString(row[9]) {
		t.Errorf("kubectl get osds -o wide: LAST SYNC of defaulted is not an age in seconds: %q", row)
	}
	// The connection's row: where it points, what it resolved to, and
	// whether it is Ready.
	conns := run("", "get", "osconn")
	expectColumns(t, conns, []string{"NAME", "ENDPOINT", "DIALECT", "VERSION", "READY", "REASON", "AGE"},
		map[string][]string{"opensearch": {"opensearch", fake.URL(), "SQLPlugin"}})
	if row := tableRow(conns, "opensearch"); len(row) < 6 || row[4] != "True" || row[5] != "Connected" {
		t.Errorf("kubectl get osconn: row opensearch = %q, want READY True and REASON Connected", row)
	}
	if !strings.Contains(wide, `Data source "defaulted" on OpenSearchConnection/default/opensearch matches the spec`) {
		t.Errorf("kubectl get osds -o wide lacks the Ready message:\n%s", wide)
	}
	run("", "delete", "datasource/defaulted", "--timeout=60s")

	metrics := httpBody(t, "http://"+metricsAddr+"/metrics")
	for _, want := range []string{
		`opensearch_datasource_operator_datasources{reason="Synced"} 1`,
		`opensearch_datasource_operator_requests_total{connection="OpenSearchConnection/default/opensearch"`,
		`opensearch_datasource_operator_watched_secrets 2`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, "change-me") || strings.Contains(logs.String(), "change-me") {
		t.Error("a secret value reached the metrics or the logs")
	}

	run("", "delete", "datasource/my-prometheus", "--timeout=60s")
	if _, ok := fake.Stored("my_prometheus"); ok {
		t.Error("deleting the DataSource left the data source in OpenSearch")
	}

	if err := mgr.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("manager exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("manager did not stop within 30s of SIGTERM")
	}
}

func httpOK(url string) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func httpBody(t *testing.T, url string) string {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// defaultedName is a DataSource that leaves spec.name to default.
const defaultedName = `apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: defaulted
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  properties:
    prometheus.uri: http://prometheus.monitoring.svc:9090
`

// tableRow is the row of a kubectl table whose first cell is name, split
// as expectColumns splits it; nil when there is none.
func tableRow(table, name string) []string {
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[1:] {
		if cells := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1); cells[0] == name {
			return cells
		}
	}
	return nil
}

// expectColumns checks the header line of a kubectl table and, for each
// row named in rows, its leading cells (split on runs of spaces, so cells
// must not contain two spaces in a row).
func expectColumns(t *testing.T, table string, header []string, rows map[string][]string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(table), "\n")
	split := func(line string) []string { return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1) }
	if got := split(lines[0]); !slices.Equal(got, header) {
		t.Errorf("kubectl header = %q, want %q\n%s", got, header, table)
	}
	for name, want := range rows {
		found := false
		for _, line := range lines[1:] {
			cells := split(line)
			if cells[0] != name {
				continue
			}
			found = true
			if len(cells) < len(want) || !slices.Equal(cells[:len(want)], want) {
				t.Errorf("row %s = %q, want it to start with %q", name, cells, want)
			}
		}
		if !found {
			t.Errorf("no row %s in\n%s", name, table)
		}
	}
}
