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

package controllers_test

import (
	"context"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// fixture is what most specs start from: a namespace, a fake OpenSearch,
// a Ready OpenSearchConnection "os" to it, and the Secret "prom-creds" its
// Prometheus DataSources read their credentials from.
type fixture struct {
	ns    string
	fake  *fakeopensearch.Server
	conn  *v1alpha1.OpenSearchConnection
	creds *corev1.Secret
}

type fixtureConfig struct {
	ns      string
	fake    *fakeopensearch.Server
	mode    fakeopensearch.Mode
	dialect v1alpha1.Dialect
	resync  time.Duration
	labels  []string
	creds   map[string]string
}

// fixtureOption changes what newFixture sets up.
type fixtureOption func(*fixtureConfig)

// inNamespace sets the fixture up in ns rather than a new namespace.
func inNamespace(ns string) fixtureOption { return func(c *fixtureConfig) { c.ns = ns } }

// onFake points the connection at fake rather than a new fake.
func onFake(fake *fakeopensearch.Server) fixtureOption {
	return func(c *fixtureConfig) { c.fake = fake }
}

// withMode starts the fake in mode, and makes the connection's dialect
// the one that mode speaks.
func withMode(mode fakeopensearch.Mode) fixtureOption {
	return func(c *fixtureConfig) {
		c.mode, c.dialect = mode, v1alpha1.DialectSQLPlugin
		if mode == fakeopensearch.ModeDocumented {
			c.dialect = v1alpha1.DialectDocumented
		}
	}
}

// withDialect sets the connection's spec.dialect.
func withDialect(d v1alpha1.Dialect) fixtureOption { return func(c *fixtureConfig) { c.dialect = d } }

// withResync sets the connection's spec.resyncPeriod.
func withResync(d time.Duration) fixtureOption { return func(c *fixtureConfig) { c.resync = d } }

// withLabels labels the connection and its Secret with the key/value
// pairs of kv: a manager whose cache selects them sees them.
func withLabels(kv ...string) fixtureOption { return func(c *fixtureConfig) { c.labels = kv } }

// withCreds sets the data of the Secret prom-creds.
func withCreds(data map[string]string) fixtureOption {
	return func(c *fixtureConfig) { c.creds = data }
}

// newFixture sets up a fixture: by default a new namespace, a new SQL
// plugin fake, and a connection with dialect SQLPlugin and a one-minute
// resync.
func newFixture(opts ...fixtureOption) *fixture {
	cfg := fixtureConfig{mode: fakeopensearch.ModeSQLPlugin, dialect: v1alpha1.DialectSQLPlugin, resync: time.Minute,
		creds: map[string]string{"username": "prom", "password": "prom-pass"}}
	for _, o := range opts {
		o(&cfg)
	}
	f := &fixture{ns: cfg.ns, fake: cfg.fake}
	if f.ns == "" {
		f.ns = newNamespace()
	}
	if f.fake == nil {
		f.fake = startFake(cfg.mode)
	}
	f.conn = createConnection(f.ns, "os", f.fake, cfg.dialect, cfg.resync, cfg.labels...)
	f.creds = createSecret(f.ns, "prom-creds", cfg.creds)
	return f
}

// dataSource is a Prometheus DataSource named name on the fixture's
// connection, reading prom-creds, with edits applied; it is not created.
func (f *fixture) dataSource(name string, edits ...func(*v1alpha1.DataSource)) *v1alpha1.DataSource {
	ds := prometheusDataSource(f.ns, name, "os", "prom-creds")
	for _, edit := range edits {
		edit(ds)
	}
	return ds
}

// create creates the DataSource dataSource describes.
func (f *fixture) create(name string, edits ...func(*v1alpha1.DataSource)) *v1alpha1.DataSource {
	ds := f.dataSource(name, edits...)
	ExpectWithOffset(1, k8s.Create(context.Background(), ds)).To(Succeed())
	return ds
}

// synced creates the DataSource dataSource describes and waits until it is
// Ready and Synced.
func (f *fixture) synced(name string, edits ...func(*v1alpha1.DataSource)) *v1alpha1.DataSource {
	ds := f.create(name, edits...)
	return expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
}
