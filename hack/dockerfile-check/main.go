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

// Command dockerfile-check builds the manager the way the Dockerfile's
// builder stage does, without a container engine: it copies what the
// stage's COPY lines name (less what .dockerignore leaves out) into an
// empty folder, then runs the stage's RUN lines there, once for each
// target platform. A Dockerfile that forgets a file the build needs fails
// here as it would under `docker build`. `make verify` runs it.
//
//	go run ./hack/dockerfile-check [-context .] [-stage builder] [-platforms linux/amd64,linux/arm64]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	contextDir := flag.String("context", ".", "Build context: the folder holding the Dockerfile and .dockerignore.")
	stageName := flag.String("stage", "builder", "Name of the stage to reproduce.")
	platforms := flag.String("platforms", "linux/amd64,linux/arm64", "Comma-separated os/arch to build for, as TARGETOS/TARGETARCH.")
	flag.Parse()
	for _, p := range strings.Split(*platforms, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok {
			fmt.Fprintf(os.Stderr, "dockerfile-check: platform %q is not os/arch\n", p)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "dockerfile-check: stage %q for %s/%s\n", *stageName, goos, goarch)
		if err := check(*contextDir, *stageName, map[string]string{"TARGETOS": goos, "TARGETARCH": goarch}, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "dockerfile-check: %s/%s: %v\n", goos, goarch, err)
			os.Exit(1)
		}
	}
	fmt.Fprintln(os.Stderr, "dockerfile-check: the builder stage builds")
}
