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

// Package managerbin builds the manager binary and runs it as a process,
// as users deploy it, for the end-to-end suites.
package managerbin

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// Process is a running manager.
type Process struct {
	Cmd *exec.Cmd
	// Logs is everything the manager wrote to stdout and stderr.
	Logs *SyncBuffer
	// MetricsAddr and ProbeAddr are the loopback addresses it serves on.
	MetricsAddr, ProbeAddr string
	// Exited receives the manager's exit once.
	Exited <-chan error
}

// ControlPlane starts a kube-apiserver and etcd with the CRDs of the
// repository at root, and writes a cluster-admin kubeconfig for user that
// kubectl and the manager process can use. Both stop when the test ends.
func ControlPlane(t *testing.T, root, user string) (*rest.Config, string) {
	t.Helper()
	return ControlPlaneWithCRDs(t, filepath.Join(root, "config", "crd", "bases"), user)
}

// ControlPlaneWithCRDs is ControlPlane with the CRDs of crdDir, for a
// suite that starts from the CRDs an earlier release installed.
func ControlPlaneWithCRDs(t *testing.T, crdDir, user string) (*rest.Config, string) {
	t.Helper()
	cp := testenv.StartT(t, testenv.WithCRDs(crdDir), testenv.WithUser(user))
	return cp.Config, cp.Kubeconfig
}

// Start builds the manager from the repository at root and runs it against
// kubeconfig with free metrics and probe addresses and args. The process is
// killed when the test ends; its output is logged if the test failed.
func Start(t *testing.T, root, kubeconfig string, args ...string) *Process {
	t.Helper()
	return Run(t, Build(t, root), kubeconfig, args...)
}

// Build builds the manager from the repository at root and returns the
// binary's path, for suites that run several managers. buildFlags go to
// go build before the package, e.g. "-ldflags", "-X …".
func Build(t *testing.T, root string, buildFlags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "manager")
	args := append(append([]string{"build", "-o", bin}, buildFlags...), root)
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Run runs the manager binary bin as Start does.
func Run(t *testing.T, bin, kubeconfig string, args ...string) *Process {
	t.Helper()
	p := &Process{Logs: &SyncBuffer{}, MetricsAddr: FreeAddr(t), ProbeAddr: FreeAddr(t)}
	p.Cmd = exec.Command(bin, append([]string{"--kubeconfig", kubeconfig,
		"--metrics-bind-address", p.MetricsAddr, "--health-probe-bind-address", p.ProbeAddr}, args...)...)
	p.Cmd.Stdout, p.Cmd.Stderr = p.Logs, p.Logs
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- p.Cmd.Wait() }()
	p.Exited = exited
	t.Cleanup(func() {
		_ = p.Cmd.Process.Kill()
		if t.Failed() {
			t.Logf("manager output:\n%s", p.Logs.String())
		}
	})
	return p
}

// WaitFor waits up to 45 seconds for ok, failing the test early if the
// manager exits first.
func (p *Process) WaitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 45*time.Second, true,
		func(context.Context) (bool, error) {
			select {
			case err := <-p.Exited:
				t.Fatalf("the manager exited (%v) before %s", err, what)
			default:
			}
			return ok(), nil
		})
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// FreeAddr returns a loopback address nothing listens on right now.
func FreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// SyncBuffer collects output written by several goroutines (a process's
// stdout and stderr copiers).
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
