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
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short text unchanged", "Created DataSource with name x", 100, "Created DataSource with name x"},
		{"exact fit unchanged", "abcdef", 6, "abcdef"},
		{"cut with ellipsis within n bytes", "abcdefghij", 6, "abc" + Ellipsis},
		// € and é are 3 and 2 bytes: the cut lands before a whole rune.
		{"never splits a rune", "ab€€€€", 8, "ab€" + Ellipsis},
		{"cut inside a rune moves back", "ab€€€€", 7, "ab" + Ellipsis},
		{"multi-byte kept whole", "éééééé", 10, "ééé" + Ellipsis},
		{"n smaller than the ellipsis", "abcdef", 2, "ab"},
		{"zero", "abc", 0, ""},
		{"invalid UTF-8 made valid first", "a\xffb", 10, "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if len(got) > tt.n && tt.n >= 0 {
				t.Errorf("Truncate(%q, %d) is %d bytes", tt.in, tt.n, len(got))
			}
			if !utf8.ValidString(got) {
				t.Errorf("Truncate(%q, %d) = %q is not valid UTF-8", tt.in, tt.n, got)
			}
		})
	}
}

// TestTruncateLimitsFitTheAPI: an event note over 1024 bytes is refused by
// the API server, so a long, multi-byte rejection cut to MaxEventNote fits.
func TestTruncateLimitsFitTheAPI(t *testing.T) {
	if MaxEventNote > 1024 {
		t.Fatalf("MaxEventNote = %d exceeds the API's 1024-byte note limit", MaxEventNote)
	}
	if MaxStatusMessage > 32768 || MaxStatusMessage < MaxEventNote {
		t.Fatalf("MaxStatusMessage = %d is outside [MaxEventNote, 32768] (metav1.Condition's message limit)", MaxStatusMessage)
	}
	long := strings.Repeat("Datasource 名前 rejected: ", 500)
	for _, n := range []int{MaxEventNote, MaxStatusMessage} {
		got := Truncate(long, n)
		if len(got) > n || !strings.HasSuffix(got, Ellipsis) || !utf8.ValidString(got) {
			t.Errorf("Truncate(long, %d): %d bytes, suffix ok %v", n, len(got), strings.HasSuffix(got, Ellipsis))
		}
	}
}
