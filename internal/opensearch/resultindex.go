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

import "strings"

// resultIndexPrefix is the prefix the SQL plugin requires of every result index.
const resultIndexPrefix = "query_execution_result_"

// maxResultIndexLength is the server's limit on a result index name.
const maxResultIndexLength = 255

// DefaultResultIndex returns the result index the SQL plugin derives for a
// data source that does not name one: "query_execution_result_" plus the
// lower-cased name, truncated to 255 characters, with every character outside
// [a-z0-9_-] then removed. The order (truncate, then filter) is the server's,
// so the result matches what a GET reports.
func DefaultResultIndex(name string) string {
	full := []rune(resultIndexPrefix + strings.ToLower(name))
	if len(full) > maxResultIndexLength {
		full = full[:maxResultIndexLength]
	}
	var b strings.Builder
	for _, r := range full {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
