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

package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// T is what the helpers need of a test: *testing.T and Ginkgo's GinkgoT()
// both are one.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}

// assetsEnv is the variable envtest reads for kube-apiserver and etcd.
const assetsEnv = "KUBEBUILDER_ASSETS"

// missingAssets says how to get the binaries a suite needs.
const missingAssets = assetsEnv + " is not set: run `make test`, which builds kube-apiserver and etcd into bin/k8s/ and sets it " +
	"(or set " + assetsEnv + "=$(pwd)/bin/k8s/<version> after `make envtest-assets`)"

// Assets is the folder of kube-apiserver, etcd (and a kubectl, when the
// machine has none) that make test provides, or fails t saying how to get
// it: a suite that needs a real API server must not pass by skipping.
func Assets(t T) string {
	t.Helper()
	assets := os.Getenv(assetsEnv)
	if assets == "" {
		t.Fatalf("%s", missingAssets)
	}
	return assets
}

// Root is the repository's root: the nearest folder upwards of the test's
// working directory that holds go.mod.
func Root(t T) string {
	t.Helper()
	root, err := RepoRoot("tests")
	if err != nil {
		t.Fatalf("%v", err)
	}
	return root
}

// CRDDir is the folder of the CRDs make manifests generates.
func CRDDir(t T) string {
	t.Helper()
	return filepath.Join(Root(t), "config", "crd", "bases")
}

// Option changes what StartT starts.
type Option func(*options)

type options struct {
	crdDirs []string
	user    string
}

// WithCRDs installs the CRDs of dirs instead of the repository's own:
// those of an earlier release, say.
func WithCRDs(dirs ...string) Option { return func(o *options) { o.crdDirs = dirs } }

// WithoutCRDs starts an empty API server, for a suite that installs the
// CRDs itself as users do.
func WithoutCRDs() Option { return func(o *options) { o.crdDirs = nil } }

// WithUser names the cluster-admin the kubeconfig file is for.
func WithUser(name string) Option { return func(o *options) { o.user = name } }

// StartT starts a control plane for t, with the repository's CRDs unless
// an option says otherwise, and stops it when t ends. Its Kubeconfig
// serves the real kubectl and manager processes.
func StartT(t T, opts ...Option) *ControlPlane {
	t.Helper()
	cp, err := New(opts...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	return cp
}

// New is StartT for a TestMain, which has no T: the caller stops the
// control plane.
func New(opts ...Option) (*ControlPlane, error) {
	assets := os.Getenv(assetsEnv)
	if assets == "" {
		return nil, errors.New(missingAssets)
	}
	root, err := RepoRoot("tests")
	if err != nil {
		return nil, err
	}
	o := options{user: "test", crdDirs: []string{filepath.Join(root, "config", "crd", "bases")}}
	for _, opt := range opts {
		opt(&o)
	}
	dir, err := os.MkdirTemp("", "testenv-")
	if err != nil {
		return nil, err
	}
	cp, err := Start(assets, dir, o.user, "test", o.crdDirs...)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	cp.tempDir = dir
	return cp, nil
}

// Client is a client of cp with Scheme, or fails t.
func (cp *ControlPlane) Client(t T) client.Client {
	t.Helper()
	c, err := client.New(cp.Config, client.Options{Scheme: Scheme()})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return c
}

// Kubectl is the kubectl the suites run: the machine's, else the one make
// test builds beside kube-apiserver.
func Kubectl(t T) string {
	t.Helper()
	k, err := FindKubectl(Assets(t), "test")
	if err != nil {
		t.Fatalf("%v", err)
	}
	return k
}

// DecodeObjects decodes a stream of YAML (or JSON) documents into objects,
// skipping empty documents.
func DecodeObjects(r io.Reader) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := dec.Decode(&obj.Object)
		switch {
		case errors.Is(err, io.EOF):
			return objs, nil
		case err != nil:
			return objs, fmt.Errorf("decoding document %d: %w", len(objs)+1, err)
		case len(obj.Object) == 0:
			continue
		}
		objs = append(objs, obj)
	}
}

// DecodeFile is DecodeObjects of the file at path, or fails t.
func DecodeFile(t T, path string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	objs, err := DecodeObjects(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return objs
}
