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

// Command chart-package packages the Helm chart for a release, as `helm
// package --version V --app-version V` does, without the helm binary: a
// gzipped tar of the chart folder under the chart's name, with Chart.yaml's
// version and appVersion set and the files .helmignore names left out. The
// chart's image tag defaults to appVersion, so the package installs the
// release's image. The archive is deterministic: sorted entries, fixed
// owners, modes and times (-mtime), so a release can be rebuilt bit for bit.
//
//	go run ./hack/chart-package -chart charts/opensearch-datasource-operator -version 0.2.0 -out dist/release/0.2.0
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	chart := flag.String("chart", "charts/opensearch-datasource-operator", "Chart folder.")
	version := flag.String("version", "", "Chart version and appVersion (the release, x.y.z).")
	out := flag.String("out", ".", "Folder the <name>-<version>.tgz is written to.")
	mtime := flag.Int64("mtime", 0, "Modification time of every entry, in Unix seconds (e.g. the release commit's).")
	flag.Parse()
	if *version == "" {
		fmt.Fprintln(os.Stderr, "chart-package: -version is required")
		os.Exit(2)
	}
	path, err := pack(*chart, *version, *out, time.Unix(*mtime, 0).UTC())
	if err != nil {
		fmt.Fprintln(os.Stderr, "chart-package:", err)
		os.Exit(1)
	}
	fmt.Println(filepath.ToSlash(path))
}
