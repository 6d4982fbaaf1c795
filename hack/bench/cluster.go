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
	"fmt"
	"os"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// cluster is envtest's control plane with the operator's CRDs and
// admission policy installed, a kubeconfig for the manager process, and the
// bench's own client.
type cluster struct {
	*testenv.ControlPlane
	cfg        *rest.Config
	kubeconfig string
	c          client.Client
	// apiserver and etcd are the control plane's process ids, to read
	// their CPU time.
	apiserver, etcd int
}

// controlPlaneCPU is the CPU time kube-apiserver and etcd have used, and
// the bench's own process: the fake OpenSearch servers, the tracker that
// watches for Ready and, in the floor's runs, the floor's client. On a
// machine whose cores they all share, a run's time follows their sum.
type controlPlaneCPU struct {
	APIServer float64 `json:"apiserverSeconds"`
	Etcd      float64 `json:"etcdSeconds"`
	Bench     float64 `json:"benchSeconds"`
}

func (cl *cluster) cpu() (controlPlaneCPU, error) {
	var c controlPlaneCPU
	var err error
	for _, p := range []struct {
		pid int
		to  *float64
	}{{cl.apiserver, &c.APIServer}, {cl.etcd, &c.Etcd}, {os.Getpid(), &c.Bench}} {
		if *p.to, err = processCPU(p.pid); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (c controlPlaneCPU) minus(earlier controlPlaneCPU) controlPlaneCPU {
	return controlPlaneCPU{APIServer: c.APIServer - earlier.APIServer, Etcd: c.Etcd - earlier.Etcd, Bench: c.Bench - earlier.Bench}
}

// startCluster starts kube-apiserver and etcd from assets, writes a
// cluster-admin kubeconfig into dir and installs config/crd and
// config/policy as `make install` does.
func startCluster(ctx context.Context, root, assets, dir string) (*cluster, error) {
	cp, err := testenv.Start(assets, dir, "bench", "bench")
	if err != nil {
		return nil, err
	}
	cl := &cluster{ControlPlane: cp, kubeconfig: cp.Kubeconfig}
	if err := cl.setUp(ctx, root, assets); err != nil {
		_ = cp.Stop()
		return nil, err
	}
	return cl, nil
}

func (cl *cluster) setUp(ctx context.Context, root, assets string) error {
	// Both name etcd's URL on their command lines, which tells this
	// bench's control plane from any other on the machine.
	var err error
	etcdURL := cl.Env.ControlPlane.Etcd.URL.String()
	if cl.apiserver, err = findProcess("kube-apiserver", "--etcd-servers="+etcdURL); err != nil {
		return err
	}
	if cl.etcd, err = findProcess("etcd", "--listen-client-urls="+etcdURL); err != nil {
		return err
	}
	cl.cfg = rest.CopyConfig(cl.Config)
	// The bench creates tens of thousands of objects: no client-side
	// limit, the API server's own flow control decides.
	cl.cfg.QPS, cl.cfg.Burst = -1, 0
	if cl.c, err = client.New(cl.cfg, client.Options{Scheme: testenv.Scheme()}); err != nil {
		return err
	}
	kubectl, err := testenv.FindKubectl(assets, "bench")
	if err != nil {
		return err
	}
	_, err = cl.Install(ctx, root, kubectl, cl.c)
	return err
}

func (cl *cluster) stop() error { return cl.Stop() }

// describe names each process's CPU seconds and their sum, with the
// manager's when it ran.
func (c controlPlaneCPU) describe(manager float64) string {
	s := fmt.Sprintf("apiserver %.1fs, etcd %.1fs, bench %.1fs", c.APIServer, c.Etcd, c.Bench)
	if manager > 0 {
		s += fmt.Sprintf(", manager %.1fs", manager)
	}
	return s + fmt.Sprintf(", total %.1fs", c.sum(manager))
}

// sum is the CPU seconds of every process of a run: the control plane's,
// the bench's and the manager's (0 for a floor's run, which runs inside
// the bench).
func (c controlPlaneCPU) sum(manager float64) float64 {
	return c.APIServer + c.Etcd + c.Bench + manager
}
