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

package diagnose

import (
	"context"
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connconfig"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/export"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/specbody"
)

// diagnoser reads the chain and prints each part as soon as it has read it,
// so that a part that hangs (a server that does not answer) leaves the
// others on the screen.
type diagnoser struct {
	kube    client.Reader
	out     *printer
	now     time.Time
	timeout time.Duration
}

// conn is a connection object as read: nil fields when it does not exist.
type conn struct {
	id       string
	kind     v1alpha1.ConnectionKind
	ns, name string
	obj      client.Object
	endpoint string
	status   v1alpha1.ConnectionStatus
	refs     connsecrets.Refs
}

// dataSource prints the chain of one DataSource.
func (d *diagnoser) dataSource(ctx context.Context, namespace, name string) error {
	var ds v1alpha1.DataSource
	if err := d.kube.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &ds); err != nil {
		return fmt.Errorf("reading DataSource %s/%s: %w", namespace, name, err)
	}
	policy := ds.Spec.ManagementPolicy
	if policy == "" {
		policy = v1alpha1.ManagementCreateOrUpdate
	}
	head := fmt.Sprintf("data source %s, connector %s, managementPolicy %s, generation %d",
		quoted(specbody.Name(&ds)), quoted(ds.Spec.Connector), text(string(policy)), ds.Generation)
	if ds.Spec.Suspend {
		head += ", SUSPENDED (spec.suspend): the operator makes no call"
	}
	d.out.section(fmt.Sprintf("DataSource %s/%s", text(namespace), text(name)),
		append([]string{head}, conditionLines(ds.Status.Conditions, ds.Generation, d.now)...)...)

	c, err := d.connectionOf(ctx, &ds)
	if err != nil {
		return err
	}
	d.printSecrets("Secrets of the DataSource", d.dataSourceSecrets(ctx, &ds))
	d.out.section("Writes recorded in status", writtenLines(ds.Status, d.now)...)
	d.out.section("Events of the DataSource", d.events(ctx, &ds)...)
	if c == nil {
		d.out.section("OpenSearch now", "not read: the connection does not exist")
		return nil
	}
	d.server(ctx, c, &ds)
	return nil
}

// connection prints the chain of one connection.
func (d *diagnoser) connection(ctx context.Context, kind v1alpha1.ConnectionKind, namespace, name string) error {
	c, err := d.readConnection(ctx, kind, namespace, name)
	if err != nil {
		return err
	}
	if c.obj == nil {
		return fmt.Errorf("%s does not exist", c.id)
	}
	d.printConnection(ctx, c)
	d.out.section("Events of the connection", d.events(ctx, c.obj)...)
	api, ok := d.client(ctx, c)
	if !ok {
		return nil
	}
	defer func() { _ = api.Close() }()
	list, err := api.List(ctx)
	lines := []string{"data source API: " + accessLine(err)}
	if err == nil {
		lines = append(lines, fmt.Sprintf("%d data sources on the server", len(list)))
	}
	d.out.section("OpenSearch data source API", lines...)
	return nil
}

// connectionOf reads and prints the DataSource's connection; nil when it
// does not exist.
func (d *diagnoser) connectionOf(ctx context.Context, ds *v1alpha1.DataSource) (*conn, error) {
	ref := ds.Spec.ConnectionRef
	kind, ns := v1alpha1.KindOpenSearchConnection, ds.Namespace
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		kind, ns = ref.Kind, ""
	}
	c, err := d.readConnection(ctx, kind, ns, ref.Name)
	if err != nil {
		return nil, err
	}
	if c.obj == nil {
		d.out.section("Connection "+text(c.id), "MISSING: it does not exist (spec.connectionRef)")
		return nil, nil
	}
	d.printConnection(ctx, c)
	return c, nil
}

