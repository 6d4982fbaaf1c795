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
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// secretMode says which Secrets the DataSources of a fleet read.
type secretMode int

const (
	// noSecrets: every property is in the spec.
	noSecrets secretMode = iota
	// ownSecret: each DataSource reads its password from its own Secret.
	ownSecret
	// sharedSecret: every DataSource reads its password from one Secret.
	sharedSecret
)

// sharedSecretName is the Secret of a sharedSecret fleet.
const sharedSecretName = "shared-credentials"

// fleetSpec is what one measurement runs on, in its own namespace.
type fleetSpec struct {
	namespace                  string
	connections, perConnection int
	secrets                    secretMode
	// resync is each connection's spec.resyncPeriod; 0 leaves the default.
	resync time.Duration
	// unrelated Secrets of unrelatedBytes each sit in the namespace, read by
	// nothing.
	unrelated, unrelatedBytes int
}

func (s fleetSpec) dataSources() int { return s.connections * s.perConnection }

// fleet is a namespace of connections, each to its own fake, and their
// DataSources, created before the manager starts.
type fleet struct {
	spec  fleetSpec
	fakes []*fakeServer
	// byConnection finds a connection's fake by the connection's name.
	byConnection map[string]*fakeServer
}

func connectionName(i int) string    { return fmt.Sprintf("conn-%03d", i) }
func dataSourceName(c, i int) string { return fmt.Sprintf("ds-%03d-%03d", c, i) }

// createWorkers is how many creates the bench keeps in flight: enough to
// keep the API server busy without queueing in its flow control.
const createWorkers = 32

// newFleet starts the fakes and creates the namespace, the connections, the
// Secrets and the DataSources of spec.
func newFleet(ctx context.Context, c client.Client, spec fleetSpec) (*fleet, error) {
	f := &fleet{spec: spec, byConnection: map[string]*fakeServer{}}
	for i := range spec.connections {
		// Room for every DataSource: the default limit of 20 would make
		// the fake, not the operator, the subject.
		fake, err := startFake(spec.perConnection + 10)
		if err != nil {
			f.close()
			return nil, err
		}
		f.fakes = append(f.fakes, fake)
		f.byConnection[connectionName(i)] = fake
	}
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: spec.namespace}}); err != nil {
		f.close()
		return nil, err
	}
	for _, objs := range [][]client.Object{f.connections(), f.secrets(), f.dataSources()} {
		if err := createAll(ctx, c, objs); err != nil {
			f.close()
			return nil, err
		}
	}
	return f, nil
}

func (f *fleet) close() {
	for _, fake := range f.fakes {
		fake.close()
	}
}

func (f *fleet) connections() []client.Object {
	var out []client.Object
	for i, fake := range f.fakes {
		conn := &v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: f.spec.namespace, Name: connectionName(i)}}
		conn.Spec.Endpoint = fake.url
		if f.spec.resync > 0 {
			conn.Spec.ResyncPeriod = &metav1.Duration{Duration: f.spec.resync}
		}
		out = append(out, conn)
	}
	return out
}

func (f *fleet) secrets() []client.Object {
	var out []client.Object
	secret := func(name string, data map[string][]byte) {
		out = append(out, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: f.spec.namespace, Name: name}, Data: data})
	}
	switch f.spec.secrets {
	case ownSecret:
		for c := range f.spec.connections {
			for i := range f.spec.perConnection {
				secret(dataSourceName(c, i), map[string][]byte{"password": []byte("initial-" + dataSourceName(c, i))})
			}
		}
	case sharedSecret:
		secret(sharedSecretName, map[string][]byte{"password": []byte("initial")})
	}
	filler := bytes.Repeat([]byte("x"), f.spec.unrelatedBytes)
	for i := range f.spec.unrelated {
		secret(fmt.Sprintf("unrelated-%05d", i), map[string][]byte{"blob": filler})
	}
	return out
}

func (f *fleet) dataSources() []client.Object {
	var out []client.Object
	for c := range f.spec.connections {
		for i := range f.spec.perConnection {
			out = append(out, f.dataSource(c, i))
		}
	}
	return out
}

// dataSource is a Prometheus data source; with Secrets it authenticates
// with basic auth, its password read from a Secret.
func (f *fleet) dataSource(c, i int) *v1alpha1.DataSource {
	ds := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Namespace: f.spec.namespace, Name: dataSourceName(c, i)}}
	ds.Spec.ConnectionRef.Name = connectionName(c)
	ds.Spec.Connector = "prometheus"
	props := map[string]string{"prometheus.uri": "http://prometheus.monitoring.svc:9090"}
	if f.spec.secrets != noSecrets {
		props["prometheus.auth.type"], props["prometheus.auth.username"] = "basicauth", "bench"
		from := v1alpha1.PropertyFromSecret{Key: "prometheus.auth.password"}
		from.SecretKeyRef.Name, from.SecretKeyRef.Key = ds.Name, "password"
		if f.spec.secrets == sharedSecret {
			from.SecretKeyRef.Name = sharedSecretName
		}
		ds.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{from}
	}
	ds.Spec.Properties = map[string]apiextensionsv1.JSON{}
	for k, v := range props {
		ds.Spec.Properties[k] = apiextensionsv1.JSON{Raw: []byte(fmt.Sprintf("%q", v))}
	}
	return ds
}

// createAll creates objs with createWorkers creates in flight.
func createAll(ctx context.Context, c client.Client, objs []client.Object) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(createWorkers)
	for _, o := range objs {
		g.Go(func() error {
			if err := c.Create(ctx, o); err != nil {
				return fmt.Errorf("creating %T %s: %w", o, client.ObjectKeyFromObject(o), err)
			}
			return nil
		})
	}
	return g.Wait()
}
