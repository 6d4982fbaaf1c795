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

package argocd

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

var update = flag.Bool("update", false,
	"rewrite config/argocd/**/testdata and argocd-cm.yaml from this run (go test ./test/argocd -run 'TestCaptureTestdata|TestArgoCDConfigMap' -update)")

// frozenLabel hides an object from the manager's cache: objects created
// with it are never reconciled (a fresh object with no status), and an
// object labelled after a sync keeps its status while its spec moves on
// (generation ahead of observedGeneration). Adding a label does not bump
// the generation, so the status stays exactly as the operator wrote it.
const frozenLabel = "test.datasource-operator.io/frozen"

// pollTimeout bounds every wait; generous because CI machines are loaded.
const pollTimeout = 2 * time.Minute

// captured is one object the operator wrote, on its way to a testdata file.
type captured struct {
	kind, file string
	obj        *unstructured.Unstructured
	// origin is the file's header comment: how the object came to be.
	origin string
}

// TestCaptureTestdata runs the operator in envtest against the fake
// OpenSearch, drives objects into every state the health checks tell apart,
// and checks that each live object gets the health health_test.yaml
// declares for its testdata file. With -update it rewrites the testdata
// from this run, so the files are always objects the operator wrote.
// captureRuns numbers the managers this process starts.
var captureRuns atomic.Int32