// readConnection reads a connection object; c.obj is nil when it does not
// exist.
func (d *diagnoser) readConnection(ctx context.Context, kind v1alpha1.ConnectionKind, namespace, name string) (*conn, error) {
	c := &conn{kind: kind, ns: namespace, name: name, id: string(kind) + "/" + namespace + "/" + name}
	var err error
	if kind == v1alpha1.KindClusterOpenSearchConnection {
		c.id = string(kind) + "/" + name
		var obj v1alpha1.ClusterOpenSearchConnection
		if err = d.kube.Get(ctx, types.NamespacedName{Name: name}, &obj); err == nil {
			c.obj, c.endpoint, c.status, c.refs = &obj, obj.Spec.Endpoint, obj.Status, connsecrets.Cluster(&obj)
		}
	} else {
		var obj v1alpha1.OpenSearchConnection
		if err = d.kube.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &obj); err == nil {
			c.obj, c.endpoint, c.status, c.refs = &obj, obj.Spec.Endpoint, obj.Status, connsecrets.Namespaced(&obj)
		}
	}
	if apierrors.IsNotFound(err) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", c.id, err)
	}
	return c, nil
}

// printConnection prints a connection's conditions, cluster and Secrets.
func (d *diagnoser) printConnection(ctx context.Context, c *conn) {
	lines := conditionLines(c.status.Conditions, c.obj.GetGeneration(), d.now)
	lines = append(lines, connectionLines(c.endpoint, c.status)...)
	d.out.section("Connection "+text(c.id), lines...)
	d.printSecrets("Secrets of the connection", d.connectionSecrets(ctx, c.refs))
}

// checked is one Secret use and what the Secret holds.
type checked struct {
	use   SecretUse
	state SecretState
}

func (d *diagnoser) printSecrets(title string, secrets []checked) {
	if len(secrets) == 0 {
		d.out.section(title, "none")
		return
	}
	lines := make([]string, len(secrets))
	for i, s := range secrets {
		lines[i] = secretLine(s.use, s.state)
	}
	d.out.section(title, lines...)
}

// connectionSecrets checks the Secrets a connection's spec names.
func (d *diagnoser) connectionSecrets(ctx context.Context, refs connsecrets.Refs) []checked {
	var out []checked
	for _, r := range []struct {
		field string
		ref   *connsecrets.Ref
	}{
		{connconfig.FieldBasic, refs.Basic},
		{connconfig.FieldAWSSigV4, refs.AWSKeys},
		{connconfig.FieldCA, refs.CA},
		{connconfig.FieldClientCert, refs.ClientCert},
	} {
		if r.ref != nil {
			use := SecretUse{Field: r.field, Namespace: r.ref.Namespace, Name: r.ref.Name, Keys: r.ref.Keys}
			out = append(out, checked{use, d.secretState(ctx, use)})
		}
	}
	return out
}

// dataSourceSecrets checks the Secrets a DataSource's spec names, one
// line per Secret and field.
func (d *diagnoser) dataSourceSecrets(ctx context.Context, ds *v1alpha1.DataSource) []checked {
	var uses []SecretUse
	if c := ds.Spec.Configuration; c != nil && c.Credentials != nil {
		r := c.Credentials.SecretRef
		uses = append(uses, SecretUse{Field: "spec.configuration.credentials", Namespace: ds.Namespace, Name: r.Name,
			Keys: []string{firstOf(r.UsernameKey, "username"), firstOf(r.PasswordKey, "password")}})
	}
	for _, p := range ds.Spec.PropertiesFrom {
		uses = append(uses, SecretUse{Field: "spec.propertiesFrom[" + p.Key + "]", Namespace: ds.Namespace,
			Name: p.SecretKeyRef.Name, Keys: []string{p.SecretKeyRef.Key}})
	}
	out := make([]checked, len(uses))
	for i, u := range uses {
		out[i] = checked{u, d.secretState(ctx, u)}
	}
	return out
}

// secretState reads a Secret and keeps its key names and whether each
// value is empty; the values themselves go no further than this function.
func (d *diagnoser) secretState(ctx context.Context, use SecretUse) SecretState {
	var s corev1.Secret
	err := d.kube.Get(ctx, types.NamespacedName{Namespace: use.Namespace, Name: use.Name}, &s)
	switch {
	case apierrors.IsNotFound(err):
		return SecretState{}
	case err != nil:
		return SecretState{Err: err}
	}
	keys := make(map[string]bool, len(s.Data))
	for k, v := range s.Data {
		keys[k] = len(v) == 0
	}
	return SecretState{Found: true, Keys: keys}
}

// events lists the object's latest events. A cluster-scoped object's are
// in the default namespace, where the recorder puts them.
func (d *diagnoser) events(ctx context.Context, obj client.Object) []string {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	var list corev1.EventList
	if err := d.kube.List(ctx, &list, client.InNamespace(ns),
		client.MatchingFields{"involvedObject.uid": string(obj.GetUID())}); err != nil {
		return []string{"cannot be listed: " + message(err.Error())}
	}
	return eventLines(list.Items, d.now)
}

