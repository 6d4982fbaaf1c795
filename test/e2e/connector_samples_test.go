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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// TestConnectorSamplesOnTheSQLPluginFake applies the samples of the SQL
// plugin's other connectors with the real kubectl, through the manager
// binary, to the fake in SQL-plugin mode, which validates each connector's
// properties as the plugin does; and checks what the mysql sample's header
// says: the SQL plugin refuses it.
func TestConnectorSamplesOnTheSQLPluginFake(t *testing.T) {
	testenv.Assets(t)
	kubectl := testenv.Kubectl(t)
	root := testenv.Root(t)
	_, kubeconfig := managerbin.ControlPlane(t, root, "e2e")
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "admin", Password: "change-me"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	mgr := managerbin.Start(t, root, kubeconfig, "--metrics-secure=false", "--zap-log-level", "debug")
	waitFor(t, "the manager's readiness probe", func() bool { return httpOK("http://" + mgr.ProbeAddr + "/readyz") })

	run := func(stdin string, args ...string) string {
		c := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig, "-n", "default"}, args...)...)
		c.Stdin = strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	sample := func(file string) string { return filepath.Join(root, "config", "samples", file) }
	connection, err := os.ReadFile(sample("opensearch_v1alpha1_opensearchconnection.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	run(strings.Replace(string(connection), "http://127.0.0.1:9200", fake.URL(), 1), "apply", "-f", "-")
	run("", "wait", "--for=condition=Ready", "opensearchconnection/opensearch", "--timeout=60s")

	for _, tc := range []struct {
		file, object, name, connector string
		// properties the stored data source must hold, as the plugin
		// stores them (strings).
		properties map[string]string
	}{
		{"opensearch_v1alpha1_datasource_s3glue.yaml", "datasource/my-glue", "my_glue", "S3GLUE", map[string]string{
			"glue.auth.type":                           "iam_role",
			"glue.auth.role_arn":                       "arn:aws:iam::123456789012:role/opensearch-glue-access",
			"glue.indexstore.opensearch.uri":           "https://opensearch.example.com:9200",
			"glue.indexstore.opensearch.auth":          "basicauth",
			"glue.indexstore.opensearch.auth.username": "glue_indexer",
			"glue.indexstore.opensearch.auth.password": "change-me",
		}},
		{"opensearch_v1alpha1_datasource_security_lake.yaml", "datasource/security-lake", "security_lake", "SECURITY_LAKE", map[string]string{
			"glue.lakeformation.session_tag":           "opensearch-security-lake",
			"glue.iceberg.enabled":                     "true",
			"glue.lakeformation.enabled":               "true",
			"glue.indexstore.opensearch.auth":          "basicauth",
			"glue.indexstore.opensearch.auth.username": "security_lake_indexer",
		}},
		{"opensearch_v1alpha1_datasource_opensearch.yaml", "datasource/local-indexes", "local_indexes", "OPENSEARCH", map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run("", "apply", "-f", sample(tc.file))
			run("", "wait", "--for=condition=Ready", tc.object, "--timeout=60s")
			doc, ok := fake.Stored(tc.name)
			if !ok {
				t.Fatalf("%s is not in OpenSearch; stored: %v", tc.name, fake.StoredNames())
			}
			if doc.Connector != tc.connector {
				t.Errorf("connector = %q, want %q", doc.Connector, tc.connector)
			}
			for k, want := range tc.properties {
				if got := doc.Properties[k]; got != want {
					t.Errorf("property %s = %v, want %q", k, got, want)
				}
			}
			// Ready means the spec and the stored data source agree; a
			// property the plugin adds by itself would show as drift here.
			if got := run("", "get", tc.object, "-o", `jsonpath={.status.conditions[?(@.type=="Drifted")].status}`); got == "True" {
				t.Errorf("%s reports drift right after it was written", tc.object)
			}
		})
	}

	// The mysql sample needs a documented-API server, as its header says.
	run("", "apply", "-f", sample("opensearch_v1alpha1_datasource_mysql.yaml"))
	ready := `jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}`
	waitFor(t, "the mysql sample's Ready condition", func() bool {
		return run("", "get", "datasource/mysql-customer-database", "-o", ready) != ": "
	})
	const want = `InvalidSpec: configuration is not supported for connector "mysql" by the SQL plugin dialect, and the SQL plugin has no such connector`
	if got := run("", "get", "datasource/mysql-customer-database", "-o", ready); !strings.HasPrefix(got, want) {
		t.Errorf("the mysql sample on the SQL plugin: Ready %q, want it to start %q", got, want)
	}
}
