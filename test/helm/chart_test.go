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

package helm

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// watched are the namespaces of the namespaced renderings.
var watched = []string{"team-a", "team-b"}

// allOptions turns on every option the chart has.
var allOptions = map[string]any{
	"image":            map[string]any{"digest": "sha256:" + strings.Repeat("ab", 32), "pullPolicy": "Always"},
	"imagePullSecrets": []any{map[string]any{"name": "registry"}},
	"replicas":         3,
	"watchNamespaces":  []any{"team-a", "team-b", "team-a"},
	"logLevel":         "debug",
	"crds":             map[string]any{"keep": false},
	"serviceAccount":   map[string]any{"annotations": map[string]any{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/ds"}},
	"rbac":             map[string]any{"aggregateToView": false, "aggregateToEdit": false},
	"metrics": map[string]any{"port": 9443, "service": map[string]any{"annotations": map[string]any{"a": "b"}},
		"cert": map[string]any{"secretName": "metrics-tls", "certName": "cert.pem", "keyName": "key.pem"}},
	"maxRetryAfter":    "2m",
	"reconcileTimeout": "90s",
	"serviceMonitor": map[string]any{"enabled": true, "interval": "15s", "scrapeTimeout": "10s", "labels": map[string]any{"release": "prometheus"},
		"tls": map[string]any{"caSecret": map[string]any{"name": "metrics-ca"}}},
	"networkPolicy": map[string]any{"enabled": true, "openSearch": map[string]any{
		"peers": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "opensearch"}}}},
		"ports": []any{9200, 443},
	}},
	"resources":          map[string]any{"requests": map[string]any{"cpu": "50m", "memory": "128Mi"}},
	"podSecurityContext": map[string]any{"runAsNonRoot": true, "runAsUser": 65532, "fsGroup": 65532},
	"securityContext":    map[string]any{"allowPrivilegeEscalation": false, "capabilities": map[string]any{"drop": []any{"ALL"}}},
	"podAnnotations":     map[string]any{"example.com/scrape": "no"},
	"podLabels":          map[string]any{"team": "platform"},
	"nodeSelector":       map[string]any{"kubernetes.io/os": "linux"},
	"tolerations":        []any{map[string]any{"key": "dedicated", "operator": "Equal", "value": "ops", "effect": "NoSchedule"}},
	"affinity": map[string]any{"podAntiAffinity": map[string]any{"preferredDuringSchedulingIgnoredDuringExecution": []any{
		map[string]any{"weight": 100, "podAffinityTerm": map[string]any{"topologyKey": "kubernetes.io/hostname",
			"labelSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "opensearch-datasource-operator"}}}},
	}}},
	"topologySpreadConstraints": []any{map[string]any{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
		"labelSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/instance": "{{ .Release.Name }}"}}}},
	"priorityClassName":   "system-cluster-critical",
	"podDisruptionBudget": map[string]any{"enabled": true, "minAvailable": "", "maxUnavailable": 1},
	"extraArgs":           []any{"--zap-devel"},
	"extraObjects": []any{
		map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "{{ .Release.Name }}-extra", "namespace": "{{ .Release.Namespace }}"}, "data": map[string]any{"k": "v"}},
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra-string\n  namespace: {{ .Release.Namespace }}\n",
	},
}

// matrix is every set of values the chart is rendered, linted and applied with.
var matrix = []struct {
	name   string
	values map[string]any
}{
	{"defaults", nil},
	{"namespaced", map[string]any{"watchNamespaces": []any{"team-a", "team-b"}}},
	{"namespaced-including-release-namespace", map[string]any{"watchNamespaces": []any{releaseNamespace, "team-a"}}},
	{"crds-off", map[string]any{"crds": map[string]any{"enabled": false}, "admissionPolicy": map[string]any{"enabled": false}}},
	{"plain-metrics", map[string]any{"metrics": map[string]any{"secure": false}, "serviceMonitor": map[string]any{"enabled": true}}},
	{"metrics-off", map[string]any{"metrics": map[string]any{"enabled": false}, "leaderElection": map[string]any{"enabled": false}, "rbac": map[string]any{"create": false}, "serviceAccount": map[string]any{"create": false, "name": "existing"}}},
	{"all-options", allOptions},
}

