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
	"encoding/json"
	"fmt"
	"sort"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// fleetLabel marks the connections a test's set selects; its value is the
// test's namespace, so that no two tests' sets share a
// ClusterOpenSearchConnection.
const fleetLabel = "test.datasource-operator.io/fleet"

// newSet is a set of Prometheus data sources named metrics over the
// connections labelled for namespace ns.
func newSet(ns, name string, rollout *v1alpha1.RolloutStrategy) *v1alpha1.DataSourceSet {
	return &v1alpha1.DataSourceSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.DataSourceSetSpec{
			ConnectionSelector: metav1.LabelSelector{MatchLabels: map[string]string{fleetLabel: ns}},
			Template: v1alpha1.DataSourceTemplate{Spec: v1alpha1.DataSourceTemplateSpec{
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Name:        "metrics",
					Connector:   "prometheus",
					Description: "v1",
					Configuration: &v1alpha1.DataSourceConfiguration{
						Endpoint:    "http://prometheus.monitoring.svc:9090",
						Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: "prom"}},
					},
				},
			}},
			Rollout: rollout,
		},
	}
}

// childrenOf lists set's children as "kind/connection" → child.
func childrenOf(set *v1alpha1.DataSourceSet) map[string]v1alpha1.DataSource {
	var list v1alpha1.DataSourceList
	ExpectWithOffset(1, k8s.List(context.Background(), &list, client.InNamespace(set.Namespace),
		client.MatchingLabels{v1alpha1.LabelSet: set.Name})).To(Succeed())
	out := map[string]v1alpha1.DataSource{}
	for _, ds := range list.Items {
		out[string(ds.Spec.ConnectionRef.Kind)+"/"+ds.Spec.ConnectionRef.Name] = ds
	}
	return out
}

func childKeys(set *v1alpha1.DataSourceSet) []string {
	var keys []string
	for k := range childrenOf(set) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// setState is the set's Ready condition and summary, fetched afresh, once
// its status describes its generation.
func setState(set *v1alpha1.DataSourceSet) string {
	get(set)
	c := findReady(set.Status.Conditions)
	if c == nil || set.Status.ObservedGeneration != set.Generation {
		return "not observed"
	}
	return string(c.Status) + "/" + c.Reason + " " + set.Status.Summary
}

func findReady(conds []metav1.Condition) *metav1.Condition {
	return meta.FindStatusCondition(conds, v1alpha1.ConditionReady)
}

// setCondition reads condition typ of set, fetched afresh, as
// "Status/Reason: message", or "absent".
func setCondition(set *v1alpha1.DataSourceSet, typ string) string {
	c := meta.FindStatusCondition(get(set).(*v1alpha1.DataSourceSet).Status.Conditions, typ)
	if c == nil {
		return absentCondition
	}
	return string(c.Status) + "/" + c.Reason + ": " + c.Message
}

// kstatusOf is what kstatus (Flux, kubectl-style waits) makes of set, as
// the API server holds it now.
func kstatusOf(set *v1alpha1.DataSourceSet) kstatus.Status {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(get(set))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	res, err := kstatus.Compute(&unstructured.Unstructured{Object: obj})
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return res.Status
}

func labelledClusterConnection(fake *fakeopensearch.Server, ns, name string) *v1alpha1.ClusterOpenSearchConnection {
	createSecret(ns, name+"-auth", map[string]string{"username": "operator", "password": "operator-pass"})
	cc := &v1alpha1.ClusterOpenSearchConnection{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{fleetLabel: ns}},
		Spec: v1alpha1.ClusterOpenSearchConnectionSpec{
			ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: fake.URL(), Dialect: v1alpha1.DialectSQLPlugin},
			Auth: &v1alpha1.ClusterConnectionAuth{Basic: &v1alpha1.ClusterBasicAuth{SecretRef: v1alpha1.NamespacedCredentialsSecretReference{
				CredentialsSecretReference: v1alpha1.CredentialsSecretReference{Name: name + "-auth"}, Namespace: ns}}},
			AllowedNamespaces: &v1alpha1.AllowedNamespaces{Names: []string{ns}},
		},
	}
	Expect(k8s.Create(context.Background(), cc)).To(Succeed())
	DeferCleanup(func() { _ = k8s.Delete(context.Background(), cc) })
	return cc
}

