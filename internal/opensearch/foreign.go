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
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// maxMediaType bounds the media type a description repeats; real ones are
// far shorter.
const maxMediaType = 64

// replyFacts describes a reply that is none of OpenSearch's shapes by what
// can be said without quoting it: its status, media type and length (size
// < 0 leaves the length out). A connection's endpoint may be any URL its
// owner chose, including one inside the operator's network (an instance
// metadata service, an internal admin page), and errors reach status the
// owner reads: quoting such a body would let anyone who may create a
// connection read through the operator.
func replyFacts(res *http.Response, size int) string {
	parts := []string{strings.TrimSpace(fmt.Sprintf("HTTP %d %s", res.StatusCode, http.StatusText(res.StatusCode)))}
	parts = append(parts, mediaType(res.Header.Get("Content-Type")))
	if size >= 0 {
		parts = append(parts, fmt.Sprintf("%d bytes", size))
	}
	return strings.Join(parts, ", ") + " (body not shown)"
}

// mediaType is the media type of a Content-Type header without its
// parameters, checked to be one: a header that does not parse is not
// repeated either.
func mediaType(contentType string) string {
	if strings.TrimSpace(contentType) == "" {
		return "no Content-Type"
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if (err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter)) || mt == "" || len(mt) > maxMediaType {
		return "an invalid Content-Type"
	}
	return mt
}

// awsMessage returns the message of Amazon OpenSearch Service's front end,
// which refuses a signature or a policy with {"message":"..."} (or
// "Message"), and nothing else in the object. Those words are what a user
// needs to fix their keys or policy; a body with any other member is some
// other service's and is not quoted.
func awsMessage(body []byte) (string, bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || len(fields) != 1 {
		return "", false
	}
	for k, raw := range fields {
		var s string
		if !strings.EqualFold(k, "message") || json.Unmarshal(raw, &s) != nil || strings.TrimSpace(s) == "" {
			return "", false
		}
		return s, true
	}
	return "", false
}