// TestChartMatrix renders the chart for every entry of the matrix, lints
// it, checks what the entry promises, and server-side applies the result to
// envtest with a dry run.
func TestChartMatrix(t *testing.T) {
	requireAssets(t)
	c := loadChart(t)
	k := newCluster(t, apiServer)
	for _, ns := range append([]string{releaseNamespace}, watched...) {
		k.ensureNamespace(t, ns)
	}
	// The Prometheus Operator's ServiceMonitor CRD, reduced to what the API
	// server needs to accept one.
	monitorCRD, err := decode(serviceMonitorCRD)
	if err != nil {
		t.Fatal(err)
	}
	k.create(t, monitorCRD[0])

	for _, tc := range matrix {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := render(c, tc.values)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			lintChart(t, tc.values)
			checkCommon(t, objs)
			checkEntry(t, tc.name, objs)
			k.dryRunApply(t, objs)
		})
	}
}

func lintChart(t *testing.T, values map[string]any) {
	t.Helper()
	if values == nil {
		values = map[string]any{}
	}
	result := lint.RunAll(chartDir, values, releaseNamespace)
	for _, m := range result.Messages {
		if m.Severity >= support.WarningSev {
			t.Errorf("helm lint: %s", m)
		}
	}
}

// checkCommon holds for every rendering.
func checkCommon(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	seen := map[string]bool{}
	for _, o := range objs {
		key := o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
		if seen[key] {
			t.Errorf("%s is rendered twice", key)
		}
		seen[key] = true
		if !strings.HasPrefix(o.GetKind(), "ConfigMap") && o.GetLabels()["app.kubernetes.io/managed-by"] != "Helm" {
			t.Errorf("%s lacks the app.kubernetes.io labels", key)
		}
	}
	for _, d := range find(objs, "Deployment", "") {
		args := containerArgs(t, d)
		flags := map[string]bool{}
		for _, a := range args {
			name, _, _ := strings.Cut(a, "=")
			if flags[name] {
				t.Errorf("flag %s is passed twice: %v", name, args)
			}
			flags[name] = true
		}
	}
}

