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
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

const (
	// timeout is generous because CI runs every suite at once on two
	// cores; a wait that passes returns as soon as it holds.
	timeout  = 45 * time.Second
	interval = 100 * time.Millisecond
)

// newNamespace creates a namespace for one test and removes it afterwards.
func newNamespace(labels ...string) string {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "osds-", Labels: map[string]string{}}}
	for i := 0; i+1 < len(labels); i += 2 {
		ns.Labels[labels[i]] = labels[i+1]
	}
	Expect(k8s.Create(context.Background(), ns)).To(Succeed())
	DeferCleanup(func() { _ = k8s.Delete(context.Background(), ns) })
	return ns.Name
}

// startFake runs a fake OpenSearch for one test.
func startFake(mode fakeopensearch.Mode) *fakeopensearch.Server {
	s, err := fakeopensearch.Start(fakeopensearch.Options{Mode: mode, Username: "operator", Password: "operator-pass"})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	return s
}

func createSecret(ns, name string, data map[string]string, labels ...string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{}}, StringData: data}
	for i := 0; i+1 < len(labels); i += 2 {
		s.Labels[labels[i]] = labels[i+1]
	}
	Expect(k8s.Create(context.Background(), s)).To(Succeed())
	return s
}

// createConnection creates an OpenSearchConnection to fake and its auth
// Secret, and waits until it is Ready.
func createConnection(ns, name string, fake *fakeopensearch.Server, dialect v1alpha1.Dialect, resync time.Duration, labels ...string) *v1alpha1.OpenSearchConnection {
	createSecret(ns, name+"-auth", map[string]string{"username": "operator", "password": "operator-pass"}, labels...)
	c := &v1alpha1.OpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{}},
		Spec: v1alpha1.OpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{
				Endpoint: fake.URL(), Dialect: dialect, ResyncPeriod: &metav1.Duration{Duration: resync},
			},
			Auth: &v1alpha1.ConnectionAuth{Basic: &v1alpha1.BasicAuth{SecretRef: v1alpha1.CredentialsSecretReference{Name: name + "-auth"}}},
		},
	}
	for i := 0; i+1 < len(labels); i += 2 {
		c.Labels[labels[i]] = labels[i+1]
	}
	Expect(k8s.Create(context.Background(), c)).To(Succeed())
	// envtest runs no namespace controller: without this the connection
	// would outlive its test and keep probing a stopped fake.
	DeferCleanup(func() { _ = k8s.Delete(context.Background(), c) })
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(c), c)).To(Succeed())
		g.Expect(meta.IsStatusConditionTrue(c.Status.Conditions, v1alpha1.ConditionReady)).To(BeTrue(), "connection conditions: %+v", c.Status.Conditions)
	}, timeout, interval).Should(Succeed())
	return c
}

// clusterConnection creates a ClusterOpenSearchConnection to fake whose auth
// Secret lives in namespace, allowing only that namespace plus extra.
func clusterConnection(fake *fakeopensearch.Server, namespace string, extra []string) *v1alpha1.ClusterOpenSearchConnection {
	createSecret(namespace, "auth", map[string]string{"username": "operator", "password": "operator-pass"})
	cc := &v1alpha1.ClusterOpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Name: "shared-" + namespace},
		Spec: v1alpha1.ClusterOpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
			Auth: &v1alpha1.ClusterConnectionAuth{Basic: &v1alpha1.ClusterBasicAuth{SecretRef: v1alpha1.NamespacedCredentialsSecretReference{
				CredentialsSecretReference: v1alpha1.CredentialsSecretReference{Name: "auth"}, Namespace: namespace}}},
			AllowedNamespaces: &v1alpha1.AllowedNamespaces{Names: append([]string{namespace}, extra...)},
		},
	}
	Expect(k8s.Create(context.Background(), cc)).To(Succeed())
	DeferCleanup(func() { _ = k8s.Delete(context.Background(), cc) })
	return cc
}

// prometheusDataSource is a Prometheus data source whose endpoint and
// credentials come from configuration and a Secret.
func prometheusDataSource(ns, name, conn, secret string) *v1alpha1.DataSource {
	return &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: v1alpha1.ConnectionReference{Name: conn},
			DataSourceParameters: v1alpha1.DataSourceParameters{
				Connector:    "prometheus",
				Description:  "cluster metrics",
				AllowedRoles: []string{"prometheus_access"},
				Configuration: &v1alpha1.DataSourceConfiguration{
					Endpoint:    "http://prometheus.monitoring.svc:9090",
					Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: secret}},
				},
			},
		},
	}
}

func get(obj client.Object) client.Object {
	ExpectWithOffset(1, k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	return obj
}

// update applies change to the latest version of ds, retrying on conflicts.
func update(ds *v1alpha1.DataSource, change func(*v1alpha1.DataSource)) {
	EventuallyWithOffset(1, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ds), ds); err != nil {
			return err
		}
		change(ds)
		return k8s.Update(context.Background(), ds)
	}, timeout, interval).Should(Succeed())
}

func readyOf(ds *v1alpha1.DataSource) *metav1.Condition { return readyConditionOf(ds) }

