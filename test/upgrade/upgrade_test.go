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

package upgrade

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// TestUpgradeKeepsWhatAnEarlierReleaseWrote upgrades in place from the
// release testdata/ was captured from: its CRDs hold its objects with the
// statuses its manager wrote, OpenSearch holds the data sources it wrote
// and adopted; then the current CRDs are applied and the current manager
// started. The objects must stay valid, the statuses be read as they are
// (every DataSource Ready without a single write to OpenSearch) and the
// ownership each status records be kept: adopted stays adopted, created
// stays created, nothing is deleted.
//
// One exception comes from how the test restores, not from the upgrade: a
// status fingerprint names the UID and resourceVersion of each Secret the
// DataSource reads, and a restored Secret gets new ones, as it would after
// a restore from backup (an in-place upgrade keeps them). Such a
// DataSource (secretBound) is written once, in place, with the same
// content; its ownership is checked like the others'.
func TestUpgradeKeepsWhatAnEarlierReleaseWrote(t *testing.T) {
	requireAssets(t)
	root := abs(t, filepath.Join("..", ".."))
	cfg, kubeconfig := managerbin.ControlPlaneWithCRDs(t, crdDir, "upgrade")
	c := newClient(t, cfg)
	fake := startFake(t)
	stored := seedStored(t, fake)
	objects := readObjects(t, objectsFile)
	restore(t, c, objects)

	installCRDs(t, c, filepath.Join(root, "config", "crd", "bases"))
	for _, obj := range objects {
		if obj.GetKind() == "Secret" {
			continue
		}
		live := get(t, c, obj)
		if err := c.Update(context.Background(), live); err != nil {
			t.Errorf("%s %s is not valid under the current CRD: %v", obj.GetKind(), obj.GetName(), err)
		}
		if err := c.Status().Update(context.Background(), get(t, c, obj)); err != nil {
			t.Errorf("the status of %s %s is not valid under the current CRD: %v", obj.GetKind(), obj.GetName(), err)
		}
	}

	fake.ResetCounts()
	mgr := managerbin.Start(t, root, kubeconfig, "--metrics-secure=false")
	for _, obj := range objects {
		if obj.GetKind() == "Secret" {
			continue
		}
		// The earlier release kept Reconciling=False in status; the current
		// one drops it when it reports, which shows it has taken the object
		// in hand and written all it was going to write.
		mgr.WaitFor(t, obj.GetKind()+" "+obj.GetName()+" reconciled by the current manager", func() bool {
			live := get(t, c, obj)
			ready := condition(live, "Ready")
			return condition(live, "Reconciling") == nil && ready != nil && ready["status"] == "True"
		})
	}

	for op, want := range map[fakeopensearch.Op]int{fakeopensearch.OpCreate: 0, fakeopensearch.OpUpdate: len(secretBound),
		fakeopensearch.OpPatch: 0, fakeopensearch.OpDelete: 0} {
		if n := fake.Count(op); n != want {
			t.Errorf("the current manager sent %d %s requests to OpenSearch, want %d: the earlier statuses say nothing else needs writing", n, op, want)
		}
	}
	for _, want := range stored {
		if got, ok := fake.Stored(want.Name); !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("data source %s after the upgrade: %+v (present: %v), want it untouched: %+v", want.Name, got, ok, want)
		}
	}
	if names := fake.StoredNames(); len(names) != len(stored) {
		t.Errorf("OpenSearch holds %v after the upgrade, want the %d data sources of before", names, len(stored))
	}
	for _, obj := range objects {
		if obj.GetKind() == "DataSource" {
			checkOwnership(t, obj, get(t, c, obj))
		}
	}
}

// secretBound are the DataSources of testdata/ whose spec reads a Secret.
var secretBound = map[string]bool{"created-with-secret": true}

