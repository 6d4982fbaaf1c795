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

package fault

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

const (
	namespace = "storm"
	// promEndpoint is every data source's Prometheus.
	promEndpoint = "http://prometheus.monitoring.svc:9090"
	// extraKey is a credential-named property set from a Secret: GET never
	// shows it, so only status.credentialKeys says it was written.
	extraKey = "extra.auth.password"
)

// dataSource is what the test asked of one DataSource, the model the
// clusters are checked against.
type dataSource struct {
	name, dsName, conn string
	description        string
	roles              []string
	creds              string // the Secret with username and password
	extra              bool   // sets extraKey from the Secret "extra"
	// adopts says the data source was made by hand before the DataSource
	// took it over; deletionPolicy Delete deletes it like a created one.
	adopts  bool
	deleted bool
}

// fleet is the DataSources, Secrets and hand-made data sources of the
// storm, and what each cluster must hold in the end.
type fleet struct {
	t        *testing.T
	k8s      client.Client
	clusters map[string]*cluster // by connection name
	items    map[string]*dataSource
	secrets  map[string]map[string]string
	// handMade are data sources no DataSource created, by connection.
	handMade map[string][]string
}

func (f *fleet) ctx() context.Context { return context.Background() }

// secret creates or replaces a Secret and remembers its data.
func (f *fleet) secret(name string, data map[string]string) {
	f.t.Helper()
	f.secrets[name] = maps.Clone(data)
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	eventually(f.t, "writing Secret "+name, time.Minute, func() error {
		err := f.k8s.Get(f.ctx(), client.ObjectKeyFromObject(s), s)
		switch {
		case apierrors.IsNotFound(err):
			s.StringData = data
			return f.k8s.Create(f.ctx(), s)
		case err != nil:
			return err
		}
		s.Data, s.StringData = nil, data
		return f.k8s.Update(f.ctx(), s)
	})
}

// connection creates the OpenSearchConnection name to its cluster.
func (f *fleet) connection(name string) {
	f.t.Helper()
	f.secret(name+"-auth", map[string]string{"username": clusterUser, "password": clusterPassword})
	c := &v1alpha1.OpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.OpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{
				Endpoint: f.clusters[name].url, Dialect: v1alpha1.DialectSQLPlugin,
				RequestTimeout: &metav1.Duration{Duration: requestTimeout},
				ResyncPeriod:   &metav1.Duration{Duration: 5 * time.Second},
			},
			Auth: &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{
				SecretRef: v1alpha1.CredentialsSecretReference{Name: name + "-auth"}}},
		},
	}
	if err := f.k8s.Create(f.ctx(), c); err != nil {
		f.t.Fatal(err)
	}
}

// seed stores a hand-made data source on connection conn's cluster.
func (f *fleet) seed(conn, name string) {
	f.clusters[conn].Seed(fakeopensearch.Document{Name: name, Connector: "PROMETHEUS", Description: "made by hand",
		Properties: map[string]any{"prometheus.uri": "http://by-hand:9090"}})
	f.handMade[conn] = append(f.handMade[conn], name)
}

func (f *fleet) object(d *dataSource) *v1alpha1.DataSource {
	ds := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: d.name}}
	f.fill(ds, d)
	return ds
}

// fill sets ds's spec from the model.
func (f *fleet) fill(ds *v1alpha1.DataSource, d *dataSource) {
	ds.Spec.ConnectionRef = v1alpha1.ConnectionReference{Name: d.conn}
	ds.Spec.Name, ds.Spec.Connector, ds.Spec.Description = d.dsName, "prometheus", d.description
	ds.Spec.AllowedRoles = slices.Clone(d.roles)
	ds.Spec.Configuration = &v1alpha1.DataSourceConfiguration{Endpoint: promEndpoint,
		Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: d.creds}}}
	ds.Spec.PropertiesFrom = nil
	if d.extra {
		ds.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{{Key: extraKey,
			SecretKeyRef: v1alpha1.SecretKeySelector{Name: "extra", Key: "token"}}}
	}
}

// create adds a DataSource to the model and the cluster.
func (f *fleet) create(d *dataSource) {
	f.t.Helper()
	f.items[d.name] = d
	ds := f.object(d)
	eventually(f.t, "creating "+d.name, time.Minute, func() error { return f.k8s.Create(f.ctx(), ds) })
}

