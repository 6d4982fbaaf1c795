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

package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// Secret values no diagnosis may print, whichever object it explains.
const (
	canaryConnection = "CANARY-conn-pass-4b2a"
	canaryWrong      = "CANARY-wrong-pass-9c3f"
	canaryProperty   = "CANARY-prom-pass-7d1e"
)

// TestDiagnose runs "manager diagnose" and the kubectl plugin, both built
// as users build them, against a manager process, envtest and the fake:
// a healthy DataSource, one missing a Secret key, one behind a connection
// with a wrong password, an observed one that differs from its spec, and a
// connection whose user may not read the data source API.
func TestDiagnose(t *testing.T) {
	kubectl := testenv.Kubectl(t)
	root := testenv.Root(t)
	_, kubeconfig := managerbin.ControlPlane(t, root, "e2e-diagnose")
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Username: "admin", Password: canaryConnection})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	denied, err := fakeopensearch.Start(fakeopensearch.Options{Username: "admin", Password: canaryConnection})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(denied.Close)
	denied.Forbid(fakeopensearch.ActionRead)
	fake.Seed(fakeopensearch.Document{Name: "observed", Connector: "PROMETHEUS",
		Properties: map[string]any{"prometheus.uri": "http://old:9090"}})

	manager := managerbin.Build(t, root)
	plugin := managerbin.Build(t, filepath.Join(root, "cmd", "kubectl-opensearch"))
	mgr := managerbin.Run(t, manager, kubeconfig, "--metrics-secure=false", "--zap-log-level", "debug")
	waitFor(t, "the manager's readiness probe", func() bool { return httpOK("http://" + mgr.ProbeAddr + "/readyz") })

	kube := func(stdin string, args ...string) {
		c := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig, "-n", "default"}, args...)...)
		c.Stdin = strings.NewReader(stdin)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	objects := strings.NewReplacer("FAKE_URL", fake.URL(), "DENIED_URL", denied.URL(),
		"CANARY_CONN", canaryConnection, "CANARY_WRONG", canaryWrong, "CANARY_PROP", canaryProperty).Replace(diagnoseObjects)
	kube(objects, "apply", "-f", "-")
	kube("", "wait", "--for=condition=Ready", "datasource/healthy", "--timeout=60s")
	kube("", "wait", "--for=jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}=Drifted", "datasource/observed", "--timeout=60s")
	kube("", "wait", "--for=jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}=SecretKeyNotFound", "datasource/broken-key", "--timeout=60s")
	kube("", "wait", "--for=jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}=Forbidden", "opensearchconnection/wrong", "--timeout=60s")
	kube("", "wait", "--for=jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}=ConnectionNotReady", "datasource/broken-conn", "--timeout=60s")

	diagnose := func(bin string, args ...string) string {
		t.Helper()
		args = append([]string{"diagnose"}, args...)
		c := exec.Command(bin, append(args, "--kubeconfig", kubeconfig)...)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(filepath.Dir(bin)), strings.Join(args, " "), err, out)
		}
		for _, canary := range []string{canaryConnection, canaryWrong, canaryProperty} {
			if strings.Contains(string(out), canary) {
				t.Errorf("diagnose %s printed a Secret value:\n%s", strings.Join(args, " "), out)
			}
		}
		return string(out)
	}
	expect := func(what, out string, lines ...string) {
		t.Helper()
		for _, l := range lines {
			if !strings.Contains(out, l) {
				t.Errorf("%s: the output lacks %q:\n%s", what, l, out)
			}
		}
	}

	expect("healthy", diagnose(plugin, "default/healthy"),
		"DataSource default/healthy\n  data source \"healthy\", connector \"prometheus\", managementPolicy CreateOrUpdate",
		"  Ready=True Synced",
		"Connection OpenSearchConnection/default/good\n  Ready=True Connected",
		"  endpoint "+fake.URL(),
		"  dialect SQLPlugin, OpenSearch 2.19.1, clusterUUID "+fake.ClusterUUID(),
		`  Secret default/good-creds (spec.auth.basic.secretRef): exists; key "username" present, key "password" present`,
		`  Secret default/prom-creds (spec.propertiesFrom[prometheus.auth.password]): exists; key "password" present`,
		"  status.connection (where it last wrote): OpenSearchConnection/good at "+fake.URL()+", clusterUUID "+fake.ClusterUUID(),
		"  status.pendingCreate (a create not yet confirmed): none",
		"Events of the DataSource\n  ",
		" Normal Created: ",
		"(as the user of OpenSearchConnection/default/good)\n  answers: OpenSearch 2.19.1",
		`Data source "healthy" on the server`,
		`  properties[prometheus.uri] = "http://prometheus:9090"`,
		"What a write of the spec would change\n  nothing: the server holds what the spec says",
		"not compared (values from Secrets, which diagnose does not read): prometheus.auth.password, prometheus.auth.username",
	)
	expect("broken key", diagnose(manager, "broken-key", "-n", "default"),
		"  Ready=False SecretKeyNotFound",
		`  Secret default/prom-creds (spec.propertiesFrom[prometheus.auth.password]): exists; key "pasword" MISSING; it has keys "password", "username"`,
		" Warning SecretKeyNotFound: ",
		"  last write: never",
		`Data source "broken-key" on the server`+"\n  does not exist",
		"What a write of the spec would change\n  create it",
	)
	expect("wrong connection password", diagnose(manager, "default/broken-conn"),
		"  Ready=False ConnectionNotReady",
		"Connection OpenSearchConnection/default/wrong\n  Ready=False Forbidden",
		`  Secret default/wrong-creds (spec.auth.basic.secretRef): exists; key "username" present, key "password" present`,
		"  data source API: OpenSearch refused the connection's credentials (401): check the Secret of spec.auth; "+
			"the user also needs the cluster permissions cluster:admin/opensearch/ql/datasources/*",
	)
	expect("observed", diagnose(plugin, "datasource", "default/observed"),
		"  Ready=False Drifted",
		`  properties[prometheus.uri]: "http://old:9090" -> "http://new:9090"`,
		"  managementPolicy Observe writes nothing: these are the differences it reports",
	)
	expect("wrong connection", diagnose(plugin, "connection", "default/wrong"),
		"Connection OpenSearchConnection/default/wrong\n  Ready=False Forbidden",
		"Events of the connection\n  ",
		" Warning Forbidden: ",
		"OpenSearch refused the connection's credentials (401)",
	)
	expect("denied connection", diagnose(manager, "connection", "default/denied"),
		"OpenSearch data source API\n  data source API: the connection's user lacks cluster:admin/opensearch/ql/datasources/read: "+
			"grant its role the cluster permissions cluster:admin/opensearch/ql/datasources/*",
	)
	// The command, like the operator, never calls a cloud metadata
	// address with a connection's settings.
	expect("metadata endpoint", diagnose(plugin, "connection", "default/metadata"),
		`  does not answer: opensearch info: Unavailable: "GET" "http://169.254.169.254/": dial tcp 169.254.169.254:80: `+
			"the operator does not connect to 169.254.169.254: it is in 169.254.0.0/16",
	)
	expect("healthy connection", diagnose(manager, "connection", "good"),
		"  data source API: the connection's user may read the data source API",
		"  2 data sources on the server",
	)
}

