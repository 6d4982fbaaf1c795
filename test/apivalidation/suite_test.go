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

// Package apivalidation proves the v1alpha1 API against a real API server
// (envtest): the CRDs install, documented defaults are applied, invalid
// manifests are refused with messages naming the field, and the doc comments
// reach `kubectl explain`.
package apivalidation

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

var (
	// controlPlane is the suite's kube-apiserver and etcd, with the CRDs;
	// its Kubeconfig serves the real kubectl.
	controlPlane *testenv.ControlPlane
	k8sClient    client.Client
	ctx          context.Context
	cancel       context.CancelFunc
)

func TestAPIValidation(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "API validation suite")
}

var _ = BeforeSuite(func() {
	ctx, cancel = context.WithCancel(context.Background())
	controlPlane = testenv.StartT(GinkgoT(), testenv.WithUser("apivalidation-admin"))
	k8sClient = controlPlane.Client(GinkgoT())

	installAdmissionPolicies(filepath.Join(testenv.Root(GinkgoT()), "config", "policy"))
})

// installAdmissionPolicies creates the ValidatingAdmissionPolicies (and their
// bindings) the project ships next to the CRDs: a rule that a CRD cannot
// express (a key in both spec.properties and spec.propertiesFrom) lives there.
// It then waits until the API server enforces them.
func installAdmissionPolicies(dir string) {
	GinkgoHelper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	Expect(err).NotTo(HaveOccurred())
	created := 0
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		for _, obj := range testenv.DecodeFile(GinkgoT(), f) {
			Expect(k8sClient.Create(ctx, obj)).To(Succeed(), "creating %s %s from %s", obj.GetKind(), obj.GetName(), f)
			created++
		}
	}
	Expect(created).To(BeNumerically(">", 0), "no admission policy found in %s", dir)

	// Policies are enforced asynchronously once created: probe until a
	// DataSource breaking the properties/propertiesFrom rule is refused.
	Eventually(func(g Gomega) {
		probe := fromYAML(`
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: policy-probe
  namespace: default
spec:
  connectionRef: {name: opensearch}
  connector: prometheus
  properties: {k: v}
  propertiesFrom: [{key: k, secretKeyRef: {name: s, key: k}}]
`)
		err := k8sClient.Create(ctx, probe)
		if err == nil {
			_ = k8sClient.Delete(ctx, probe)
		}
		g.Expect(err).To(HaveOccurred(), "the admission policies in %s are not enforced yet", dir)
		g.Expect(err.Error()).To(ContainSubstring("spec.propertiesFrom"), "the probe was refused for another reason")
	}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}

var _ = AfterSuite(func() {
	if cancel != nil {
		cancel()
	}
	// The control plane stops in the cleanup StartT registered.
})
