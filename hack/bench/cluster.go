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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
)

// cluster is envtest's kube-apiserver and etcd with the operator's CRDs and
// admission policy installed, a kubeconfig for the manager process, and the
// bench's own client.
type cluster struct {
	env        *envtest.Environment
	cfg        *rest.Config
	kubeconfig string
	c          client.Client
	// apiserver and etcd are the control plane's process ids, to read
	// their CPU time.
	apiserver, etcd int
}

// controlPlaneCPU is the CPU time kube-apiserver and etcd have used.
type controlPlaneCPU struct {
	APIServer float64 `json:"apiserverSeconds"`
	Etcd      float64 `json:"etcdSeconds"`
}

func (cl *cluster) cpu() (controlPlaneCPU, error) {
	a, err := processCPU(cl.apiserver)
	if err != nil {
		return controlPlaneCPU{}, err
	}
	e, err := processCPU(cl.etcd)
	return controlPlaneCPU{APIServer: a, Etcd: e}, err
}

func (c controlPlaneCPU) minus(earlier controlPlaneCPU) controlPlaneCPU {
	return controlPlaneCPU{APIServer: c.APIServer - earlier.APIServer, Etcd: c.Etcd - earlier.Etcd}
}

// startCluster starts kube-apiserver and etcd from assets, writes a
// cluster-admin kubeconfig into dir and installs config/crd and
// config/policy as `make install` does.
func startCluster(ctx context.Context, root, assets, dir string) (*cluster, error) {
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			return nil, fmt.Errorf("%s has no %s: run `make bench`, which builds it (make envtest-assets)", assets, bin)
		}
	}
	cl := &cluster{env: &envtest.Environment{BinaryAssetsDirectory: assets}}
	cfg, err := cl.env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting kube-apiserver and etcd: %w", err)
	}
	if err := cl.setUp(ctx, cfg, root, assets, dir); err != nil {
		_ = cl.env.Stop()
		return nil, err
	}
	return cl, nil
}

func (cl *cluster) setUp(ctx context.Context, cfg *rest.Config, root, assets, dir string) error {
	user, err := cl.env.AddUser(envtest.User{Name: "bench", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return err
	}
	data, err := user.KubeConfig()
	if err != nil {
		return err
	}
	cl.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(cl.kubeconfig, data, 0o600); err != nil {
		return err
	}
	// Both name etcd's URL on their command lines, which tells this
	// bench's control plane from any other on the machine.
	etcdURL := cl.env.ControlPlane.Etcd.URL.String()
	if cl.apiserver, err = findProcess("kube-apiserver", "--etcd-servers="+etcdURL); err != nil {
		return err
	}
	if cl.etcd, err = findProcess("etcd", "--listen-client-urls="+etcdURL); err != nil {
		return err
	}
	cl.cfg = rest.CopyConfig(cfg)
	// The bench creates tens of thousands of objects: no client-side
	// limit, the API server's own flow control decides.
	cl.cfg.QPS, cl.cfg.Burst = -1, 0
	if cl.c, err = client.New(cl.cfg, client.Options{Scheme: newScheme()}); err != nil {
		return err
	}
	return cl.install(ctx, root, assets)
}

func (cl *cluster) stop() error { return cl.env.Stop() }

// install applies the CRDs and the admission policy with kubectl, as
// `make install` does, and waits until both are in force.
func (cl *cluster) install(ctx context.Context, root, assets string) error {
	kubectl, err := findKubectl(assets)
	if err != nil {
		return err
	}
	for _, dir := range []string{"config/crd", "config/policy"} {
		cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", cl.kubeconfig, "apply", "--server-side", "-k", dir)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("kubectl apply --server-side -k %s: %w\n%s", dir, err, out)
		}
	}
	probe := policyProbe()
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		err := cl.c.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		return err != nil && strings.Contains(err.Error(), "spec.propertiesFrom"), nil
	})
	if err != nil {
		return errors.New("the CRDs and the admission policy were not in force within 30s")
	}
	return nil
}

// policyProbe breaks the admission policy's rule (a key in both properties
// and propertiesFrom); a dry run of it is refused once the policy is in
// force, so the bench measures with admission as users have it.
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

// findKubectl prefers kubectl on PATH and falls back to the one
// hack/envtest-assets.sh builds when the machine has none.
func findKubectl(assets string) (string, error) {
	if p, err := exec.LookPath("kubectl"); err == nil {
		return p, nil
	}
	p := filepath.Join(assets, "kubectl")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("kubectl is neither on PATH nor in KUBEBUILDER_ASSETS: run `make bench`, which builds it")
	}
	return p, nil
}

func newScheme() *runtime.Scheme {
	return controllers.ManagerOptions(ctrl.Options{}).Scheme
}
