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
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// fleetConnection is an OpenSearchConnection labelled for the
// DataSourceSet sample.
const fleetConnection = `apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: %s
  labels:
    environment: production
spec:
  endpoint: %s
  dialect: SQLPlugin
  auth:
    basic:
      secretRef:
        name: opensearch-admin
  resyncPeriod: 10s
---
`

const fleetSecrets = `apiVersion: v1
kind: Secret
metadata:
  name: opensearch-admin
stringData:
  username: admin
  password: change-me
---
apiVersion: v1
kind: Secret
metadata:
  name: prometheus-credentials
stringData:
  username: prometheus
  password: change-me
`

// TestFleetRollsOutInWaves applies the DataSourceSet sample with kubectl
// over three connections, each to its own fake OpenSearch, then rolls a
// template change out one cluster at a time: the second cluster refuses
// it, which holds the third until the resume annotation, and the set is
// Ready once the second cluster accepts it.
func TestFleetRollsOutInWaves(t *testing.T) {
	kubectl := testenv.Kubectl(t)
	root := testenv.Root(t)
	_, kubeconfig := managerbin.ControlPlane(t, root, "e2e")
	run := func(stdin string, args ...string) string {
		t.Helper()
		c := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig, "-n", "default"}, args...)...)
		c.Stdin = strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	var fakes []*fakeopensearch.Server
	manifest := fleetSecrets + "---\n"
	for i := range 3 {
		fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "admin", Password: "change-me"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(fake.Close)
		fakes = append(fakes, fake)
		manifest += fmt.Sprintf(fleetConnection, fmt.Sprintf("eu-%d", i+1), fake.URL())
	}
	mgr := managerbin.Start(t, root, kubeconfig, "--metrics-secure=false")
	waitFor(t, "the manager's readiness probe", func() bool { return httpOK("http://" + mgr.ProbeAddr + "/readyz") })

	run(manifest, "apply", "-f", "-")
	run("", "apply", "-f", filepath.Join(root, "config", "samples", "opensearch_v1alpha1_datasourceset.yaml"))
	run("", "wait", "--for=condition=Ready", "datasourceset/fleet-prometheus", "--timeout=90s")
	expectColumns(t, run("", "get", "osdss"), []string{"NAME", "SYNCED/TARGETS", "READY", "REASON", "AGE"},
		map[string][]string{"fleet-prometheus": {"fleet-prometheus", "3/3", "True", "Synced"}})
	children := strings.Fields(run("", "get", "osds", "-l", "opensearch.datasource-operator.io/set=fleet-prometheus", "-o", "name"))
	if len(children) != 3 {
		t.Fatalf("children: %v, want one per connection", children)
	}
	description := func(f *fakeopensearch.Server) string {
		doc, _ := f.Stored("fleet_prometheus")
		return doc.Description
	}
	for i, f := range fakes {
		if got := description(f); got != "cluster metrics" {
			t.Fatalf("eu-%d holds description %q", i+1, got)
		}
	}
	readyOf := func() string {
		return run("", "get", "datasourceset/fleet-prometheus", "-o",
			`jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}`)
	}

	// The second cluster in name order refuses updates, by PUT and PATCH.
	fakes[1].Forbid(fakeopensearch.ActionUpdate, fakeopensearch.ActionPatch)
	run("", "patch", "datasourceset/fleet-prometheus", "--type=merge", "-p", `{"spec":{"template":{"spec":{"description":"v2"}}}}`)
	waitFor(t, "eu-1 to get the change", func() bool { return description(fakes[0]) == "v2" })
	waitFor(t, "the set to be held at eu-2", func() bool {
		r := readyOf()
		return strings.HasPrefix(r, "RolloutHeld:") && strings.Contains(r, "OpenSearchConnection eu-2") && strings.Contains(r, "Rejected")
	})
	time.Sleep(3 * time.Second)
	if got := description(fakes[2]); got != "cluster metrics" {
		t.Fatalf("eu-3 got %q while eu-2 holds the rollout", got)
	}

	run("", "annotate", "--overwrite", "datasourceset/fleet-prometheus", "opensearch.datasource-operator.io/resume-rollout=1")
	waitFor(t, "eu-3 to get the change after the resume", func() bool { return description(fakes[2]) == "v2" })
	waitFor(t, "the set to name eu-2's child as failing", func() bool { return strings.HasPrefix(readyOf(), "ChildrenNotReady:") })

	fakes[1].Forbid()
	run("", "wait", "--for=condition=Ready", "datasourceset/fleet-prometheus", "--timeout=90s")
	if got := description(fakes[1]); got != "v2" {
		t.Errorf("eu-2 holds %q once Ready", got)
	}

	run("", "delete", "datasourceset/fleet-prometheus", "--timeout=90s")
	if left := strings.TrimSpace(run("", "get", "osds", "-l", "opensearch.datasource-operator.io/set=fleet-prometheus", "-o", "name")); left != "" {
		t.Errorf("children left after the set was deleted: %s", left)
	}
	for i, f := range fakes {
		if _, ok := f.Stored("fleet_prometheus"); ok {
			t.Errorf("eu-%d still holds the data source after the set was deleted", i+1)
		}
	}
}
