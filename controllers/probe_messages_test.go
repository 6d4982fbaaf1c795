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

package controllers

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// TestProbeMessagesNameTheFix probes real servers that fail in the ways a
// new user meets first and reads the exact Ready reason and message.
func TestProbeMessagesNameTheFix(t *testing.T) {
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "operator", Password: "right-pass"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsServer.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()
	basic := connsecrets.Refs{Basic: &connsecrets.Ref{}}
	plainHTTPS := "https://" + strings.TrimPrefix(plain.URL, "http://")

	for _, tc := range []struct {
		name, endpoint, password string
		refs                     connsecrets.Refs
		reason, message          string
	}{
		{"wrong password", fake.URL(), "canary-wrong-pass", basic, v1alpha1.ReasonForbidden,
			"OpenSearch refused the credentials in the Secret named by spec.auth.basic.secretRef (401 security_exception: Unauthorized): " +
				"check them; the user also needs the cluster permissions cluster:admin/opensearch/ql/datasources/*"},
		{"no credentials", fake.URL(), "", connsecrets.Refs{}, v1alpha1.ReasonForbidden,
			"OpenSearch requires credentials (401 security_exception: Unauthorized): set spec.auth.basic.secretRef to a Secret " +
				"holding the user name and password of a user with the cluster permissions cluster:admin/opensearch/ql/datasources/*"},
		{"closed port", closed, "right-pass", basic, v1alpha1.ReasonUnavailable,
			"could not connect to spec.endpoint " + closed + " (connection refused)"},
		{"untrusted certificate", tlsServer.URL, "right-pass", basic, v1alpha1.ReasonTLSFailed,
			"the TLS certificate of spec.endpoint " + tlsServer.URL + " is signed by an authority the operator does not trust: " +
				"set spec.tls.caSecretRef to a Secret holding that CA (PEM)"},
		{"https to a plain HTTP server", plainHTTPS, "right-pass", basic, v1alpha1.ReasonTLSFailed,
			"spec.endpoint " + plainHTTPS + " uses https but the server did not answer with TLS: if it serves plain HTTP, use an http:// endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := "operator"
			if tc.password == "" {
				user = ""
			}
			api, err := opensearch.New(opensearch.Config{Endpoint: tc.endpoint, Username: user, Password: tc.password,
				Dialect: opensearch.DialectSQLPlugin, RequestTimeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			_, err = api.Info(context.Background())
			if err == nil {
				t.Fatal("the probe succeeded")
			}
			v := explainProbe(judge(err, opProbe, time.Minute, time.Minute), err, tc.refs, tc.endpoint)
			if v.reason != tc.reason || v.message != tc.message {
				t.Errorf("Ready = %s: %s\nwant      %s: %s", v.reason, v.message, tc.reason, tc.message)
			}
			if strings.Contains(v.message, "canary-wrong-pass") {
				t.Error("the message holds the password")
			}
		})
	}
}

// TestUnknownConnectorNamesTheKnownOnes writes a mysql data source to the
// SQL plugin and reads the Rejected message.
func TestUnknownConnectorNamesTheKnownOnes(t *testing.T) {
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	api, err := opensearch.New(opensearch.Config{Endpoint: fake.URL(), Dialect: opensearch.DialectSQLPlugin})
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.Create(context.Background(), opensearch.DataSource{Name: "orders", Connector: "mysql",
		Properties: map[string]json.RawMessage{"host": json.RawMessage(`"db"`)}})
	if err == nil {
		t.Fatal("the SQL plugin accepted a mysql data source")
	}
	v := judge(err, opWrite, time.Minute, time.Minute)
	want := "OpenSearch rejected the data source: opensearch create: Rejected (400 illegal_argument_exception): " +
		"No DataSourceType with name mysql found; the SQL plugin knows the connectors prometheus, s3glue, security_lake " +
		"and opensearch (spark too from 2.9 to 2.19); mysql and other database connectors exist only in the documented API"
	if v.reason != v1alpha1.ReasonRejected || v.message != want {
		t.Errorf("Ready = %s: %s\nwant      Rejected: %s", v.reason, v.message, want)
	}
}

// TestExplainProbeLeavesOthersAlone: a failure explainProbe has nothing to
// add to keeps judge's verdict, such as a request the operator could not
// sign (Forbidden without a status) or a 5xx.
func TestExplainProbeLeavesOthersAlone(t *testing.T) {
	for _, err := range []error{
		&opensearch.Error{Kind: opensearch.KindForbidden, Operation: "info", Message: "could not obtain credentials to sign with"},
		&opensearch.Error{Kind: opensearch.KindUnavailable, StatusCode: 503, Operation: "info", Message: "busy"},
		&opensearch.Error{Kind: opensearch.KindRejected, StatusCode: 400, Operation: "list", Message: "disabled"},
	} {
		v := judge(err, opProbe, time.Minute, time.Minute)
		if got := explainProbe(v, err, connsecrets.Refs{AWSSigV4: &v1alpha1.AWSSigV4Settings{}}, "https://os:9200"); got != v {
			t.Errorf("%v: explainProbe = %+v, want %+v", err, got, v)
		}
	}
}