// diagnoseObjects are the connections, Secrets and DataSources TestDiagnose
// explains.
const diagnoseObjects = `apiVersion: v1
kind: Secret
metadata: {name: good-creds}
stringData: {username: admin, password: CANARY_CONN}
---
apiVersion: v1
kind: Secret
metadata: {name: wrong-creds}
stringData: {username: admin, password: CANARY_WRONG}
---
apiVersion: v1
kind: Secret
metadata: {name: prom-creds}
stringData: {username: prom, password: CANARY_PROP}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata: {name: good}
spec:
  endpoint: FAKE_URL
  auth: {basic: {secretRef: {name: good-creds}}}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata: {name: wrong}
spec:
  endpoint: FAKE_URL
  auth: {basic: {secretRef: {name: wrong-creds}}}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata: {name: denied}
spec:
  endpoint: DENIED_URL
  auth: {basic: {secretRef: {name: good-creds}}}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata: {name: metadata}
spec:
  endpoint: http://169.254.169.254
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata: {name: healthy}
spec:
  connectionRef: {name: good}
  connector: prometheus
  properties:
    prometheus.uri: http://prometheus:9090
    prometheus.auth.type: basicauth
  propertiesFrom:
  - {key: prometheus.auth.username, secretKeyRef: {name: prom-creds, key: username}}
  - {key: prometheus.auth.password, secretKeyRef: {name: prom-creds, key: password}}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata: {name: broken-key}
spec:
  connectionRef: {name: good}
  connector: prometheus
  properties:
    prometheus.uri: http://prometheus:9090
    prometheus.auth.type: basicauth
  propertiesFrom:
  - {key: prometheus.auth.username, secretKeyRef: {name: prom-creds, key: username}}
  - {key: prometheus.auth.password, secretKeyRef: {name: prom-creds, key: pasword}}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata: {name: broken-conn}
spec:
  connectionRef: {name: wrong}
  connector: prometheus
  properties: {prometheus.uri: "http://prometheus:9090"}
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata: {name: observed}
spec:
  connectionRef: {name: good}
  connector: prometheus
  managementPolicy: Observe
  properties: {prometheus.uri: "http://new:9090"}
`
