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

// Package fault runs the manager binary, several at once with leader
// election, against a real kube-apiserver (envtest) and two fake OpenSearch
// clusters that fail in every way the operator must survive, while
// DataSources are created, changed, moved and deleted; then checks that
// the clusters hold exactly what the DataSources say.
package fault

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
	"github.com/datasource-operator/opensearch-datasource-operator/test/managerbin"
)

// seed drives every random choice of the storm: which fault, on which
// cluster, and which change to which DataSource.
const seed = 14

const (
	burstLength, burstGap = 1200 * time.Millisecond, 500 * time.Millisecond
	outageLength          = 8 * time.Second
	settleTimeout         = 2 * time.Minute
)

func TestFaultStorm(t *testing.T) {
	testenv.Assets(t)
	began := time.Now()
	root := testenv.Root(t)
	kubeconfig, k8s := startAPIServer(t, root)
	bin := managerbin.Build(t, root)
	f := &fleet{t: t, k8s: k8s, items: map[string]*dataSource{}, secrets: map[string]map[string]string{},
		handMade: map[string][]string{},
		clusters: map[string]*cluster{"a": startCluster(t, "a"), "b": startCluster(t, "b")}}
	rnd := rand.New(rand.NewPCG(seed, seed))
	in := newInjector(seed, f.clusters["a"], f.clusters["b"])
	ops := &operations{f: f, rnd: rnd}

	// Hand-made data sources, which no DataSource may delete, one of
	// them adopted.
	f.seed("a", "hand_a1")
	f.seed("a", "hand_adopted")
	f.seed("b", "hand_b1")
	f.secret("creds-1", map[string]string{"username": "prom-one", "password": "pass-one-0"})
	f.secret("creds-2", map[string]string{"username": "prom-two", "password": "pass-two-0"})
	f.secret("extra", map[string]string{"token": "extra-token"})
	f.connection("a")
	f.connection("b")

	first := startManager(t, bin, kubeconfig, "manager-1")
	waitForLeader(t, time.Minute, first)
	second := startManager(t, bin, kubeconfig, "manager-2")
	for i := 0; i < 8; i++ {
		ops.create()
	}
	f.items["ds-0"].extra = true
	f.change("ds-0", func(*dataSource) {})
	f.create(&dataSource{name: "adopter", dsName: "hand_adopted", conn: "a", description: "adopted", creds: "creds-1", adopts: true})
	eventually(t, "the fleet to settle before the storm", settleTimeout, f.settled)
	t.Logf("%s: %d DataSources settled; the storm begins", since(began), len(f.live()))

	for i := 0; i < 6; i++ {
		ops.random()
		in.burst(burstLength, burstGap)
	}
	expectNoWrites(t, second)

	// The leader dies in the middle of a burst, with changes pending.
	end := in.begin()
	ops.random()
	first.kill(t)
	end()
	// While no manager leads: drop the credential key only status
	// remembers, and change more.
	f.change("ds-0", func(d *dataSource) { d.extra = false })
	ops.random()
	ops.random()
	third := startManager(t, bin, kubeconfig, "manager-3")
	// The killed leader's Lease runs out while the storm goes on.
	for i := 0; i < 4; i++ {
		ops.random()
		in.burst(burstLength, burstGap)
	}
	leader := waitForLeader(t, time.Minute, second, third)
	follower := second
	if leader == second {
		follower = third
	}
	t.Logf("%s: %s took over from the killed manager-1", since(began), leader.name)
	for i := 0; i < 4; i++ {
		ops.random()
		in.burst(burstLength, burstGap)
	}

	// Changes made during the outage fail their writes there.
	report := outage(t, f, "a", outageLength, func() {
		for _, name := range f.live() {
			if d := f.items[name]; d.conn == "a" && name != "adopter" {
				f.change(name, func(d *dataSource) { d.description = "edited during the outage" })
			}
		}
	})
	t.Logf("%s: outage of cluster a: %s", since(began), report)
	report.check(t)

	eventually(t, "the fleet to settle after the storm", settleTimeout, f.settled)
	t.Logf("%s: settled after the storm; injected %s; changes %s", since(began), in.summary(), ops.summary())
	expectNoWrites(t, follower)

	// The leader stops (a rolling update): the other takes over and
	// finishes what is asked of it after.
	leader.stop(t)
	waitForLeader(t, time.Minute, follower)
	f.remove("adopter")
	ops.random()
	ops.random()
	eventually(t, "the fleet to settle after the hand-over", settleTimeout, f.settled)
	if w := follower.writes(t); w.kube == 0 || w.openSearch == 0 {
		t.Errorf("%s led but wrote nothing: %+v", follower.name, w)
	}
	t.Logf("%s: %s took over from %s and settled the fleet", since(began), follower.name, leader.name)
}