// checkOwnership compares what a DataSource's status says it owns before
// and after the upgrade.
func checkOwnership(t *testing.T, before, after *unstructured.Unstructured) {
	t.Helper()
	name := before.GetName()
	if after.GetDeletionTimestamp() != nil || !slices.Equal(after.GetFinalizers(), before.GetFinalizers()) {
		t.Errorf("DataSource %s: deleting %v, finalizers %v; want %v and not deleting", name, after.GetDeletionTimestamp(), after.GetFinalizers(), before.GetFinalizers())
	}
	fields := [][]string{{"status", "adopted"}, {"status", "credentialKeys"},
		{"status", "connection", "kind"}, {"status", "connection", "name"}, {"status", "connection", "endpoint"}}
	if !secretBound[name] {
		fields = append(fields, []string{"status", "fingerprint"})
	}
	for _, field := range fields {
		want, _, _ := unstructured.NestedFieldNoCopy(before.Object, field...)
		got, _, _ := unstructured.NestedFieldNoCopy(after.Object, field...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DataSource %s: %v = %v after the upgrade, was %v", name, field, got, want)
		}
	}
	if reason := condition(after, "Ready")["reason"]; reason != "Synced" {
		t.Errorf("DataSource %s: Ready reason %v, want Synced", name, reason)
	}
}

// seedStored puts the data sources of testdata/opensearch.yaml into fake.
func seedStored(t *testing.T, fake *fakeopensearch.Server) []fakeopensearch.Document {
	t.Helper()
	var docs []fakeopensearch.Document
	for _, obj := range readObjects(t, storedFile) {
		data, err := yaml.Marshal(obj.Object)
		if err != nil {
			t.Fatal(err)
		}
		var doc fakeopensearch.Document
		if err := yaml.UnmarshalStrict(data, &doc); err != nil {
			t.Fatal(err)
		}
		fake.Seed(doc)
		stored, _ := fake.Stored(doc.Name)
		docs = append(docs, stored)
	}
	return docs
}

// restore creates the objects as they were, statuses included. In a real
// upgrade etcd keeps them with their UIDs; here they are created anew, so
// a status naming the UID of the connection it wrote through is given the
// new one, as the earlier manager would have written it.
func restore(t *testing.T, c client.Client, objects []*unstructured.Unstructured) {
	t.Helper()
	uids := map[string]string{} // kind/namespace/name, before -> now
	for _, obj := range objects {
		obj := obj.DeepCopy()
		status, hasStatus := obj.Object["status"]
		delete(obj.Object, "status")
		if err := c.Create(context.Background(), obj); err != nil {
			t.Fatalf("creating %s %s on the earlier CRDs: %v", obj.GetKind(), obj.GetName(), err)
		}
		uids[obj.GetKind()+"/"+obj.GetNamespace()+"/"+obj.GetName()] = string(obj.GetUID())
		if !hasStatus {
			continue
		}
		obj.Object["status"] = status
		if conn, ok, _ := unstructured.NestedMap(obj.Object, "status", "connection"); ok {
			ns := obj.GetNamespace()
			if conn["kind"] == "ClusterOpenSearchConnection" {
				ns = ""
			}
			uid := uids[conn["kind"].(string)+"/"+ns+"/"+conn["name"].(string)]
			if err := unstructured.SetNestedField(obj.Object, uid, "status", "connection", "uid"); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Status().Update(context.Background(), obj); err != nil {
			t.Fatalf("writing the status of %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
}

// installCRDs replaces the installed CRDs with those of dir, as
// `make install` or `helm upgrade` does, and waits until they are served.
func installCRDs(t *testing.T, c client.Client, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in %s (%v)", dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
		u.SetName(crd.Name)
		obj, err := toUnstructured(crd)
		if err != nil {
			t.Fatal(err)
		}
		// A kind the earlier release did not have is created, as kubectl
		// apply and helm upgrade do.
		err = c.Get(context.Background(), client.ObjectKeyFromObject(u), u)
		if apierrors.IsNotFound(err) {
			if err := c.Create(context.Background(), obj); err != nil {
				t.Fatalf("creating CRD %s: %v", crd.Name, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		obj.SetResourceVersion(u.GetResourceVersion())
		if err := c.Update(context.Background(), obj); err != nil {
			t.Fatalf("upgrading CRD %s: %v", crd.Name, err)
		}
	}
}

func toUnstructured(crd *apiextensionsv1.CustomResourceDefinition) (*unstructured.Unstructured, error) {
	data, err := yaml.Marshal(crd)
	if err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &obj.Object); err != nil {
		return nil, err
	}
	obj.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
	return obj, nil
}

func get(t *testing.T, c client.Client, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(obj.GroupVersionKind())
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), live); err != nil {
		t.Fatal(err)
	}
	return live
}
