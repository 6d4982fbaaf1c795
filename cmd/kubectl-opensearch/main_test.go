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

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{nil, 2, "", "usage: kubectl opensearch COMMAND"},
		{[]string{"help"}, 0, "diagnose   explain a DataSource or connection", ""},
		{[]string{"version"}, 0, "opensearch-datasource-operator", ""},
		{[]string{"diagnoze"}, 2, "", `unknown command "diagnoze"`},
		{[]string{"diagnose", "--help"}, 0, "", "usage: kubectl opensearch diagnose [flags] [datasource] [NAMESPACE/]NAME"},
		{[]string{"diagnose", "pod", "x"}, 2, "", `diagnose: unknown kind "pod"`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) ||
			(tc.stdout == "") != (stdout.Len() == 0) {
			t.Errorf("run(%q) = %d\nstdout %q\nstderr %q\nwant %d, %q, %q", tc.args, code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.stderr)
		}
	}
}
