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

// Package upgrade checks that a release carries on from what an earlier one
// left: its CRDs, its objects and the statuses its manager wrote, kept in
// testdata/ as that manager wrote them (TestCapture rewrites them).
package upgrade

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

func init() { ctrllog.SetLogger(logr.Discard()) }

const (
	objectsFile = "testdata/objects.yaml"    // objects with the statuses the earlier manager wrote
	storedFile  = "testdata/opensearch.yaml" // the data sources it left in OpenSearch
	crdDir      = "testdata/crds"            // its CRDs
)

func requireAssets(t *testing.T) {
	t.Helper()
	testenv.Assets(t)
}

// startFake starts the fake OpenSearch the connection's Secret logs in to
// and points every process started from now on at it through HTTP_PROXY.
// The connection's endpoint in testdata/ (http://opensearch.upgrade.test:9200)
// does not resolve; going through the proxy keeps the endpoint recorded in
// status.connection the same from one run, and one free port, to the next.
// The API server, on a loopback address, is never proxied.
func startFake(t *testing.T) *fakeopensearch.Server {
	t.Helper()
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "admin", Password: "change-me"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	u, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HTTP_PROXY", "http://"+u.Host)
	t.Setenv("NO_PROXY", "127.0.0.1,localhost")
	return fake
}

func newClient(t *testing.T, cfg *rest.Config) client.Client {
	t.Helper()
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readObjects reads a multi-document YAML file.
func readObjects(t *testing.T, file string) []*unstructured.Unstructured {
	t.Helper()
	return testenv.DecodeFile(t, file)
}

func writeYAML(t *testing.T, file, header string, docs []any) {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	for _, d := range docs {
		data, err := yaml.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readyTrue says whether obj's Ready condition is True.
func condition(obj *unstructured.Unstructured, typ string) map[string]any {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			return m
		}
	}
	return nil
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
