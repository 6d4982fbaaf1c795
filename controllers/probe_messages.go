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
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// dataSourcePermission is the cluster permission the operator's user needs
// for the data source API.
const dataSourcePermission = "cluster:admin/opensearch/ql/datasources/*"

// explainProbe rewords the verdict on a failed probe so that it names the
// field to fix: the probe is where a wrong password, a closed port or an
// untrusted certificate first shows, and judge's wording ("OpenSearch is
// unavailable: …") reads the same for all three. A TLS failure gets its
// own reason, TLSFailed, as no retry fixes it. Verdicts it has nothing to
// add to pass through unchanged. Every text it uses comes from the
// redacted error or from the spec.
func explainProbe(v verdict, err error, refs connsecrets.Refs, endpoint string) verdict {
	var e *opensearch.Error
	if !errors.As(err, &e) {
		return v
	}
	switch {
	case e.Kind == opensearch.KindForbidden && e.StatusCode != 0:
		// Without a status the request was never sent: the operator could
		// not sign it, and the message already says why.
		v.message = forbiddenMessage(e, refs)
	case e.Kind == opensearch.KindUnavailable && e.StatusCode == 0:
		if msg, ok := tlsMessage(err, endpoint); ok {
			return verdict{reason: v1alpha1.ReasonTLSFailed, message: msg, backoff: true}
		}
		if cause := connectFailure(err); cause != "" {
			v.message = fmt.Sprintf("could not connect to spec.endpoint %s (%s)", endpoint, cause)
		}
	}
	return v
}

// forbiddenMessage names where the credentials come from and the
// permission the user needs.
func forbiddenMessage(e *opensearch.Error, refs connsecrets.Refs) string {
	answer := fmt.Sprint(e.StatusCode)
	if e.Type != "" {
		answer += " " + e.Type
	}
	if e.Message != "" {
		answer += ": " + e.Message
	}
	var who string
	switch {
	case refs.AWSSigV4 != nil:
		who = "the request signed with AWS SigV4 (spec.auth.awsSigV4)"
	case refs.Basic != nil:
		who = "the credentials in the Secret named by spec.auth.basic.secretRef"
	default:
		return fmt.Sprintf("OpenSearch requires credentials (%s): set spec.auth.basic.secretRef to a Secret "+
			"holding the user name and password of a user with the cluster permissions %s", answer, dataSourcePermission)
	}
	if e.StatusCode == http.StatusUnauthorized {
		return fmt.Sprintf("OpenSearch refused %s (%s): check them; the user also needs the cluster permissions %s",
			who, answer, dataSourcePermission)
	}
	return fmt.Sprintf("OpenSearch accepted %s but denied the request (%s): the user needs the cluster permissions %s",
		who, answer, dataSourcePermission)
}

// tlsMessage says what a failed TLS handshake means for the spec.
func tlsMessage(err error, endpoint string) (string, bool) {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		return fmt.Sprintf("the TLS certificate of spec.endpoint %s is signed by an authority the operator does not trust: "+
			"set spec.tls.caSecretRef to a Secret holding that CA (PEM)", endpoint), true
	case errors.As(err, &hostname):
		return fmt.Sprintf("the TLS certificate of spec.endpoint %s is not valid for its host (%s): "+
			"use a host name the certificate names in spec.endpoint", endpoint, hostname.Error()), true
	case errors.As(err, &invalid):
		return fmt.Sprintf("the TLS certificate of spec.endpoint %s is not valid (%s)", endpoint, invalid.Error()), true
	case errors.As(err, &record):
		return fmt.Sprintf("spec.endpoint %s uses https but the server did not answer with TLS: "+
			"if it serves plain HTTP, use an http:// endpoint", endpoint), true
	}
	return "", false
}

// connectFailure is a short cause of a failure to reach the server, or ""
// when err is something else.
func connectFailure(err error) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	case errors.As(err, &dns):
		return "host name " + dns.Name + " not found"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	return ""
}
