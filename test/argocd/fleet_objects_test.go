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

package argocd

import (
	"fmt"
	"net"
	"testing"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// fleetObjects are the DataSourceSets TestCaptureTestdata drives, over two
// connections of namespace fleet, each to its own fake. It takes, in
// order: the first fake's URL, the second fake's URL and the label that
// hides an object from the manager.
const fleetObjects = `
apiVersion: v1
kind: Namespace
metadata:
  name: fleet
---
apiVersion: v1
kind: Secret
metadata:
  name: opensearch-admin
  namespace: fleet
stringData:
  username: admin
  password: admin-password
---
apiVersion: v1
kind: Secret
metadata:
  name: prometheus-credentials
  namespace: fleet
stringData:
  username: prometheus
  password: prometheus-password
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: eu-1
  namespace: fleet
  labels:
    tier: production
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: eu-2
  namespace: fleet
  labels:
    tier: production
spec:
  endpoint: %[2]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSourceSet
metadata:
  name: synced
  namespace: fleet
spec:
  connectionSelector:
    matchLabels:
      tier: production
  template:
    spec:
      name: fleet_synced
      connector: prometheus
      properties:
        prometheus.uri: http://prometheus.monitoring.svc:9090
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSourceSet
metadata:
  name: edited
  namespace: fleet
spec:
  connectionSelector:
    matchLabels:
      tier: production
  template:
    spec:
      name: fleet_edited
      connector: prometheus
      properties:
        prometheus.uri: http://prometheus.monitoring.svc:9090
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSourceSet
metadata:
  name: held
  namespace: fleet
spec:
  connectionSelector:
    matchLabels:
      tier: production
  rollout:
    batchSize: 1
  template:
    spec:
      name: fleet_held
      connector: prometheus
      configuration:
        endpoint: http://prometheus.monitoring.svc:9090
        credentials:
          secretRef:
            name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSourceSet
metadata:
  name: refused
  namespace: fleet
spec:
  connectionSelector:
    matchLabels:
      tier: production
  template:
    spec:
      name: fleet_refused
      connector: prometheus
      configuration:
        endpoint: http://blocked.example:9090
        credentials:
          secretRef:
            name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSourceSet
metadata:
  name: no-targets
  namespace: fleet
spec:
  connectionSelector:
    matchLabels:
      tier: staging
  template:
    spec:
      name: fleet_nothing
      connector: prometheus
      properties:
        prometheus.uri: http://prometheus.monitoring.svc:9090
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSourceSet
metadata:
  name: fresh
  namespace: fleet
  labels:
    %[3]s: "true"
spec:
  connectionSelector:
    matchLabels:
      tier: production
  template:
    spec:
      name: fleet_fresh
      connector: prometheus
      properties:
        prometheus.uri: http://prometheus.monitoring.svc:9090
`

// heldChange points the held set's data source at an endpoint both fakes
// refuse: the first wave's child is Rejected and holds the second.
const heldChange = `{"spec":{"template":{"spec":{"configuration":{"endpoint":"http://blocked.example:9090"}}}}}`

// startFleetFakes starts the two fakes of namespace fleet's connections.
// Like the main fake they refuse data sources pointing at blocked.example,
// whose address is in a denied range.
func startFleetFakes(t *testing.T) (*fakeopensearch.Server, *fakeopensearch.Server) {
	t.Helper()
	var fakes [2]*fakeopensearch.Server
	for i := range fakes {
		f, err := fakeopensearch.Start(fakeopensearch.Options{
			Username: "admin", Password: "admin-password",
			DenyList: []string{"10.0.0.0/8"},
			Resolver: func(host string) ([]net.IP, error) {
				if host == "blocked.example" {
					return []net.IP{net.IPv4(10, 1, 2, 3)}, nil
				}
				return []net.IP{fakeopensearch.DefaultResolvedIP}, nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(f.Close)
		fakes[i] = f
	}
	return fakes[0], fakes[1]
}

// captureSets drives the DataSourceSets of fleetObjects into the states
// the DataSourceSet check tells apart, and returns them for capture.
func (h *harness) captureSets() []captured {
	h.t.Helper()
	first, second := startFleetFakes(h.t)
	h.apply(fmt.Sprintf(fleetObjects, first.URL(), second.URL(), frozenLabel))
	for _, w := range []struct{ name, status, reason string }{
		{"synced", "True", v1alpha1.ReasonSynced},
		{"edited", "True", v1alpha1.ReasonSynced},
		{"held", "True", v1alpha1.ReasonSynced},
		{"refused", "False", v1alpha1.ReasonChildrenNotReady},
		{"no-targets", "True", v1alpha1.ReasonNoTargets},
	} {
		h.waitReady("DataSourceSet", "fleet", w.name, w.status, w.reason)
	}
	held := h.get("DataSourceSet", "fleet", "held")
	if err := h.k8s.Patch(h.ctx, held, client.RawPatch(types.MergePatchType, []byte(heldChange))); err != nil {
		h.t.Fatal(err)
	}
	h.waitReady("DataSourceSet", "fleet", "held", "False", v1alpha1.ReasonRolloutHeld)
	h.freezeAndEdit("DataSourceSet", "fleet", "edited", `{"spec":{"template":{"spec":{"description":"edited after the last sync"}}}}`)

	const real = "Captured from the operator in envtest by TestCaptureTestdata (test/argocd)."
	capture := func(name, file, note string) captured {
		origin := real
		if note != "" {
			origin += "\n" + note
		}
		return captured{kind: "DataSourceSet", file: file, obj: h.get("DataSourceSet", "fleet", name), origin: origin}
	}
	synced := capture("synced", "synced", "One child on each of two connections, both Synced.")
	return []captured{
		synced,
		capture("no-targets", "no-targets", "Its selector matches no connection."),
		capture("refused", "children-not-ready", "Its template points the data source at an endpoint OpenSearch refuses (400): both children are Rejected."),
		capture("held", "rollout-held", "Synced with batchSize 1, then its template changed to an endpoint OpenSearch refuses: "+
			"the first wave's child is Rejected and holds the second wave."),
		capture("fresh", "no-status", "Created with the label "+frozenLabel+", which the manager's cache excludes: never reconciled."),
		capture("edited", "generation-ahead",
			"Synced, then labelled "+frozenLabel+" (out of the manager's sight) and its template edited: status describes generation 1."),
		derive("DataSourceSet", "suspended", synced.obj, "synced.yaml",
			"Ready set to Suspended, as spec.template.spec.suspend makes it: the envtest specs of controllers/ cover the operator's side.",
			func(ready map[string]any) {
				ready["status"] = "False"
				ready["reason"] = v1alpha1.ReasonSuspended
				ready["message"] = "2 of 2 children are suspended (spec.template.spec.suspend)"
			}),
		derive("DataSourceSet", "rolling-out", synced.obj, "synced.yaml",
			"Ready set to RollingOut: waves pass in moments against the fake, too fast to capture one under way.",
			func(ready map[string]any) {
				ready["status"] = "False"
				ready["reason"] = v1alpha1.ReasonRollingOut
				ready["message"] = "1 of 2 children synced, wave 1 of 2; waiting for 1"
			}),
	}
}
