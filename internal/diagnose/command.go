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

// Package diagnose explains why a DataSource or a connection is not doing
// what its owner expects, as one chain printed for a terminal: the object
// and its conditions, its connection, the Secrets both name (keys, never
// values), what status records of the last write, recent events, what the
// server holds now and what a write would change. It reads; it never
// writes to Kubernetes or OpenSearch. The manager runs it as "manager
// diagnose" and the kubectl plugin as "kubectl opensearch diagnose".
package diagnose

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/export"
)

// Usage is the command's synopsis; prog is how the user called it
// ("manager" or "kubectl opensearch").
func Usage(prog string) string {
	return fmt.Sprintf(`usage: %[1]s diagnose [flags] [datasource] [NAMESPACE/]NAME
       %[1]s diagnose [flags] connection [NAMESPACE/]NAME
       %[1]s diagnose [flags] clusterconnection NAME

Prints, for a DataSource: its conditions; its connection (Ready, dialect,
version, endpoint, clusterUUID); each Secret the two name (exists, keys
present; never a value); status.connection, pendingCreate and the last
write; recent events; the data source as OpenSearch holds it now
(credential values and values from Secrets left out); and what a write of
the spec would change. For a connection: its conditions, Secrets and events,
and whether its user may call the data source API (and which permission is
missing). Nothing is written to Kubernetes or OpenSearch. OpenSearch is
called as the connection's own user, with the connection's Secrets, so the
command needs to read those Secrets.

Flags:
`, prog)
}

// flags are the command line.
type flags struct {
	kubeconfig, namespace string
	timeout               time.Duration
}

// target is the object to diagnose.
type target struct {
	kind      string // "datasource", "connection" or "clusterconnection"
	namespace string // "" when not given
	name      string
}

// Main runs the command with args (the words after "diagnose") and returns
// the exit code: 0 when the report was printed, 2 for a usage error, 1 when
// the object could not be read.
func Main(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	f, t, err := parse(prog, args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		return failed(stderr, err, 2)
	}
	kube, contextNamespace, err := export.KubeClient(f.kubeconfig)
	if err != nil {
		return failed(stderr, err, 1)
	}
	t.namespace = firstOf(t.namespace, f.namespace, contextNamespace, "default")
	d := &diagnoser{kube: kube, out: &printer{w: stdout}, now: time.Now(), timeout: f.timeout}
	switch t.kind {
	case "connection":
		err = d.connection(ctx, v1alpha1.KindOpenSearchConnection, t.namespace, t.name)
	case "clusterconnection":
		err = d.connection(ctx, v1alpha1.KindClusterOpenSearchConnection, "", t.name)
	default:
		err = d.dataSource(ctx, t.namespace, t.name)
	}
	if err != nil {
		return failed(stderr, err, 1)
	}
	return 0
}

// failed prints why diagnose stopped and returns code. The error may carry
// a server's or an object's text, so it is escaped and bounded as the
// report's lines are.
func failed(stderr io.Writer, err error, code int) int {
	fmt.Fprintf(stderr, "diagnose: %s\n", message(err.Error()))
	return code
}

// parse reads flags and words in any order, as kubectl does: "diagnose
// my-ds -n team-a" and "diagnose -n team-a my-ds" are the same.
func parse(prog string, args []string, stderr io.Writer) (*flags, target, error) {
	f := &flags{}
	fs := flag.NewFlagSet("diagnose", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, Usage(prog))
		fs.PrintDefaults()
	}
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "Kubeconfig to read through; default KUBECONFIG, ~/.kube/config, or in-cluster.")
	fs.StringVar(&f.namespace, "namespace", "", "Namespace of a NAME given without one; default the kubeconfig context's.")
	fs.StringVar(&f.namespace, "n", "", "Short for --namespace.")
	fs.DurationVar(&f.timeout, "request-timeout", 10*time.Second, "Bound on each OpenSearch request.")
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, target{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	t, err := targetOf(words)
	return f, t, err
}

// targetOf reads the words: an optional kind, then the object's name.
func targetOf(words []string) (target, error) {
	t := target{kind: "datasource"}
	if len(words) == 2 {
		switch k := strings.ToLower(words[0]); k {
		case "datasource", "connection", "clusterconnection":
			t.kind = k
		default:
			return t, fmt.Errorf("unknown kind %q: want datasource, connection or clusterconnection", words[0])
		}
		words = words[1:]
	}
	if len(words) != 1 {
		return t, errors.New("name one object: [datasource] [NAMESPACE/]NAME, connection [NAMESPACE/]NAME or clusterconnection NAME")
	}
	ns, name, found := strings.Cut(words[0], "/")
	switch {
	case !found:
		t.name = ns
	case t.kind == "clusterconnection":
		return t, fmt.Errorf("%q: a ClusterOpenSearchConnection has no namespace", words[0])
	default:
		t.namespace, t.name = ns, name
	}
	if t.name == "" || strings.Contains(t.name, "/") {
		return t, fmt.Errorf("%q: want [NAMESPACE/]NAME", words[0])
	}
	return t, nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// printer writes the report: a title per part, its lines indented below.
type printer struct{ w io.Writer }

func (p *printer) section(title string, lines ...string) {
	fmt.Fprintln(p.w, title)
	for _, l := range lines {
		fmt.Fprintln(p.w, "  "+l)
	}
}
