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

package secretwatch

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientfeatures "k8s.io/client-go/features"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

var (
	controlPlane *testenv.ControlPlane
	cfg          *rest.Config
)

func TestMain(m *testing.M) {
	cp, err := testenv.New(testenv.WithoutCRDs())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	controlPlane, cfg = cp, cp.Config
	code := m.Run()
	if err := cp.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// requests counts what the watcher asks of the API server about Secrets.
type requests struct {
	mu      sync.Mutex
	watches int
	gets    int
	// limits are the page sizes the lists asked for, "" for none.
	limits []string
	// versions are the resourceVersions the GETs asked for, "" for a
	// quorum read.
	versions []string
}

func (r *requests) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if strings.Contains(req.URL.Path, "/secrets") {
			r.mu.Lock()
			switch {
			case req.URL.Query().Get("watch") == "true":
				r.watches++
			case strings.HasSuffix(req.URL.Path, "/secrets"):
				r.limits = append(r.limits, req.URL.Query().Get("limit"))
			case !strings.HasSuffix(req.URL.Path, "/secrets"):
				r.gets++
				r.versions = append(r.versions, req.URL.Query().Get("resourceVersion"))
			}
			r.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

func (r *requests) counts() (watches, gets int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.watches, r.gets
}

func (r *requests) lastVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.versions) == 0 {
		return "<no GET>"
	}
	return r.versions[len(r.versions)-1]
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// harness is a started watcher whose owners of kind "Test" receive their
// events on events, and a client to change Secrets with.
type harness struct {
	w        *Watcher
	k8s      kubernetes.Interface
	requests *requests
	events   <-chan event.GenericEvent
}

// start runs a watcher as the envtest administrator, who may watch Secrets
// in every namespace.
func start(t *testing.T) *harness { return startAs(t, cfg) }

func startAs(t *testing.T, as *rest.Config) *harness {
	t.Helper()
	return startWith(t, as, func(*Watcher) {})
}

func startWith(t *testing.T, as *rest.Config, configure func(*Watcher)) *harness {
	t.Helper()
	reqs := &requests{}
	counted := rest.CopyConfig(as)
	counted.WrapTransport = reqs.wrap
	w := New(kubernetes.NewForConfigOrDie(counted), metadata.NewForConfigOrDie(counted))
	configure(w)
	events := w.Subscribe("Test", func(nn types.NamespacedName) event.GenericEvent {
		return event.GenericEvent{Object: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name}}}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Start(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	<-w.started
	return &harness{w: w, k8s: kubernetes.NewForConfigOrDie(cfg), requests: reqs, events: events}
}

func newNamespace(t *testing.T, h *harness) string {
	t.Helper()
	ns, err := h.k8s.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "secretwatch-"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func (h *harness) put(t *testing.T, ns, name, value string) {
	t.Helper()
	ctx := context.Background()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string][]byte{"password": []byte(value)}}
	_, err := h.k8s.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{})
	if err != nil {
		_, err = h.k8s.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (h *harness) get(t *testing.T, owner string, nn types.NamespacedName) *corev1.Secret {
	t.Helper()
	s, err := h.w.Get(context.Background(), testOwner(nn.Namespace, owner), nn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testOwner(ns, name string) Owner {
	return Owner{Kind: "Test", NamespacedName: types.NamespacedName{Namespace: ns, Name: name}}
}

// expectEvents waits for events for exactly the owners named, then checks
// that no other event follows within a short while.
func (h *harness) expectEvents(t *testing.T, owners ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, o := range owners {
		want[o] = true
	}
	got := map[string]bool{}
	deadline := time.After(10 * time.Second)
	for len(got) < len(want) {
		select {
		case ev := <-h.events:
			name := ev.Object.GetName()
			if !want[name] {
				t.Fatalf("event for %s, want only %v", name, owners)
			}
			got[name] = true
		case <-deadline:
			t.Fatalf("events for %v, want %v", got, owners)
		}
	}
	select {
	case ev := <-h.events:
		if !want[ev.Object.GetName()] {
			t.Fatalf("event for %s, want only %v", ev.Object.GetName(), owners)
		}
	case <-time.After(500 * time.Millisecond):
	}
}

// readMany reads n Secrets in ns and one in other, each for its own owner,
// and checks that each was read with one GET, and not again while
// unchanged.
func readMany(t *testing.T, h *harness, ns, other string, n int) {
	t.Helper()
	for i := range n {
		h.put(t, ns, fmt.Sprintf("s%d", i), fmt.Sprintf("v%d", i))
	}
	h.put(t, other, "s", "v")
	for i := range n {
		nn := types.NamespacedName{Namespace: ns, Name: fmt.Sprintf("s%d", i)}
		if s := h.get(t, fmt.Sprintf("o%d", i), nn); s == nil || string(s.Data["password"]) != fmt.Sprintf("v%d", i) {
			t.Fatalf("Get(%s) = %v", nn, s)
		}
	}
	if s := h.get(t, "o", types.NamespacedName{Namespace: other, Name: "s"}); s == nil {
		t.Fatal("Secret in the second namespace not found")
	}
	if _, gets := h.requests.counts(); gets != n+1 {
		t.Fatalf("%d GET requests for %d Secrets read once", gets, n+1)
	}
	for i := range n {
		h.get(t, fmt.Sprintf("o%d", i), types.NamespacedName{Namespace: ns, Name: fmt.Sprintf("s%d", i)})
	}
	if _, gets := h.requests.counts(); gets != n+1 {
		t.Fatalf("reading %d unchanged Secrets again made %d GET requests", n, gets-n-1)
	}
	if h.w.Watched() != n+1 {
		t.Fatalf("Watched() = %d, want %d", h.w.Watched(), n+1)
	}
}

func TestOneWatchHowManySecretsSoEver(t *testing.T) {
	h := start(t)
	const n = 60
	readMany(t, h, newNamespace(t, h), newNamespace(t, h), n)
	if watches, _ := h.requests.counts(); h.w.Watches() != 1 || watches != 1 {
		t.Fatalf("%d Secrets referenced in 2 namespaces: Watches()=%d and %d watch requests, want 1 and 1",
			n+1, h.w.Watches(), watches)
	}
}

// The first list of Secret metadata is read in pages, whatever the
// reflector asks for, and still sees every referenced Secret. The manager
// lists and then watches (it turns client-go's streaming lists off), and
// so does this test.
func TestFirstListIsPaged(t *testing.T) {
	gates := clientfeatures.FeatureGates()
	clientfeatures.ReplaceFeatureGates(listThenWatch{gates})
	t.Cleanup(func() { clientfeatures.ReplaceFeatureGates(gates) })
	h := startPaged(t, 10)
	ns := newNamespace(t, h)
	for i := range 35 {
		h.put(t, ns, fmt.Sprintf("s%02d", i), "v")
	}
	h.put(t, ns, "referenced", "before")
	if s := h.get(t, "o", types.NamespacedName{Namespace: ns, Name: "referenced"}); string(s.Data["password"]) != "before" {
		t.Fatalf("Get = %v", s)
	}
	h.requests.mu.Lock()
	limits := slices.Clone(h.requests.limits)
	h.requests.mu.Unlock()
	if len(limits) < 4 || slices.ContainsFunc(limits, func(l string) bool { return l != "10" }) {
		t.Fatalf("list requests asked for pages of %q; want at least 4 pages of 10 for 36 Secrets", limits)
	}
	h.put(t, ns, "referenced", "after")
	h.expectEvents(t, "o")
}

// listThenWatch is client-go's feature gates with streaming lists off.
type listThenWatch struct{ clientfeatures.Gates }

func (g listThenWatch) Enabled(f clientfeatures.Feature) bool {
	return f != clientfeatures.WatchListClient && g.Gates.Enabled(f)
}

// startPaged starts a watcher whose lists ask for pageSize Secrets at a
// time.
func startPaged(t *testing.T, pageSize int64) *harness {
	t.Helper()
	return startWith(t, cfg, func(w *Watcher) { w.pageSize = pageSize })
}

func TestOneWatchPerNamespaceWithoutClusterWideRBAC(t *testing.T) {
	admin := start(t)
	ns, other := newNamespace(t, admin), newNamespace(t, admin)
	h := startAs(t, secretReaderIn(t, admin, ns, other))
	const n = 30
	readMany(t, h, ns, other, n)
	if watches, _ := h.requests.counts(); h.w.Watches() != 2 || watches != 2 {
		t.Fatalf("%d Secrets referenced in 2 namespaces: Watches()=%d and %d watch requests, want 2 and 2",
			n+1, h.w.Watches(), watches)
	}
	h.put(t, other, "s", "changed")
	h.expectEvents(t, "o")
}

// secretReaderIn returns the config of a user who may read Secrets in the
// namespaces given and nowhere else, as the chart grants a manager limited
// to some namespaces.
func secretReaderIn(t *testing.T, admin *harness, namespaces ...string) *rest.Config {
	t.Helper()
	ctx := context.Background()
	name := "secret-reader-" + namespaces[0]
	user, err := controlPlane.Env.AddUser(envtest.User{Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range namespaces {
		role := &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "secret-reader"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list", "watch"}}},
		}
		if _, err := admin.k8s.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		binding := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "secret-reader"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "secret-reader"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}},
		}
		if _, err := admin.k8s.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return user.Config()
}

func TestChangeTellsItsOwnersOnly(t *testing.T) {
	h := start(t)
	ns := newNamespace(t, h)
	h.put(t, ns, "a", "1")
	h.put(t, ns, "b", "1")
	h.put(t, ns, "unrelated", "1")
	a, b := types.NamespacedName{Namespace: ns, Name: "a"}, types.NamespacedName{Namespace: ns, Name: "b"}
	h.get(t, "owner-a1", a)
	h.get(t, "owner-a2", a)
	h.get(t, "owner-b", b)
	h.expectEvents(t)

	h.put(t, ns, "a", "2")
	h.expectEvents(t, "owner-a1", "owner-a2")
	if s := h.get(t, "owner-a1", a); string(s.Data["password"]) != "2" {
		t.Fatalf("after the change Get returns %q", s.Data["password"])
	}

	h.put(t, ns, "unrelated", "2")
	h.expectEvents(t)
	if h.w.Watched() != 2 {
		t.Fatalf("Watched() = %d, want the 2 referenced Secrets only", h.w.Watched())
	}
}

// A Secret whose version the watch has reported is read at that version,
// which the API server answers from its cache; one the watch has not
// reported is read from etcd.
func TestReadsAtTheVersionTheWatchReported(t *testing.T) {
	h := start(t)
	ns := newNamespace(t, h)
	a := types.NamespacedName{Namespace: ns, Name: "a"}
	h.put(t, ns, "a", "1")
	h.get(t, "owner", a)
	// This Get started the namespace's watch, whose list reported a.
	first := h.requests.lastVersion()
	if first == "" {
		t.Fatal("the first read after the list asked etcd; want the listed version")
	}

	h.put(t, ns, "a", "2")
	h.expectEvents(t, "owner")
	s := h.get(t, "owner", a)
	if string(s.Data["password"]) != "2" {
		t.Fatalf("after the change Get returns %q", s.Data["password"])
	}
	if got := h.requests.lastVersion(); got != s.ResourceVersion {
		t.Fatalf("the read after the change asked for version %q, want the reported %q", got, s.ResourceVersion)
	}

	// b is referenced after the list went by: nothing reported its version.
	h.put(t, ns, "b", "1")
	h.get(t, "owner", types.NamespacedName{Namespace: ns, Name: "b"})
	if got := h.requests.lastVersion(); got != "" {
		t.Fatalf("a Secret the watch never reported was read at version %q, want a quorum read", got)
	}
}

// A replica of the API server whose cache is behind the reported version
// refuses the read; the watcher then reads from etcd.
func TestReadFallsBackWhenTheCacheIsBehind(t *testing.T) {
	nn := types.NamespacedName{Namespace: "ns", Name: "s"}
	kube := fake.NewClientset(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name, ResourceVersion: "7"}})
	var asked []string
	kube.PrependReactor("get", "secrets", func(action k8stesting.Action) (bool, runtime.Object, error) {
		rv := action.(k8stesting.GetActionImpl).GetOptions.ResourceVersion
		asked = append(asked, rv)
		if rv != "" {
			return true, nil, tooLargeResourceVersion(rv)
		}
		return false, nil, nil
	})
	w := New(kube, nil)
	got, err := w.read(context.Background(), nn, "9")
	if err != nil {
		t.Fatal(err)
	}
	if got.ResourceVersion != "7" || !slices.Equal(asked, []string{"9", ""}) {
		t.Fatalf("read %v asking for versions %q; want version 7 after asking for \"9\" then a quorum read", got, asked)
	}
}

// tooLargeResourceVersion is what a lagging API server answers.
func tooLargeResourceVersion(rv string) error {
	err := apierrors.NewTimeoutError("Too large resource version: "+rv, 1)
	err.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}}
	return err
}

