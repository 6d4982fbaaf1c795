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
	"flag"
	"fmt"
	"io"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

// subcommands are the words the manager accepts instead of running the
// operator. "export" and "diagnose" have flags of their own and are
// dispatched before the manager's flags are parsed; the others come after
// them, where flag parsing stops at the first word.
var subcommands = []struct{ name, summary string }{
	{"export", "print a cluster's data sources as DataSource manifests (manager export --help)"},
	{"diagnose", "explain a DataSource or connection: conditions, Secrets, events, the server (manager diagnose --help)"},
	{"version", "print the version, commit and build date (as --version does)"},
	{"help", "print this help (as --help does)"},
}

// command acts on what is left once fs has parsed the manager's flags:
// --version, or a subcommand word, or a word that is none, which must not
// start an operator that silently ignores a typo. done is false when the
// operator should run; code is then meaningless.
func command(fs *flag.FlagSet, printVersion bool, stdout, stderr io.Writer) (code int, done bool) {
	switch {
	case printVersion || fs.Arg(0) == "version":
		fmt.Fprintln(stdout, version.Get())
		return 0, true
	case fs.Arg(0) == "help":
		fs.SetOutput(stdout)
		printUsage(fs)
		return 0, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "manager: unknown command %q\n\n", fs.Arg(0))
		fs.SetOutput(stderr)
		printUsage(fs)
		return 2, true
	}
	return 0, false
}

// printUsage writes the help to fs's output: the subcommands, then the
// flags. It is the flag set's Usage, so --help and a wrong flag print it too.
func printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage:\n  manager [flags]       run the operator\n")
	for _, c := range subcommands {
		fmt.Fprintf(w, "  manager %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nFlags:\n")
	fs.PrintDefaults()
}
