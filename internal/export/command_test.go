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

package export

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func TestParseRefuses(t *testing.T) {
	t.Setenv("OPENSEARCH_URL", "")
	t.Setenv("OPENSEARCH_USERNAME", "")
	t.Setenv("OPENSEARCH_PASSWORD", "")
	cases := []struct {
		args []string
		want string
	}{
		{nil, "exactly one of"},
		{[]string{"--url", "http://x", "--connection", "a/b"}, "exactly one of"},
		{[]string{"--connection", "nameonly"}, "want NAMESPACE/NAME"},
		{[]string{"--url", "http://x"}, "--connection-ref is required"},
		{[]string{"--cluster-connection", "c", "--aws-region", "eu-west-1"}, "--aws-region goes with --url"},
		{[]string{"--url", "http://x", "--connection-ref", "os", "--aws-region", "eu-west-1", "--username", "u"}, "exclusive"},
		{[]string{"--url", "http://x", "--connection-ref", "os", "extra"}, "unexpected argument"},
	}
	for _, tc := range cases {
		_, err := parse(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parse(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

func TestTarget(t *testing.T) {
	t.Setenv("OPENSEARCH_URL", "")
	cases := []struct {
		args []string
		want Options
	}{
		{[]string{"--connection", "team/os"}, Options{Namespace: "team", Connection: v1alpha1.ConnectionReference{Name: "os"}}},
		{[]string{"--cluster-connection", "shared", "--observe"}, Options{Namespace: "default", Observe: true,
			Connection: v1alpha1.ConnectionReference{Name: "shared", Kind: v1alpha1.KindClusterOpenSearchConnection}}},
		{[]string{"--url", "http://x", "--namespace", "n", "--connection-ref", "ClusterOpenSearchConnection/c"},
			Options{Namespace: "n", Connection: v1alpha1.ConnectionReference{Name: "c", Kind: v1alpha1.KindClusterOpenSearchConnection}}},
		{[]string{"--connection", "team/os", "--connection-ref", "other"}, Options{Namespace: "team", Connection: v1alpha1.ConnectionReference{Name: "other"}}},
	}
	for _, tc := range cases {
		f, err := parse(tc.args, io.Discard)
		if err != nil {
			t.Fatalf("parse(%q): %v", tc.args, err)
		}
		got, err := f.target()
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("target(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
	f, _ := parse([]string{"--url", "http://x", "--connection-ref", "Secret/x"}, io.Discard)
	if _, err := f.target(); err == nil {
		t.Error("--connection-ref with an unknown kind was accepted")
	}
}