func TestCreationAndDeletionAreNoticed(t *testing.T) {
	h := start(t)
	ns := newNamespace(t, h)
	nn := types.NamespacedName{Namespace: ns, Name: "later"}
	if s := h.get(t, "owner", nn); s != nil {
		t.Fatalf("Get of a missing Secret = %v", s)
	}
	h.put(t, ns, "later", "1")
	h.expectEvents(t, "owner")
	if s := h.get(t, "owner", nn); s == nil || string(s.Data["password"]) != "1" {
		t.Fatalf("Get after creation = %v", s)
	}

	if err := h.k8s.CoreV1().Secrets(ns).Delete(context.Background(), "later", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.expectEvents(t, "owner")
	_, gets := h.requests.counts()
	if s := h.get(t, "owner", nn); s != nil {
		t.Fatalf("Get after deletion = %v", s)
	}
	if _, after := h.requests.counts(); after != gets {
		t.Fatal("a Secret the watch reported deleted was read from the API server")
	}
}

func TestRetainStopsWatchingWhatNobodyReferences(t *testing.T) {
	h := start(t)
	ns := newNamespace(t, h)
	h.put(t, ns, "a", "1")
	h.put(t, ns, "b", "1")
	a, b := types.NamespacedName{Namespace: ns, Name: "a"}, types.NamespacedName{Namespace: ns, Name: "b"}
	h.get(t, "owner", a)
	h.get(t, "owner", b)

	h.w.Retain(testOwner(ns, "owner"), []types.NamespacedName{b})
	h.put(t, ns, "a", "2")
	h.expectEvents(t)
	if h.w.Watched() != 1 || h.w.Watches() != 1 {
		t.Fatalf("Watched()=%d Watches()=%d, want 1 and 1", h.w.Watched(), h.w.Watches())
	}

	h.w.Retain(testOwner(ns, "owner"), nil)
	if h.w.Watched() != 0 || h.w.Watches() != 0 {
		t.Fatalf("nothing referenced: Watched()=%d Watches()=%d", h.w.Watched(), h.w.Watches())
	}
	h.put(t, ns, "b", "2")
	h.expectEvents(t)
}

// bare is a watcher with one referenced Secret nn, whose namespace watch
// has synced, driven by hand instead of by a reflector.
func bare(t *testing.T, nn types.NamespacedName) (*Watcher, *scopeWatch, <-chan event.GenericEvent) {
	t.Helper()
	w := New(nil, nil)
	events := w.Subscribe("Test", func(nn types.NamespacedName) event.GenericEvent {
		return event.GenericEvent{Object: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name}}}
	})
	w.ctx = t.Context()
	close(w.started)
	owner := testOwner(nn.Namespace, "owner")
	w.owned[owner] = map[types.NamespacedName]struct{}{nn: {}}
	w.entries[nn] = &entry{owners: map[Owner]struct{}{owner: {}}}
	sw := &scopeWatch{key: nn.Namespace, cancel: func() {}, names: map[types.NamespacedName]struct{}{nn: {}}, synced: make(chan struct{})}
	close(sw.synced)
	w.watches[nn.Namespace] = sw
	return w, sw, events
}

