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

package diagnose

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/termtext"
)

// Bounds on what one report prints: a hostile or broken server, or a
// tenant, decides how long its strings and lists are; the report does not.
const (
	maxValue      = 200 // characters of one value
	maxMessage    = 800 // characters of one condition or event message, or error
	maxProperties = 50  // properties of the data source on the server
	maxEvents     = 10  // latest events
)

// DataSourcePermission is what the operator's OpenSearch user needs for
// the data source API.
const DataSourcePermission = "cluster:admin/opensearch/ql/datasources/*"

// text is s escaped and bounded for the terminal.
func text(s string) string { return termtext.Bounded(s, maxValue) }

// message is s escaped and bounded as a message: the operator's
// messages are longer than values, and are the point of the report.
func message(s string) string { return termtext.Bounded(s, maxMessage) }

// quoted is text(s) in double quotes, so that an empty or space-padded
// value reads as what it is.
func quoted(s string) string { return `"` + text(s) + `"` }

// ago says how long before now t was, to the second.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return now.Sub(t).Truncate(time.Second).String() + " ago"
}

// conditionLines prints conditions, Ready first, each with its reason,
// whether it speaks of the current generation, and its message.
func conditionLines(conds []metav1.Condition, generation int64, now time.Time) []string {
	if len(conds) == 0 {
		return []string{"no conditions yet: the operator has not reconciled it (is the manager running and watching this namespace?)"}
	}
	sorted := append([]metav1.Condition(nil), conds...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sorted[i].Type == v1alpha1.ConditionReady && sorted[j].Type != v1alpha1.ConditionReady
	})
	lines := make([]string, 0, len(sorted))
	for _, c := range sorted {
		line := fmt.Sprintf("%s=%s %s (%s)", text(c.Type), c.Status, text(c.Reason), ago(c.LastTransitionTime.Time, now))
		if c.ObservedGeneration != generation {
			line += fmt.Sprintf(" [of generation %d; the spec is at %d]", c.ObservedGeneration, generation)
		}
		if c.Message != "" {
			line += ": " + message(c.Message)
		}
		lines = append(lines, line)
	}
	return lines
}

// endpointText is an endpoint without the user information a URL may
// carry.
func endpointText(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return quoted(endpoint) + " (not a URL)"
	}
	u.User = nil
	return text(u.Redacted())
}

// connectionLines prints what a connection's status says about its cluster.
func connectionLines(endpoint string, status v1alpha1.ConnectionStatus) []string {
	orUnknown := func(s string) string {
		if s == "" {
			return "(not known yet)"
		}
		return text(s)
	}
	return []string{
		"endpoint " + endpointText(endpoint),
		fmt.Sprintf("dialect %s, OpenSearch %s, clusterUUID %s", orUnknown(string(status.Dialect)),
			orUnknown(status.Version), orUnknown(status.ClusterUUID)),
	}
}

// SecretUse is one Secret a spec names and the keys read from it.
type SecretUse struct {
	// Field is the spec field that names it, e.g. spec.auth.basic.secretRef.
	Field     string
	Namespace string
	Name      string
	Keys      []string
}

// SecretState is what a Secret holds, keys only: Keys maps each key to
// whether its value is empty. Found is false when it does not exist; Err
// is set when it could not be read.
type SecretState struct {
	Found bool
	Keys  map[string]bool
	Err   error
}