// expectReady waits until ds is Ready=status with reason, for its current
// generation, and returns the fresh object.
func expectReady(ds *v1alpha1.DataSource, status metav1.ConditionStatus, reason string) *v1alpha1.DataSource {
	EventuallyWithOffset(1, func(g Gomega) {
		g.Expect(k8s.Get(context.Background(), client.ObjectKeyFromObject(ds), ds)).To(Succeed())
		c := readyOf(ds)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.ObservedGeneration).To(Equal(ds.Generation))
		g.Expect(string(c.Status)+"/"+c.Reason).To(Equal(string(status)+"/"+reason), func() string {
			return "message: " + c.Message + "; " + connectionState(ds)
		})
	}, timeout, interval).Should(Succeed())
	return ds
}

// readyConditionOf is the Ready condition of a DataSource or either kind
// of connection, as obj holds it; nil when it has none.
func readyConditionOf(obj client.Object) *metav1.Condition {
	return conditionOf(obj, v1alpha1.ConditionReady)
}

// conditionOf is condition typ of a DataSource or either kind of
// connection, as obj holds it; nil when it has none.
func conditionOf(obj client.Object, typ string) *metav1.Condition {
	var conds []metav1.Condition
	switch o := obj.(type) {
	case *v1alpha1.DataSource:
		conds = o.Status.Conditions
	case *v1alpha1.OpenSearchConnection:
		conds = o.Status.Conditions
	case *v1alpha1.ClusterOpenSearchConnection:
		conds = o.Status.Conditions
	}
	return meta.FindStatusCondition(conds, typ)
}

// absentCondition is what conditionState reads for a condition the object
// does not have.
const absentCondition = "absent"

// conditionState reads condition typ of obj, fetched afresh, as
// "Status/Reason" ("absent" when it has none). Polls read conditions only
// through it: a condition can be absent while the status patch that adds it
// is on its way, and a poll must then go on rather than panic.
func conditionState(obj client.Object, typ string) string {
	c := conditionOf(get(obj), typ)
	if c == nil {
		return absentCondition
	}
	return string(c.Status) + "/" + c.Reason
}

// readyState polls obj's Ready condition as conditionState reads it.
func readyState(obj client.Object) func() string {
	return func() string { return conditionState(obj, v1alpha1.ConditionReady) }
}

// conditionStateWithMessage is conditionState followed by ": " and the
// condition's message.
func conditionStateWithMessage(obj client.Object, typ string) string {
	c := conditionOf(get(obj), typ)
	if c == nil {
		return absentCondition
	}
	return string(c.Status) + "/" + c.Reason + ": " + c.Message
}

// connectionState describes the Ready condition of ds's connection, for
// failure messages.
func connectionState(ds *v1alpha1.DataSource) string {
	ref := ds.Spec.ConnectionRef
	var obj client.Object = &v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: ref.Name}}
	if ref.Kind == v1alpha1.KindClusterOpenSearchConnection {
		obj = &v1alpha1.ClusterOpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Name: ref.Name}}
	}
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
		return "connection: " + err.Error()
	}
	c := readyConditionOf(obj)
	if c == nil {
		return "connection " + ref.Name + ": no Ready condition"
	}
	return fmt.Sprintf("connection %s: %s/%s %q at generation %d", ref.Name, c.Status, c.Reason, c.Message, c.ObservedGeneration)
}

// stored waits for fake to hold name and returns it.
func stored(fake *fakeopensearch.Server, name string) fakeopensearch.Document {
	var doc fakeopensearch.Document
	EventuallyWithOffset(1, func() bool {
		var ok bool
		doc, ok = fake.Stored(name)
		return ok
	}, timeout, interval).Should(BeTrue(), "data source %q never stored", name)
	return doc
}

// eventsFor lists the events about one object as "Type Reason: note".
func eventsFor(obj client.Object) []string {
	var list eventsv1.EventList
	ExpectWithOffset(1, k8s.List(context.Background(), &list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Name == obj.GetName() {
			out = append(out, fmt.Sprintf("%s %s: %s", e.Type, e.Reason, e.Note))
		}
	}
	return out
}

// expectEvent waits for an event about obj whose "Type Reason: note" text
// contains every part.
func expectEvent(obj client.Object, parts ...string) {
	EventuallyWithOffset(1, func() []string { return eventsFor(obj) }, timeout, interval).Should(
		ContainElement(SatisfyAll(containsAll(parts)...)))
}

func containsAll(parts []string) []OmegaMatcher {
	ms := make([]OmegaMatcher, len(parts))
	for i, p := range parts {
		ms[i] = ContainSubstring(p)
	}
	return ms
}

func deleteAndWaitGone(obj client.Object) {
	ExpectWithOffset(1, k8s.Delete(context.Background(), obj)).To(Succeed())
	EventuallyWithOffset(1, func() bool {
		return apierrors.IsNotFound(k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj))
	}, timeout, interval).Should(BeTrue(), "%s was not deleted", obj.GetName())
}

// rotatePassword sets the password key of the Secret and waits until
// fake stores the new value in data source name.
func rotatePassword(secret *corev1.Secret, fake *fakeopensearch.Server, name, password string) {
	Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
			return err
		}
		secret.Data["password"] = []byte(password)
		return k8s.Update(ctx, secret)
	}, timeout, interval).Should(Succeed())
	Eventually(func() any { return stored(fake, name).Properties["prometheus.auth.password"] }, timeout, interval).
		Should(Equal(password))
}

func joined(ss []string) string { return strings.Join(ss, "\n") }