func TestCaptureTestdata(t *testing.T) {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	cp := testenv.StartT(t)
	cfg, scheme, k8s := cp.Config, testenv.Scheme(), cp.Client(t)

	// One fake for most objects. Host blocked.example resolves into a
	// denied range, so a data source pointing there is refused with 400.
	fake, err := fakeopensearch.Start(fakeopensearch.Options{
		Username: "admin", Password: "admin-password",
		DenyList: []string{"10.0.0.0/8"},
		Resolver: func(host string) ([]net.IP, error) {
			if host == "blocked.example" {
				return []net.IP{net.IPv4(10, 1, 2, 3)}, nil
			}
			return []net.IP{fakeopensearch.DefaultResolvedIP}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	// A second fake that starts failing once its connection is Ready.
	flaky, err := fakeopensearch.Start(fakeopensearch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(flaky.Close)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	notFrozen, err := labels.NewRequirement(frozenLabel, selection.DoesNotExist, nil)
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  scheme,
		Cache:   cache.Options{DefaultLabelSelector: labels.NewSelector().Add(*notFrozen)},
		Metrics: metricsserver.Options{BindAddress: "0"},
		Client:  client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := controllers.Setup(ctx, mgr, controllers.Options{
		MetricsRegistry:     prometheus.NewRegistry(),
		DefaultResyncPeriod: 10 * time.Minute,
		// Controller names are unique per process, and -count runs this
		// test more than once in one.
		Name: fmt.Sprintf("capture-%d", captureRuns.Add(1)),
	}); err != nil {
		t.Fatal(err)
	}
	mgrDone := make(chan error, 1)
	go func() { mgrDone <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-mgrDone; err != nil {
			t.Errorf("manager: %v", err)
		}
	})

	h := &harness{t: t, ctx: ctx, k8s: k8s, mgr: mgr}
	h.apply(fmt.Sprintf(setupObjects, fake.URL(), closedPortURL(t), flaky.URL(), frozenLabel))

	// Connections first: the DataSources' states depend on theirs.
	h.waitReady("OpenSearchConnection", "team-a", "opensearch", "True", "")
	h.waitReady("OpenSearchConnection", "team-a", "wrong-password", "False", "")
	h.waitReady("OpenSearchConnection", "team-a", "unreachable", "False", "")
	h.waitReady("OpenSearchConnection", "team-a", "flaky", "True", "")
	h.waitReady("ClusterOpenSearchConnection", "", "shared-opensearch", "True", "")
	h.waitReady("ClusterOpenSearchConnection", "", "wrong-password", "False", "")

	h.apply(dataSources)
	h.waitReady("DataSource", "team-a", "synced", "True", v1alpha1.ReasonSynced)
	// Only now, so that synced wrote the data source first and keeps it.
	h.apply(conflicting)
	flaky.FailRate(1, fakeopensearch.Fault{Status: 503})
	h.apply(onFlaky)

	for _, w := range []struct{ name, status, reason string }{
		{"suspended", "False", v1alpha1.ReasonSuspended},
		{"connection-not-found", "False", v1alpha1.ReasonConnectionNotFound},
		{"connection-not-ready", "False", v1alpha1.ReasonConnectionNotReady},
		{"secret-not-found", "False", v1alpha1.ReasonSecretNotFound},
		{"secret-key-not-found", "False", v1alpha1.ReasonSecretKeyNotFound},
		{"namespace-not-allowed", "False", v1alpha1.ReasonNamespaceNotAllowed},
		{"invalid-spec", "False", v1alpha1.ReasonInvalidSpec},
		{"not-found", "False", v1alpha1.ReasonNotFound},
		{"rejected", "False", v1alpha1.ReasonRejected},
		{"conflict", "False", v1alpha1.ReasonConflict},
		{"unavailable", "False", v1alpha1.ReasonUnavailable},
		{"edited", "True", v1alpha1.ReasonSynced},
		{"retiring", "True", v1alpha1.ReasonSynced},
	} {
		h.waitReady("DataSource", "team-a", w.name, w.status, w.reason)
	}

	// Status older than the spec: hide each object from the manager, then
	// change its spec.
	h.freezeAndEdit("DataSource", "team-a", "edited", `{"spec":{"description":"edited after the last sync"}}`)
	h.freezeAndEdit("OpenSearchConnection", "team-a", "edited", `{"spec":{"requestTimeout":"20s"}}`)
	h.freezeAndEdit("ClusterOpenSearchConnection", "", "edited", `{"spec":{"requestTimeout":"20s"}}`)

	// A deletion OpenSearch refuses: the DataSource stays, Ready=False Deleting.
	fake.Forbid(fakeopensearch.ActionDelete)
	retiring := h.get("DataSource", "team-a", "retiring")
	if err := k8s.Delete(ctx, retiring); err != nil {
		t.Fatal(err)
	}
	h.waitReady("DataSource", "team-a", "retiring", "False", v1alpha1.ReasonDeleting)

	const real = "Captured from the operator in envtest by TestCaptureTestdata (test/argocd)."
	var all []captured
	add := func(kind, namespace, name, file, note string) *unstructured.Unstructured {
		obj := h.get(kind, namespace, name)
		origin := real
		if note != "" {
			origin += "\n" + note
		}
		all = append(all, captured{kind: kind, file: file, obj: obj, origin: origin})
		return obj
	}
	for _, name := range []string{
		"synced", "suspended", "connection-not-found", "connection-not-ready", "secret-not-found",
		"secret-key-not-found", "namespace-not-allowed", "invalid-spec", "not-found", "rejected",
		"conflict", "unavailable",
	} {
		add("DataSource", "team-a", name, name, "")
	}
	add("DataSource", "team-a", "fresh", "no-status", "Created with the label "+frozenLabel+", which the manager's cache excludes: never reconciled.")
	add("DataSource", "team-a", "edited", "generation-ahead",
		"Synced, then labelled "+frozenLabel+" (out of the manager's sight) and its spec edited: status describes generation 1.")
	add("DataSource", "team-a", "retiring", "deleting", "Deleted while OpenSearch refuses deletions (403 on the delete action).")
	for _, kind := range []string{"OpenSearchConnection", "ClusterOpenSearchConnection"} {
		ns := ""
		if kind == "OpenSearchConnection" {
			ns = "team-a"
		}
		add(kind, ns, "fresh", "no-status", "Created with the label "+frozenLabel+", which the manager's cache excludes: never reconciled.")
		add(kind, ns, "edited", "generation-ahead",
			"Connected, then labelled "+frozenLabel+" (out of the manager's sight) and its spec edited: status describes generation 1.")
		add(kind, ns, "wrong-password", "wrong-password", "Its Secret holds a password OpenSearch refuses.")
		connected := add(kind, ns, map[string]string{"OpenSearchConnection": "opensearch", "ClusterOpenSearchConnection": "shared-opensearch"}[kind], "connected", "")
		all = append(all, derive(kind, "probing", connected, "connected.yaml",
			"Ready set to Unknown (reason Probing, which the API defines for a first probe still running): the operator moves from no status to True or False in one write, so this state cannot be captured.",
			func(ready map[string]any) {
				ready["status"] = "Unknown"
				ready["reason"] = v1alpha1.ReasonProbing
				ready["message"] = "probing the endpoint"
			}))
	}
	add("OpenSearchConnection", "team-a", "unreachable", "unreachable", "Its endpoint is a closed local port.")
	all = append(all, derive("DataSource", "ready-unknown", h.get("DataSource", "team-a", "synced"), "synced.yaml",
		"Ready set to Unknown (reason Probing): the operator writes True or False on its first reconcile, so this state cannot be captured.",
		func(ready map[string]any) {
			ready["status"] = "Unknown"
			ready["reason"] = v1alpha1.ReasonProbing
			ready["message"] = "the first reconcile has not finished"
		}))
	all = append(all, derive("DataSource", "unknown-reason", h.get("DataSource", "team-a", "rejected"), "rejected.yaml",
		"Ready's reason replaced by one this operator version does not have, as a later version might add: such a reason must be Degraded, never stuck in Progressing.",
		func(ready map[string]any) { ready["reason"] = "SomeReasonAddedLater" }))

	h.check(all)
	if *update {
		for _, c := range all {
			writeTestdata(t, c)
		}
	}
}

// derive copies a captured object and edits its Ready condition, for a
// state the operator cannot be driven into on demand. The edit is named in
// the file's header so that no one mistakes it for a captured object.
func derive(kind, file string, from *unstructured.Unstructured, fromFile, why string, edit func(ready map[string]any)) captured {
	obj := from.DeepCopy()
	conditions, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conditions {
		if c := c.(map[string]any); c["type"] == v1alpha1.ConditionReady {
			edit(c)
		}
	}
	if err := unstructured.SetNestedSlice(obj.Object, conditions, "status", "conditions"); err != nil {
		panic(err)
	}
	return captured{kind: kind, file: file, obj: obj,
		origin: "Derived from testdata/" + fromFile + " (captured from the operator in envtest by TestCaptureTestdata) by editing status only.\n" + why}
}

type harness struct {
	t   *testing.T
	ctx context.Context
	k8s client.Client
	mgr ctrl.Manager
}

// apply creates every object of a multi-document YAML.
func (h *harness) apply(docs string) {
	h.t.Helper()
	objs, err := testenv.DecodeObjects(strings.NewReader(docs))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, obj := range objs {
		if err := h.k8s.Create(h.ctx, obj); err != nil {
			h.t.Fatalf("creating %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
}

func (h *harness) get(kind, namespace, name string) *unstructured.Unstructured {
	h.t.Helper()
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(kind))
	if err := h.k8s.Get(h.ctx, types.NamespacedName{Namespace: namespace, Name: name}, obj); err != nil {
		h.t.Fatalf("getting %s %s: %v", kind, name, err)
	}
	return obj
}

// poll calls cond until it holds or pollTimeout passes.
func (h *harness) poll(what string, cond func() (bool, string)) {
	h.t.Helper()
	deadline := time.Now().Add(pollTimeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; last seen: %s", what, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readyOf returns the Ready condition of obj and whether it describes the
// object's current generation.
func readyOf(obj *unstructured.Unstructured) (map[string]any, bool) {
	conditions, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	observed, _, _ := unstructured.NestedInt64(obj.Object, "status", "observedGeneration")
	for _, c := range conditions {
		if c := c.(map[string]any); c["type"] == v1alpha1.ConditionReady {
			return c, observed == obj.GetGeneration()
		}
	}
	return nil, false
}

// waitReady waits until the object's Ready condition, for its current
// generation, has the status and (when not empty) the reason.
func (h *harness) waitReady(kind, namespace, name, status, reason string) {
	h.t.Helper()
	h.poll(fmt.Sprintf("%s %s Ready=%s %s", kind, name, status, reason), func() (bool, string) {
		obj := &unstructured.Unstructured{}
		obj.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(kind))
		if err := h.k8s.Get(h.ctx, types.NamespacedName{Namespace: namespace, Name: name}, obj); err != nil {
			return false, err.Error()
		}
		ready, current := readyOf(obj)
		if ready == nil {
			return false, "no Ready condition"
		}
		return current && ready["status"] == status && (reason == "" || ready["reason"] == reason),
			fmt.Sprintf("%v %v: %v", ready["status"], ready["reason"], ready["message"])
	})
}

// freezeAndEdit labels an object out of the manager's sight, waits until
// the manager's cache has dropped it, and then patches its spec, so that
// metadata.generation moves past status.observedGeneration.
func (h *harness) freezeAndEdit(kind, namespace, name, specPatch string) {
	h.t.Helper()
	obj := h.get(kind, namespace, name)
	label := fmt.Sprintf(`{"metadata":{"labels":{%q:"true"}}}`, frozenLabel)
	if err := h.k8s.Patch(h.ctx, obj, client.RawPatch(types.MergePatchType, []byte(label))); err != nil {
		h.t.Fatal(err)
	}
	h.poll(kind+" "+name+" to leave the manager's cache", func() (bool, string) {
		cached := &unstructured.Unstructured{}
		cached.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind(kind))
		err := h.mgr.GetCache().Get(h.ctx, types.NamespacedName{Namespace: namespace, Name: name}, cached)
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
	before := obj.GetGeneration()
	if err := h.k8s.Patch(h.ctx, obj, client.RawPatch(types.MergePatchType, []byte(specPatch))); err != nil {
		h.t.Fatal(err)
	}
	if after := h.get(kind, namespace, name); after.GetGeneration() <= before {
		h.t.Fatalf("%s %s: generation %d did not move past %d", kind, name, after.GetGeneration(), before)
	}
}

// check evaluates each health.lua over the live objects and compares with
// the status health_test.yaml declares for the same testdata file; with
// -update, cases that health_test.yaml lacks are logged for review.
func (h *harness) check(all []captured) {
	h.t.Helper()
	scripts := map[string]string{}
	declared := map[string]health{}
	for _, kind := range kinds {
		scripts[kind] = readScript(h.t, kind)
		for _, tc := range readTests(h.t, kind).Tests {
			declared[kind+"/"+tc.InputPath] = tc.HealthStatus
		}
	}
	for _, c := range all {
		obj := c.obj.DeepCopy()
		// Numbers as the API server's objects carry them (int64).
		js, err := obj.MarshalJSON()
		if err != nil {
			h.t.Fatal(err)
		}
		if err := obj.UnmarshalJSON(js); err != nil {
			h.t.Fatal(err)
		}
		got, err := runHealth(scripts[c.kind], obj.Object)
		if err != nil {
			h.t.Errorf("%s %s: %v", c.kind, c.file, err)
			continue
		}
		key := c.kind + "/" + filepath.Join("testdata", c.file+".yaml")
		want, ok := declared[key]
		switch {
		case !ok && *update:
			h.t.Logf("%s is not in health_test.yaml; this run gives %+v", key, got)
		case !ok:
			h.t.Errorf("%s is captured but not in health_test.yaml", key)
		case got.Status != want.Status:
			h.t.Errorf("%s: the live object is %s (%s), health_test.yaml says %s", key, got.Status, got.Message, want.Status)
		}
	}
}

// writeTestdata writes an object as `kubectl get -o yaml` shows it (no
// managedFields), under a header saying where it came from.
func writeTestdata(t *testing.T, c captured) {
	t.Helper()
	obj := c.obj.DeepCopy()
	unstructured.RemoveNestedField(obj.Object, "metadata", "managedFields")
	body, err := yaml.Marshal(obj.Object)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, line := range strings.Split(c.origin, "\n") {
		out.WriteString("# " + line + "\n")
	}
	out.Write(body)
	path := filepath.Join(checksDir, c.kind, "testdata", c.file+".yaml")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// closedPortURL is an http URL nothing listens on: a port just released.
func closedPortURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}
