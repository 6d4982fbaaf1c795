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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on how much server text ends up in an error.
const (
	maxRawErrorText = 512
	maxMessageText  = 2048
)

// errorBody covers both error shapes OpenSearch produces:
//
//	core:   {"error":{"root_cause":[...],"type":"...","reason":"..."},"status":400}
//	core:   {"error":"Incorrect HTTP method ...","status":405}
//	plugin: {"status":404,"error":{"type":"...","reason":"...","details":"..."}}
type errorBody struct {
	Error json.RawMessage `json:"error"`
}

type errorObject struct {
	Type      string `json:"type"`
	Reason    string `json:"reason"`
	Details   string `json:"details"`
	RootCause []struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"root_cause"`
}

// errorInfo is what an error body says.
type errorInfo struct {
	typ, message string
	// shaped is true when the body is one of OpenSearch's error shapes,
	// i.e. OpenSearch itself (not a proxy in front of it) answered.
	shaped bool
	// foreign is true when the body is neither OpenSearch's nor AWS's
	// front end's: its text is not shown, only what replyFacts says.
	foreign bool
}

// parseErrorBody extracts the error type and message. The plugin serves its
// JSON as text/plain, so JSON is tried whatever the content type says; a body
// that is not one of the known shapes is marked foreign.
func parseErrorBody(body []byte) errorInfo {
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && len(eb.Error) > 0 {
		var s string
		if json.Unmarshal(eb.Error, &s) == nil {
			return errorInfo{message: s, shaped: true}
		}
		var eo errorObject
		if json.Unmarshal(eb.Error, &eo) == nil && (eo.Type != "" || len(eo.RootCause) > 0) {
			info := errorInfo{typ: eo.Type, shaped: true}
			switch {
			case strings.TrimSpace(eo.Details) != "":
				info.message = eo.Details
			case eo.Reason != "":
				info.message = eo.Reason
			case len(eo.RootCause) > 0:
				info.message = eo.RootCause[0].Reason
			}
			if info.typ == "" && len(eo.RootCause) > 0 {
				info.typ = eo.RootCause[0].Type
			}
			return info
		}
	}
	// AWS's front end (Amazon OpenSearch Service refusing a signature or a
	// policy) is not OpenSearch's own shape, but its words are quoted.
	if msg, ok := awsMessage(body); ok {
		return errorInfo{message: msg}
	}
	// Any other body is not quoted at all (see replyFacts).
	return errorInfo{foreign: len(bytes.TrimSpace(body)) > 0}
}

// newHTTPError builds the *Error for a non-2xx response. Redaction happens
// before truncation so that a cut can never leave part of a secret behind.
func newHTTPError(op string, res *http.Response, body []byte, red redactor) *Error {
	info := parseErrorBody(body)
	limit := maxMessageText
	if !info.shaped {
		limit = maxRawErrorText
	}
	message := truncate(red.redact(info.message), limit)
	if message == "" {
		message = http.StatusText(res.StatusCode)
	}
	e := &Error{
		Kind:       classify(res.StatusCode, info),
		Cause:      causeOf(res.StatusCode, info),
		StatusCode: res.StatusCode,
		Operation:  op,
		Type:       truncate(red.redact(info.typ), 256),
		Message:    message,
	}
	switch {
	case res.StatusCode == http.StatusNotFound && !info.shaped:
		e.Message = "not an OpenSearch answer (a proxy or ingress in front of it?): " + replyFacts(res, len(body))
	case info.foreign:
		e.Message = "not an OpenSearch error: " + replyFacts(res, len(body))
	}
	if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), time.Now())
	}
	return e
}

// parseRetryAfter accepts both forms HTTP allows: delay seconds or a date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// writeResponse is the documented dialect's create/update response.
type writeResponse struct {
	DataSourceID string `json:"dataSourceId"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	Message      string `json:"message"`
}

// writeShape says which dialect a success body points to.
type writeShape int

const (
	shapeUnknown    writeShape = iota // a JSON object without dataSourceId
	shapeDocumented                   // a JSON object with dataSourceId
	shapeSQLPlugin                    // a JSON string, bare text or nothing
)

// Prefixes of the SQL plugin's success sentences; 2.7 to 2.10 sent them as
// bare text, later releases as JSON strings.
var (
	writeSentences  = []string{"Created DataSource with name ", "Updated DataSource with name "}
	deleteSentences = []string{"Deleted DataSource with name "}
)

// parseWriteResponse accepts every success body either dialect produces:
// the documented object, the plugin's JSON string (2.11+), its bare text
// (2.7-2.10) and an empty body. Anything else is not OpenSearch's answer.
func parseWriteResponse(body []byte, ds DataSource, red redactor) (WriteResult, writeShape, error) {
	res := WriteResult{DataSourceID: ds.Name, Name: ds.Name, Status: statusOf(ds.Status)}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return res, shapeSQLPlugin, nil
	case trimmed[0] == '{':
		var wr writeResponse
		if err := json.Unmarshal(trimmed, &wr); err != nil {
			return res, shapeUnknown, fmt.Errorf("decoding write reply: %w", err)
		}
		if wr.DataSourceID == "" && wr.Name == "" && wr.Message == "" {
			return res, shapeUnknown, errors.New("the write reply is an object without dataSourceId, name or message")
		}
		return documentedWrite(res, wr, red)
	case trimmed[0] == '"':
		var s string
		if err := json.Unmarshal(trimmed, &s); err != nil {
			return res, shapeUnknown, fmt.Errorf("decoding write reply: %w", err)
		}
		res.Message = truncate(red.redact(s), maxMessageText)
		return res, shapeSQLPlugin, nil
	case hasAnyPrefix(string(trimmed), writeSentences):
		res.Message = truncate(red.redact(string(trimmed)), maxRawErrorText)
		return res, shapeSQLPlugin, nil
	}
	return res, shapeUnknown, errors.New("the write reply is neither JSON nor the SQL plugin's sentence")
}

