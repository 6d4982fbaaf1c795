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

func TestParseInfoClusterUUID(t *testing.T) {
	body := func(uuid string) []byte {
		return []byte(`{"cluster_name":"c","cluster_uuid":"` + uuid + `","version":{"distribution":"opensearch","number":"2.19.1"}}`)
	}
	cases := []struct {
		name, uuid, want string
	}{
		{"a real one", "fAkEcLuStErUuId0000001", "fAkEcLuStErUuId0000001"},
		{"not yet elected", "_na_", ""},
		{"absent", "", ""},
		{"a newline: not an identity", `abc\nkind: ClusterRoleBinding`, ""},
		{"a space", "abc def", ""},
		{"too long", strings.Repeat("a", maxClusterUUID+1), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			info, err := parseInfo(body(tc.uuid))
			if err != nil {
				t.Fatal(err)
			}
			if info.ClusterUUID != tc.want {
				t.Errorf("ClusterUUID = %q, want %q", info.ClusterUUID, tc.want)
			}
		})
	}
}
