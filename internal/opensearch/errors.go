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

package opensearch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrorKind classifies a failed request by what the caller should do about it.
type ErrorKind string

const (
	// KindNotFound: the data source does not exist (404).
	KindNotFound ErrorKind = "NotFound"
	// KindAlreadyExists: create found a data source with that name.
	KindAlreadyExists ErrorKind = "AlreadyExists"
	// KindRejected: any other 4xx; retrying the same request will not help.
	KindRejected ErrorKind = "Rejected"
	// KindForbidden: 401 or 403; the operator's credentials or permissions.
	KindForbidden ErrorKind = "Forbidden"
	// KindTooManyRequests: 429; retry after RetryAfter.
	KindTooManyRequests ErrorKind = "TooManyRequests"
	// KindUnavailable: 5xx, timeouts and connection failures; retry with backoff.
	KindUnavailable ErrorKind = "Unavailable"
)

// Error is the one error type the client returns for failed requests. Its
// text never contains a secret value.
type Error struct {
	// Kind classifies the failure.
	Kind ErrorKind
	// StatusCode is the HTTP status, or 0 when no response arrived.
	StatusCode int
	// Operation is "info", "list", "get", "create", "update" or "delete".
	Operation string
	// Type is the OpenSearch error type, e.g. "illegal_argument_exception".
	Type string
	// Message is the server's details, else its reason, else the status
	// text; for transport failures, the cause's text. Secrets are redacted.
	Message string
	// RetryAfter is the server's Retry-After (429 and 503), zero if absent.
	RetryAfter time.Duration
	// Err is the cause of a transport failure (timeouts, refused
	// connections, cancelled contexts), nil for HTTP errors.
	Err error
}

// Error renders e as "opensearch <operation>: <kind> (<status> <type>): <message>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("opensearch ")
	b.WriteString(e.Operation)
	b.WriteString(": ")
	b.WriteString(string(e.Kind))
	var detail []string
	if e.StatusCode != 0 {
		detail = append(detail, fmt.Sprint(e.StatusCode))
	}
	if e.Type != "" {
		detail = append(detail, e.Type)
	}
	if len(detail) > 0 {
		b.WriteString(" (" + strings.Join(detail, " ") + ")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the transport cause, so errors.Is(err, context.Canceled)
// and friends work.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err if it is (or wraps) an *Error, else "".
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// IsNotFound reports whether err is a KindNotFound *Error.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// IsAlreadyExists reports whether err is a KindAlreadyExists *Error.
func IsAlreadyExists(err error) bool { return KindOf(err) == KindAlreadyExists }

// RetryAfter returns the server's requested delay when err carries one.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}

// alreadyExistsPrefix starts the plugin's duplicate-create message.
const alreadyExistsPrefix = "A datasource already exists with name"

// classify maps an HTTP status and what the body says to a kind.
func classify(status int, info errorInfo) ErrorKind {
	switch {
	case status == http.StatusNotFound && !info.shaped:
		// A 404 that is not OpenSearch's (an ingress with no route, a
		// proxy's page) says nothing about the data source; calling it
		// NotFound would release finalizers and re-create data sources.
		return KindUnavailable
	case status == http.StatusNotFound && dataSourceMissing(info):
		return KindNotFound
	case status == http.StatusBadRequest && info.shaped && strings.HasPrefix(info.message, alreadyExistsPrefix):
		return KindAlreadyExists
	case status == http.StatusBadRequest && info.shaped && legacyNotFound(info.message):
		return KindNotFound
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusTooManyRequests:
		return KindTooManyRequests
	case status >= 400 && status < 500:
		return KindRejected
	default:
		return KindUnavailable
	}
}

// dataSourceMissing recognises OpenSearch saying the data source does not
// exist, in either error shape: the plugin's DataSourceNotFoundException,
// or the data source index itself missing (no data source was ever
// created). Other 404s from OpenSearch, such as no handler for the path
// when the SQL plugin is not installed, are not about the data source.
func dataSourceMissing(info errorInfo) bool {
	switch info.typ {
	case "DataSourceNotFoundException", "data_source_not_found_exception":
		return true
	case "IndexNotFoundException", "index_not_found_exception":
		return strings.Contains(info.message, ".ql-datasources")
	}
	return false
}

// legacyNotFound recognises how SQL plugin 2.7 to 2.10 reported a missing
// data source: 400 "DataSource with name: X doesn't exist.". Treating it as
// NotFound lets create-on-404 work against those releases too.
func legacyNotFound(message string) bool {
	return strings.HasPrefix(message, "DataSource with name: ") && strings.Contains(message, "doesn't exist")
}

// causeError hides the text of a transport error behind its redacted form
// while keeping the chain intact for errors.Is and errors.As.
type causeError struct {
	text string
	err  error
}

func (c *causeError) Error() string { return c.text }
func (c *causeError) Unwrap() error { return c.err }