// secretLine says whether a Secret exists and has the keys use reads,
// naming the keys it has instead. Values are never in s, so never here.
func secretLine(use SecretUse, s SecretState) string {
	head := fmt.Sprintf("Secret %s/%s (%s): ", text(use.Namespace), text(use.Name), text(use.Field))
	switch {
	case s.Err != nil:
		return head + "cannot be read: " + message(s.Err.Error())
	case !s.Found:
		return head + "MISSING: it does not exist"
	}
	var parts []string
	missing := false
	for _, k := range use.Keys {
		empty, ok := s.Keys[k]
		switch {
		case !ok:
			missing = true
			parts = append(parts, fmt.Sprintf("key %s MISSING", quoted(k)))
		case empty:
			parts = append(parts, fmt.Sprintf("key %s present but empty", quoted(k)))
		default:
			parts = append(parts, fmt.Sprintf("key %s present", quoted(k)))
		}
	}
	line := head + "exists; " + strings.Join(parts, ", ")
	if missing {
		line += "; it has keys " + keyList(s.Keys)
	}
	return line
}

// keyList names a Secret's keys, sorted and bounded.
func keyList(keys map[string]bool) string {
	if len(keys) == 0 {
		return "none"
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	const most = 20
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(" and %d more", len(names)-most)
		names = names[:most]
	}
	for i, n := range names {
		names[i] = quoted(n)
	}
	return strings.Join(names, ", ") + more
}

// writtenLines prints what status records of the DataSource's writes.
func writtenLines(st v1alpha1.DataSourceStatus, now time.Time) []string {
	written := func(w *v1alpha1.WrittenConnection) string {
		if w == nil {
			return "none"
		}
		s := fmt.Sprintf("%s/%s at %s", text(string(w.Kind)), text(w.Name), endpointText(w.Endpoint))
		if w.ClusterUUID != "" {
			s += ", clusterUUID " + text(w.ClusterUUID)
		}
		return s
	}
	var last time.Time
	if st.LastSyncTime != nil {
		last = st.LastSyncTime.Time
	}
	lines := []string{
		"status.connection (where it last wrote): " + written(st.Connection),
		"status.pendingCreate (a create not yet confirmed): " + written(st.PendingCreate),
		"last write: " + ago(last, now),
	}
	if st.Message != "" {
		lines = append(lines, "the server's last answer: "+message(st.Message))
	}
	if st.Adopted {
		lines = append(lines, "adopted: it took over a data source that existed before it")
	}
	return lines
}

// eventLines prints the latest events, newest first.
func eventLines(events []corev1.Event, now time.Time) []string {
	if len(events) == 0 {
		return []string{"none (events expire after an hour by default)"}
	}
	sorted := append([]corev1.Event(nil), events...)
	sort.SliceStable(sorted, func(i, j int) bool { return eventTime(sorted[i]).After(eventTime(sorted[j])) })
	if len(sorted) > maxEvents {
		sorted = sorted[:maxEvents]
	}
	lines := make([]string, 0, len(sorted))
	for _, e := range sorted {
		line := fmt.Sprintf("%s %s %s: %s", ago(eventTime(e), now), text(e.Type), text(e.Reason), message(e.Message))
		if e.Count > 1 {
			line += fmt.Sprintf(" (%d times)", e.Count)
		}
		lines = append(lines, line)
	}
	return lines
}

// eventTime is when an event last happened, from whichever field its
// recorder filled in.
func eventTime(e corev1.Event) time.Time {
	switch {
	case e.Series != nil && !e.Series.LastObservedTime.IsZero():
		return e.Series.LastObservedTime.Time
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}

// remoteLines prints a data source as the server holds it: property names
// with their values, except credentials (which GET strips anyway, or whose
// key names one) and the values a DataSource takes from Secrets.
func remoteLines(r opensearch.RemoteDataSource, fromSecret map[string]bool) []string {
	lines := []string{
		fmt.Sprintf("connector %s, status %s, resultIndex %s", quoted(r.Connector), quoted(r.Status), quoted(r.ResultIndex)),
		fmt.Sprintf("description %s, allowedRoles %s", quoted(r.Description), roles(r.AllowedRoles)),
	}
	if r.ConfigurationEndpoint != "" {
		lines = append(lines, "configuration.endpoint "+quoted(r.ConfigurationEndpoint))
	}
	keys := make([]string, 0, len(r.Properties))
	for k := range r.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > maxProperties {
		lines = append(lines, fmt.Sprintf("%d properties; the first %d:", len(keys), maxProperties))
		keys = keys[:maxProperties]
	}
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("properties[%s] = %s", text(k), shownValue(k, r.Properties[k], fromSecret)))
	}
	return lines
}

