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

package termtext

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"line\nforged: yes", `line\nforged: yes`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"tab\there\r", `tab\there\r`},
		{"bidi \u202e override", `bidi \u202e override`},
		{"unicode ok: é ✓", "unicode ok: é ✓"},
		{"nul\x00", `nul\x00`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBounded(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"abcdefghijkl", 5, "abcde… (7 more characters)"},
		{"ééééé", 2, "éé… (3 more characters)"},
		// The limit counts escaped characters: a cut cannot split an escape
		// into a raw control character.
		{"a\nb", 2, `a\… (2 more characters)`},
	} {
		if got := Bounded(tc.in, tc.limit); got != tc.want {
			t.Errorf("Bounded(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}
