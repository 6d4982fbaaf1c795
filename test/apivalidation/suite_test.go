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
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1alpha1 "github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

var (
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	scheme    *runtime.Scheme
	ctx       context.Context
	cancel    context.CancelFunc
)

func TestAPIValidation(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "API validation suite")
}

var _ = BeforeSuite(func() {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		Fail("KUBEBUILDER_ASSETS is not set: this suite needs a real kube-apiserver and etcd. " +
			"Run `make test` (it builds them into bin/k8s/<version> and sets KUBEBUILDER_ASSETS), " +
			"or set KUBEBUILDER_ASSETS=$(pwd)/bin/k8s/1.37.2 yourself.")
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		_, err := os.Stat(filepath.Join(assets, bin))
		Expect(err).NotTo(HaveOccurred(),
			"KUBEBUILDER_ASSETS=%s has no %s; run `make envtest-assets` (or `make test`)", assets, bin)
	}

	ctx, cancel = context.WithCancel(context.Background())

	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred(), "starting envtest (and installing the CRDs) failed")
	Expect(cfg).NotTo(BeNil())

	scheme = runtime.NewScheme()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(apiextensionsv1.AddToScheme(scheme)).To(Succeed())
	Expect(v1alpha1.AddToScheme(scheme)).To(Succeed())

	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	installAdmissionPolicies(filepath.Join("..", "..", "config", "policy"))
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
		data, err := os.ReadFile(f)
		Expect(err).NotTo(HaveOccurred())
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			obj := &unstructured.Unstructured{}
			if err := dec.Decode(&obj.Object); err == io.EOF {
				break
			} else {
				Expect(err).NotTo(HaveOccurred(), "decoding %s", f)
			}
			if len(obj.Object) == 0 {
				continue
			}
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
	if testEnv != nil {
		// The API server sometimes needs a moment to shut down cleanly.
		Eventually(testEnv.Stop).WithTimeout(30 * time.Second).Should(Succeed())
	}
})
