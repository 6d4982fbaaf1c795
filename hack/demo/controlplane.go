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
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
)

// controlPlane is envtest's kube-apiserver and etcd, with a kubeconfig
// file the real kubectl can use.
type controlPlane struct {
	env        *envtest.Environment
	cfg        *rest.Config
	kubeconfig string
}

// startControlPlane starts kube-apiserver and etcd from KUBEBUILDER_ASSETS
// and writes a cluster-admin kubeconfig into dir.
func startControlPlane(assets, dir string) (*controlPlane, error) {
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			return nil, fmt.Errorf("%s has no %s: run `make demo`, which builds it (make envtest-assets)", assets, bin)
		}
	}
	cp := &controlPlane{env: &envtest.Environment{BinaryAssetsDirectory: assets}}
	cfg, err := cp.env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting kube-apiserver and etcd: %w", err)
	}
	cp.cfg = cfg
	user, err := cp.env.AddUser(envtest.User{Name: "demo", Groups: []string{"system:masters"}}, nil)
	if err == nil {
		var data []byte
		if data, err = user.KubeConfig(); err == nil {
			cp.kubeconfig = filepath.Join(dir, "kubeconfig")
			err = os.WriteFile(cp.kubeconfig, data, 0o600)
		}
	}
	if err != nil {
		_ = cp.env.Stop()
		return nil, fmt.Errorf("writing a kubeconfig: %w", err)
	}
	return cp, nil
}

func (cp *controlPlane) stop() error { return cp.env.Stop() }

// install applies the CRDs and the admission policy with kubectl, as
// `make install` does.
func (cp *controlPlane) install(ctx context.Context, root, kubectl string) error {
	for _, dir := range []string{"config/crd", "config/policy"} {
		cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", cp.kubeconfig, "apply", "--server-side", "-k", dir)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("kubectl apply --server-side -k %s: %w\n%s", dir, err, out)
		}
	}
	return nil
}

// findKubectl prefers kubectl on PATH and falls back to the one
// hack/envtest-assets.sh builds when the machine has none.
func findKubectl(assets string) (string, error) {
	if p, err := exec.LookPath("kubectl"); err == nil {
		return p, nil
	}
	p := filepath.Join(assets, "kubectl")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("kubectl is neither on PATH nor in KUBEBUILDER_ASSETS: run `make demo`, which builds it")
	}
	return p, nil
}

func newScheme() *runtime.Scheme {
	return controllers.ManagerOptions(ctrl.Options{}).Scheme
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

// waitInstalled waits until the CRDs serve and the admission policy refuses
// its probe (dry run, so nothing is stored); it returns the refusal.
func waitInstalled(ctx context.Context, c client.Client) (string, error) {
	var refusal string
	ok := poll(ctx, 30*time.Second, func() bool {
		err := c.Create(ctx, policyProbe(), client.DryRunAll)
		if err != nil && strings.Contains(err.Error(), "spec.propertiesFrom") {
			refusal = err.Error()
			return true
		}
		return false
	})
	if !ok {
		return "", errors.New("the CRDs and the admission policy were not in force within 30s")
	}
	return refusal, nil
}

// startManager runs the operator's controllers in this process, set up by
// controllers.Setup as main.go does, with the manager options main.go uses.
// The returned function stops the manager and waits for it.
func startManager(cfg *rest.Config, metricsAddr string) (func() error, error) {
	mgr, err := ctrl.NewManager(cfg, controllers.ManagerOptions(ctrl.Options{
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: "0",
	}))
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := controllers.Setup(ctx, mgr, controllers.Options{}); err != nil {
		cancel()
		return nil, fmt.Errorf("setting up the controllers: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("the manager did not stop within 30s")
		}
	}, nil
}

// freeAddr returns a local address nothing listens on right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
