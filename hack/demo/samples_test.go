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
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

func loadTestSamples(t *testing.T) samples {
	t.Helper()
	smp, err := loadSamples("../../config/samples")
	if err != nil {
		t.Fatal(err)
	}
	return smp
}

func byKindAndNamespace(objs []*unstructured.Unstructured, kind, ns string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind && o.GetNamespace() == ns {
			out = append(out, o)
		}
	}
	return out
}

func str(t *testing.T, o *unstructured.Unstructured, fields ...string) string {
	t.Helper()
	v, _, err := unstructured.NestedString(o.Object, fields...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The fakes accept the sample connection's credentials; the tour relies on
// the sample Secret carrying them.
func TestAdminCredentialsComeFromTheConnectionSample(t *testing.T) {
	user, pass, err := loadTestSamples(t).adminCredentials()
	if err != nil || user == "" || pass == "" {
		t.Fatalf("adminCredentials = %q, (%d chars), %v", user, len(pass), err)
	}
}

func TestObjectsPointEachConnectionAtItsServer(t *testing.T) {
	smp := loadTestSamples(t)
	objs, err := smp.objects(endpoint{URL: "http://127.0.0.1:1001"}, endpoint{URL: "http://127.0.0.1:1002"})
	if err != nil {
		t.Fatal(err)
	}
	for ns, url := range map[string]string{nsDocumented: "http://127.0.0.1:1001", nsSQLPlugin: "http://127.0.0.1:1002"} {
		conns := byKindAndNamespace(objs, "OpenSearchConnection", ns)
		if len(conns) != 1 {
			t.Fatalf("%d connections in %s, want 1", len(conns), ns)
		}
		if got := str(t, conns[0], "spec", "endpoint"); got != url {
			t.Errorf("%s connection endpoint = %s, want %s", ns, got, url)
		}
		if got := str(t, conns[0], "spec", "resyncPeriod"); got != demoResync.String() {
			t.Errorf("%s connection resyncPeriod = %s, want %s", ns, got, demoResync)
		}
		if len(byKindAndNamespace(objs, "DataSource", ns)) != 1 || len(byKindAndNamespace(objs, "Secret", ns)) != 2 {
			t.Errorf("%s does not hold one DataSource with its Secret and the connection's", ns)
		}
	}
	cluster := byKindAndNamespace(objs, "ClusterOpenSearchConnection", "")
	if len(cluster) != 1 {
		t.Fatalf("%d cluster connections, want 1", len(cluster))
	}
	if got := str(t, cluster[0], "spec", "endpoint"); got != "http://127.0.0.1:1002" {
		t.Errorf("cluster connection endpoint = %s", got)
	}
	if _, found, _ := unstructured.NestedMap(cluster[0].Object, "spec", "tls"); found {
		t.Error("the cluster connection keeps its sample CA while pointed at a plain-HTTP fake")
	}
	secretNS := str(t, cluster[0], "spec", "auth", "basic", "secretRef", "namespace")
	if len(byKindAndNamespace(objs, "Secret", secretNS)) != 1 || len(byKindAndNamespace(objs, "Namespace", "")) < 4 {
		t.Errorf("the cluster connection's Secret or a namespace is missing")
	}
}

// The analytics sample must be usable through the cluster connection sample
// and carry what the tour's steps act on.
func TestAnalyticsSampleFitsTheClusterConnectionAndTheTour(t *testing.T) {
	smp := loadTestSamples(t)
	cluster, err := smp.find(sampleClusterConnection, "ClusterOpenSearchConnection")
	if err != nil {
		t.Fatal(err)
	}
	ns, err := smp.find(sampleAnalytics, "Namespace")
	if err != nil {
		t.Fatal(err)
	}
	match, _, _ := unstructured.NestedStringMap(cluster.Object, "spec", "allowedNamespaces", "selector", "matchLabels")
	if len(match) == 0 || !labels.SelectorFromSet(match).Matches(labels.Set(ns.GetLabels())) {
		t.Errorf("namespace %s labels %v do not match the cluster connection's selector %v", ns.GetName(), ns.GetLabels(), match)
	}
	ds, err := smp.find(sampleAnalytics, "DataSource")
	if err != nil {
		t.Fatal(err)
	}
	if ds.GetNamespace() != ns.GetName() || str(t, ds, "spec", "connectionRef", "name") != cluster.GetName() {
		t.Errorf("the DataSource is not in %s on %s", ns.GetName(), cluster.GetName())
	}
	if str(t, ds, "spec", "deletionPolicy") != "Retain" {
		t.Error("the retain step needs deletionPolicy Retain")
	}
	if props, _, _ := unstructured.NestedMap(ds.Object, "spec", "properties"); len(props) < 2 {
		t.Error("the property removal step needs two properties (one removed, one kept)")
	}
}

// A real cluster's credentials replace the sample's on the SQL-plugin side
// only, and the samples themselves are not changed.
func TestRealClusterCredentialsGoToTheSQLPluginSideOnly(t *testing.T) {
	smp := loadTestSamples(t)
	user, pass, _ := smp.adminCredentials()
	objs, err := smp.objects(endpoint{URL: "http://127.0.0.1:1001"},
		endpoint{URL: "https://os.example:9200", Username: "real", Password: "real-pass", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.GetKind() != "Secret" || o.GetName() != "opensearch-admin" {
			continue
		}
		want := "real"
		if o.GetNamespace() == nsDocumented {
			want = user
		}
		if got := str(t, o, "stringData", "username"); got != want {
			t.Errorf("opensearch-admin in %s: username %q, want %q", o.GetNamespace(), got, want)
		}
	}
	for _, o := range append(byKindAndNamespace(objs, "ClusterOpenSearchConnection", ""), byKindAndNamespace(objs, "OpenSearchConnection", nsSQLPlugin)...) {
		if skip, _, _ := unstructured.NestedBool(o.Object, "spec", "tls", "insecureSkipVerify"); !skip {
			t.Errorf("%s %s does not skip verification with OPENSEARCH_INSECURE", o.GetKind(), o.GetName())
		}
	}
	if u2, p2, _ := smp.adminCredentials(); u2 != user || p2 != pass {
		t.Error("objects changed the loaded sample")
	}
}