// checkEntry checks what each matrix entry is about.
func checkEntry(t *testing.T, name string, objs []*unstructured.Unstructured) {
	t.Helper()
	deployments := find(objs, "Deployment", "")
	if len(deployments) != 1 {
		t.Fatalf("%d Deployments", len(deployments))
	}
	args := containerArgs(t, deployments[0])
	manager := find(objs, "ClusterRole", "ds-opensearch-datasource-operator-manager")
	switch name {
	case "defaults":
		if n := len(find(objs, "CustomResourceDefinition", "")); n != 4 {
			t.Errorf("%d CRDs, want 4", n)
		}
		for _, crd := range find(objs, "CustomResourceDefinition", "") {
			if crd.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
				t.Errorf("CRD %s lacks helm.sh/resource-policy: keep", crd.GetName())
			}
		}
		// One admission policy for DataSources and one for DataSourceSets.
		if len(find(objs, "ValidatingAdmissionPolicy", "")) != 2 || len(find(objs, "ValidatingAdmissionPolicyBinding", "")) != 2 {
			t.Error("the admission policy is not rendered")
		}
		for _, want := range []string{"--metrics-secure=true", "--metrics-bind-address=:8443", "--leader-elect", "--default-resync-period=10m", "--max-concurrent-reconciles=16",
			"--max-requests-per-connection=0", "--min-resync-period=10s", "--max-request-timeout=30s"} {
			if !slices.Contains(args, want) {
				t.Errorf("args %v lack %s", args, want)
			}
		}
		if len(manager) != 1 || !grants(manager[0], "", "secrets", "watch") {
			t.Error("watching all namespaces, the manager's ClusterRole must read Secrets")
		}
		if len(find(objs, "Role", "")) != 1 { // leader election only
			t.Errorf("Roles: %v", names(find(objs, "Role", "")))
		}
		svc := find(objs, "Service", "ds-opensearch-datasource-operator-metrics")
		if len(svc) != 1 || servicePort(svc[0]) != "https:8443" {
			t.Errorf("the metrics Service must expose port 8443 named https")
		}
		if len(find(objs, "ClusterRole", "ds-opensearch-datasource-operator-metrics-reader")) != 1 ||
			!grants(find(objs, "ClusterRole", "ds-opensearch-datasource-operator-metrics-auth")[0], "authentication.k8s.io", "tokenreviews", "create") {
			t.Error("secure metrics need the metrics-reader and metrics-auth ClusterRoles")
		}
		for _, kind := range []string{"ServiceMonitor", "NetworkPolicy", "PodDisruptionBudget"} {
			if len(find(objs, kind, "")) != 0 {
				t.Errorf("a %s is rendered by default", kind)
			}
		}
		checkCRDsMatchBases(t, find(objs, "CustomResourceDefinition", ""))
	case "namespaced", "namespaced-including-release-namespace", "all-options":
		if len(manager) != 1 {
			t.Fatal("no manager ClusterRole")
		}
		for _, cr := range find(objs, "ClusterRole", "") {
			if grants(cr, "", "secrets", "get") {
				t.Errorf("ClusterRole %s grants Secrets cluster-wide while the operator watches namespaces", cr.GetName())
			}
		}
		if grants(manager[0], "opensearch.datasource-operator.io", "datasources", "list") {
			t.Error("the manager's ClusterRole grants DataSources cluster-wide while the operator watches namespaces")
		}
		roles := map[string]bool{}
		for _, r := range find(objs, "Role", "ds-opensearch-datasource-operator-manager") {
			if !grants(r, "", "secrets", "watch") || !grants(r, "opensearch.datasource-operator.io", "datasources/status", "patch") {
				t.Errorf("Role in %s lacks the manager's namespaced rules", r.GetNamespace())
			}
			roles[r.GetNamespace()] = true
		}
		want := map[string]bool{"team-a": true, "team-b": true}
		wantFlag := "--namespaces=team-a,team-b"
		if name == "namespaced-including-release-namespace" {
			want = map[string]bool{releaseNamespace: true, "team-a": true}
			wantFlag = "--namespaces=" + releaseNamespace + ",team-a"
		}
		if !reflect.DeepEqual(roles, want) {
			t.Errorf("manager Roles in %v, want %v", roles, want)
		}
		if !slices.Contains(args, wantFlag) {
			t.Errorf("args %v lack %s", args, wantFlag)
		}
		readers := find(objs, "Role", "ds-opensearch-datasource-operator-secret-reader")
		if inWatched := name == "namespaced-including-release-namespace"; inWatched == (len(readers) == 1) {
			t.Errorf("secret-reader Roles: %d (the release namespace is watched: %v)", len(readers), inWatched)
		}
	case "crds-off":
		for _, kind := range []string{"CustomResourceDefinition", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"} {
			if len(find(objs, kind, "")) != 0 {
				t.Errorf("a %s is rendered with crds.enabled=false and admissionPolicy.enabled=false", kind)
			}
		}
	case "plain-metrics":
		if !slices.Contains(args, "--metrics-secure=false") {
			t.Errorf("args %v lack --metrics-secure=false", args)
		}
		if len(find(objs, "ClusterRole", "ds-opensearch-datasource-operator-metrics-auth")) != 0 {
			t.Error("plain metrics need no TokenReview permission")
		}
	case "metrics-off":
		if !slices.Contains(args, "--metrics-bind-address=0") || slices.Contains(args, "--leader-elect") {
			t.Errorf("args %v", args)
		}
		for _, kind := range []string{"Service", "ClusterRole", "Role", "ServiceAccount"} {
			if n := len(find(objs, kind, "")); n != 0 {
				t.Errorf("%d %s rendered", n, kind)
			}
		}
	}
	if name == "all-options" {
		checkAllOptions(t, objs, deployments[0])
	}
}

