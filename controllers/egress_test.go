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
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// metadataCredentials is what an instance metadata service answers for a
// role's credentials.
const metadataCredentials = `{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"AKIACANARY7F3A9C00",` +
	`"SecretAccessKey":"canary-node-secret","Token":"canary-node-token","Expiration":"2026-12-08T02:00:00Z"}`

// statusText is obj's status as JSON, read afresh.
func statusText(obj client.Object) string {
	GinkgoHelper()
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	out, err := json.Marshal(obj)
	Expect(err).NotTo(HaveOccurred())
	var fields map[string]json.RawMessage
	Expect(json.Unmarshal(out, &fields)).To(Succeed())
	Expect(string(fields["status"])).To(ContainSubstring(`"Ready"`), "the status was not read")
	return string(fields["status"])
}

// expectNotInStatus checks that neither the status nor the Events of objs
// show text: what tenants read.
func expectNotInStatus(text string, objs ...client.Object) {
	GinkgoHelper()
	for _, obj := range objs {
		Expect(statusText(obj)).NotTo(ContainSubstring(text))
		Expect(joined(eventsFor(obj))).NotTo(ContainSubstring(text))
	}
}

// expectNotShown checks that no status, Event or log line shows text.
func expectNotShown(text string, objs ...client.Object) {
	GinkgoHelper()
	expectNotInStatus(text, objs...)
	Expect(logs.String()).NotTo(ContainSubstring(text))
}

var _ = Describe("A connection's endpoint is any server", func() {
	It("never copies a reply that is not OpenSearch's into status", func() {
		const path = "/latest/meta-data/iam/security-credentials/node-role"
		metadata := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			if !strings.HasPrefix(r.URL.Path, path) {
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte("canary: not found"))
				return
			}
			_, _ = w.Write([]byte(metadataCredentials))
		}))
		DeferCleanup(metadata.Close)
		ns := newNamespace()
		conn := &v1alpha1.OpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "metadata"},
			Spec: v1alpha1.OpenSearchConnectionSpec{ConnectionSettings: v1alpha1.ConnectionSettings{
				Endpoint: metadata.URL + path, Dialect: v1alpha1.DialectSQLPlugin}},
		}
		Expect(k8s.Create(ctx, conn)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), conn) })
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", "metadata", "prom-creds")
		Expect(k8s.Create(ctx, ds)).To(Succeed())

		Eventually(func(g Gomega) {
			c := readyConditionOf(get(conn))
			g.Expect(c).NotTo(BeNil())
			g.Expect(string(c.Status) + "/" + c.Reason).To(Equal("False/" + v1alpha1.ReasonUnavailable))
			g.Expect(c.Message).To(ContainSubstring(fmt.Sprintf("HTTP 200 OK, text/plain, %d bytes (body not shown)", len(metadataCredentials))))
		}, timeout, interval).Should(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		for _, text := range []string{"AKIACANARY7F3A9C00", "canary-node-secret", "canary-node-token", "canary: not found"} {
			expectNotShown(text, conn, ds)
		}
	})
})