// shownValue is a property value as the report may show it.
func shownValue(key, value string, fromSecret map[string]bool) string {
	switch {
	case fromSecret[key]:
		return "(from a Secret; not shown)"
	case opensearch.CredentialValueKey(key):
		return "(a credential; not shown)"
	}
	return quoted(value)
}

func roles(rs []string) string {
	q := make([]string, len(rs))
	for i, r := range rs {
		q[i] = quoted(r)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// changeLines prints what a write of the spec would change on the server.
// Properties taken from Secrets are not compared: the command never reads
// their values.
func changeLines(changes []opensearch.Change, fromSecret []string) []string {
	var lines []string
	if len(changes) == 0 {
		lines = append(lines, "nothing: the server holds what the spec says")
	}
	for _, c := range changes {
		from, to := quoted(c.From), quoted(c.To)
		switch {
		case c.Hidden:
			from, to = "(hidden)", "(hidden)"
		}
		if c.NotOnServer {
			from = "(absent)"
		}
		if c.NotDesired {
			to = "(removed)"
		}
		lines = append(lines, fmt.Sprintf("%s: %s -> %s", text(c.Field), from, to))
	}
	if len(fromSecret) > 0 {
		q := make([]string, len(fromSecret))
		for i, k := range fromSecret {
			q[i] = text(k)
		}
		lines = append(lines, "not compared (values from Secrets, which diagnose does not read): "+strings.Join(q, ", "))
	}
	return lines
}

// accessLine says whether the connection's user may call the data source
// API, from the answer to a list (err nil: it may), and what to grant or
// fix when it may not.
func accessLine(err error) string {
	if err == nil {
		return "the connection's user may read the data source API (cluster:admin/opensearch/ql/datasources/read); " +
			"writes need the rest of " + DataSourcePermission
	}
	var e *opensearch.Error
	if !errors.As(err, &e) {
		return "could not ask: " + message(err.Error())
	}
	switch {
	case e.Kind == opensearch.KindForbidden && e.StatusCode == http.StatusUnauthorized:
		return "OpenSearch refused the connection's credentials (401): check the Secret of spec.auth; " +
			"the user also needs the cluster permissions " + DataSourcePermission + " (" + message(e.Message) + ")"
	case e.Kind == opensearch.KindForbidden && e.StatusCode == http.StatusForbidden:
		return "the connection's user lacks cluster:admin/opensearch/ql/datasources/read: grant its role the cluster permissions " +
			DataSourcePermission + " (" + message(e.Message) + ")"
	case e.Kind == opensearch.KindForbidden:
		return "the request could not be signed or authorised: " + message(e.Error())
	case e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusBadRequest:
		return "the data source API did not answer as the SQL plugin does (is the SQL plugin installed?): " + message(e.Error())
	}
	return "could not ask: " + message(e.Error())
}

// propertyKey is the key of a "properties[<key>]" field.
func propertyKey(field string) (string, bool) {
	k, ok := strings.CutPrefix(field, "properties[")
	if !ok || !strings.HasSuffix(k, "]") {
		return "", false
	}
	return strings.TrimSuffix(k, "]"), true
}

// absentLine says what a write would do about a data source the server
// does not hold, by the DataSource's policy.
func absentLine(ds *v1alpha1.DataSource) string {
	switch ds.Spec.ManagementPolicy {
	case v1alpha1.ManagementObserve:
		return "nothing: managementPolicy Observe never creates a data source"
	case v1alpha1.ManagementUpdateOnly:
		return "nothing: managementPolicy UpdateOnly never creates a data source"
	}
	return "create it"
}
