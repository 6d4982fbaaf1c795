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
	"flag"
	"io"
	"strings"
	"testing"
)

func TestCommandAfterFlags(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		wantDone   bool
		wantCode   int
		wantStdout string // a fragment, "" for none
		wantStderr string
	}{
		{name: "no word runs the operator", args: []string{"--some-flag=x"}},
		{name: "--version", args: []string{"--version"}, wantDone: true, wantStdout: "opensearch-datasource-operator dev (commit unknown"},
		{name: "version", args: []string{"version"}, wantDone: true, wantStdout: "opensearch-datasource-operator dev (commit unknown"},
		{name: "help lists the subcommands and flags", args: []string{"help"}, wantDone: true,
			wantStdout: "manager export "},
		{name: "a typo does not start the operator", args: []string{"hepl"}, wantDone: true, wantCode: 2,
			wantStderr: `manager: unknown command "hepl"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("manager", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			fs.String("some-flag", "", "A flag the help must list.")
			printVersion := fs.Bool("version", false, "Print the version.")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code, done := command(fs, *printVersion, &stdout, &stderr)
			if done != tc.wantDone || code != tc.wantCode {
				t.Errorf("command(%q) = %d, %v; want %d, %v", tc.args, code, done, tc.wantCode, tc.wantDone)
			}
			for _, c := range []struct{ name, got, want string }{{"stdout", stdout.String(), tc.wantStdout}, {"stderr", stderr.String(), tc.wantStderr}} {
				if (c.want == "") != (c.got == "") || !strings.Contains(c.got, c.want) {
					t.Errorf("%s = %q, want it to contain %q", c.name, c.got, c.want)
				}
			}
			if tc.args[0] == "help" && !strings.Contains(stdout.String(), "-some-flag") {
				t.Errorf("help lists no flags:\n%s", stdout.String())
			}
		})
	}
}
