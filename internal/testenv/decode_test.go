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

package testenv

import (
	"strings"
	"testing"
)

func TestDecodeObjects(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		wantNames []string
		wantErr   string
	}{
		{name: "empty"},
		{name: "one document", in: "kind: Secret\nmetadata: {name: a}\n", wantNames: []string{"a"}},
		{name: "empty documents and comments are skipped",
			in:        "---\n# a comment\n---\nkind: Secret\nmetadata: {name: a}\n---\n\n---\nkind: Secret\nmetadata: {name: b}\n",
			wantNames: []string{"a", "b"}},
		{name: "JSON", in: `{"kind":"Secret","metadata":{"name":"j"}}`, wantNames: []string{"j"}},
		{name: "a broken document names its place", in: "kind: Secret\nmetadata: {name: a}\n---\nkind: [\n",
			wantErr: "decoding document 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := DecodeObjects(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range objs {
				names = append(names, o.GetName())
			}
			if strings.Join(names, ",") != strings.Join(tc.wantNames, ",") {
				t.Errorf("names = %q, want %q", names, tc.wantNames)
			}
		})
	}
}
