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

// Command bench measures the operator at scale on this machine and says
// whether each performance target holds. It starts envtest's kube-apiserver
// and etcd with the CRDs and admission policy installed, one fake OpenSearch
// (SQL-plugin mode, real HTTP) per connection, and the manager binary as its
// own process, one per measurement, watching only that measurement's
// namespace. It prints one table per scenario and writes them all as JSON
// to bin/bench/bench-full.json (bench-quick.json with -quick).
//
//	make bench              # the full sizes: 40 to 60 minutes on two cores
//	make bench ARGS=-quick  # every scenario, smaller: about 5 minutes
//
// Scenarios: cold start against two ideal controllers measured in the same
// run (the contract floor and the bare floor, see contractfloor.go),
// steady state, a connection edit, rotation of a shared Secret, a slow
// tenant, hostile list replies, a large fleet, a DataSourceSet over 200
// clusters, and memory. -only runs some of them; -manager-args passes
// flags to every manager (for example to compare concurrency settings);
// -baseline also runs the large fleet with the manager of an earlier
// revision. The exit status is 1 when a target fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// scenarios in the order they run; memory comes last because its
// unrelated Secrets weigh on the API server for whatever follows.
var scenarios = []string{"cold", "steady", "rotation", "slow-tenant", "hostile", "large", "set", "memory"}

