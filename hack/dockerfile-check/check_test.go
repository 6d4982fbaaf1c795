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
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDockerignoreRules(t *testing.T) {
	rules, err := parseDockerignore(strings.NewReader("# comment\n**\n!**/*.go\n**/*_test.go\n!go.mod\n/bin\n"))
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{
		"main.go":                     false,
		"api/v1alpha1/types.go":       false,
		"go.mod":                      false,
		"go.sum":                      true,
		"main_test.go":                true,
		"internal/x/y_test.go":        true,
		"README.md":                   true,
		"internal/x/testdata/a.json":  true,
		"bin/tool.go":                 true, // /bin and everything under it
		"charts/c/templates/_x.tpl":   true,
		"hack/dockerfile-check/ab.go": false,
	} {
		if got := ignored(rules, rel); got != want {
			t.Errorf("ignored(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestCopyTarget(t *testing.T) {
	for _, tc := range []struct {
		pattern, file, dest, want string
		ok                        bool
	}{
		{"go.mod", "go.mod", "/workspace/", "/workspace/go.mod", true},
		{"main.go", "main.go", "/workspace/main.go", "/workspace/main.go", true},
		{"main.go", "cmd/main.go", "/workspace/main.go", "", false},
		{"*.go", "clientfeatures.go", "/workspace/", "/workspace/clientfeatures.go", true},
		{"*.go", "api/v1alpha1/types.go", "/workspace/", "", false},
		{"api", "api/v1alpha1/types.go", "/workspace/api/", "/workspace/api/v1alpha1/types.go", true},
		{"api", "apis/x.go", "/workspace/api/", "", false},
		{".", "internal/a/b.go", "/workspace/", "/workspace/internal/a/b.go", true},
	} {
		got, ok := copyTarget(tc.pattern, tc.file, tc.dest)
		if got != tc.want || ok != tc.ok {
			t.Errorf("copyTarget(%q, %q, %q) = %q, %v; want %q, %v", tc.pattern, tc.file, tc.dest, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseJoinsContinuationsAndFindsTheStage(t *testing.T) {
	all, err := parseDockerfile(strings.NewReader("# c\nFROM golang:1.26 AS builder\nARG V=dev\nRUN go build \\\n\t-o m \\\n\t.\n\nFROM scratch\nCOPY --from=builder /m .\n"))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := stage(all, "builder")
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 3 || steps[2].cmd != "RUN" || steps[2].args != "go build -o m ." || steps[2].line != 4 {
		t.Errorf("builder stage = %+v", steps)
	}
	if _, err := stage(all, "other"); err == nil {
		t.Error("a missing stage was found")
	}
	if _, _, err := copyArgs(all[len(all)-1]); err == nil {
		t.Error("COPY --from was taken for a copy from the context")
	}
}

func TestCheckGoImage(t *testing.T) {
	goMod := filepath.Join(t.TempDir(), "go.mod")
	if err := os.WriteFile(goMod, []byte("module m\n\ngo 1.26.8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for image, ok := range map[string]bool{
		"golang:1.26 AS builder":        true, // the newest 1.26 patch
		"golang:1.26.8 AS builder":      true,
		"golang:1.27-alpine AS builder": true,
		"golang:1.26.7 AS builder":      false,
		"golang:1.25 AS builder":        false,
		"example.com/go:1 AS builder":   true, // not checked
	} {
		err := checkGoImage(instruction{line: 1, cmd: "FROM", args: image}, goMod)
		if (err == nil) != ok {
			t.Errorf("FROM %s: err = %v, want ok=%v", image, err, ok)
		}
	}
}

// A tiny module built as a Dockerfile would: the check passes with every
// COPY line and fails, naming the missing package, without one of them;
// .dockerignore leaving out a needed file fails it too.
func TestCheckFailsWhenTheStageMissesAFile(t *testing.T) {
	const dockerfile = `FROM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /workspace
COPY go.mod ./
COPY *.go ./
COPY lib/ lib/
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build \
	-ldflags="-X main.version=${VERSION}" -o out .
FROM scratch
COPY --from=builder /workspace/out .
`
	for _, tc := range []struct {
		name, dockerfile, dockerignore, wantErr string
	}{
		{name: "complete", dockerfile: dockerfile, dockerignore: "**\n!**/*.go\n!go.mod\n"},
		{name: "a COPY line removed", dockerfile: strings.Replace(dockerfile, "COPY lib/ lib/\n", "", 1),
			dockerignore: "**\n!**/*.go\n!go.mod\n", wantErr: "line 8 of the Dockerfile (RUN)"},
		{name: "a needed file ignored", dockerfile: dockerfile, dockerignore: "**\n!**/*.go\n!go.mod\nlib/\n",
			wantErr: "lib/: not found in the build context"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range map[string]string{
				"Dockerfile":    tc.dockerfile,
				".dockerignore": tc.dockerignore,
				"go.mod":        "module example.com/m\n\ngo 1.26\n",
				"main.go":       "package main\n\nimport \"example.com/m/lib\"\n\nvar version string\n\nfunc main() { lib.Say(version) }\n",
				"lib/lib.go":    "package lib\n\nimport \"fmt\"\n\nfunc Say(s string) { fmt.Println(s) }\n",
			} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := check(dir, "builder", map[string]string{"TARGETOS": "linux", "TARGETARCH": "arm64"}, io.Discard)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("check: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("check: %v, want an error with %q", err, tc.wantErr)
			}
		})
	}
}