// description is what fake holds as the metrics data source's
// description, "" when it holds none.
func description(fake *fakeopensearch.Server) string {
	doc, ok := fake.Stored("metrics")
	if !ok {
		return ""
	}
	return doc.Description
}

// rolloutState describes set and its children for a failure message: the
// set's rollout and Ready, and each child's revision, pin, generations and
// conditions.
func rolloutState(set *v1alpha1.DataSourceSet) func() string {
	return func() string {
		s := &v1alpha1.DataSourceSet{}
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(set), s); err != nil {
			return err.Error()
		}
		out := fmt.Sprintf("set: rollout %+v, %s", ptr.Deref(s.Status.Rollout, v1alpha1.RolloutStatus{}), setCondition(s, v1alpha1.ConditionReady))
		for _, key := range childKeys(s) {
			ds := childrenOf(s)[key]
			out += fmt.Sprintf("\n%s: hash %s, pin %q, generation %d, observed %d, Ready %s, SecretsHeld %s", key,
				ds.Annotations[v1alpha1.AnnotationTemplateHash], ds.Spec.SecretVersions, ds.Generation, ds.Status.ObservedGeneration,
				conditionStateWithMessage(&ds, v1alpha1.ConditionReady), conditionStateWithMessage(&ds, v1alpha1.ConditionSecretsHeld))
		}
		return out
	}
}

