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

package managerbin_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// The stamp the test links into the binary, as the Makefile and the
// Dockerfile do.
const (
	stampVersion = "1.2.3-test"
	stampCommit  = "0123456789abcdef0123456789abcdef01234567"
	stampDate    = "2026-12-07T21:00:00Z"
	versionPkg   = "github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

func init() { ctrllog.SetLogger(logr.Discard()) }

func stampedManager(t *testing.T) (root, bin string) {
	t.Helper()
	root = testenv.Root(t)
	return root, managerbin.Build(t, root, "-ldflags",
		"-X "+versionPkg+".Version="+stampVersion+" -X "+versionPkg+".Commit="+stampCommit+" -X "+versionPkg+".BuildDate="+stampDate)
}

// TestManagerReportsItsStamp runs the stamped binary's version and help
// commands, which must answer and exit without a cluster.
func TestManagerReportsItsStamp(t *testing.T) {
	_, bin := stampedManager(t)
	wantVersion := "opensearch-datasource-operator " + stampVersion + " (commit " + stampCommit + ", built " + stampDate +
		", " + goruntime.Version() + ", " + goruntime.GOOS + "/" + goruntime.GOARCH + ")\n"
	for _, tc := range []struct {
		args     []string
		wantCode int
		check    func(stdout, stderr string) string // "" when right
	}{
		{args: []string{"--version"}, check: exactly(wantVersion)},
		{args: []string{"version"}, check: exactly(wantVersion)},
		{args: []string{"help"}, check: helpOn(true)},
		{args: []string{"--help"}, check: helpOn(false)}, // the flag package prints usage to stderr
		{args: []string{"hepl"}, wantCode: 2, check: func(_, stderr string) string {
			if !strings.Contains(stderr, `unknown command "hepl"`) {
				return "no unknown-command message"
			}
			return ""
		}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin, tc.args...)
		// No cluster: a manager that started instead of answering would
		// fail to find one, not hang or pass.
		cmd.Env = append(os.Environ(), "KUBECONFIG=/nonexistent")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("manager %s: %v", tc.args, err)
		}
		if code != tc.wantCode {
			t.Errorf("manager %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.wantCode, stdout.String(), stderr.String())
		}
		if problem := tc.check(stdout.String(), stderr.String()); problem != "" {
			t.Errorf("manager %s: %s\nstdout:\n%s\nstderr:\n%s", tc.args, problem, stdout.String(), stderr.String())
		}
	}
}

func exactly(want string) func(stdout, _ string) string {
	return func(stdout, _ string) string {
		if stdout != want {
			return "stdout is not " + want
		}
		return ""
	}
}

// helpOn checks that the help lists every subcommand and the flags, on
// stdout or on stderr.
func helpOn(stdout bool) func(string, string) string {
	return func(out, errOut string) string {
		if !stdout {
			out = errOut
		}
		for _, want := range []string{"manager export", "manager version", "manager help", "-metrics-bind-address", "-version"} {
			if !strings.Contains(out, want) {
				return "the help lacks " + want
			}
		}
		return ""
	}
}

// TestManagerNamesItsBuild runs the stamped binary against a real API
// server: the build_info metric carries the stamp, and the API server
// sees the operator's User-Agent, which it records as the field manager
// of what the manager writes (here a DataSource's finalizer and status).
// The leader-election Lease is not a witness: controller-runtime gives
// leader election a User-Agent of its own.
func TestManagerNamesItsBuild(t *testing.T) {
	testenv.Assets(t)
	root, bin := stampedManager(t)
	cfg, kubeconfig := managerbin.ControlPlane(t, root, "version-test")
	mgr := managerbin.Run(t, bin, kubeconfig, "--metrics-secure=false", "--leader-elect", "--leader-election-namespace", "default")

	want := `opensearch_datasource_operator_build_info{build_date="` + stampDate + `",commit="` + stampCommit +
		`",go_version="` + goruntime.Version() + `",version="` + stampVersion + `"} 1`
	var metrics string
	mgr.WaitFor(t, "the build_info metric", func() bool {
		metrics = get("http://" + mgr.MetricsAddr + "/metrics")
		return strings.Contains(metrics, want)
	})

	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	// Its connection does not exist: the manager still takes it in hand and
	// says so in status, which is all this test needs it to write.
	ds := &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "ua"},
		Spec:       v1alpha1.DataSourceSpec{ConnectionRef: v1alpha1.ConnectionReference{Name: "missing"}, DataSourceParameters: v1alpha1.DataSourceParameters{Name: "ua", Connector: "prometheus"}},
	}
	if err := c.Create(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	const agent = "opensearch-datasource-operator"
	var managers []string
	mgr.WaitFor(t, "the manager's writes to the DataSource", func() bool {
		managers = nil
		if err := c.Get(context.Background(), client.ObjectKeyFromObject(ds), ds); err != nil {
			return false
		}
		for _, f := range ds.ManagedFields {
			managers = append(managers, f.Manager+"/"+f.Subresource)
		}
		return slices.Contains(managers, agent+"/status")
	})
	if !slices.Contains(managers, agent+"/") {
		t.Errorf("field managers %v: the finalizer was not written as %s", managers, agent)
	}
}

func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
