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

// Command demo shows the operator doing its job on this machine, with
// nothing installed but Go: envtest's kube-apiserver and etcd, the CRDs and
// admission policy, two fake OpenSearch servers (documented and sqlplugin
// mode; a real cluster replaces the SQL-plugin fake when OPENSEARCH_URL,
// OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD are set, with
// OPENSEARCH_INSECURE=true to skip certificate verification), the manager
// in this process, and the samples from config/samples. It narrates the
// lifecycle, then serves kubectl until interrupted.
//
//	make demo              # the tour, then keep running until Ctrl-C
//	make demo ARGS=--once  # the tour only; exit 1 naming each step not observed
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

func main() {
	once := flag.Bool("once", false, "run the tour and exit: 0 when every step was observed, 1 otherwise")
	flag.Parse()
	ctx, stop := withStopSignals(context.Background())
	err := run(ctx, *once, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run starts everything, tours the lifecycle, and stops everything it
// started (in reverse order) before it returns.
func run(ctx context.Context, once bool, out io.Writer) (err error) {
	root, assets, smp, err := prepare()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "opensearch-datasource-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	logPath, closeLog, err := logTo(tmp)
	if err != nil {
		return err
	}
	defer closeLog()

	d := &demo{out: out, tty: isTerminal(out), started: time.Now()}
	d.say("starting kube-apiserver and etcd from %s", assets)
	cp, err := testenv.Start(assets, tmp, "demo", "demo")
	if err != nil {
		return err
	}
	defer func() {
		d.say("stopping kube-apiserver and etcd")
		if stopErr := cp.Stop(); stopErr != nil && err == nil {
			err = fmt.Errorf("stopping the control plane: %w", stopErr)
		}
	}()
	return d.runOn(ctx, cp, root, assets, smp, logPath, once)
}

// prepare finds the repository, the control plane's binaries and the
// samples before anything is started.
func prepare() (root, assets string, smp samples, err error) {
	if root, err = testenv.RepoRoot("demo"); err != nil {
		return "", "", nil, err
	}
	if assets = os.Getenv("KUBEBUILDER_ASSETS"); assets == "" {
		return "", "", nil, errors.New("KUBEBUILDER_ASSETS is not set: run `make demo`, which builds kube-apiserver and etcd and sets it")
	}
	smp, err = loadSamples(filepath.Join(root, "config", "samples"))
	return root, assets, smp, err
}

// runOn installs the CRDs, starts the servers and the manager on a running
// control plane, and tours; it stops what it started before returning.
func (d *demo) runOn(ctx context.Context, cp *testenv.ControlPlane, root, assets string, smp samples, logPath string, once bool) error {
	var err error
	if d.c, err = client.New(cp.Config, client.Options{Scheme: testenv.Scheme()}); err != nil {
		return err
	}
	if err := d.install(ctx, root, assets, cp); err != nil {
		return err
	}
	if err := d.startServers(smp); err != nil {
		return err
	}
	defer d.closeServers()
	metricsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	stopManager, err := startManager(cp.Config, metricsAddr)
	if err != nil {
		return err
	}
	defer func() {
		if err := stopManager(); err != nil {
			d.say("stopping the manager: %v", err)
		}
	}()
	d.say("manager running in this process (controllers.Setup, as main.go); its log: %s", logPath)
	if err := d.tour(ctx, smp); err != nil {
		return err
	}
	if once {
		return d.result()
	}
	d.playground(ctx, cp, metricsAddr)
	return nil
}

// install applies the CRDs and the admission policy as `make install` does
// and waits until both are in force.
func (d *demo) install(ctx context.Context, root, assets string, cp *testenv.ControlPlane) error {
	kubectl, err := testenv.FindKubectl(assets, "demo")
	if err != nil {
		return err
	}
	refusal, err := cp.Install(ctx, root, kubectl, d.c)
	if err != nil {
		return err
	}
	d.say("installed config/crd and config/policy (kubectl apply --server-side -k, as make install)")
	d.say("admission policy in force: a key in both properties and propertiesFrom is refused (%q)", policyMessage(refusal))
	return nil
}

// startServers starts the documented-mode fake and, unless OPENSEARCH_URL
// names a real cluster, the SQL-plugin fake. The fakes accept the sample
// connection Secret's credentials.
func (d *demo) startServers(smp samples) error {
	user, pass, err := smp.adminCredentials()
	if err != nil {
		return err
	}
	if d.documented, err = startFake(fakeopensearch.ModeDocumented, "the documented-mode fake", user, pass); err != nil {
		return err
	}
	if u := os.Getenv("OPENSEARCH_URL"); u != "" {
		d.sqlplugin = newRealServer(u, os.Getenv("OPENSEARCH_USERNAME"), os.Getenv("OPENSEARCH_PASSWORD"), insecure())
	} else if d.sqlplugin, err = startFake(fakeopensearch.ModeSQLPlugin, "the SQL-plugin fake", user, pass); err != nil {
		return err
	}
	d.servers = map[string]server{d.documented.URL(): d.documented, strings.TrimRight(d.sqlplugin.URL(), "/"): d.sqlplugin}
	d.say("%s: %s", d.documented.Label(), d.documented.URL())
	d.say("%s: %s", d.sqlplugin.Label(), d.sqlplugin.URL())
	return nil
}

func (d *demo) closeServers() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if r, ok := d.sqlplugin.(*realServer); ok && len(r.retained) > 0 {
		d.say("removing what the tour retained on %s: %s", r.Label(), strings.Join(r.retained, ", "))
	}
	if d.sqlplugin != nil {
		d.sqlplugin.Close(ctx)
	}
	d.documented.Close(ctx)
}

// endpoints says how the demo's connections reach the two servers.
func (d *demo) endpoints() (endpoint, endpoint) {
	documented := endpoint{URL: d.documented.URL()}
	sqlplugin := endpoint{URL: d.sqlplugin.URL()}
	if _, real := d.sqlplugin.(*realServer); real {
		sqlplugin.Username, sqlplugin.Password = os.Getenv("OPENSEARCH_USERNAME"), os.Getenv("OPENSEARCH_PASSWORD")
		sqlplugin.Insecure = insecure()
	}
	return documented, sqlplugin
}

// tour applies the samples, shows them converge, and walks the lifecycle.
func (d *demo) tour(ctx context.Context, smp samples) error {
	objs, err := smp.objects(d.endpoints())
	if err != nil {
		return err
	}
	var want []types.NamespacedName
	for _, o := range objs {
		if err := d.c.Create(ctx, o); err != nil {
			return fmt.Errorf("creating %s %s: %w", o.GetKind(), client.ObjectKeyFromObject(o), err)
		}
		if o.GetKind() == "DataSource" {
			want = append(want, client.ObjectKeyFromObject(o))
		}
	}
	d.say("applied %s, %s and %s (namespaces %s, %s, analytics), connections resync every %s",
		sampleMySQL, samplePrometheus, sampleAnalytics, nsDocumented, nsSQLPlugin, demoResync)
	d.mysql, d.prometheus, d.analytics = keyIn(objs, nsDocumented), keyIn(objs, nsSQLPlugin), keyIn(objs, "analytics")
	d.converge(ctx, want)
	d.rotate(ctx)
	d.drift(ctx)
	d.removeProperty(ctx)
	d.deleteDataSource(ctx, "delete", d.prometheus)
	d.deleteDataSource(ctx, "retain", d.analytics)
	d.say("DataSources now:")
	_, _ = io.WriteString(d.out, renderTable(d.rows(ctx)))
	return ctx.Err()
}

// keyIn returns the key of the first DataSource in namespace ns.
func keyIn(objs []*unstructured.Unstructured, ns string) types.NamespacedName {
	for _, o := range objs {
		if o.GetKind() == "DataSource" && o.GetNamespace() == ns {
			return client.ObjectKeyFromObject(o)
		}
	}
	return types.NamespacedName{}
}

// result is nil when every step was observed, else an error naming each
// step that was not.
func (d *demo) result() error {
	if len(d.failed) == 0 {
		d.say("every step was observed")
		return nil
	}
	return fmt.Errorf("%d step(s) not observed:\n  %s", len(d.failed), strings.Join(d.failed, "\n  "))
}

// playground prints how to reach the demo and waits for Ctrl-C.
func (d *demo) playground(ctx context.Context, cp *testenv.ControlPlane, metricsAddr string) {
	if err := d.result(); err != nil {
		d.say("%v", err)
	}
	_, _ = fmt.Fprintf(d.out, `
The demo keeps running. From another terminal:

  export KUBECONFIG=%s
  kubectl get opensearch -A
  kubectl get osds -A -w

Servers (user name and password: the opensearch-admin Secret in %s):
  documented mode:  %s
  SQL-plugin side:  %s
Operator metrics:   http://%s/metrics

Press Ctrl-C to stop; everything the demo started is stopped and its files are removed.
`, cp.Kubeconfig, nsDocumented, d.documented.URL(), d.sqlplugin.URL(), metricsAddr)
	<-ctx.Done()
	_, _ = fmt.Fprintln(d.out)
	d.say("interrupted; stopping")
}

// logTo sends the manager's logs to a file in dir.
func logTo(dir string) (string, func(), error) {
	path := filepath.Join(dir, "manager.log")
	f, err := os.Create(path)
	if err != nil {
		return "", nil, err
	}
	logger := zap.New(zap.WriteTo(f))
	ctrl.SetLogger(logger)
	return path, func() { _ = f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func insecure() bool { return os.Getenv("OPENSEARCH_INSECURE") == "true" }

// policyMessage is the admission policy's own message in an API error.
func policyMessage(err string) string {
	const marker = "denied request: "
	if i := strings.Index(err, marker); i >= 0 {
		return err[i+len(marker):]
	}
	return err
}
