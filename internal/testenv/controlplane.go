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

// Package testenv is the one place a real kube-apiserver and etcd
// (envtest's) are started: for the test suites, the demo and the
// benchmark. It installs the operator's CRDs (directly, or with the real
// kubectl and the admission policy, as `make install` does on a cluster),
// writes kubeconfig files for the real kubectl and manager processes, and
// decodes the project's manifests.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// ControlPlane is a running kube-apiserver and etcd, with a cluster-admin
// kubeconfig file the real kubectl and a manager process can use.
type ControlPlane struct {
	Env        *envtest.Environment
	Config     *rest.Config
	Kubeconfig string
	// tempDir, when set, is removed by Stop: New made it for the
	// kubeconfig.
	tempDir string
}

// Start starts kube-apiserver and etcd from assets and writes a
// cluster-admin kubeconfig for user into dir. makeTarget names the make
// target that builds the binaries, for the error when they are missing.
// crdDirs are installed before Start returns.
func Start(assets, dir, user, makeTarget string, crdDirs ...string) (*ControlPlane, error) {
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			return nil, fmt.Errorf("%s has no %s: run `make %s`, which builds it (make envtest-assets)", assets, bin, makeTarget)
		}
	}
	cp := &ControlPlane{Env: &envtest.Environment{BinaryAssetsDirectory: assets, CRDDirectoryPaths: crdDirs,
		ErrorIfCRDPathMissing: len(crdDirs) > 0}}
	cfg, err := cp.Env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting kube-apiserver and etcd: %w", err)
	}
	cp.Config = cfg
	if err := cp.writeKubeconfig(dir, user); err != nil {
		_ = cp.Env.Stop()
		return nil, fmt.Errorf("writing a kubeconfig: %w", err)
	}
	return cp, nil
}

func (cp *ControlPlane) writeKubeconfig(dir, name string) error {
	user, err := cp.Env.AddUser(envtest.User{Name: name, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return err
	}
	data, err := user.KubeConfig()
	if err != nil {
		return err
	}
	cp.Kubeconfig = filepath.Join(dir, "kubeconfig")
	return os.WriteFile(cp.Kubeconfig, data, 0o600)
}

// Stop stops kube-apiserver and etcd.
func (cp *ControlPlane) Stop() error {
	err := cp.Env.Stop()
	if cp.tempDir != "" {
		_ = os.RemoveAll(cp.tempDir)
	}
	return err
}

// Install applies config/crd and config/policy under root with kubectl, as
// `make install` does, then waits until both are in force: the CRDs serve
// and the admission policy refuses a probe that breaks its rule (a dry
// run, so nothing is stored). It returns the policy's refusal.
func (cp *ControlPlane) Install(ctx context.Context, root, kubectl string, c client.Client) (string, error) {
	for _, dir := range []string{"config/crd", "config/policy"} {
		cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", cp.Kubeconfig, "apply", "--server-side", "-k", dir)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("kubectl apply --server-side -k %s: %w\n%s", dir, err, out)
		}
	}
	var refusal string
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		err := c.Create(ctx, policyProbe(), client.DryRunAll)
		if err != nil && strings.Contains(err.Error(), "spec.propertiesFrom") {
			refusal = err.Error()
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return "", errors.New("the CRDs and the admission policy were not in force within 30s")
	}
	return refusal, cp.refreshDiscovery(ctx, kubectl)
}

// refreshDiscovery makes kubectl's on-disk discovery cache list the CRDs.
// The applies above filled it before the CRDs existed, and kubectl trusts
// it for hours: `kubectl get opensearch -A` (a category) would fail with
// "the server doesn't have a resource type". `kubectl api-resources`
// always re-reads the server and rewrites the cache; it is repeated until
// the CRDs appear, since discovery follows them by a moment.
func (cp *ControlPlane) refreshDiscovery(ctx context.Context, kubectl string) error {
	want := "datasources." + v1alpha1.GroupVersion.Group
	var out []byte
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", cp.Kubeconfig, "api-resources", "-o", "name")
		var err error
		out, err = cmd.CombinedOutput()
		return err == nil && strings.Contains(string(out), want), nil
	})
	if err != nil {
		return fmt.Errorf("kubectl api-resources did not list %s within 30s:\n%s", want, out)
	}
	return nil
}

// policyProbe breaks the admission policy's rule: a key in both properties
// and propertiesFrom.
func policyProbe() *v1alpha1.DataSource {
	ds := &v1alpha1.DataSource{}
	ds.Namespace, ds.Name = "default", "policy-probe"
	ds.Spec.ConnectionRef.Name = "opensearch"
	ds.Spec.Connector = "prometheus"
	ds.Spec.Properties = map[string]apiextensionsv1.JSON{"k": {Raw: []byte(`"v"`)}}
	ds.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{{Key: "k"}}
	ds.Spec.PropertiesFrom[0].SecretKeyRef.Name, ds.Spec.PropertiesFrom[0].SecretKeyRef.Key = "s", "k"
	return ds
}

// FindKubectl prefers kubectl on PATH and falls back to the one
// hack/envtest-assets.sh builds into assets when the machine has none.
func FindKubectl(assets, makeTarget string) (string, error) {
	if p, err := exec.LookPath("kubectl"); err == nil {
		return p, nil
	}
	p := filepath.Join(assets, "kubectl")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("kubectl is neither on PATH nor in KUBEBUILDER_ASSETS: run `make %s`, which builds it", makeTarget)
	}
	return p, nil
}

// Scheme holds the kinds the project's tests and tools read and write:
// core Kubernetes, CustomResourceDefinitions and the operator's own.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(apiextensionsv1.AddToScheme(s))
	utilruntime.Must(v1alpha1.AddToScheme(s))
	return s
}

// RepoRoot is the nearest directory upwards of the working directory that
// holds go.mod; program names the command for the error outside it.
func RepoRoot(program string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run the %s inside the repository (no go.mod found upwards)", program)
		}
		dir = parent
	}
}