func secretAt(nn types.NamespacedName, rv string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name, ResourceVersion: rv}}
}

func TestReadOverlappingAChangeIsNotKept(t *testing.T) {
	nn := types.NamespacedName{Namespace: "ns", Name: "s"}
	w, sw, events := bare(t, nn)
	_, changes, _, read := w.cached(nn)
	if !read {
		t.Fatal("a Secret never read must be read")
	}
	// The watch reports version 2 while a GET is under way; the GET then
	// returns version 1, read before the change.
	w.observed(sw, nn, "2")
	<-events
	w.record(nn, secretAt(nn, "1"), changes)
	if _, _, _, read := w.cached(nn); !read {
		t.Fatal("version 1 was kept although the watch reported version 2")
	}
	_, changes, _, _ = w.cached(nn)
	w.record(nn, secretAt(nn, "2"), changes)
	if s, _, _, read := w.cached(nn); read || s.ResourceVersion != "2" {
		t.Fatalf("version 2 read after the change: cached %v, read again %t", s, read)
	}
}

func TestRelistWithoutASecretMakesItUnknown(t *testing.T) {
	nn := types.NamespacedName{Namespace: "ns", Name: "s"}
	w, sw, events := bare(t, nn)
	w.record(nn, secretAt(nn, "1"), 0)
	w.replaced(sw, []any{&metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "s", ResourceVersion: "1"}}})
	select {
	case ev := <-events:
		t.Fatalf("a relist that shows the version read told %s", ev.Object.GetName())
	default:
	}
	// A relist without the Secret: deleted, or referenced after the list
	// went by. Its owner is told and the next Get asks the API server.
	w.replaced(sw, nil)
	select {
	case <-events:
	default:
		t.Fatal("the owner was not told")
	}
	if _, _, _, read := w.cached(nn); !read {
		t.Fatal("a Secret missing from a relist is still served from memory")
	}
}

func TestReadWhereRBACForbidsFailsAtOnce(t *testing.T) {
	admin := start(t)
	ns, elsewhere := newNamespace(t, admin), newNamespace(t, admin)
	admin.put(t, elsewhere, "s", "v")
	h := startAs(t, secretReaderIn(t, admin, ns))
	began := time.Now()
	_, err := h.w.Get(context.Background(), testOwner(elsewhere, "o"), types.NamespacedName{Namespace: elsewhere, Name: "s"})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("Get in a namespace RBAC does not cover = %v, want a Forbidden error", err)
	}
	// The refusal is the first list's answer; waiting out syncTimeout
	// would take 30 s.
	if waited := time.Since(began); waited > syncTimeout/3 {
		t.Fatalf("Get took %s to report the refusal", waited)
	}
	if !strings.Contains(err.Error(), elsewhere) {
		t.Fatalf("error %q does not name the namespace", err)
	}
}
