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

package fakeopensearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// field is one member of a JSON object, in document order.
type field struct {
	key string
	raw json.RawMessage
	off int // absolute byte offset of the value in the request body
}

// jsonParseError renders a Go JSON syntax error the way Jackson would
// (type json_parse_exception, 400).
func jsonParseError(body []byte) *apiError {
	var v any
	err := json.Unmarshal(body, &v)
	off := len(body)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	line, col := lineCol(body, off)
	var msg string
	if off >= len(body) || errors.Is(err, io.ErrUnexpectedEOF) || (se != nil && se.Error() == "unexpected end of JSON input") {
		msg = "Unexpected end-of-input"
		line, col = lineCol(body, len(body))
	} else {
		c := body[off-1]
		if off == 0 {
			c = body[0]
		}
		msg = fmt.Sprintf("Unexpected character ('%c' (code %d))", c, c)
	}
	return coreErr(400, "json_parse_exception",
		fmt.Sprintf("%s\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d]", msg, line, col))
}

// lineCol converts a byte offset to a 1-based line and column.
func lineCol(body []byte, off int) (int, int) {
	if off > len(body) {
		off = len(body)
	}
	if off < 0 {
		off = 0
	}
	line := 1 + bytes.Count(body[:off], []byte("\n"))
	last := bytes.LastIndexByte(body[:off], '\n')
	return line, off - last
}

// tokenName is the Jackson token name of the value starting raw.
func tokenName(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '{':
		return "START_OBJECT"
	case '[':
		return "START_ARRAY"
	case '"':
		return "VALUE_STRING"
	case 't', 'f':
		return "VALUE_" + "BOOLEAN"
	case 'n':
		return "VALUE_NULL"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "VALUE_NUMBER_FLOAT"
	}
	return "VALUE_NUMBER_INT"
}

func expectObjectErr(raw []byte) *apiError {
	return coreErr(400, "parsing_exception",
		fmt.Sprintf("Failed to parse object: expecting token of type [START_OBJECT] but found [%s]", tokenName(raw)))
}

// parseTopObject validates body and returns the top-level object's members.
func parseTopObject(body []byte) ([]field, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, expectObjectErr(nil)
	}
	if !json.Valid(body) {
		return nil, jsonParseError(body)
	}
	start := len(body) - len(bytes.TrimLeft(body, " \t\r\n"))
	return objectFields(body, start, len(body))
}

// objectFields reads the members of the JSON value body[start:end], which
// must be a (valid) object. Duplicate keys are rejected like Jackson's
// strict duplicate detection, which OpenSearch enables.
func objectFields(body []byte, start, end int) ([]field, *apiError) {
	raw := body[start:end]
	if tokenName(raw) != "START_OBJECT" {
		return nil, expectObjectErr(raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, jsonParseError(body)
	}
	var fields []field
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, jsonParseError(body)
		}
		key, _ := t.(string)
		if seen[key] {
			line, col := lineCol(body, start+int(dec.InputOffset()))
			return nil, coreErr(400, "json_parse_exception",
				fmt.Sprintf("Duplicate field '%s'\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d]", key, line, col))
		}
		seen[key] = true
		// skip whitespace and the colon to find the value's offset
		i := int(dec.InputOffset())
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n' || raw[i] == ':') {
			i++
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, jsonParseError(body)
		}
		fields = append(fields, field{key: key, raw: v, off: start + i})
	}
	return fields, nil
}

// textOrNull mirrors XContentParser.textOrNull(): the lexical text of a
// scalar, nil for null, and an IllegalStateException (500, core shape) for
// objects and arrays.
func textOrNull(body []byte, f field) (*string, *apiError) {
	tok := tokenName(f.raw)
	switch tok {
	case "VALUE_NULL":
		return nil, nil
	case "VALUE_STRING":
		var s string
		if err := json.Unmarshal(f.raw, &s); err != nil {
			return nil, jsonParseError(body)
		}
		return &s, nil
	case "START_OBJECT", "START_ARRAY":
		line, col := lineCol(body, f.off+1)
		return nil, coreErr(500, "illegal_state_exception", fmt.Sprintf("Can't get text on a %s at %d:%d", tok, line, col))
	default:
		s := string(bytes.TrimSpace(f.raw))
		return &s, nil
	}
}

// stringList reads a JSON array of scalars (allowedRoles).
func stringList(body []byte, f field) ([]string, *apiError) {
	tok := tokenName(f.raw)
	if tok == "VALUE_NULL" {
		return nil, nil
	}
	if tok != "START_ARRAY" {
		return nil, coreErr(400, "parsing_exception",
			fmt.Sprintf("Failed to parse object: expecting token of type [START_ARRAY] but found [%s]", tok))
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(f.raw, &elems); err != nil {
		return nil, jsonParseError(body)
	}
	out := []string{}
	// locate each element for error positions
	pos := f.off + 1
	for _, e := range elems {
		idx := bytes.Index(body[pos:], bytes.TrimSpace(e))
		off := pos
		if idx >= 0 {
			off = pos + idx
		}
		et := tokenName(e)
		if et == "VALUE_NULL" || et == "START_OBJECT" || et == "START_ARRAY" {
			line, col := lineCol(body, off+1)
			return nil, coreErr(500, "illegal_state_exception", fmt.Sprintf("Can't get text on a %s at %d:%d", et, line, col))
		}
		t, apiE := textOrNull(body, field{raw: e, off: off})
		if apiE != nil {
			return nil, apiE
		}
		out = append(out, *t)
		pos = off + len(bytes.TrimSpace(e))
	}
	return out, nil
}

// bodyFields reads a POST/PUT/PATCH body's top-level members; both modes
// reject an empty body and anything but an object the same way.
func bodyFields(body []byte) ([]field, *apiError) {
	if len(body) == 0 {
		return nil, coreErr(400, "parse_exception", "request body is required")
	}
	return parseTopObject(body)
}

// statusField reads "status": DataSourceStatus.fromString, upper-cased.
func statusField(body []byte, f field) (*string, *apiError) {
	t, e := textOrNull(body, f)
	if e != nil || t == nil {
		return nil, e
	}
	up := strings.ToUpper(*t)
	if up != "ACTIVE" && up != "DISABLED" {
		return nil, illegalArg(fmt.Sprintf("No DataSourceStatus with text %s found", *t))
	}
	return &up, nil
}

// validateMetadata is DataSourceMetadata.Builder.validateAndBuild(): name
// and connector present, the name's characters, and the result index's
// rules (the SQL plugin also requires its query_execution_result prefix).
func validateMetadata(name *string, connectorPresent bool, resultIndex *string, requirePrefix bool) *apiError {
	var missing []string
	if name == nil || *name == "" {
		missing = append(missing, "name")
	}
	if !connectorPresent {
		missing = append(missing, "connector")
	}
	if len(missing) > 0 {
		return illegalArg("Datasource configuration error: " + strings.Join(missing, ", ") + " cannot be null or empty.")
	}
	if !nameRE.MatchString(*name) {
		return illegalArg(fmt.Sprintf("DataSource Name: %s contains illegal characters. Allowed characters: a-zA-Z0-9_-*@.", *name))
	}
	if resultIndex != nil {
		if msg := resultIndexProblems(*resultIndex, requirePrefix); msg != "" {
			return illegalArg(msg)
		}
	}
	return nil
}