// checkServiceMonitorVerifies checks that the ServiceMonitor verifies the
// metrics certificate with the CA the values name, for the metrics
// Service's name, and does not skip verification.
func checkServiceMonitorVerifies(t *testing.T, monitors []*unstructured.Unstructured) {
	t.Helper()
	if len(monitors) != 1 {
		t.Fatalf("%d ServiceMonitors", len(monitors))
	}
	endpoints, _, _ := unstructured.NestedSlice(monitors[0].Object, "spec", "endpoints")
	tls, _, _ := unstructured.NestedMap(endpoints[0].(map[string]any), "tlsConfig")
	ca, _, _ := unstructured.NestedString(tls, "ca", "secret", "name")
	server, _, _ := unstructured.NestedString(tls, "serverName")
	if skip, _, _ := unstructured.NestedBool(tls, "insecureSkipVerify"); skip || ca != "metrics-ca" ||
		server != "ds-opensearch-datasource-operator-metrics."+releaseNamespace+".svc" {
		t.Errorf("the ServiceMonitor's tlsConfig %v does not verify the metrics certificate", tls)
	}
}

func checkAllOptions(t *testing.T, objs []*unstructured.Unstructured, d *unstructured.Unstructured) {
	t.Helper()
	image, _, _ := unstructured.NestedString(firstContainer(t, d), "image")
	if !strings.HasSuffix(image, "@sha256:"+strings.Repeat("ab", 32)) {
		t.Errorf("image %s is not pinned by digest", image)
	}
	spec, _, _ := unstructured.NestedMap(d.Object, "spec", "template", "spec")
	for _, field := range []string{"imagePullSecrets", "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "priorityClassName", "securityContext"} {
		if spec[field] == nil {
			t.Errorf("pod spec lacks %s", field)
		}
	}
	tsc, _, _ := unstructured.NestedSlice(spec, "topologySpreadConstraints")
	if sel, _, _ := unstructured.NestedString(tsc[0].(map[string]any), "labelSelector", "matchLabels", "app.kubernetes.io/instance"); sel != "ds" {
		t.Errorf("topologySpreadConstraints are not rendered as templates: %q", sel)
	}
	if r, _, _ := unstructured.NestedInt64(d.Object, "spec", "replicas"); r != 3 {
		t.Errorf("replicas = %d", r)
	}
	for _, crd := range find(objs, "CustomResourceDefinition", "") {
		if _, ok := crd.GetAnnotations()["helm.sh/resource-policy"]; ok {
			t.Errorf("CRD %s keeps helm.sh/resource-policy with crds.keep=false", crd.GetName())
		}
	}
	for _, kind := range []string{"ServiceMonitor", "NetworkPolicy", "PodDisruptionBudget"} {
		if len(find(objs, kind, "")) != 1 {
			t.Errorf("no %s", kind)
		}
	}
	checkServiceMonitorVerifies(t, find(objs, "ServiceMonitor", ""))
	if len(find(objs, "ConfigMap", "ds-extra")) != 1 || len(find(objs, "ConfigMap", "extra-string")) != 1 {
		t.Error("extraObjects are not rendered")
	}
	for _, cr := range find(objs, "ClusterRole", "") {
		for k := range cr.GetLabels() {
			if strings.HasPrefix(k, "rbac.authorization.k8s.io/aggregate-to-") {
				t.Errorf("ClusterRole %s aggregates (%s) with aggregation off", cr.GetName(), k)
			}
		}
	}
	svc := find(objs, "Service", "ds-opensearch-datasource-operator-metrics")
	if len(svc) != 1 || servicePort(svc[0]) != "https:9443" {
		t.Error("the metrics Service does not follow metrics.port")
	}
}

