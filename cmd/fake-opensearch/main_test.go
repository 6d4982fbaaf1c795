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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSeed(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		names   []string
		wantErr string
	}{
		{name: "empty array", in: `[]`},
		{
			name:  "two bodies",
			in:    `[{"name":"a","connector":"PROMETHEUS","properties":{"prometheus.uri":"http://p:9090"}},{"name":"b","connector":"S3GLUE","allowedRoles":["r"]}]`,
			names: []string{"a", "b"},
		},
		{name: "not an array", in: `{"name":"a"}`, wantErr: "JSON array"},
		{name: "unknown field", in: `[{"name":"a","conector":"x"}]`, wantErr: "conector"},
		{name: "no name", in: `[{"connector":"PROMETHEUS"}]`, wantErr: "entry 0 has no name"},
		{name: "duplicate", in: `[{"name":"a"},{"name":"a"}]`, wantErr: `"a" appears twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := parseSeed([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, d.Name)
			}
			if strings.Join(got, ",") != strings.Join(tc.names, ",") {
				t.Fatalf("names = %v, want %v", got, tc.names)
			}
		})
	}
}

func TestFlagsOptions(t *testing.T) {
	cases := []struct {
		name    string
		in      flags
		mode    string
		deny    int
		wantErr bool
	}{
		{name: "sqlplugin", in: flags{dialect: "sqlplugin"}, mode: "sqlplugin"},
		{name: "dialect is case-insensitive", in: flags{dialect: "Documented"}, mode: "documented"},
		{name: "denylist split on commas", in: flags{dialect: "sqlplugin", deny: "10.0.0.0/8,127.0.0.1"}, mode: "sqlplugin", deny: 2},
		{name: "unknown dialect", in: flags{dialect: "opensearch"}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := tc.in.options()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if string(opts.Mode) != tc.mode || len(opts.DenyList) != tc.deny {
				t.Fatalf("mode %q with %d denied, want %q with %d", opts.Mode, len(opts.DenyList), tc.mode, tc.deny)
			}
		})
	}
}

// The cluster settings a pipeline may need to play reach the fake.
func TestFlagsPassClusterSettings(t *testing.T) {
	opts, err := flags{dialect: "sqlplugin", noMasterKey: true, housekeeper: 2 * time.Minute}.options()
	if err != nil {
		t.Fatal(err)
	}
	if !opts.NoMasterKey || opts.HousekeeperInterval != 2*time.Minute {
		t.Fatalf("NoMasterKey %v, HousekeeperInterval %s; want true and 2m", opts.NoMasterKey, opts.HousekeeperInterval)
	}
}

// The password comes from a file or the environment, so that it is not on
// the command line; --password still works, with a warning.
func TestResolvePassword(t *testing.T) {
	file := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == passwordEnv {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name   string
		in     flags
		env    string
		want   string
		warned bool
	}{
		{"file", flags{passwordFile: file}, "from-env", "from-file", false},
		{"environment", flags{}, "from-env", "from-env", false},
		{"environment over the flag", flags{password: "from-flag"}, "from-env", "from-env", false},
		{"deprecated flag", flags{password: "from-flag"}, "", "from-flag", true},
		{"none", flags{}, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			warned := false
			f := tc.in
			if err := f.resolvePassword(env(tc.env), func(string) { warned = true }); err != nil {
				t.Fatal(err)
			}
			if f.password != tc.want || warned != tc.warned {
				t.Fatalf("password %q, warned %t; want %q, %t", f.password, warned, tc.want, tc.warned)
			}
		})
	}
	f := flags{passwordFile: filepath.Join(t.TempDir(), "missing")}
	if err := f.resolvePassword(env(""), func(string) {}); err == nil {
		t.Fatal("a missing password file was accepted")
	}
}