var _ = Describe("DataSourceSet", func() {
	It("creates one owned child per matched connection of either kind, and follows connections that join and leave", func() {
		ns := newNamespace()
		fa, fb, fc, fx := startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin),
			startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)
		createSecret(ns, "prom", map[string]string{"username": "prom", "password": "prom-pass"})
		createConnection(ns, "a", fa, v1alpha1.DialectSQLPlugin, time.Minute, fleetLabel, ns)
		b := createConnection(ns, "b", fb, v1alpha1.DialectSQLPlugin, time.Minute, fleetLabel, ns)
		c := createConnection(ns, "c", fc, v1alpha1.DialectSQLPlugin, time.Minute)
		// A cluster connection of the same name as a namespaced one: the
		// two children must still differ.
		cc := labelledClusterConnection(fx, ns, "a-"+ns)

		set := newSet(ns, "metrics", nil)
		Expect(k8s.Create(ctx, set)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), set) })

		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 3/3"))
		Expect(childKeys(set)).To(Equal([]string{"ClusterOpenSearchConnection/" + cc.Name, "OpenSearchConnection/a", "OpenSearchConnection/b"}))
		for _, ds := range childrenOf(set) {
			owner := metav1.GetControllerOf(&ds)
			Expect(owner).NotTo(BeNil(), "%s has no controller", ds.Name)
			Expect(owner.UID).To(Equal(set.UID))
			Expect(ptr.Deref(owner.BlockOwnerDeletion, false)).To(BeTrue())
			Expect(ds.Labels).To(HaveKeyWithValue(v1alpha1.LabelConnection, ds.Spec.ConnectionRef.Name))
			Expect(ds.Labels).To(HaveKeyWithValue(v1alpha1.LabelConnectionKind, string(ds.Spec.ConnectionRef.Kind)))
			Expect(ds.Spec.Name).To(Equal("metrics"))
			Expect(ds.Spec.SecretVersions).To(BeEmpty(), "a set without spec.rollout pins its children's Secrets")
		}
		for _, f := range []*fakeopensearch.Server{fa, fb, fx} {
			Expect(stored(f, "metrics").Properties).To(HaveKeyWithValue("prometheus.auth.password", "prom-pass"))
		}
		Expect(fc.StoredNames()).To(BeEmpty(), "a connection the selector does not match got the data source")
		Expect(set.Status.Targets).To(BeEquivalentTo(3))
		Expect(set.Status.FailingChildren).To(BeEmpty())

		By("a connection that starts matching gets a child")
		c.Labels = map[string]string{fleetLabel: ns}
		Expect(k8s.Update(ctx, c)).To(Succeed())
		stored(fc, "metrics")
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 4/4"))

		By("a connection whose label is removed loses its child, and its data source under deletionPolicy Delete")
		Eventually(func() error {
			a := &v1alpha1.OpenSearchConnection{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "a"}, a); err != nil {
				return err
			}
			a.Labels = nil
			return k8s.Update(ctx, a)
		}, timeout, interval).Should(Succeed())
		Eventually(fa.StoredNames, timeout, interval).Should(BeEmpty())
		expectEvent(set, "ChildDeleted", "OpenSearchConnection a no longer matches the connectionSelector")

		By("a cluster connection that stops allowing the namespace loses its child")
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(cc), cc); err != nil {
				return err
			}
			cc.Spec.AllowedNamespaces.Names = []string{"elsewhere"}
			return k8s.Update(ctx, cc)
		}, timeout, interval).Should(Succeed())
		expectEvent(set, "ChildDeleted", "ClusterOpenSearchConnection "+cc.Name+" no longer allows namespace")

		By("a deleted connection loses its child")
		Expect(k8s.Delete(ctx, b)).To(Succeed())
		expectEvent(set, "ChildDeleted", "OpenSearchConnection b was deleted")

		Eventually(func() []string { return childKeys(set) }, timeout, interval).Should(Equal([]string{"OpenSearchConnection/c"}))
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 1/1"))

		By("a child whose set label is removed gets it back")
		child := childrenOf(set)["OpenSearchConnection/c"]
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(&child), &child); err != nil {
				return err
			}
			delete(child.Labels, v1alpha1.LabelSet)
			return k8s.Update(ctx, &child)
		}, timeout, interval).Should(Succeed())
		Eventually(func() map[string]string { return get(&child).GetLabels() }, timeout, interval).Should(
			HaveKeyWithValue(v1alpha1.LabelSet, set.Name))
	})

	It("rolls a template change out in waves, holds it at a failing cluster, and resumes on the annotation", func() {
		ns := newNamespace()
		fakes := []*fakeopensearch.Server{startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin),
			startFake(fakeopensearch.ModeSQLPlugin)}
		createSecret(ns, "prom", map[string]string{"username": "prom", "password": "prom-pass"})
		for i, name := range []string{"c1", "c2", "c3"} {
			createConnection(ns, name, fakes[i], v1alpha1.DialectSQLPlugin, 2*time.Second, fleetLabel, ns)
		}
		set := newSet(ns, "metrics", &v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromInt32(1))})
		Expect(k8s.Create(ctx, set)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), set) })
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 3/3"))

		// The second cluster (in name order) refuses updates, by PUT and PATCH.
		fakes[1].Forbid(fakeopensearch.ActionUpdate, fakeopensearch.ActionPatch)
		for _, f := range fakes {
			f.ResetCounts()
		}
		Eventually(func() error {
			get(set)
			set.Spec.Template.Spec.Description = "v2"
			return k8s.Update(ctx, set)
		}, timeout, interval).Should(Succeed())

		held := childrenOf(set)["OpenSearchConnection/c2"].Name
		Eventually(func() string { return description(fakes[0]) }, timeout, interval).Should(Equal("v2"))
		Eventually(func() string { return setCondition(set, v1alpha1.ConditionReady) }, timeout, interval).Should(
			SatisfyAll(HavePrefix("False/RolloutHeld"), ContainSubstring("wave 2 of 3"), ContainSubstring(held),
				ContainSubstring("OpenSearchConnection c2")))
		Expect(setCondition(set, v1alpha1.ConditionStalled)).To(HavePrefix("True/"), "a child refused by OpenSearch needs a person: %s", setCondition(set, v1alpha1.ConditionReady))
		expectEvent(set, "Warning RolloutHeld", held)
		Expect(kstatusOf(set)).To(Equal(kstatus.FailedStatus), "Flux must see a held rollout as failed")
		Consistently(func() string { return description(fakes[2]) }, 3*time.Second, interval).Should(Equal("v1"),
			"the wave after the failing cluster was written")
		Expect(fakes[0].Count(fakeopensearch.OpUpdate)+fakes[0].Count(fakeopensearch.OpPatch)).To(Equal(1), "the first cluster got more than one write for one change")
		Expect(get(set).(*v1alpha1.DataSourceSet).Status.Rollout.Wave).To(BeEquivalentTo(1))

		By("a new template starts again from the first wave, and is held at the same cluster")
		Eventually(func() error {
			get(set)
			set.Spec.Template.Spec.Description = "v3"
			return k8s.Update(ctx, set)
		}, timeout, interval).Should(Succeed())
		Eventually(func() string { return description(fakes[0]) }, timeout, interval).Should(Equal("v3"))
		Eventually(func() string { return setCondition(set, v1alpha1.ConditionReady) }, timeout, interval).Should(
			SatisfyAll(HavePrefix("False/RolloutHeld"), ContainSubstring("wave 2 of 3"), ContainSubstring(held)))
		Consistently(func() string { return description(fakes[2]) }, 2*time.Second, interval).Should(Equal("v1"))

		By("the resume annotation releases the next wave")
		Eventually(func() error {
			get(set)
			set.Annotations = map[string]string{v1alpha1.AnnotationResumeRollout: "1"}
			return k8s.Update(ctx, set)
		}, timeout, interval).Should(Succeed())
		Eventually(func() string { return description(fakes[2]) }, timeout, interval).Should(Equal("v3"))
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("False/ChildrenNotReady 2/3"))
		get(set)
		Expect(set.Status.Failing).To(BeEquivalentTo(1))
		Expect(set.Status.FailingChildren).To(ConsistOf(HaveField("Name", held)))
		Expect(set.Status.Rollout.ResumedWith).To(Equal("1"))
		// The children's password is a canary: nothing the set reports
		// may carry it, whatever the children's messages say.
		status, err := json.Marshal(set.Status)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(status)).NotTo(ContainSubstring("prom-pass"))
		Expect(joined(eventsFor(set))).NotTo(ContainSubstring("prom-pass"))

		By("the failing cluster recovering completes the rollout")
		fakes[1].Forbid()
		Eventually(func() string { return description(fakes[1]) }, timeout, interval).Should(Equal("v3"))
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 3/3"))
		Expect(kstatusOf(set)).To(Equal(kstatus.CurrentStatus))
	})

	It("rolls a Secret rotation out in waves, holds it at a failing cluster, and resumes on the annotation", func() {
		ns := newNamespace()
		fakes := []*fakeopensearch.Server{startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin),
			startFake(fakeopensearch.ModeSQLPlugin)}
		secret := createSecret(ns, "prom", map[string]string{"username": "prom", "password": "prom-pass"})
		for i, name := range []string{"c1", "c2", "c3"} {
			createConnection(ns, name, fakes[i], v1alpha1.DialectSQLPlugin, 2*time.Second, fleetLabel, ns)
		}
		set := newSet(ns, "metrics", &v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromInt32(1))})
		Expect(k8s.Create(ctx, set)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), set) })
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 3/3"))
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret)).To(Succeed())
		oldPin := "prom@" + secret.ResourceVersion
		for key, ds := range childrenOf(set) {
			Expect(ds.Spec.SecretVersions).To(Equal(oldPin), "child for %s", key)
		}

		// The first cluster (in name order) refuses updates: the rotation's
		// first wave fails there.
		fakes[0].Forbid(fakeopensearch.ActionUpdate, fakeopensearch.ActionPatch)
		for _, f := range fakes {
			f.ResetCounts()
		}
		const rotated = "rotated-canary-pass"
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
				return err
			}
			secret.Data["password"] = []byte(rotated)
			return k8s.Update(ctx, secret)
		}, timeout, interval).Should(Succeed())
		newPin := "prom@" + secret.ResourceVersion

		children := childrenOf(set)
		first, second, third := children["OpenSearchConnection/c1"], children["OpenSearchConnection/c2"], children["OpenSearchConnection/c3"]
		Eventually(func() string { return get(&first).(*v1alpha1.DataSource).Spec.SecretVersions }, timeout, interval).Should(Equal(newPin))
		Eventually(func() string { return setCondition(set, v1alpha1.ConditionReady) }, timeout, interval).Should(
			SatisfyAll(HavePrefix("False/RolloutHeld"), ContainSubstring("wave 1 of 3"), ContainSubstring(first.Name)))
		Eventually(func() string { return conditionStateWithMessage(&second, v1alpha1.ConditionSecretsHeld) }, timeout, interval).Should(
			SatisfyAll(HavePrefix("True/"+v1alpha1.ReasonSecretVersionsPinned), ContainSubstring(oldPin[len("prom@"):]),
				ContainSubstring(secret.ResourceVersion)))
		expectEvent(&third, "Normal SecretsHeld", "prom")
		Consistently(func() []any {
			return []any{stored(fakes[1], "metrics").Properties["prometheus.auth.password"], stored(fakes[2], "metrics").Properties["prometheus.auth.password"]}
		}, 4*time.Second, interval).Should(Equal([]any{"prom-pass", "prom-pass"}), "a later wave applied the rotation while the first wave failed")
		for _, ds := range []*v1alpha1.DataSource{&second, &third} {
			get(ds)
			Expect(ds.Spec.SecretVersions).To(Equal(oldPin))
			Expect(readyOf(ds).Status).To(Equal(metav1.ConditionTrue), "a held child keeps Ready: its data source holds what was released")
		}
		Expect(fakes[1].Count(fakeopensearch.OpUpdate) + fakes[2].Count(fakeopensearch.OpUpdate)).To(BeZero())

		By("a connection that joins while the rotation is held gets the new version at once")
		fakes = append(fakes, startFake(fakeopensearch.ModeSQLPlugin))
		createConnection(ns, "c4", fakes[3], v1alpha1.DialectSQLPlugin, 2*time.Second, fleetLabel, ns)
		Eventually(func() any { return stored(fakes[3], "metrics").Properties["prometheus.auth.password"] }, timeout, interval).Should(Equal(rotated))
		Expect(childrenOf(set)["OpenSearchConnection/c4"].Spec.SecretVersions).To(Equal(newPin))
		Expect(stored(fakes[2], "metrics").Properties["prometheus.auth.password"]).To(Equal("prom-pass"))

		By("the resume annotation releases the next wave, and its success the one after")
		Eventually(func() error {
			get(set)
			set.Annotations = map[string]string{v1alpha1.AnnotationResumeRollout: "1"}
			return k8s.Update(ctx, set)
		}, timeout, interval).Should(Succeed())
		Eventually(func() any { return stored(fakes[1], "metrics").Properties["prometheus.auth.password"] }, timeout, interval).Should(
			Equal(rotated), rolloutState(set))
		Eventually(func() any { return stored(fakes[2], "metrics").Properties["prometheus.auth.password"] }, timeout, interval).Should(
			Equal(rotated), rolloutState(set))
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("False/ChildrenNotReady 3/4"))
		Expect(fakes[1].Count(fakeopensearch.OpUpdate)).To(Equal(1), "the second cluster got more than one write for one rotation")
		Expect(fakes[2].Count(fakeopensearch.OpUpdate)).To(Equal(1), "the third cluster got more than one write for one rotation")
		Eventually(func() string { return conditionState(&second, v1alpha1.ConditionSecretsHeld) }, timeout, interval).Should(Equal(absentCondition))

		By("nothing reports the Secret's value")
		status, err := json.Marshal(get(set).(*v1alpha1.DataSourceSet).Status)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(status)).NotTo(ContainSubstring(rotated))
		Expect(joined(eventsFor(set))).NotTo(ContainSubstring(rotated))
		for _, ds := range []*v1alpha1.DataSource{&first, &second, &third} {
			got, err := json.Marshal(get(ds))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).NotTo(ContainSubstring(rotated))
			Expect(joined(eventsFor(ds))).NotTo(ContainSubstring(rotated))
		}

		By("a healthy rotation reaches the waves one after the other")
		fakes[0].Forbid()
		Eventually(func() any { return stored(fakes[0], "metrics").Properties["prometheus.auth.password"] }, timeout, interval).Should(Equal(rotated))
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 4/4"))
		fakes[0].SetOpLatency(fakeopensearch.OpUpdate, 3*time.Second)
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
				return err
			}
			secret.Data["password"] = []byte(rotated + "-2")
			return k8s.Update(ctx, secret)
		}, timeout, interval).Should(Succeed())
		Consistently(func() []any {
			return []any{stored(fakes[1], "metrics").Properties["prometheus.auth.password"], stored(fakes[2], "metrics").Properties["prometheus.auth.password"]}
		}, 2*time.Second, interval).Should(Equal([]any{rotated, rotated}), "a later wave went before the first was Ready")
		for _, f := range fakes {
			Eventually(func() any { return stored(f, "metrics").Properties["prometheus.auth.password"] }, timeout, interval).Should(Equal(rotated + "-2"))
		}
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 4/4"))
	})

	It("lets every child apply a Secret rotation at once under secretRotation AtOnce", func() {
		ns := newNamespace()
		fakes := []*fakeopensearch.Server{startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin),
			startFake(fakeopensearch.ModeSQLPlugin)}
		secret := createSecret(ns, "prom", map[string]string{"username": "prom", "password": "prom-pass"})
		for i, name := range []string{"c1", "c2", "c3"} {
			createConnection(ns, name, fakes[i], v1alpha1.DialectSQLPlugin, time.Minute, fleetLabel, ns)
		}
		set := newSet(ns, "metrics", &v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromInt32(1)),
			SecretRotation: v1alpha1.SecretRotationAtOnce})
		Expect(k8s.Create(ctx, set)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), set) })
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 3/3"))
		for key, ds := range childrenOf(set) {
			Expect(ds.Spec.SecretVersions).To(BeEmpty(), "child for %s is pinned", key)
		}

		fakes[0].Forbid(fakeopensearch.ActionUpdate, fakeopensearch.ActionPatch)
		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
				return err
			}
			secret.Data["password"] = []byte("rotated")
			return k8s.Update(ctx, secret)
		}, timeout, interval).Should(Succeed())
		for _, f := range fakes[1:] {
			Eventually(func() any { return stored(f, "metrics").Properties["prometheus.auth.password"] }, timeout, interval).Should(Equal("rotated"))
		}
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("False/ChildrenNotReady 2/3"))
	})

	It("deletes its children, and through them their data sources, when it is deleted", func() {
		ns := newNamespace()
		fakes := []*fakeopensearch.Server{startFake(fakeopensearch.ModeSQLPlugin), startFake(fakeopensearch.ModeSQLPlugin)}
		createSecret(ns, "prom", map[string]string{"username": "prom", "password": "prom-pass"})
		for i, name := range []string{"x", "y"} {
			createConnection(ns, name, fakes[i], v1alpha1.DialectSQLPlugin, time.Minute, fleetLabel, ns)
		}
		set := newSet(ns, "metrics", nil)
		Expect(k8s.Create(ctx, set)).To(Succeed())
		Eventually(func() string { return setState(set) }, timeout, interval).Should(Equal("True/Synced 2/2"))

		deleteAndWaitGone(set)
		Expect(childKeys(set)).To(BeEmpty())
		for _, f := range fakes {
			Expect(f.StoredNames()).To(BeEmpty())
		}
	})
})
