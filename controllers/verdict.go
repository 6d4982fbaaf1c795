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
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// blocked is why a reconcile cannot go on until something else changes (a
// missing connection or Secret, a spec the operator can tell will not
// work): a Ready reason and a message a user can act on.
type blocked struct {
	Reason  string
	Message string
}

func (b *blocked) Error() string { return b.Reason + ": " + b.Message }

// operation is what the operator was doing when an error happened; it
// words the verdict's message.
type operation string

const (
	opWrite  operation = "write"
	opDelete operation = "delete"
	opProbe  operation = "probe"
)

// defaultThrottle is how long a 429 without Retry-After holds a connection.
const defaultThrottle = 5 * time.Second

// verdict is what one error means for the object that met it.
type verdict struct {
	// reason and message are the Ready condition to report.
	reason  string
	message string
	// requeueAfter schedules the next attempt; zero waits for a change.
	requeueAfter time.Duration
	// backoff returns the error to the controller, which retries with its
	// exponential backoff; requeueAfter is then zero.
	backoff bool
	// throttle holds every request on the connection for requeueAfter: the
	// server's limit is the cluster's, not one data source's.
	throttle bool
}

// judge is the one place an error becomes a Ready reason and a retry:
// spec problems wait for a change, refusals wait for the next resync,
// throttling waits for the server's Retry-After and holds the connection,
// and everything else (5xx, timeouts, connection errors, the Kubernetes
// API) backs off exponentially.
//
// A server's Retry-After is honoured up to maxThrottle: one proxy asking
// for a year must not freeze every write and deletion on the connection.
func judge(err error, op operation, resync, maxThrottle time.Duration) verdict {
	var stop *blocked
	var invalid *opensearch.InvalidSpecError
	var recreate *opensearch.RecreateRefusedError
	switch {
	case errors.As(err, &stop):
		return verdict{reason: stop.Reason, message: stop.Message}
	case errors.As(err, &invalid):
		return verdict{reason: v1alpha1.ReasonInvalidSpec, message: invalid.Message}
	case errors.As(err, &recreate):
		return verdict{reason: v1alpha1.ReasonRecreateRequired, message: recreateRequired(recreate.Stale), requeueAfter: resync}
	case isAPIServerError(err):
		return verdict{reason: v1alpha1.ReasonUnavailable, message: "the Kubernetes API failed: " + err.Error(), backoff: true}
	}
	if v, ok := settingVerdict(err, resync); ok {
		return v
	}
	msg := err.Error()
	switch opensearch.KindOf(err) {
	case opensearch.KindForbidden:
		if op == opProbe {
			return verdict{reason: v1alpha1.ReasonForbidden, message: "OpenSearch refused the operator: " + msg, requeueAfter: resync}
		}
		return refused(op, msg, resync)
	case opensearch.KindRejected, opensearch.KindNotFound, opensearch.KindAlreadyExists:
		return refused(op, msg, resync)
	case opensearch.KindTooManyRequests:
		wait, ok := opensearch.RetryAfter(err)
		if !ok || wait <= 0 {
			wait = defaultThrottle
		}
		if maxThrottle > 0 && wait > maxThrottle {
			wait = maxThrottle
		}
		return verdict{reason: v1alpha1.ReasonUnavailable, requeueAfter: wait, throttle: true,
			message: fmt.Sprintf("OpenSearch is throttling requests (429); retrying after %s: %s", wait, msg)}
	case "":
		// Not an answer from OpenSearch: an error of the operator's own
		// reading (a Secret watch that did not sync), retried the same way.
		return verdict{reason: v1alpha1.ReasonUnavailable, message: msg, backoff: true}
	}
	return verdict{reason: v1alpha1.ReasonUnavailable, message: "OpenSearch is unavailable: " + msg, backoff: true}
}

