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
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSetVersions(t *testing.T) {
	const chart = "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"0.1.0\"\nkubeVersion: \">=1.30.0-0\"\n"
	for _, tc := range []struct {
		name, in, version, want, wantErr string
	}{
		{name: "release", in: chart, version: "0.2.0",
			want: "apiVersion: v2\nname: demo\nversion: 0.2.0\nappVersion: \"0.2.0\"\nkubeVersion: \">=1.30.0-0\"\n"},
		{name: "pre-release", in: chart, version: "1.0.0-rc.1", want: "apiVersion: v2\nname: demo\nversion: 1.0.0-rc.1\nappVersion: \"1.0.0-rc.1\"\nkubeVersion: \">=1.30.0-0\"\n"},
		{name: "a v prefix is no chart version", in: chart, version: "v0.2.0", wantErr: "not SemVer"},
		{name: "a commit is no chart version", in: chart, version: "c805e3e-dirty", wantErr: "not SemVer"},
		{name: "no appVersion", in: "name: demo\nversion: 0.1.0\n", version: "0.2.0", wantErr: "exactly one line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, name, err := setVersions([]byte(tc.in), tc.version)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want || name != "demo" {
				t.Fatalf("setVersions = %q, %q, %v; want %q, demo", got, name, err, tc.want)
			}
		})
	}
}

// The package holds the chart under its name, less what .helmignore
// leaves out, with the release's versions, and is the same bytes each time.
func TestPackIsDeterministic(t *testing.T) {
	chart := t.TempDir()
	for name, content := range map[string]string{
		"Chart.yaml":                "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"0.1.0\"\n",
		"values.yaml":               "image:\n  tag: \"\"\n",
		"templates/deploy.yaml":     "kind: Deployment\n",
		"templates/deploy.yaml.swp": "editor junk",
		".helmignore":               "# junk\n*.swp\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(chart, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(chart, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mtime := time.Unix(1765000000, 0).UTC()
	var archives [][]byte
	for range 2 {
		out := t.TempDir()
		p, err := pack(chart, "0.2.0", out, mtime)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(p) != "demo-0.2.0.tgz" {
			t.Errorf("package %s, want demo-0.2.0.tgz", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		archives = append(archives, data)
	}
	if !bytes.Equal(archives[0], archives[1]) {
		t.Error("two packages of the same chart differ")
	}
	entries := untar(t, archives[0])
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{"demo/.helmignore", "demo/Chart.yaml", "demo/templates/deploy.yaml", "demo/values.yaml"}
	if !slices.Equal(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
	if got := entries["demo/Chart.yaml"]; !strings.Contains(got, "version: 0.2.0\nappVersion: \"0.2.0\"") {
		t.Errorf("Chart.yaml in the package:\n%s", got)
	}
}

func untar(t *testing.T, data []byte) map[string]string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[hdr.Name] = string(b)
	}
}
