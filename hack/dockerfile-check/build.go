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
	"errors"
	"fmt"
	goversion "go/version"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// check reproduces stage name of contextDir's Dockerfile in a fresh
// folder, with buildArgs given as --build-arg would, and reports the first
// step that fails. RUN output goes to log.
func check(contextDir, name string, buildArgs map[string]string, log io.Writer) error {
	steps, err := readStage(contextDir, name)
	if err != nil {
		return err
	}
	files, err := contextFiles(contextDir)
	if err != nil {
		return err
	}
	rootfs, err := os.MkdirTemp("", "dockerfile-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(rootfs)
	if err := checkGoImage(steps[0], filepath.Join(contextDir, "go.mod")); err != nil {
		return err
	}
	s := &stageRun{context: contextDir, files: files, rootfs: rootfs, workdir: "/", args: map[string]string{}, buildArgs: buildArgs, log: log}
	for _, in := range steps[1:] {
		if err := s.step(in); err != nil {
			return fmt.Errorf("line %d of the Dockerfile (%s): %w", in.line, in.cmd, err)
		}
	}
	return nil
}

// checkGoImage fails when the stage starts FROM a golang image older than
// the go directive of go.mod: the official images set GOTOOLCHAIN=local,
// so such a build stops at once instead of fetching a newer Go. Other
// images are not checked.
func checkGoImage(from instruction, goModPath string) error {
	image, _, _ := strings.Cut(from.args, " ")
	tag, ok := strings.CutPrefix(image, "golang:")
	if !ok {
		return nil
	}
	tag, _, _ = strings.Cut(tag, "-") // 1.26-alpine
	data, err := os.ReadFile(goModPath)
	if err != nil {
		return err
	}
	var want string
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			want = strings.TrimSpace(v)
		}
	}
	if want == "" {
		return errors.New("go.mod has no go directive")
	}
	if goversion.Compare("go"+tag, "go"+want) < 0 && !tagFloats(tag, want) {
		return fmt.Errorf("line %d of the Dockerfile: %s is older than go.mod's go %s", from.line, image, want)
	}
	return nil
}

// tagFloats says whether an image tag such as "1.26" names the newest
// patch release of that line, which covers go 1.26.8.
func tagFloats(tag, want string) bool {
	return strings.Count(tag, ".") == 1 && strings.HasPrefix(want, tag+".")
}

// readStage parses contextDir/Dockerfile and returns stage name.
func readStage(contextDir, name string) ([]instruction, error) {
	f, err := os.Open(filepath.Join(contextDir, "Dockerfile"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	all, err := parseDockerfile(f)
	if err != nil {
		return nil, err
	}
	return stage(all, name)
}

// contextFiles lists the regular files of the build context, slash
// separated, that .dockerignore lets through.
func contextFiles(contextDir string) ([]string, error) {
	var rules []ignoreRule
	if f, err := os.Open(filepath.Join(contextDir, ".dockerignore")); err == nil {
		rules, err = parseDockerignore(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf(".dockerignore: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var files []string
	err := filepath.WalkDir(contextDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(contextDir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && rel == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && !ignored(rules, rel) {
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// stageRun is the state of a stage being reproduced: its file system
// (a folder standing for the image's /), working directory and variables.
type stageRun struct {
	context, rootfs, workdir string
	files                    []string
	args, buildArgs          map[string]string
	log                      io.Writer
}

func (s *stageRun) step(in instruction) error {
	switch in.cmd {
	case "ARG":
		name, def := argDefault(in)
		if v, ok := s.buildArgs[name]; ok {
			def = v
		}
		s.args[name] = def
		return nil
	case "ENV":
		name, value, ok := strings.Cut(in.args, "=")
		if !ok || strings.ContainsAny(value, " \t") {
			return errors.New("only ENV NAME=value (one, unquoted) is understood")
		}
		s.args[name] = value
		return nil
	case "WORKDIR":
		s.workdir = path.Join(s.workdir, in.args)
		return os.MkdirAll(s.hostPath(s.workdir), 0o755)
	case "COPY":
		return s.copy(in)
	case "RUN":
		return s.run(in.args)
	}
	return fmt.Errorf("the check does not know how to reproduce %s", in.cmd)
}

// hostPath maps a path inside the image to the folder standing for it.
func (s *stageRun) hostPath(p string) string {
	return filepath.Join(s.rootfs, filepath.FromSlash(path.Join("/", p)))
}

// copy does what COPY does with the context: a folder source copies its
// contents, a file source lands in the destination folder when the
// destination ends in "/" or there are several sources, and a source that
// matches nothing in the context (or only ignored files) is an error.
func (s *stageRun) copy(in instruction) error {
	srcs, dest, err := copyArgs(in)
	if err != nil {
		return err
	}
	intoFolder := strings.HasSuffix(dest, "/") || len(srcs) > 1
	dest = path.Join(s.workdir, dest)
	if intoFolder {
		dest += "/"
	}
	for _, src := range srcs {
		pattern := strings.TrimPrefix(path.Clean("/"+src), "/")
		n := 0
		for _, f := range s.files {
			target, ok := copyTarget(pattern, f, dest)
			if !ok {
				continue
			}
			n++
			if err := copyFile(filepath.Join(s.context, filepath.FromSlash(f)), s.hostPath(target)); err != nil {
				return err
			}
		}
		if n == 0 {
			return fmt.Errorf("%s: not found in the build context (or left out by .dockerignore)", src)
		}
	}
	return nil
}

// copyTarget says where context file f lands when COPY copies pattern to
// dest, and whether it is copied at all: f matches pattern itself (dest
// is then the file, or the folder it goes into when dest ends in "/"), or
// f lies under a folder that matches (its path below that folder is kept).
func copyTarget(pattern, f, dest string) (string, bool) {
	if pattern == "." {
		return path.Join(dest, f), true
	}
	for dir := f; dir != "."; dir = path.Dir(dir) {
		if ok, _ := path.Match(pattern, dir); !ok {
			continue
		}
		if dir == f {
			if strings.HasSuffix(dest, "/") {
				return path.Join(dest, path.Base(f)), true
			}
			return dest, true
		}
		return path.Join(dest, strings.TrimPrefix(f, dir+"/")), true
	}
	return "", false
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// run runs a RUN line's shell form with sh in the working directory. The
// stage's ARG and ENV values are in the environment, as Docker puts them;
// of the host's environment only what the Go toolchain needs to find
// itself and its caches is kept, so that no GOFLAGS or go.work of the
// host's changes the build.
func (s *stageRun) run(script string) error {
	if strings.HasPrefix(script, "[") || strings.HasPrefix(script, "--") {
		return errors.New("only the plain shell form of RUN is understood")
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = s.hostPath(s.workdir)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.Env = []string{"GOFLAGS=", "GOWORK=off"}
	for _, k := range []string{"PATH", "HOME", "GOPATH", "GOMODCACHE", "GOCACHE", "GOPROXY", "GONOSUMDB", "GOPRIVATE", "GOTOOLCHAIN"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range s.args {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd.Run()
}
