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
	"bytes"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// collapse joins all whitespace runs into single spaces, so that assertions
// do not depend on how kubectl wraps descriptions.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var _ = Describe("kubectl explain", Ordered, func() {
	var kubectl, kubeconfig string

	BeforeAll(func() {
		kubectl, kubeconfig = testenv.Kubectl(GinkgoT()), controlPlane.Kubeconfig
	})

	explain := func(resource string) string {
		GinkgoHelper()
		var out string
		// The OpenAPI document of a just-installed CRD can take a moment to
		// be published; retry briefly.
		Eventually(func(g Gomega) {
			var stdout, stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", kubeconfig, "explain", resource)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			g.Expect(cmd.Run()).To(Succeed(), "kubectl explain %s failed: %s", resource, stderr.String())
			out = stdout.String()
		}).WithTimeout(30 * time.Second).WithPolling(time.Second).Should(Succeed())
		_, _ = GinkgoWriter.Write([]byte("kubectl explain " + resource + ":\n" + out + "\n"))
		return out
	}

	It("shows the credentials field's doc comment and its secretRef field", func() {
		out := explain("datasource.spec.configuration.credentials")
		flat := collapse(out)
		Expect(flat).To(ContainSubstring("KIND: DataSource"))
		Expect(flat).To(ContainSubstring("credentials is where the username and password for the endpoint come from"))
		Expect(flat).To(ContainSubstring("never shown in status, events or logs"))
		Expect(flat).To(ContainSubstring("secretRef"))
		Expect(flat).To(ContainSubstring("secretRef is a Secret in the DataSource's namespace"))
	})

	It("says properties hold strings, numbers or booleans", func() {
		flat := collapse(explain("datasources.spec.properties"))
		Expect(flat).To(ContainSubstring("strings, numbers or booleans"))
		Expect(flat).To(ContainSubstring("propertiesFrom"))
	})

	It("works for the short name and the connection kinds", func() {
		Expect(collapse(explain("osds.spec.name"))).To(ContainSubstring("'@opensearch' is reserved"))
		Expect(collapse(explain("opensearchconnection.spec.resyncPeriod"))).To(ContainSubstring("1s or more"))
		Expect(collapse(explain("clusteropensearchconnection.spec.allowedNamespaces"))).To(ContainSubstring("Unset allows every namespace"))
	})
})