// TestChartRefusesUnsafeValues checks the values the chart must refuse.
func TestChartRefusesUnsafeValues(t *testing.T) {
	c := loadChart(t)
	for name, values := range map[string]map[string]any{
		"replicas without leader election":  {"replicas": 2, "leaderElection": map[string]any{"enabled": false}},
		"metrics on the probe port":         {"metrics": map[string]any{"port": 8081}},
		"PDB with both bounds":              {"podDisruptionBudget": map[string]any{"enabled": true, "minAvailable": 1, "maxUnavailable": 1}},
		"no ServiceAccount name":            {"serviceAccount": map[string]any{"create": false}},
		"ServiceMonitor that cannot verify": {"serviceMonitor": map[string]any{"enabled": true}},
	} {
		if _, err := render(c, values); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
}

// checkCRDsMatchBases compares the chart's CRDs with config/crd/bases, so
// that a chart regenerated from stale bases fails here as well as in
// `make verify`.
func checkCRDsMatchBases(t *testing.T, crds []*unstructured.Unstructured) {
	t.Helper()
	bases, err := filepath.Glob(filepath.Join(root, "config", "crd", "bases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rendered := map[string]apiextensionsv1.CustomResourceDefinitionSpec{}
	for _, o := range crds {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &crd); err != nil {
			t.Fatal(err)
		}
		rendered[crd.Name] = crd.Spec
	}
	for _, base := range bases {
		data, err := os.ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(data, &crd); err != nil {
			t.Fatal(err)
		}
		got, ok := rendered[crd.Name]
		if !ok {
			t.Errorf("the chart lacks CRD %s", crd.Name)
			continue
		}
		if !reflect.DeepEqual(got, crd.Spec) {
			t.Errorf("the chart's CRD %s differs from %s: run `make manifests`", crd.Name, base)
		}
	}
}

func firstContainer(t *testing.T, d *unstructured.Unstructured) map[string]any {
	t.Helper()
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	if len(containers) == 0 {
		t.Fatal("no containers")
	}
	return containers[0].(map[string]any)
}

func containerArgs(t *testing.T, d *unstructured.Unstructured) []string {
	t.Helper()
	args, _, _ := unstructured.NestedStringSlice(firstContainer(t, d), "args")
	return args
}

func servicePort(svc *unstructured.Unstructured) string {
	ports, _, _ := unstructured.NestedSlice(svc.Object, "spec", "ports")
	if len(ports) != 1 {
		return ""
	}
	p := ports[0].(map[string]any)
	name, _, _ := unstructured.NestedString(p, "name")
	port, _, _ := unstructured.NestedInt64(p, "port")
	return name + ":" + strconv.FormatInt(port, 10)
}

// grants reports whether a role's rules allow verb on resource in group.
func grants(role *unstructured.Unstructured, group, resource, verb string) bool {
	rules, _, _ := unstructured.NestedSlice(role.Object, "rules")
	for _, r := range rules {
		rule := r.(map[string]any)
		groups, _, _ := unstructured.NestedStringSlice(rule, "apiGroups")
		resources, _, _ := unstructured.NestedStringSlice(rule, "resources")
		verbs, _, _ := unstructured.NestedStringSlice(rule, "verbs")
		if (slices.Contains(groups, group) || slices.Contains(groups, "*")) &&
			(slices.Contains(resources, resource) || slices.Contains(resources, "*")) &&
			(slices.Contains(verbs, verb) || slices.Contains(verbs, "*")) {
			return true
		}
	}
	return false
}

func names(objs []*unstructured.Unstructured) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetNamespace()+"/"+o.GetName())
	}
	return out
}