// documentedWrite fills res from the documented dialect's reply object.
func documentedWrite(res WriteResult, wr writeResponse, red redactor) (WriteResult, writeShape, error) {
	shape := shapeUnknown
	if wr.DataSourceID != "" {
		res.DataSourceID = wr.DataSourceID
		shape = shapeDocumented
	}
	if wr.Name != "" {
		res.Name = wr.Name
	}
	if wr.Status != "" {
		res.Status = wr.Status
	}
	res.Message = truncate(red.redact(wr.Message), maxMessageText)
	return res, shape, nil
}

// parseDeleteResponse accepts the delete replies of both dialects: the
// plugin's empty 204 (or its sentence, as text or a JSON string) and the
// documented JSON object.
func parseDeleteResponse(body []byte) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0, hasAnyPrefix(string(trimmed), deleteSentences):
		return nil
	case trimmed[0] == '"':
		var s string
		return json.Unmarshal(trimmed, &s)
	case trimmed[0] == '{':
		var wr writeResponse
		if err := json.Unmarshal(trimmed, &wr); err != nil {
			return fmt.Errorf("decoding delete reply: %w", err)
		}
		if wr.DataSourceID == "" && wr.Name == "" && wr.Message == "" {
			return errors.New("the delete reply is an object without dataSourceId, name or message")
		}
		return nil
	}
	return errors.New("the delete reply is neither empty, JSON nor the SQL plugin's sentence")
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// remoteBody is a data source as either dialect's GET returns it.
type remoteBody struct {
	DataSourceID  string                     `json:"dataSourceId"`
	ID            string                     `json:"id"`
	Name          string                     `json:"name"`
	Description   string                     `json:"description"`
	Connector     string                     `json:"connector"`
	AllowedRoles  []string                   `json:"allowedRoles"`
	Properties    map[string]json.RawMessage `json:"properties"`
	ResultIndex   string                     `json:"resultIndex"`
	Status        string                     `json:"status"`
	Configuration *struct {
		Endpoint string `json:"endpoint"`
	} `json:"configuration"`
}

func (b remoteBody) normalise() RemoteDataSource {
	r := RemoteDataSource{
		DataSourceID: b.DataSourceID,
		Name:         b.Name,
		Description:  b.Description,
		Connector:    b.Connector,
		ResultIndex:  b.ResultIndex,
		Status:       b.Status,
		AllowedRoles: b.AllowedRoles,
		Properties:   make(map[string]string, len(b.Properties)),
	}
	if r.DataSourceID == "" {
		r.DataSourceID = b.ID
	}
	if r.AllowedRoles == nil {
		r.AllowedRoles = []string{}
	}
	if b.Configuration != nil {
		r.ConfigurationEndpoint = b.Configuration.Endpoint
	}
	for k, raw := range b.Properties {
		if v, ok := propertyText(raw); ok {
			r.Properties[k] = v
		}
	}
	return r
}

// parseRemote decodes GET one: an object with a name, as every server
// returns it. JSON without a name (null, {}, another service's object) is
// not a data source.
func parseRemote(body []byte) (RemoteDataSource, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return RemoteDataSource{}, errors.New("decoding data source: the reply is not a JSON object")
	}
	var b remoteBody
	if err := json.Unmarshal(trimmed, &b); err != nil {
		return RemoteDataSource{}, fmt.Errorf("decoding data source: %w", err)
	}
	if b.Name == "" {
		return RemoteDataSource{}, errors.New("decoding data source: the object has no name")
	}
	return b.normalise(), nil
}

// parseInfo decodes GET /.
func parseInfo(body []byte) (ServerInfo, error) {
	var v struct {
		ClusterUUID string `json:"cluster_uuid"`
		Version     struct {
			Number       string `json:"number"`
			Distribution string `json:"distribution"`
		} `json:"version"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return ServerInfo{}, fmt.Errorf("decoding server info: %w", err)
	}
	if v.Version.Number == "" {
		return ServerInfo{}, errors.New("decoding server info: version.number is missing")
	}
	return ServerInfo{Version: v.Version.Number, Distribution: v.Version.Distribution, ClusterUUID: clusterUUID(v.ClusterUUID)}, nil
}

// maxClusterUUID bounds the cluster_uuid kept from a server's reply; real
// ones are 22 characters. A longer one, or one with other characters than
// the base64url alphabet OpenSearch uses, is not an identity: it is dropped,
// and the cluster is known by its endpoint.
const maxClusterUUID = 64

func clusterUUID(s string) string {
	if len(s) == 0 || len(s) > maxClusterUUID || s == "_na_" {
		return ""
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return ""
		}
	}
	return s
}
