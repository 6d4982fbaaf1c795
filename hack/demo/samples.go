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
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// The samples the tour applies, in config/samples/.
const (
	sampleConnection        = "opensearch_v1alpha1_opensearchconnection.yaml"
	sampleClusterConnection = "opensearch_v1alpha1_clusteropensearchconnection.yaml"
	sampleMySQL             = "opensearch_v1alpha1_datasource_mysql.yaml"
	samplePrometheus        = "opensearch_v1alpha1_datasource_prometheus.yaml"
	sampleAnalytics         = "opensearch_v1alpha1_datasource_analytics.yaml"
)

// Where the tour puts the namespaced samples: one namespace per server, so
// that both can use the sample connection's name.
const (
	nsDocumented = "demo-documented"
	nsSQLPlugin  = "demo-sqlplugin"
)

// demoResync is the resyncPeriod of the demo's connections: drift is
// corrected within seconds instead of the sample's minute.
const demoResync = 2 * time.Second

// endpoint says how a connection reaches one of the demo's servers.
type endpoint struct {
	URL string
	// Username and Password replace the sample connection Secret's values
	// when set (a real cluster); empty keeps them (the fakes use them).
	Username, Password string
	// Insecure turns off certificate verification (OPENSEARCH_INSECURE).
	Insecure bool
}

// readSample decodes every object of a multi-document sample file.
func readSample(dir, file string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	objs, err := testenv.DecodeObjects(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return objs, nil
}

// samples holds the decoded sample files by file name.
type samples map[string][]*unstructured.Unstructured

func loadSamples(dir string) (samples, error) {
	s := samples{}
	for _, f := range []string{sampleConnection, sampleClusterConnection, sampleMySQL, samplePrometheus, sampleAnalytics} {
		objs, err := readSample(dir, f)
		if err != nil {
			return nil, err
		}
		s[f] = objs
	}
	return s, nil
}

// find returns a copy of the object of kind in file.
func (s samples) find(file, kind string) (*unstructured.Unstructured, error) {
	for _, o := range s[file] {
		if o.GetKind() == kind {
			return o.DeepCopy(), nil
		}
	}
	return nil, fmt.Errorf("%s has no %s", file, kind)
}

// adminCredentials returns the sample connection Secret's user name and
// password: the fakes accept these.
func (s samples) adminCredentials() (string, string, error) {
	sec, err := s.find(sampleConnection, "Secret")
	if err != nil {
		return "", "", err
	}
	user, _, _ := unstructured.NestedString(sec.Object, "stringData", "username")
	pass, _, _ := unstructured.NestedString(sec.Object, "stringData", "password")
	if user == "" || pass == "" {
		return "", "", fmt.Errorf("%s: the Secret has no stringData username and password", sampleConnection)
	}
	return user, pass, nil
}

// objects returns what the tour creates, in order: namespaces, the sample
// connection (and its Secret) once per server, the cluster-wide connection
// on the SQL-plugin server, then the DataSource samples.
func (s samples) objects(documented, sqlplugin endpoint) ([]*unstructured.Unstructured, error) {
	clusterConn, err := s.find(sampleClusterConnection, "ClusterOpenSearchConnection")
	if err != nil {
		return nil, err
	}
	clusterSecretNS, _, _ := unstructured.NestedString(clusterConn.Object, "spec", "auth", "basic", "secretRef", "namespace")
	if clusterSecretNS == "" {
		return nil, fmt.Errorf("%s: spec.auth.basic.secretRef.namespace is not set", sampleClusterConnection)
	}
	objs := []*unstructured.Unstructured{namespace(nsDocumented), namespace(nsSQLPlugin), namespace(clusterSecretNS)}
	for _, c := range []struct {
		ns string
		ep endpoint
	}{{nsDocumented, documented}, {nsSQLPlugin, sqlplugin}} {
		conn, err := s.connection(c.ns, c.ep)
		if err != nil {
			return nil, err
		}
		objs = append(objs, conn...)
	}
	secret, err := s.adminSecret(clusterSecretNS, sqlplugin)
	if err != nil {
		return nil, err
	}
	if err := pointAt(clusterConn, sqlplugin); err != nil {
		return nil, err
	}
	objs = append(objs, secret, clusterConn)
	objs = append(objs, inNamespace(s[sampleMySQL], nsDocumented)...)
	objs = append(objs, inNamespace(s[samplePrometheus], nsSQLPlugin)...)
	return append(objs, inNamespace(s[sampleAnalytics], "")...), nil
}

// connection returns the sample connection and its Secret in ns, pointed at ep.
func (s samples) connection(ns string, ep endpoint) ([]*unstructured.Unstructured, error) {
	secret, err := s.adminSecret(ns, ep)
	if err != nil {
		return nil, err
	}
	conn, err := s.find(sampleConnection, "OpenSearchConnection")
	if err != nil {
		return nil, err
	}
	conn.SetNamespace(ns)
	if err := pointAt(conn, ep); err != nil {
		return nil, err
	}
	return []*unstructured.Unstructured{secret, conn}, nil
}

// adminSecret returns the sample connection's Secret in ns, with ep's
// credentials when it has its own.
func (s samples) adminSecret(ns string, ep endpoint) (*unstructured.Unstructured, error) {
	secret, err := s.find(sampleConnection, "Secret")
	if err != nil {
		return nil, err
	}
	secret.SetNamespace(ns)
	if ep.Username != "" {
		if err := unstructured.SetNestedStringMap(secret.Object,
			map[string]string{"username": ep.Username, "password": ep.Password}, "stringData"); err != nil {
			return nil, err
		}
	}
	return secret, nil
}

// pointAt sets a connection's endpoint and the demo's resync period. The
// fakes serve plain HTTP, so a sample's TLS settings (a CA for its own
// cluster) are dropped; Insecure turns verification off for a real cluster.
func pointAt(conn *unstructured.Unstructured, ep endpoint) error {
	if err := unstructured.SetNestedField(conn.Object, ep.URL, "spec", "endpoint"); err != nil {
		return err
	}
	if err := unstructured.SetNestedField(conn.Object, demoResync.String(), "spec", "resyncPeriod"); err != nil {
		return err
	}
	unstructured.RemoveNestedField(conn.Object, "spec", "tls")
	if ep.Insecure {
		return unstructured.SetNestedField(conn.Object, true, "spec", "tls", "insecureSkipVerify")
	}
	return nil
}

// inNamespace returns copies of objs; namespaced ones are moved to ns
// unless ns is empty.
func inNamespace(objs []*unstructured.Unstructured, ns string) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, o := range objs {
		c := o.DeepCopy()
		if ns != "" && c.GetKind() != "Namespace" && c.GetKind() != "ClusterOpenSearchConnection" {
			c.SetNamespace(ns)
		}
		out = append(out, c)
	}
	return out
}

func namespace(name string) *unstructured.Unstructured {
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetName(name)
	return ns
}