// change applies edit to the model of name and writes the result.
func (f *fleet) change(name string, edit func(*dataSource)) {
	f.t.Helper()
	d := f.items[name]
	edit(d)
	ds := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	eventually(f.t, "updating "+name, time.Minute, func() error {
		if err := f.k8s.Get(f.ctx(), client.ObjectKeyFromObject(ds), ds); err != nil {
			return err
		}
		f.fill(ds, d)
		return f.k8s.Update(f.ctx(), ds)
	})
}

// remove deletes a DataSource; its finalizer runs whenever a manager can.
func (f *fleet) remove(name string) {
	f.t.Helper()
	d := f.items[name]
	d.deleted = true
	if d.adopts {
		f.handMade[d.conn] = slices.DeleteFunc(f.handMade[d.conn], func(n string) bool { return n == d.dsName })
	}
	ds := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	eventually(f.t, "deleting "+name, time.Minute, func() error {
		return client.IgnoreNotFound(f.k8s.Delete(f.ctx(), ds))
	})
}

// live returns the names of the DataSources not deleted, sorted.
func (f *fleet) live() []string {
	var out []string
	for name, d := range f.items {
		if !d.deleted {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// expected is what cluster conn must hold: its hand-made data sources
// and the live DataSources on it, nothing else.
func (f *fleet) expected(conn string) []string {
	names := slices.Clone(f.handMade[conn])
	for _, d := range f.items {
		if !d.deleted && d.conn == conn && !slices.Contains(names, d.dsName) {
			names = append(names, d.dsName)
		}
	}
	sort.Strings(names)
	return names
}

// document is what a live DataSource's data source must be, secrets
// included.
func (f *fleet) document(d *dataSource) fakeopensearch.Document {
	props := map[string]any{
		"prometheus.uri":           promEndpoint,
		"prometheus.auth.type":     "basicauth",
		"prometheus.auth.username": f.secrets[d.creds]["username"],
		"prometheus.auth.password": f.secrets[d.creds]["password"],
	}
	if d.extra {
		props[extraKey] = f.secrets["extra"]["token"]
	}
	roles := slices.Clone(d.roles)
	if roles == nil {
		roles = []string{}
	}
	return fakeopensearch.Document{Name: d.dsName, Description: d.description, Connector: "PROMETHEUS",
		AllowedRoles: roles, Properties: props}
}

// settled reports what still differs between the clusters and the model,
// and between the DataSources and Ready/Synced; nil when nothing does.
func (f *fleet) settled() error {
	var problems []string
	for conn, c := range f.clusters {
		if got, want := c.StoredNames(), f.expected(conn); !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("cluster %s holds %v, want %v", conn, got, want))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(f.items)) {
		if err := f.check(f.items[name]); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// check compares one DataSource's object and data source with the model.
func (f *fleet) check(d *dataSource) error {
	ds := &v1alpha1.DataSource{}
	err := f.k8s.Get(f.ctx(), client.ObjectKey{Namespace: namespace, Name: d.name}, ds)
	if d.deleted {
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("DataSource %s is still there (%v)", d.name, err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	c := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != v1alpha1.ReasonSynced || c.ObservedGeneration != ds.Generation {
		return fmt.Errorf("DataSource %s is not Synced at generation %d: %+v", d.name, ds.Generation, c)
	}
	got, ok := f.clusters[d.conn].Stored(d.dsName)
	if !ok {
		return fmt.Errorf("data source %s of %s is not on cluster %s", d.dsName, d.name, d.conn)
	}
	want := f.document(d)
	got.ResultIndex, got.Status = "", ""
	if !equalDocs(got, want) {
		return fmt.Errorf("data source %s on cluster %s differs from its spec:\n got %s\nwant %s",
			d.dsName, d.conn, redacted(got), redacted(want))
	}
	return nil
}

func equalDocs(a, b fakeopensearch.Document) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Connector == b.Connector &&
		slices.Equal(a.AllowedRoles, b.AllowedRoles) && maps.Equal(a.Properties, b.Properties)
}

// redacted prints a document with its credential values replaced by
// whether they matched, so a failure does not print passwords.
func redacted(d fakeopensearch.Document) string {
	props := map[string]any{}
	for k, v := range d.Properties {
		if strings.Contains(k, "auth.") && k != "prometheus.auth.type" {
			v = fmt.Sprintf("<%d chars>", len(fmt.Sprint(v)))
		}
		props[k] = v
	}
	return fmt.Sprintf("{name %s, description %q, connector %s, roles %v, properties %v}",
		d.Name, d.Description, d.Connector, d.AllowedRoles, props)
}

// eventually retries fn until it returns nil, failing the test with its
// last error after timeout.
func eventually(t *testing.T, what string, timeout time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done after %s: %v", what, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
