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

// Package helm tests the operator's packaging: the Helm chart rendered over
// a matrix of values, linted, and applied to a real API server (envtest)
// with a server-side dry run, and dist/install.yaml applied the same way.
// It is its own Go module so that the Helm SDK's dependencies stay out of
// the operator's go.mod.
package helm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// root is the repository root, relative to this package.
var root = filepath.Join("..", "..")

// chartDir is the chart under test.
var chartDir = filepath.Join(root, "charts", "opensearch-datasource-operator")

// releaseNamespace is where every test release is installed.
const releaseNamespace = "datasource-operator"

func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	c, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("loading the chart: %v", err)
	}
	return c
}

// render renders the chart as `helm template` does and returns its objects
// in file order.
func render(c *chart.Chart, values map[string]any) ([]*unstructured.Unstructured, error) {
	return renderAs(c, "ds", values)
}

// renderAs renders the chart as the release named release.
func renderAs(c *chart.Chart, release string, values map[string]any) ([]*unstructured.Unstructured, error) {
	vals, err := util.ToRenderValues(c, values, common.ReleaseOptions{
		Name: release, Namespace: releaseNamespace, Revision: 1, IsInstall: true,
	}, nil)
	if err != nil {
		return nil, err
	}
	files, err := engine.Render(c, vals)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if strings.HasSuffix(name, ".yaml") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var objs []*unstructured.Unstructured
	for _, name := range names {
		docs, err := decode(files[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w\n%s", name, err, files[name])
		}
		objs = append(objs, docs...)
	}
	return objs, nil
}

// decode splits a multi-document YAML stream into objects, skipping empty
// documents.
func decode(stream string) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(stream), 4096)
	var out []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(obj.Object) == 0 {
			continue
		}
		// Integers as the API server's objects carry them (int64, not float64).
		js, err := obj.MarshalJSON()
		if err != nil {
			return nil, err
		}
		if err := obj.UnmarshalJSON(js); err != nil {
			return nil, err
		}
		if obj.GetKind() == "" || obj.GetAPIVersion() == "" {
			return nil, fmt.Errorf("a document without apiVersion or kind: %v", obj.Object)
		}
		out = append(out, obj)
	}
}

// cluster is a real API server to dry-run objects against.
type cluster struct {
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
	kube   kubernetes.Interface
}

func newCluster(t *testing.T, cfg *rest.Config) *cluster {
	t.Helper()
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &cluster{dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc)), kube: kube}
}

// ensureNamespace creates a namespace for real: a dry run cannot create
// what later objects of the same rendering are dry-run into.
func (c *cluster) ensureNamespace(t *testing.T, name string) {
	t.Helper()
	_, err := c.kube.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// create creates an object for real (a CRD a rendering depends on).
func (c *cluster) create(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	ri, err := c.resource(obj)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ri.Create(context.Background(), obj, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	c.mapper.Reset()
}

func (c *cluster) resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", gvk, err)
	}
	if m.Scope.Name() == "namespace" {
		if obj.GetNamespace() == "" {
			return nil, fmt.Errorf("%s %s is namespaced but has no namespace (Helm and kubectl would put it in the caller's)", gvk.Kind, obj.GetName())
		}
		return c.dyn.Resource(m.Resource).Namespace(obj.GetNamespace()), nil
	}
	if obj.GetNamespace() != "" {
		return nil, fmt.Errorf("%s %s is cluster-scoped but sets namespace %q", gvk.Kind, obj.GetName(), obj.GetNamespace())
	}
	return c.dyn.Resource(m.Resource), nil
}

// dryRunApply server-side applies every object with dryRun=All, as Helm 4
// and `kubectl apply --server-side` do; the API server validates each one,
// including duplicate keys in lists merged by key.
func (c *cluster) dryRunApply(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, obj := range objs {
		if obj.GetKind() == "Namespace" {
			c.ensureNamespace(t, obj.GetName())
			continue
		}
		ri, err := c.resource(obj)
		if err != nil {
			t.Error(err)
			continue
		}
		if _, err := ri.Apply(context.Background(), obj.GetName(), obj, metav1.ApplyOptions{
			FieldManager: "packaging-test", Force: true, DryRun: []string{metav1.DryRunAll},
		}); err != nil {
			t.Errorf("server-side apply (dry run) of %s %s/%s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
	}
}

func requireAssets(t *testing.T) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver and etcd into bin/k8s/ and sets it")
	}
}

// find returns the objects of a kind, optionally with a name.
func find(objs []*unstructured.Unstructured, kind, name string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind && (name == "" || o.GetName() == name) {
			out = append(out, o)
		}
	}
	return out
}
