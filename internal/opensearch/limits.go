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
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits for server text that callers copy into Kubernetes objects. The
// client's own errors are already short; these bound what a caller builds
// around them (a prefix naming the connection, a list of fields).
const (
	// MaxStatusMessage is the most a status condition's message should
	// hold. The API allows 32 KiB, but a status is read on every list and
	// watch, and a few lines say all a person needs.
	MaxStatusMessage = 4096
	// MaxEventNote is the API's limit on an event's note (message) in
	// bytes: the API server refuses a longer event, and the recorder drops
	// it without a word, so a long rejection would vanish.
	MaxEventNote = 1024
	// Ellipsis marks text that Truncate cut.
	Ellipsis = "…"
)

// Truncate returns s cut to at most n bytes, ending in Ellipsis when it was
// cut. It never splits a UTF-8 sequence, and it first replaces invalid
// UTF-8 with U+FFFD: JSON encoding does that anyway, and would then make an
// invalid byte three bytes long after the length was checked. Redact before
// truncating, so that a cut never leaves part of a secret behind.
func Truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	ellipsis := Ellipsis
	if n < len(ellipsis) {
		ellipsis = ""
	}
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// Caps on response bodies, per operation. Each is far above what
// OpenSearch sends and far below what would hurt when several reconciles
// read at once; a body over its cap is not an OpenSearch answer.
const (
	// maxReplyBody bounds create, update, delete and GET / replies, and
	// every error: they are a sentence or a small object.
	maxReplyBody = 64 << 10
	// maxDataSourceBody bounds GET of one data source. Required property
	// values are at most 1000 characters each; a typical data source is
	// under 2 KiB.
	maxDataSourceBody = 256 << 10
	// maxListBody bounds GET of all data sources: the plugin holds at most
	// plugins.query.datasources.limit of them (20 by default), so this is
	// 64 KiB for each of 64 data sources, or thousands of typical ones.
	maxListBody = 4 << 20
)

// bodyCap is the most op may read from a response.
func bodyCap(op string) int64 {
	switch op {
	case opList:
		return maxListBody
	case opGet:
		return maxDataSourceBody
	default:
		return maxReplyBody
	}
}

// byteSize renders a cap for a message.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