func main() {
	quick := flag.Bool("quick", false, "run every scenario at reduced sizes (about 5 minutes)")
	only := flag.String("only", "", "comma-separated scenarios to run, of "+strings.Join(scenarios, ", ")+"; empty runs all")
	out := flag.String("out", "bin/bench", "directory for the JSON results and the manager logs")
	managerArgs := flag.String("manager-args", "", "space-separated flags added to every manager's command line")
	cold := flag.String("cold", "", "comma-separated connection counts of the cold start, instead of the mode's")
	repeats := flag.Int("repeats", 0, "how many times each cold start runs, instead of the mode's")
	baseline := flag.String("baseline", "", "a git revision whose manager the large scenario runs too, "+
		"so that its time and memory are compared in the same run (e.g. main)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	opts := options{quick: *quick, out: *out, managerArgs: strings.Fields(*managerArgs), repeats: *repeats, baseline: *baseline}
	for _, c := range strings.Split(*cold, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		n, err := strconv.Atoi(c)
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -cold %q: want positive connection counts\n", *cold)
			os.Exit(2)
		}
		opts.cold = append(opts.cold, n)
	}
	if *only != "" {
		opts.only = strings.Split(*only, ",")
	}
	pass, err := run(ctx, opts, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if !pass {
		os.Exit(1)
	}
}

type options struct {
	quick       bool
	only        []string
	out         string
	managerArgs []string
	// cold and repeats, when set, replace the mode's cold start sizes.
	cold    []int
	repeats int
	// baseline is the revision the large scenario compares with.
	baseline string
}

// report is the JSON the bench writes.
type report struct {
	Mode        string    `json:"mode"`
	Commit      string    `json:"commit"`
	Started     time.Time `json:"started"`
	Seconds     float64   `json:"seconds"`
	ManagerArgs []string  `json:"managerArgs"`
	Baseline    string    `json:"baseline,omitempty"`
	Concurrency int       `json:"maxConcurrentReconciles"`
	Pass        bool      `json:"pass"`
	Tables      []table   `json:"tables"`
}

// sizes is the mode's name and the sizes it measures, with -cold and
// -repeats applied.
func (opts options) sizes() (string, sizes) {
	mode, sz := "full", fullSizes()
	if opts.quick {
		mode, sz = "quick", quickSizes()
	}
	if len(opts.cold) > 0 {
		sz.cold = opts.cold
		if !slices.Contains(sz.cold, sz.memoryConnections) {
			sz.memoryConnections = sz.cold[len(sz.cold)-1]
		}
	}
	if opts.repeats > 0 {
		sz.repeats = opts.repeats
	}
	return mode, sz
}

// outputDirs resolves the output directory against root and makes this
// run's log directory in it. Each run keeps its manager logs apart, so that
// runs from several worktrees sharing bin/ do not mix; the binary and the
// kubeconfig live in a temporary directory removed at the end.
func outputDirs(root, out string, started time.Time) (string, string, error) {
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	logDir := filepath.Join(out, "logs", fmt.Sprintf("%s-%d", started.Format("20060102-150405"), os.Getpid()))
	return out, logDir, os.MkdirAll(logDir, 0o755)
}

// run measures the chosen scenarios; it reports whether every target held.
func run(ctx context.Context, opts options, w io.Writer) (bool, error) {
	started := time.Now()
	root, err := testenv.RepoRoot("bench")
	if err != nil {
		return false, err
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		return false, errors.New("KUBEBUILDER_ASSETS is not set: run `make bench`, which builds kube-apiserver and etcd and sets it")
	}
	for _, s := range opts.only {
		if !slices.Contains(scenarios, s) {
			return false, fmt.Errorf("unknown scenario %q; known: %s", s, strings.Join(scenarios, ", "))
		}
	}
	out, logDir, err := outputDirs(root, opts.out, started)
	if err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp("", "opensearch-datasource-bench-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	// The bench's own client libraries log through controller-runtime; keep
	// them out of the tables.
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	mode, sz := opts.sizes()
	rep := report{Mode: mode, Commit: commit(root), Started: started.UTC(), ManagerArgs: opts.managerArgs, Baseline: opts.baseline}
	progress("building the manager")
	bin, err := buildManager(root, tmp)
	if err != nil {
		return false, err
	}
	var baselineBin string
	if opts.baseline != "" {
		progress("building the manager at %s", opts.baseline)
		if baselineBin, err = buildManagerAt(root, opts.baseline, tmp); err != nil {
			return false, err
		}
	}
	progress("starting kube-apiserver and etcd from %s", assets)
	cl, err := startCluster(ctx, root, assets, tmp)
	if err != nil {
		return false, err
	}
	defer func() { _ = cl.stop() }()
	b := &bench{cl: cl, managerBin: bin, managerArgs: opts.managerArgs, sz: sz, logDir: logDir, cold: map[int]*coldResult{},
		baselineBin: baselineBin, baselineRev: opts.baseline,
		workers: concurrencyOf(opts.managerArgs, controllers.DefaultMaxConcurrentReconciles)}
	rep.Concurrency = b.workers
	for _, t := range b.tables(ctx, opts.only) {
		_, _ = fmt.Fprintln(w, t.render())
		rep.Tables = append(rep.Tables, t)
	}
	rep.Seconds = time.Since(started).Seconds()
	rep.Pass = len(rep.Tables) > 0
	for i := range rep.Tables {
		rep.Pass = rep.Pass && rep.Tables[i].pass()
	}
	path := filepath.Join(out, "bench-"+rep.Mode+".json")
	if err := writeJSON(path, rep); err != nil {
		return false, err
	}
	_, _ = fmt.Fprintf(w, "%s run of %d scenario table(s) took %s; every target held: %v; JSON: %s; manager logs: %s\n",
		rep.Mode, len(rep.Tables), time.Since(started).Round(time.Second), rep.Pass, path, logDir)
	return rep.Pass, ctx.Err()
}

// tables runs the chosen scenarios and returns their tables, stopping early
// if ctx ends.
func (b *bench) tables(ctx context.Context, only []string) []table {
	var out []table
	for _, s := range scenarios {
		if (len(only) > 0 && !slices.Contains(only, s)) || ctx.Err() != nil {
			continue
		}
		progress("scenario %s", s)
		switch s {
		case "cold":
			out = append(out, b.coldStartTable(ctx))
		case "steady":
			steady, edit := b.steadyAndEditTables(ctx)
			out = append(out, steady, edit)
		case "rotation":
			out = append(out, b.rotationTable(ctx))
		case "slow-tenant":
			out = append(out, b.slowTenantTable(ctx))
		case "hostile":
			out = append(out, b.hostileTable(ctx))
		case "large":
			out = append(out, b.largeTable(ctx))
		case "set":
			out = append(out, b.setTable(ctx))
		case "memory":
			out = append(out, b.memoryTable(ctx))
		}
	}
	return out
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// progress tells the person waiting what is happening, on stderr so that
// stdout holds only the tables.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// commit is the checked-out commit, marked dirty when the tree has changes.
func commit(root string) string {
	out, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
