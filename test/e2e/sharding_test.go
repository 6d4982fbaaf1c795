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
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// TestShardedBinaries runs two manager binaries, as the Helm chart's
// shards do: each with its own --watch-label-selector and, with leader
// election on, its own --leader-election-id. Both must lead at once, each
// must count only its own DataSource, and a DataSource neither selects must
// be left untouched.
func TestShardedBinaries(t *testing.T) {
	testenv.Assets(t)
	root := testenv.Root(t)
	cfg, kubeconfig := managerbin.ControlPlane(t, root, "e2e")
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	k8s, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}

	const key = "sharding.datasource-operator.io/key"
	shards := map[string]*managerbin.Process{}
	for _, shard := range []string{"a", "b"} {
		shards[shard] = managerbin.Start(t, root, kubeconfig, "--metrics-secure=false",
			"--leader-elect", "--leader-election-namespace", "default", "--leader-election-id", "shard-"+shard+".e2e",
			"--watch-label-selector", key+"="+shard)
	}
	for shard, p := range shards {
		waitFor(t, "shard "+shard+"'s readiness probe", func() bool { return httpOK("http://" + p.ProbeAddr + "/readyz") })
	}

	ctx := context.Background()
	create := func(obj client.Object) {
		t.Helper()
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	create(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "admin"},
		StringData: map[string]string{"username": "admin", "password": "change-me"}})
	fakes := map[string]*fakeopensearch.Server{}
	for _, shard := range []string{"a", "b"} {
		fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "admin", Password: "change-me"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(fake.Close)
		fakes[shard] = fake
		labels := map[string]string{key: shard}
		create(&v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "os-" + shard, Labels: labels},
			Spec: v1alpha1.OpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
				Auth:               &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: "admin"}}},
			},
		})
		create(shardedDataSource("ds-"+shard, "os-"+shard, labels))
	}
	unsharded := shardedDataSource("ds-none", "os-a", nil)
	create(unsharded)

	for _, shard := range []string{"a", "b"} {
		waitFor(t, "ds-"+shard+" in shard "+shard+"'s OpenSearch", func() bool { _, ok := fakes[shard].Stored("ds-" + shard); return ok })
		want := `opensearch_datasource_operator_datasources{reason="Synced"} 1`
		waitFor(t, "shard "+shard+" to count one Synced DataSource", func() bool {
			return slices.Contains(strings.Split(httpBody(t, "http://"+shards[shard].MetricsAddr+"/metrics"), "\n"), want)
		})
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(unsharded), unsharded); err != nil {
			t.Fatal(err)
		}
		if len(unsharded.Finalizers) != 0 || len(unsharded.Status.Conditions) != 0 {
			t.Fatalf("a DataSource no shard selects was touched: finalizers %v, conditions %v", unsharded.Finalizers, unsharded.Status.Conditions)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, ok := fakes["a"].Stored("ds-none"); ok {
		t.Error("a DataSource no shard selects was written")
	}
	for _, shard := range []string{"a", "b"} {
		if n := dataSourcesCounted(httpBody(t, "http://"+shards[shard].MetricsAddr+"/metrics")); n != 1 {
			t.Errorf("shard %s reconciles %v DataSources, want only its own one", shard, n)
		}
	}
}

// dataSourcesCounted sums the manager's DataSource gauge over every reason:
// how many DataSources that manager reconciles.
func dataSourcesCounted(metrics string) float64 {
	var total float64
	for _, line := range strings.Split(metrics, "\n") {
		if !strings.HasPrefix(line, "opensearch_datasource_operator_datasources{") {
			continue
		}
		if v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64); err == nil {
			total += v
		}
	}
	return total
}

func shardedDataSource(name, conn string, labels map[string]string) *v1alpha1.DataSource {
	return &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: labels},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: v1alpha1.ConnectionReference{Name: conn},
			DataSourceParameters: v1alpha1.DataSourceParameters{
				Connector: "prometheus",
				Properties: map[string]apiextensionsv1.JSON{
					"prometheus.uri": {Raw: []byte(`"http://prometheus.monitoring.svc:9090"`)},
				},
			},
		},
	}
}
