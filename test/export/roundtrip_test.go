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

// Package export_test checks "manager export" end to end: data sources
// seeded on the fake OpenSearch are exported by the manager binary, applied
// with the real kubectl to a real kube-apiserver (envtest) where the same
// binary runs the operator, and every DataSource becomes Ready without a
// single write reaching the server.
package export_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

const operatorUser, operatorPassword = "admin", "admin-pass"

// cluster is the kube-apiserver, the manager and kubectl of one test.
type cluster struct {
	t                   *testing.T
	kubectl, kubeconfig string
	manager             string
}

func start(t *testing.T) *cluster {
	kubectl, root := testenv.Kubectl(t), testenv.Root(t)
	_, kubeconfig := managerbin.ControlPlane(t, root, "export")
	mgr := managerbin.Start(t, root, kubeconfig, "--metrics-secure=false")
	return &cluster{t: t, kubectl: kubectl, kubeconfig: kubeconfig, manager: mgr.Cmd.Path}
}

// kubectlRun runs kubectl with stdin and returns its output.
func (c *cluster) kubectlRun(stdin string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.kubectl, append([]string{"--kubeconfig", c.kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// export runs "manager export" with args and returns what it printed on
// stdout.
func (c *cluster) export(args ...string) string {
	c.t.Helper()
	out, _ := c.exportBoth(args...)
	return out
}

// exportBoth is export, also returning what it printed on stderr.
func (c *cluster) exportBoth(args ...string) (string, string) {
	c.t.Helper()
	cmd := exec.Command(c.manager, append([]string{"export", "--kubeconfig", c.kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "OPENSEARCH_PASSWORD="+operatorPassword)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("manager export %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	c.t.Logf("manager export %s:\n%s\nstderr:\n%s", strings.Join(args, " "), out, stderr.String())
	return string(out), stderr.String()
}

// namespace creates a namespace with an OpenSearchConnection "os" to fake.
func (c *cluster) namespace(name string, fake *fakeopensearch.Server) {
	c.kubectlRun(fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: %[1]s
---
apiVersion: v1
kind: Secret
metadata:
  name: os-auth
  namespace: %[1]s
stringData:
  username: %[3]s
  password: %[4]s
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: os
  namespace: %[1]s
spec:
  endpoint: %[2]s
  auth:
    basic:
      secretRef:
        name: os-auth
`, name, fake.URL(), operatorUser, operatorPassword), "apply", "-f", "-")
	c.kubectlRun("", "wait", "--for=condition=Ready", "-n", name, "opensearchconnection/os", "--timeout=60s")
}

// expectReasons waits until the DataSources of namespace, as
// "name=Ready reason" sorted by name, are want.
func (c *cluster) expectReasons(namespace, want string) {
	c.t.Helper()
	var got string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		got = strings.Join(strings.Fields(c.kubectlRun("", "get", "datasources", "-n", namespace, "-o",
			`jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].reason}{"\n"}{end}`)), " ")
		if got == want {
			return
		}
	}
	c.t.Errorf("DataSources in %s: %s, want %s\n%s", namespace, got, want,
		c.kubectlRun("", "get", "datasources", "-n", namespace, "-o", "yaml"))
}

func writesTo(fake *fakeopensearch.Server) int {
	return fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate) +
		fake.Count(fakeopensearch.OpPatch) + fake.Count(fakeopensearch.OpDelete)
}

func startFake(t *testing.T, mode fakeopensearch.Mode, docs ...fakeopensearch.Document) *fakeopensearch.Server {
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: mode, Username: operatorUser, Password: operatorPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	for _, d := range docs {
		fake.Seed(d)
	}
	return fake
}

// plain are data sources that carry no credential.
func plain() []fakeopensearch.Document {
	return []fakeopensearch.Document{
		{Name: "logs", Connector: "OPENSEARCH", Description: "local logs", AllowedRoles: []string{"logs_reader", "admin"}},
		{Name: "archive_Q1", Connector: "OPENSEARCH", Status: "DISABLED", ResultIndex: "query_execution_result_archive"},
		{Name: "glue", Connector: "S3GLUE", Properties: map[string]any{
			"glue.auth.type": "iam_role", "glue.auth.role_arn": "arn:aws:iam::123456789012:role/glue",
			"glue.indexstore.opensearch.uri": "https://search.example:9200", "glue.indexstore.opensearch.auth": "noauth"}},
	}
}

// credentialed are data sources whose credentials GET never returns.
func credentialed() []fakeopensearch.Document {
	return []fakeopensearch.Document{
		{Name: "my_prometheus", Connector: "PROMETHEUS", Description: "cluster metrics", Properties: map[string]any{
			"prometheus.uri": "http://prometheus.monitoring:9090", "prometheus.auth.type": "basicauth",
			"prometheus.auth.username": "reader", "prometheus.auth.password": "reader-secret"}},
		{Name: "amp", Connector: "PROMETHEUS", Properties: map[string]any{
			"prometheus.uri": "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1", "prometheus.auth.type": "awssigv4",
			"prometheus.auth.region": "eu-west-1", "prometheus.auth.access_key": "AKIAEXAMPLE", "prometheus.auth.secret_key": "aws-secret"}},
	}
}

func TestExportObserveRoundTrip(t *testing.T) {
	c := start(t)
	sql := startFake(t, fakeopensearch.ModeSQLPlugin, append(plain(), credentialed()...)...)
	documented := startFake(t, fakeopensearch.ModeDocumented, fakeopensearch.Document{
		Name: "mysql-customers", Connector: "mysql", Description: "customer database",
		Properties:    map[string]any{"database": "customers", "port": 3306, "encryption": true},
		Configuration: &fakeopensearch.Configuration{Endpoint: "jdbc:mysql://mysql:3306/customers", Username: "db", Password: "db-secret"},
	})
	c.namespace("observed", sql)
	c.namespace("documented", documented)

	// Through the connection object and its Secret, and through flags.
	fromConnection := c.export("--connection", "observed/os", "--observe")
	fromURL := c.export("--url", documented.URL(), "--username", operatorUser, "--observe",
		"--namespace", "documented", "--connection-ref", "os")
	for _, out := range []string{fromConnection, fromURL} {
		for _, secret := range []string{"reader-secret", "AKIAEXAMPLE", "aws-secret", "db-secret", operatorPassword} {
			if strings.Contains(out, secret) {
				t.Errorf("the export printed the secret value %q", secret)
			}
		}
	}
	c.kubectlRun(fromConnection, "apply", "-f", "-")
	c.kubectlRun(fromURL, "apply", "-f", "-")

	c.expectReasons("observed", "amp=Observed archive-q1=Observed glue=Observed logs=Observed my-prometheus=Observed")
	c.expectReasons("documented", "mysql-customers=Observed")
	c.kubectlRun("", "wait", "--for=condition=Ready", "datasources", "--all", "-n", "observed", "--timeout=10s")
	if n := writesTo(sql) + writesTo(documented); n != 0 {
		t.Errorf("%d write requests reached the servers; Observe must send none", n)
	}
}

func TestExportCreateOrUpdateRoundTrip(t *testing.T) {
	c := start(t)
	plainFake := startFake(t, fakeopensearch.ModeSQLPlugin, plain()...)
	withCredentials := startFake(t, fakeopensearch.ModeSQLPlugin, credentialed()...)
	c.namespace("managed", plainFake)
	c.namespace("credentials", withCredentials)

	c.kubectlRun(c.export("--connection", "managed/os"), "apply", "-f", "-")
	c.expectReasons("managed", "archive-q1=Synced glue=Synced logs=Synced")
	if n := writesTo(plainFake); n != 0 {
		t.Errorf("%d write requests reached the server; data sources that already match need none", n)
	}

	// An unfilled Secret stub holds the write back.
	c.kubectlRun(c.export("--connection", "credentials/os"), "apply", "-f", "-")
	c.expectReasons("credentials", "amp=SecretKeyNotFound my-prometheus=SecretKeyNotFound")
	if n := writesTo(withCredentials); n != 0 {
		t.Errorf("%d write requests reached the server with empty credentials", n)
	}

	// Filling it in writes the data source once.
	c.kubectlRun(`apiVersion: v1
kind: Secret
metadata:
  name: my-prometheus-credentials
  namespace: credentials
stringData:
  prometheus.auth.username: reader
  prometheus.auth.password: rotated
`, "apply", "-f", "-")
	c.expectReasons("credentials", "amp=SecretKeyNotFound my-prometheus=Synced")
	if n := writesTo(withCredentials); n != 1 {
		t.Errorf("%d write requests after filling in one stub, want 1", n)
	}
	doc, _ := withCredentials.Stored("my_prometheus")
	if doc.Properties["prometheus.auth.password"] != "rotated" || doc.Description != "cluster metrics" {
		t.Errorf("stored after the write: %v", doc)
	}
}

// TestExportSkipsManaged exports into a namespace twice: the second
// export prints none of the data sources the first one's DataSources now
// manage (unless --include-managed asks for them), and no generated
// DataSource ever takes the name of one already there.
func TestExportSkipsManaged(t *testing.T) {
	c := start(t)
	fake := startFake(t, fakeopensearch.ModeSQLPlugin, plain()...)
	c.namespace("team", fake)
	// A DataSource about something else that happens to have the name the
	// export would give the data source "glue".
	c.kubectlRun(`apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata: {name: glue, namespace: team}
spec:
  connectionRef: {name: another}
  connector: prometheus
  properties: {prometheus.uri: "http://prometheus:9090"}
`, "apply", "-f", "-")

	first := c.export("--connection", "team/os")
	if !strings.Contains(first, "name: glue-2\n") {
		t.Errorf("the data source glue was not exported under another name:\n%s", first)
	}
	c.kubectlRun(first, "apply", "-f", "-")
	c.expectReasons("team", "archive-q1=Synced glue=ConnectionNotFound glue-2=Synced logs=Synced")

	again, stderr := c.exportBoth("--connection", "team/os", "--observe")
	if strings.Contains(again, "kind: DataSource") {
		t.Errorf("a second export printed DataSources for data sources the first one's already manage:\n%s", again)
	}
	for _, want := range []string{
		`export: skipped data source "archive_Q1": DataSource team/archive-q1 already manages or observes it; --include-managed prints it anyway`,
		`export: skipped data source "glue": DataSource team/glue-2 already manages or observes it`,
		`export: skipped data source "logs": DataSource team/logs already manages or observes it`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	included, stderr := c.exportBoth("--connection", "team/os", "--observe", "--include-managed")
	if !strings.Contains(stderr, `export: data source "logs" is already managed or observed by DataSource team/logs; `+
		"applying its manifest adds a second DataSource for it") {
		t.Errorf("--include-managed gave no warning:\n%s", stderr)
	}
	for _, want := range []string{"name: archive-q1-2\n", "name: glue-3\n", "name: logs-2\n"} {
		if !strings.Contains(included, want) {
			t.Errorf("--include-managed lacks %q (no DataSource may take an existing one's name):\n%s", want, included)
		}
	}
	c.kubectlRun(included, "apply", "-f", "-")
	c.expectReasons("team", "archive-q1=Synced archive-q1-2=Observed glue=ConnectionNotFound glue-2=Synced glue-3=Observed logs=Synced logs-2=Observed")
}

// TestExportSigV4 reads Amazon OpenSearch Service the way the operator
// does: through a connection whose auth.awsSigV4 names a Secret with the
// key pair, and through --aws-region with the key pair from the
// environment (the AWS default chain).
func TestExportSigV4(t *testing.T) {
	c := start(t)
	keys := fakeopensearch.SigV4{Region: "eu-west-1", AccessKeyID: "AKIDEXPORTTEST", SecretAccessKey: "export-test-secret-access-key"}
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, SigV4: &keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	for _, d := range plain() {
		fake.Seed(d)
	}
	c.kubectlRun(fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: aws
---
apiVersion: v1
kind: Secret
metadata:
  name: aws-keys
  namespace: aws
stringData:
  AWS_ACCESS_KEY_ID: %s
  AWS_SECRET_ACCESS_KEY: %s
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: os
  namespace: aws
spec:
  endpoint: %s
  auth:
    awsSigV4:
      region: eu-west-1
      secretRef:
        name: aws-keys
`, keys.AccessKeyID, keys.SecretAccessKey, fake.URL()), "apply", "-f", "-")

	fromConnection := c.export("--connection", "aws/os", "--observe")
	c.kubectlRun(fromConnection, "apply", "-f", "-")
	c.expectReasons("aws", "archive-q1=Observed glue=Observed logs=Observed")

	cmd := exec.Command(c.manager, "export", "--url", fake.URL(), "--aws-region", "eu-west-1", "--namespace", "aws", "--connection-ref", "os", "--observe")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+keys.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+keys.SecretAccessKey,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "OPENSEARCH_USERNAME=", "OPENSEARCH_PASSWORD=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("manager export --aws-region: %v\n%s", err, out)
	}
	if got := string(out); got != fromConnection {
		t.Errorf("--url --aws-region printed\n%s\nwant what --connection printed\n%s", out, fromConnection)
	}
	if n := writesTo(fake); n != 0 {
		t.Errorf("%d write requests reached the server", n)
	}
}

// TestExportURICredentialsRoundTrip exports a data source whose URI holds
// credentials: the manifests carry none, the DataSource reads the URI from
// its Secret stub and is suspended, so that nothing is written until the
// URI is filled in; then the operator holds the data source as it was,
// credentials included.
func TestExportURICredentialsRoundTrip(t *testing.T) {
	const uriSecret = "uri-s3cr3t"
	uri := "http://reader:" + uriSecret + "@prometheus.monitoring:9090"
	c := start(t)
	fake := startFake(t, fakeopensearch.ModeSQLPlugin, fakeopensearch.Document{Name: "secured", Connector: "PROMETHEUS",
		Properties: map[string]any{"prometheus.uri": uri}})
	c.namespace("uris", fake)

	out := c.export("--connection", "uris/os")
	if strings.Contains(out, uriSecret) {
		t.Fatalf("the export printed the URI's password:\n%s", out)
	}
	c.kubectlRun(out, "apply", "-f", "-")
	c.expectReasons("uris", "secured=Suspended")
	if n := writesTo(fake); n != 0 {
		t.Errorf("%d write requests reached the server before the URI was filled in", n)
	}

	c.kubectlRun(fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata:
  name: secured-credentials
  namespace: uris
stringData:
  prometheus.uri: %q
`, uri), "apply", "-f", "-")
	c.kubectlRun("", "patch", "-n", "uris", "datasource/secured", "--type=merge", "-p", `{"spec":{"suspend":false}}`)
	c.expectReasons("uris", "secured=Synced")
	if doc, _ := fake.Stored("secured"); doc.Properties["prometheus.uri"] != uri {
		t.Errorf("stored prometheus.uri %v, want the URI filled in", doc.Properties["prometheus.uri"])
	}
}
