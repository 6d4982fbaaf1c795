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

// Package version is what the build stamped into the binary: the release,
// the commit and the build date. The Makefile and the Dockerfile set them
// with -ldflags "-X"; a plain `go build` leaves the defaults, which say so.
// The package imports nothing of ours, so every other package may use it.
package version

import (
	"fmt"
	"runtime"
)

// Name is the operator's name as it introduces itself to the servers it
// talks to (the User-Agent) and in its version output.
const Name = "opensearch-datasource-operator"

// Set at link time with -ldflags "-X <package>.Version=…" and so on; they
// must stay variables (not constants) for -X to reach them.
var (
	// Version is the release, e.g. "0.2.0", or a `git describe` for a
	// build between releases; "dev" when nothing stamped it.
	Version = "dev"
	// Commit is the full commit hash the binary was built from.
	Commit = "unknown"
	// BuildDate is when the binary was built, RFC 3339 in UTC.
	BuildDate = "unknown"
)

// Info is one binary's stamp, as printed and as reported in metrics.
type Info struct {
	Version, Commit, BuildDate, GoVersion, Platform string
}

// Get returns the stamp of the running binary.
func Get() Info {
	return Info{
		Version:   Version,
		Commit:    Commit,
		BuildDate: BuildDate,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
}

// String is the version output: one line a person reads and a script can
// split on spaces.
func (i Info) String() string {
	return fmt.Sprintf("%s %s (commit %s, built %s, %s, %s)",
		Name, i.Version, i.Commit, i.BuildDate, i.GoVersion, i.Platform)
}

// UserAgent names the operator and its version to a server, in the form
// RFC 9110 asks for (product/version, then a comment), so that OpenSearch
// audit logs and the API server's request logs tell which release made a
// request.
func (i Info) UserAgent() string {
	return fmt.Sprintf("%s/%s (%s; commit %s)", Name, i.Version, i.Platform, shortCommit(i.Commit))
}

// shortCommit keeps a User-Agent short: 12 hex digits tell commits apart.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
