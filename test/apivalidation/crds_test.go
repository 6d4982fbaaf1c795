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
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

var _ = Describe("CRDs install", func() {
	DescribeTable("the CRD is installed, structural and Established, with the names api.md fixes",
		func(plural, kind string, scope apiextensionsv1.ResourceScope, shortName string) {
			name := plural + "." + v1alpha1.GroupVersion.Group
			crd := &apiextensionsv1.CustomResourceDefinition{}
			Eventually(func(g Gomega) {
				g.Expect(k8sClient.Get(ctx, types.NamespacedName{Name: name}, crd)).To(Succeed())
				conds := map[apiextensionsv1.CustomResourceDefinitionConditionType]apiextensionsv1.CustomResourceDefinitionCondition{}
				for _, c := range crd.Status.Conditions {
					conds[c.Type] = c
				}
				g.Expect(conds).To(HaveKey(apiextensionsv1.Established), "CRD %s has no Established condition", name)
				g.Expect(conds[apiextensionsv1.Established].Status).To(Equal(apiextensionsv1.ConditionTrue),
					"CRD %s is not Established: %s", name, conds[apiextensionsv1.Established].Message)
				g.Expect(conds[apiextensionsv1.NamesAccepted].Status).To(Equal(apiextensionsv1.ConditionTrue),
					"CRD %s names not accepted: %s", name, conds[apiextensionsv1.NamesAccepted].Message)
				if c, ok := conds[apiextensionsv1.NonStructuralSchema]; ok {
					g.Expect(c.Status).NotTo(Equal(apiextensionsv1.ConditionTrue), "CRD %s schema is not structural: %s", name, c.Message)
				}
			}).WithTimeout(30 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

			Expect(crd.Spec.Group).To(Equal("opensearch.datasource-operator.io"))
			Expect(crd.Spec.Names.Kind).To(Equal(kind))
			Expect(crd.Spec.Scope).To(Equal(scope))
			Expect(crd.Spec.Names.ShortNames).To(ConsistOf(shortName))
			Expect(crd.Spec.Names.Categories).To(ContainElement("opensearch"))
			Expect(crd.Spec.Versions).To(HaveLen(1))
			v := crd.Spec.Versions[0]
			Expect(v.Name).To(Equal("v1alpha1"))
			Expect(v.Served).To(BeTrue())
			Expect(v.Storage).To(BeTrue())
			Expect(v.Subresources).NotTo(BeNil(), "%s has no subresources", name)
			Expect(v.Subresources.Status).NotTo(BeNil(), "%s has no status subresource", name)
			Expect(crd.Status.AcceptedNames.Kind).To(Equal(kind))
		},
		Entry("DataSource", "datasources", "DataSource", apiextensionsv1.NamespaceScoped, "osds"),
		Entry("DataSourceSet", "datasourcesets", "DataSourceSet", apiextensionsv1.NamespaceScoped, "osdss"),
		Entry("OpenSearchConnection", "opensearchconnections", "OpenSearchConnection", apiextensionsv1.NamespaceScoped, "osconn"),
		Entry("ClusterOpenSearchConnection", "clusteropensearchconnections", "ClusterOpenSearchConnection", apiextensionsv1.ClusterScoped, "cosconn"),
	)
})