var _ = Describe("The operator's own AWS identity", func() {
	// useOperatorIdentity gives the manager's process a canary identity in
	// the environment, where the AWS default chain looks first, and keeps
	// it from anything on this machine (shared files, instance metadata).
	useOperatorIdentity := func() {
		dir := GinkgoT().TempDir()
		for k, v := range map[string]string{
			"AWS_CONFIG_FILE":                        filepath.Join(dir, "config"),
			"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "credentials"),
			"AWS_EC2_METADATA_DISABLED":              "true",
			"AWS_PROFILE":                            "",
			"AWS_ACCESS_KEY_ID":                      "AKIACANARYOPERATOR",
			"AWS_SECRET_ACCESS_KEY":                  "canary-operator-secret",
			"AWS_SESSION_TOKEN":                      "canary-operator-session-token",
			"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
			"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
			"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
			"AWS_ROLE_ARN":                           "",
			"AWS_ENDPOINT_URL":                       "",
			"AWS_ENDPOINT_URL_STS":                   "",
		} {
			GinkgoT().Setenv(k, v)
		}
	}
	// operatorConnection is a ClusterOpenSearchConnection signing with the
	// default chain, used by one DataSource in a tenant's namespace.
	operatorConnection := func(endpoint, roleARN string) (*v1alpha1.ClusterOpenSearchConnection, *v1alpha1.DataSource) {
		ns := newNamespace()
		cc := &v1alpha1.ClusterOpenSearchConnection{
			ObjectMeta: metav1.ObjectMeta{Name: "operator-" + ns},
			Spec: v1alpha1.ClusterOpenSearchConnectionSpec{
				ConnectionSettings: v1alpha1.ConnectionSettings{Endpoint: endpoint, Dialect: v1alpha1.DialectSQLPlugin},
				Auth: &v1alpha1.ClusterConnectionAuth{AWSSigV4: &v1alpha1.ClusterAWSSigV4Auth{
					AWSSigV4Settings: v1alpha1.AWSSigV4Settings{Region: "eu-west-1", RoleARN: roleARN}}},
				AllowedNamespaces: &v1alpha1.AllowedNamespaces{Names: []string{ns}},
			},
		}
		Expect(k8s.Create(ctx, cc)).To(Succeed())
		DeferCleanup(func() { _ = k8s.Delete(context.Background(), cc) })
		createSecret(ns, "prom-creds", map[string]string{"username": "prom", "password": "prom-pass"})
		ds := prometheusDataSource(ns, "metrics", cc.Name, "prom-creds")
		ds.Spec.ConnectionRef.Kind = v1alpha1.KindClusterOpenSearchConnection
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		return cc, ds
	}

	It("masks the default chain's credentials that a server echoes", func() {
		useOperatorIdentity()
		var (
			mu   sync.Mutex
			sent []string
		)
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			sent = append(sent, r.Header.Get("X-Amz-Security-Token"))
			mu.Unlock()
			reason, _ := json.Marshal(fmt.Sprintf("no permissions for [cluster:monitor/main] and User [token %s, %s]",
				r.Header.Get("X-Amz-Security-Token"), r.Header.Get("Authorization")))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"error":{"root_cause":[{"type":"security_exception","reason":%s}],"type":"security_exception","reason":%s},"status":403}`,
				reason, reason)
		}))
		DeferCleanup(echo.Close)
		cc, ds := operatorConnection(echo.URL, "")
		Eventually(func(g Gomega) {
			c := readyConditionOf(get(cc))
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonForbidden))
			g.Expect(c.Message).To(ContainSubstring("User [token [REDACTED]"))
		}, timeout, interval).Should(Succeed())
		mu.Lock()
		Expect(sent).To(ContainElement("canary-operator-session-token"), "the default chain's token was never sent")
		mu.Unlock()
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		for _, text := range []string{"AKIACANARYOPERATOR", "canary-operator-session-token", "canary-operator-secret"} {
			expectNotShown(text, cc, ds)
		}
	})

	It("tells tenants only that signing failed, and the operator's log why", func() {
		useOperatorIdentity()
		const roleARN = "arn:aws:iam::123456789012:role/canary-role"
		sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>`+
				`<Message>User: arn:aws:sts::123456789012:assumed-role/canary-operator/pod is not authorized to perform: sts:AssumeRole on resource: `+
				roleARN+`</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
		}))
		DeferCleanup(sts.Close)
		GinkgoT().Setenv("AWS_ENDPOINT_URL_STS", sts.URL)
		domain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
		}))
		DeferCleanup(domain.Close)
		cc, ds := operatorConnection(domain.URL, roleARN)
		Eventually(func(g Gomega) {
			c := readyConditionOf(get(cc))
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Reason).To(Equal(v1alpha1.ReasonForbidden))
			g.Expect(c.Message).To(ContainSubstring("could not obtain credentials to sign with; the operator's log has the details"))
		}, timeout, interval).Should(Succeed())
		expectReady(ds, metav1.ConditionFalse, v1alpha1.ReasonConnectionNotReady)
		for _, text := range []string{"123456789012", "canary-role", "canary-operator", "AccessDenied"} {
			expectNotInStatus(text, cc, ds)
		}
		Eventually(logs.String, timeout, interval).Should(ContainSubstring("AccessDenied"), "the details were not logged")
		Expect(logs.String()).NotTo(ContainSubstring("canary-operator-secret"))
		Expect(logs.String()).NotTo(ContainSubstring("canary-operator-session-token"))
	})
})
