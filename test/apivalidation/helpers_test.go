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

package apivalidation

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// fromYAML decodes one manifest into an unstructured object. The manifest
// must name its apiVersion and kind.
func fromYAML(manifest string) *unstructured.Unstructured {
	GinkgoHelper()
	obj := map[string]interface{}{}
	Expect(yaml.Unmarshal([]byte(manifest), &obj)).To(Succeed(), "manifest is not valid YAML:\n%s", manifest)
	u := &unstructured.Unstructured{Object: obj}
	Expect(u.GetAPIVersion()).NotTo(BeEmpty(), "manifest has no apiVersion:\n%s", manifest)
	Expect(u.GetKind()).NotTo(BeEmpty(), "manifest has no kind:\n%s", manifest)
	return u
}

// newNamespace creates a fresh namespace for one spec and returns its name.
// envtest runs no namespace controller, so objects created in it are deleted
// one by one by trackForCleanup.
func newNamespace() string {
	GinkgoHelper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "apival-"}}
	Expect(k8sClient.Create(ctx, ns)).To(Succeed())
	DeferCleanup(func() {
		Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, ns))).To(Succeed())
	})
	return ns.Name
}

// trackForCleanup deletes obj (namespaced or cluster-scoped) when the spec ends.
func trackForCleanup(obj *unstructured.Unstructured) {
	ref := &unstructured.Unstructured{}
	ref.SetGroupVersionKind(obj.GroupVersionKind())
	ref.SetNamespace(obj.GetNamespace())
	ref.SetName(obj.GetName())
	DeferCleanup(func() {
		Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, ref))).To(Succeed())
	})
}

// createAndReadBack creates obj (placing it in ns when it is namespaced and
// has none) and returns the object as the API server stored it.
func createAndReadBack(obj *unstructured.Unstructured, ns string) *unstructured.Unstructured {
	GinkgoHelper()
	if ns != "" && obj.GetNamespace() == "" {
		obj.SetNamespace(ns)
	}
	Expect(k8sClient.Create(ctx, obj)).To(Succeed(), "a valid %s was refused", obj.GetKind())
	trackForCleanup(obj)
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(obj.GroupVersionKind())
	Expect(k8sClient.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}, got)).To(Succeed())
	return got
}

// expectInvalid asserts err is an Invalid (422) error whose message contains
// every one of wants, and returns the message.
func expectInvalid(err error, wants ...string) string {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "the API server accepted a manifest it should refuse")
	Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid (422) error, got %T: %v", err, err)
	msg := err.Error()
	for _, w := range wants {
		Expect(msg).To(ContainSubstring(w), "the rejection message does not mention %q", w)
	}
	return msg
}

// str reads a string field, failing when it is absent or not a string.
func str(u *unstructured.Unstructured, fields ...string) string {
	GinkgoHelper()
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, fields...)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "field %v is not set", fields)
	s, ok := v.(string)
	Expect(ok).To(BeTrue(), "field %v is %T (%v), want a string", fields, v, v)
	return s
}

// field reads any field, failing when it is absent.
func field(u *unstructured.Unstructured, fields ...string) interface{} {
	GinkgoHelper()
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, fields...)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeTrue(), "field %v is not set", fields)
	return v
}

// absent asserts a field is not set.
func absent(u *unstructured.Unstructured, fields ...string) {
	GinkgoHelper()
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, fields...)
	Expect(err).NotTo(HaveOccurred())
	Expect(found).To(BeFalse(), "field %v is unexpectedly set to %v", fields, v)
}

// logRejection records a rejection message in the spec's report, so that a
// verbose run lists every message the API server produced.
func logRejection(name, msg string) {
	AddReportEntry("rejection: "+name, msg)
	_, _ = fmt.Fprintf(GinkgoWriter, "REJECTED %s: %s\n", name, msg)
}