// settingVerdict is the verdict on the SQL plugin's 400s that come from
// the cluster's settings rather than the data source: each names the
// setting and who must act. A host that does not resolve is retried with
// backoff: the Service it names often appears a little later.
func settingVerdict(err error, resync time.Duration) (verdict, bool) {
	msg := err.Error()
	cause := opensearch.CauseOf(err)
	var reason, fix string
	switch cause {
	case opensearch.CauseMasterKeyMissing:
		reason, fix = v1alpha1.ReasonMasterKeyMissing, "OpenSearch cannot store the data source's credentials: its nodes have no "+
			cause.Setting()+"; a cluster administrator must set it (16, 24 or 32 characters) in opensearch.yml on every node "+
			"and restart them (data sources without credentials are not affected)"
	case opensearch.CauseHostUnresolvable:
		return verdict{reason: v1alpha1.ReasonHostUnresolvable, backoff: true, message: "the OpenSearch node could not resolve the host " +
			"of the connector's URI (prometheus.uri or glue.indexstore.opensearch.uri); retrying with backoff until it resolves " +
			"from the OpenSearch nodes (a Service that does not exist yet, or a name only another cluster's DNS knows): " + msg}, true
	case opensearch.CauseHostDenied:
		reason, fix = v1alpha1.ReasonHostDenied, "the host of the connector's URI resolves to an address on the cluster's "+
			cause.Setting()+"; point the URI at an allowed address, or have a cluster administrator change the setting"
	case opensearch.CauseLimitReached:
		reason, fix = v1alpha1.ReasonLimitReached, "the cluster already holds the most data sources "+cause.Setting()+
			" allows (20 by default); delete a data source you no longer need, or have a cluster administrator raise the setting"
	case opensearch.CauseAPIDisabled:
		reason, fix = v1alpha1.ReasonAPIDisabled, "the cluster setting "+cause.Setting()+
			" is false, which turns the data source API off; a cluster administrator must set it to true"
	default:
		return verdict{}, false
	}
	return verdict{reason: reason, message: fix + ": " + msg, requeueAfter: resync}, true
}

// recreateRequired words a re-create that spec.recreatePolicy forbids.
func recreateRequired(stale []string) string {
	return fmt.Sprintf("properties %s were removed from the spec but remain in OpenSearch, which keeps removed properties on update; "+
		"removing them needs the data source deleted and created again, which spec.recreatePolicy forbids (Never is the default for "+
		"s3glue and security_lake: OpenSearch drops a deleted data source's Flint indices, and re-creating it does not bring them back); "+
		"everything else was written. Put the properties back in the spec, or set spec.recreatePolicy: Allow to delete and re-create it",
		strings.Join(stale, ", "))
}

// refused is the verdict on a 4xx: retrying at once would get the same
// answer, so the next attempt waits for a change or the next resync.
func refused(op operation, msg string, resync time.Duration) verdict {
	what := map[operation]string{opWrite: "the data source", opDelete: "the deletion", opProbe: "the probe"}[op]
	return verdict{reason: v1alpha1.ReasonRejected, message: "OpenSearch rejected " + what + ": " + msg + rejectionHint(msg), requeueAfter: resync}
}

// unknownConnector starts the SQL plugin's refusal of a connector it does
// not know.
const unknownConnector = "No DataSourceType with name "

// rejectionHint adds what a rejection from OpenSearch leaves out, for the
// refusals a new user meets first: the SQL plugin names the connector it
// does not know but not the ones it does, and the documented API's
// examples (mysql) read as if every server had them.
func rejectionHint(msg string) string {
	if strings.Contains(msg, unknownConnector) {
		return "; the SQL plugin knows the connectors prometheus, s3glue, security_lake and opensearch " +
			"(spark too from 2.9 to 2.19); mysql and other database connectors exist only in the documented API"
	}
	return ""
}

// jittered spreads the ends of throttles set by many DataSources at once
// over a tenth of their length, so they do not all retry together.
func jittered(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + rand.N(d/10+1)
}

// isAPIServerError tells errors of the Kubernetes API (reading connections,
// Secrets and namespaces) from OpenSearch's.
func isAPIServerError(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status)
}
