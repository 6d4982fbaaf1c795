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

// parseErrorBody extracts the error type and message. The plugin serves its
// JSON as text/plain, so JSON is tried whatever the content type says; a body
// that is not one of the known shapes falls back to its (truncated) text.
func parseErrorBody(body []byte) (typ, message string) {
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && len(eb.Error) > 0 {
		var s string
		if json.Unmarshal(eb.Error, &s) == nil {
			return "", s
		}
		var eo errorObject
		if json.Unmarshal(eb.Error, &eo) == nil {
			typ = eo.Type
			switch {
			case strings.TrimSpace(eo.Details) != "":
				message = eo.Details
			case eo.Reason != "":
				message = eo.Reason
			case len(eo.RootCause) > 0:
				message = eo.RootCause[0].Reason
			}
			if typ == "" && len(eo.RootCause) > 0 {
				typ = eo.RootCause[0].Type
			}
			return typ, message
		}
	}
	return "", strings.TrimSpace(string(body))
}

// newHTTPError builds the *Error for a non-2xx response. Redaction happens
// before truncation so that a cut can never leave part of a secret behind.
func newHTTPError(op string, res *http.Response, body []byte, red redactor) *Error {
	typ, message := parseErrorBody(body)
	limit := maxMessageText
	if typ == "" && !json.Valid(body) {
		limit = maxRawErrorText
	}
	message = truncate(red.redact(message), limit)
	if message == "" {
		message = http.StatusText(res.StatusCode)
	}
	e := &Error{
		Kind:       classify(res.StatusCode, message),
		StatusCode: res.StatusCode,
		Operation:  op,
		Type:       truncate(red.redact(typ), 256),
		Message:    message,
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

// parseWriteResponse accepts every success body either dialect produces:
// the documented object, the plugin's JSON string (2.11+), its bare text
// (2.7-2.10) and an empty body.
func parseWriteResponse(body []byte, ds DataSource, red redactor) (WriteResult, writeShape) {
	res := WriteResult{DataSourceID: ds.Name, Name: ds.Name, Status: statusOf(ds.Status)}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return res, shapeSQLPlugin
	}
	if trimmed[0] == '{' {
		var wr writeResponse
		if json.Unmarshal(trimmed, &wr) == nil {
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
			return res, shape
		}
	}
	var s string
	if json.Unmarshal(trimmed, &s) == nil {
		res.Message = truncate(red.redact(s), maxMessageText)
		return res, shapeSQLPlugin
	}
	res.Message = truncate(red.redact(string(trimmed)), maxRawErrorText)
	return res, shapeSQLPlugin
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
		raw = bytes.TrimSpace(raw)
		var s string
		switch {
		case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
			// The plugin drops null values from GET; a server that keeps
			// them means the same thing.
			continue
		case json.Unmarshal(raw, &s) == nil:
			r.Properties[k] = s
		default:
			r.Properties[k] = string(raw)
		}
	}
	return r
}

// parseRemote decodes GET one.
func parseRemote(body []byte) (RemoteDataSource, error) {
	var b remoteBody
	if err := json.Unmarshal(body, &b); err != nil {
		return RemoteDataSource{}, fmt.Errorf("decoding data source: %w", err)
	}
	return b.normalise(), nil
}

// parseRemoteList decodes GET all, a JSON array.
func parseRemoteList(body []byte) ([]RemoteDataSource, error) {
	var bs []remoteBody
	if err := json.Unmarshal(body, &bs); err != nil {
		return nil, fmt.Errorf("decoding data source list: %w", err)
	}
	out := make([]RemoteDataSource, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.normalise())
	}
	return out, nil
}

// parseInfo decodes GET /.
func parseInfo(body []byte) (ServerInfo, error) {
	var v struct {
		Version struct {
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
	return ServerInfo{Version: v.Version.Number, Distribution: v.Version.Distribution}, nil
}