// startAPIServer starts envtest with the CRDs and the storm's namespace and
// returns a kubeconfig for the managers and a client for the test.
func startAPIServer(t *testing.T, root string) (string, client.Client) {
	t.Helper()
	cfg, kubeconfig := managerbin.ControlPlane(t, root, "fault-suite")
	k8s, err := client.New(cfg, client.Options{Scheme: controllers.ManagerOptions(ctrl.Options{}).Scheme})
	if err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return kubeconfig, k8s
}

func since(t0 time.Time) string { return time.Since(t0).Round(100 * time.Millisecond).String() }

// operations makes the storm's changes to the fleet, chosen by the seeded
// generator.
type operations struct {
	f     *fleet
	rnd   *rand.Rand
	next  int
	order []int
	count map[string]int
}

// random makes the next change: create, edit, move, delete, or rotate a
// Secret, each in turn in an order the generator shuffles.
func (o *operations) random() {
	if len(o.order) == 0 {
		o.order = o.rnd.Perm(5)
	}
	kind := o.order[0]
	o.order = o.order[1:]
	[]func(){o.create, o.edit, o.move, o.delete, o.rotate}[kind]()
}

func (o *operations) tally(what string) {
	if o.count == nil {
		o.count = map[string]int{}
	}
	o.count[what]++
}

func (o *operations) summary() string { return fmt.Sprint(o.count) }

func (o *operations) create() {
	name := fmt.Sprintf("ds-%d", o.next)
	o.f.create(&dataSource{name: name, dsName: fmt.Sprintf("ds_%d", o.next), conn: []string{"a", "b"}[o.rnd.IntN(2)],
		description: "created", roles: o.roles(), creds: []string{"creds-1", "creds-2"}[o.rnd.IntN(2)]})
	o.next++
	o.tally("create")
}

// pick returns a live DataSource the storm may change, "" when none: the
// adopter and the one holding the extra credential stay where they are.
func (o *operations) pick() string {
	var names []string
	for _, name := range o.f.live() {
		if name != "adopter" && name != "ds-0" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return names[o.rnd.IntN(len(names))]
}

func (o *operations) edit() {
	if name := o.pick(); name != "" {
		o.f.change(name, func(d *dataSource) {
			d.description = fmt.Sprintf("edit %d", o.rnd.IntN(1000))
			d.roles = o.roles()
		})
		o.tally("edit")
	}
}

func (o *operations) move() {
	if name := o.pick(); name != "" {
		o.f.change(name, func(d *dataSource) { d.conn = map[string]string{"a": "b", "b": "a"}[d.conn] })
		o.tally("move")
	}
}

// delete removes a DataSource, keeping a few so the storm has work.
func (o *operations) delete() {
	if len(o.f.live()) <= 5 {
		o.create()
		return
	}
	if name := o.pick(); name != "" {
		o.f.remove(name)
		o.tally("delete")
	}
}

func (o *operations) rotate() {
	name := []string{"creds-1", "creds-2"}[o.rnd.IntN(2)]
	data := o.f.secrets[name]
	o.f.secret(name, map[string]string{"username": data["username"], "password": fmt.Sprintf("pass-%d", o.rnd.IntN(1_000_000))})
	o.tally("rotate")
}

func (o *operations) roles() []string {
	all := []string{"analysts", "ops", "prometheus_access"}
	var roles []string
	for _, r := range all {
		if o.rnd.IntN(2) == 0 {
			roles = append(roles, r)
		}
	}
	return slices.Clip(roles)
}
