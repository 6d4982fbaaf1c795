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

// Package termtext makes text from servers and tenants safe to print on a
// terminal or in a comment: a data source's name, a property value or an
// event's note can hold line breaks and escape sequences, which would let
// whoever wrote them forge lines of output or drive the reader's terminal.
package termtext

import (
	"fmt"
	"strconv"
	"strings"
)

// Escape writes every rune of s that is not printable (line breaks, tabs,
// escape sequences, other control and format characters) as its Go escape,
// so that the result is one line that shows exactly what s holds.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strconv.IsPrint(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// Bounded is Escape(s) cut to at most limit runes, saying how much was left
// out: a server's answer can be as long as it likes, and one value must not
// push the rest of a report off the screen.
func Bounded(s string, limit int) string {
	e := Escape(s)
	runes := []rune(e)
	if len(runes) <= limit {
		return e
	}
	return fmt.Sprintf("%s… (%d more characters)", string(runes[:limit]), len(runes)-limit)
}
