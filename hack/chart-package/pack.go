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
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Chart.yaml's top-level name, version and appVersion, one line each.
var (
	nameLine       = regexp.MustCompile(`(?m)^name:\s*(\S+)\s*$`)
	versionLine    = regexp.MustCompile(`(?m)^version:.*$`)
	appVersionLine = regexp.MustCompile(`(?m)^appVersion:.*$`)
	semver         = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
)

// setVersions returns Chart.yaml with version and appVersion set to
// version, and the chart's name; Helm requires a SemVer 2 chart version.
func setVersions(chartYAML []byte, version string) (out []byte, name string, err error) {
	if !semver.MatchString(version) {
		return nil, "", fmt.Errorf("version %q is not SemVer (x.y.z)", version)
	}
	m := nameLine.FindSubmatch(chartYAML)
	if m == nil {
		return nil, "", errors.New("the chart's Chart.yaml has no name")
	}
	for _, re := range []*regexp.Regexp{versionLine, appVersionLine} {
		if len(re.FindAll(chartYAML, -1)) != 1 {
			return nil, "", fmt.Errorf("the chart's Chart.yaml needs exactly one line matching %s", re)
		}
	}
	out = versionLine.ReplaceAll(chartYAML, []byte("version: "+version))
	out = appVersionLine.ReplaceAll(out, []byte(fmt.Sprintf("appVersion: %q", version)))
	return out, string(m[1]), nil
}

// pack writes <out>/<name>-<version>.tgz and returns its path.
func pack(chartDir, version, out string, mtime time.Time) (string, error) {
	chartYAML, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	chartYAML, name, err := setVersions(chartYAML, version)
	if err != nil {
		return "", err
	}
	ignore, err := readHelmignore(filepath.Join(chartDir, ".helmignore"))
	if err != nil {
		return "", err
	}
	files, err := chartFiles(chartDir, ignore)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	gz.ModTime = mtime
	tw := tar.NewWriter(gz)
	for _, rel := range files {
		data := chartYAML
		if rel != "Chart.yaml" {
			if data, err = os.ReadFile(filepath.Join(chartDir, filepath.FromSlash(rel))); err != nil {
				return "", err
			}
		}
		hdr := &tar.Header{Name: path.Join(name, rel), Mode: 0o644, Size: int64(len(data)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return "", err
		}
		if _, err := tw.Write(data); err != nil {
			return "", err
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	if err := gz.Close(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	dest := filepath.Join(out, fmt.Sprintf("%s-%s.tgz", name, version))
	return dest, os.WriteFile(dest, buf.Bytes(), 0o644)
}

// chartFiles lists the chart's regular files, slash separated and sorted,
// less those ignore matches. Chart.yaml comes first, as Helm writes it.
func chartFiles(chartDir string, ignore []string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(chartDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		rel = filepath.ToSlash(rel)
		if rel != "." && ignored(ignore, rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		}
		return nil
	})
	sort.Slice(files, func(i, j int) bool {
		if (files[i] == "Chart.yaml") != (files[j] == "Chart.yaml") {
			return files[i] == "Chart.yaml"
		}
		return files[i] < files[j]
	})
	return files, err
}

// readHelmignore reads .helmignore's patterns (none when it is absent).
func readHelmignore(file string) ([]string, error) {
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var patterns []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p := strings.TrimSpace(sc.Text()); p != "" && !strings.HasPrefix(p, "#") {
			patterns = append(patterns, p)
		}
	}
	return patterns, sc.Err()
}

// ignored applies .helmignore's rules as Helm does for the patterns a
// chart uses: a pattern without a slash matches a file or folder by its
// base name, one with a slash the path from the chart's root; a folder
// that matches is left out whole (chartFiles does not enter it).
// Negations ("!") are not supported: they match nothing.
func ignored(patterns []string, rel string) bool {
	for _, p := range patterns {
		if strings.HasPrefix(p, "!") {
			continue
		}
		p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
		target := rel
		if !strings.Contains(p, "/") {
			target = path.Base(rel)
		}
		if ok, _ := path.Match(p, target); ok {
			return true
		}
	}
	return false
}
