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
)

func TestDefaultResultIndex(t *testing.T) {
	long := strings.Repeat("a", 300)
	tests := []struct {
		name, in, want string
	}{
		{"mixed case", "Create_Prometheus", "query_execution_result_create_prometheus"},
		{"reserved at sign removed", "@opensearch", "query_execution_result_opensearch"},
		{"star removed", "my*source", "query_execution_result_mysource"},
		{"hyphen kept", "a-b", "query_execution_result_a-b"},
		{"truncated to 255", long, "query_execution_result_" + strings.Repeat("a", 255-len("query_execution_result_"))},
		// Truncation happens before filtering, as on the server, so removed
		// characters inside the first 255 shorten the result.
		{"filter after truncate", "@@" + long, "query_execution_result_" + strings.Repeat("a", 255-len("query_execution_result_")-2)},
		{"empty", "", "query_execution_result_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultResultIndex(tt.in); got != tt.want {
				t.Errorf("DefaultResultIndex(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := DefaultResultIndex(tt.in); len(got) > 255 {
				t.Errorf("length %d > 255", len(got))
			}
		})
	}
}
