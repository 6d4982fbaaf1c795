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

// Command kubectl-opensearch is the operator's kubectl plugin: installed on
// PATH, "kubectl opensearch diagnose ns/name" runs the same diagnosis as
// "manager diagnose ns/name", without the operator's image.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/diagnose"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

const usage = `usage: kubectl opensearch COMMAND

Commands:
  diagnose   explain a DataSource or connection (kubectl opensearch diagnose --help)
  version    print the version, commit and build date
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches the first word of args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "diagnose":
		return diagnose.Main(ctx, "kubectl opensearch", args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, version.Get())
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "kubectl opensearch: unknown command %q\n\n%s", args[0], usage)
	return 2
}