// client builds an OpenSearch client as the connection's user and prints
// whether the server answers; ok is false when it does not.
func (d *diagnoser) client(ctx context.Context, c *conn) (*opensearch.Client, bool) {
	title := "OpenSearch at " + endpointText(c.endpoint) + " (as the user of " + text(c.id) + ")"
	cfg, err := export.ConnectionConfig(ctx, d.kube, c.kind, c.ns, c.name)
	if err != nil {
		d.out.section(title, "not called: "+message(err.Error()))
		return nil, false
	}
	cfg.RequestTimeout = d.timeout
	// The endpoint is the connection owner's to choose; like the operator,
	// the command does not call link-local or cloud metadata addresses
	// with it, wherever it runs.
	cfg.DeniedEgress, err = opensearch.ParsePrefixes(opensearch.DefaultDeniedEgress)
	if err != nil {
		d.out.section(title, "not called: "+message(err.Error()))
		return nil, false
	}
	api, err := opensearch.New(cfg)
	if err != nil {
		d.out.section(title, "not called: "+message(err.Error()))
		return nil, false
	}
	info, err := api.Info(ctx)
	if err != nil {
		_ = api.Close()
		d.out.section(title, "does not answer: "+message(err.Error()), "data source API: "+accessLine(err))
		return nil, false
	}
	d.out.section(title, fmt.Sprintf("answers: OpenSearch %s, clusterUUID %s", text(info.Version), text(info.ClusterUUID)))
	return api, true
}

// server prints the data source as the server holds it and what a write
// of the spec would change.
func (d *diagnoser) server(ctx context.Context, c *conn, ds *v1alpha1.DataSource) {
	api, ok := d.client(ctx, c)
	if !ok {
		return
	}
	defer func() { _ = api.Close() }()
	name := specbody.Name(ds)
	remote, err := api.Get(ctx, name)
	switch {
	case opensearch.IsNotFound(err):
		d.out.section(fmt.Sprintf("Data source %s on the server", quoted(name)), "does not exist")
		d.out.section("What a write of the spec would change", absentLine(ds))
		return
	case err != nil:
		d.out.section(fmt.Sprintf("Data source %s on the server", quoted(name)),
			"cannot be read: "+message(err.Error()), "data source API: "+accessLine(err))
		return
	}
	fromSecret := map[string]bool{}
	var fromSecretKeys []string
	for _, p := range ds.Spec.PropertiesFrom {
		fromSecret[p.Key] = true
		fromSecretKeys = append(fromSecretKeys, p.Key)
	}
	sort.Strings(fromSecretKeys)
	d.out.section(fmt.Sprintf("Data source %s on the server", quoted(name)), remoteLines(remote, fromSecret)...)
	changes, err := opensearch.Changes(opensearch.Dialect(c.status.Dialect), desiredOf(ds), remote)
	if err != nil {
		d.out.section("What a write of the spec would change", "cannot compare: "+message(err.Error()))
		return
	}
	lines := changeLines(withoutKeys(changes, fromSecret), fromSecretKeys)
	if ds.Spec.ManagementPolicy == v1alpha1.ManagementObserve && len(changes) > 0 {
		lines = append(lines, "managementPolicy Observe writes nothing: these are the differences it reports")
	}
	d.out.section("What a write of the spec would change", lines...)
}

// desiredOf is the spec's body without the values Secrets hold: the
// configuration keeps its endpoint only.
func desiredOf(ds *v1alpha1.DataSource) opensearch.DataSource {
	body := specbody.Body(ds)
	if c := ds.Spec.Configuration; c != nil && c.Credentials != nil {
		body.Configuration = &opensearch.Configuration{Endpoint: c.Endpoint}
	}
	return body
}

// withoutKeys drops the changes of properties taken from Secrets: the
// desired side of those is not known without reading the Secret.
func withoutKeys(changes []opensearch.Change, keys map[string]bool) []opensearch.Change {
	out := changes[:0:0]
	for _, c := range changes {
		if k, ok := propertyKey(c.Field); ok && keys[k] {
			continue
		}
		out = append(out, c)
	}
	return out
}
