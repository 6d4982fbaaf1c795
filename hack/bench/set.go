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
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// setConnections is the size of a DataSourceSet's fleet, in both
// modes: 200 fakes cost the bench little.
const setConnections = 200

// setBatch is the rollout's wave size: four waves of 50.
const setBatch = "25%"

// setResync is the connections' resyncPeriod (the manager's minimum), and
// setResyncPeriods how many of them the steady window lasts.
const (
	setResync        = 10 * time.Second
	setResyncPeriods = 3
)

// setPhase is one measured step of the set scenario.
type setPhase struct {
	Name    string   `json:"name"`
	Seconds float64  `json:"seconds"`
	Ops     opCounts `json:"openSearchRequests"`
	// MinWrites and MaxWrites are the fewest and most writes one cluster
	// got in the phase.
	MinWrites int `json:"minWritesPerCluster"`
	MaxWrites int `json:"maxWritesPerCluster"`
	// StatusBytes is the size of the set's status as JSON at the end.
	StatusBytes int       `json:"statusBytes"`
	API         apiCounts `json:"manager"`
	Summary     string    `json:"summary"`
	Failing     int32     `json:"failing"`
	Listed      int       `json:"failingChildrenListed"`
	// ListsPerPeriod is the steady window's lists per connection per
	// resync period; 0 in the other phases.
	ListsPerPeriod float64 `json:"listsPerConnectionPerPeriod,omitempty"`
}

// setTable runs one DataSourceSet over setConnections connections, each to
// its own fake: creation, a template change in waves, a rotation of the
// Secret the template references (in the same waves), and a change every
// cluster refuses (stopOnFailure off, so that all of them fail and the
// status must stay bounded).
func (b *bench) setTable(ctx context.Context) table {
	t := table{Scenario: "set",
		Title: fmt.Sprintf("DataSourceSet: one set over %d connections, waves of %s", setConnections, setBatch),
		Target: "one OpenSearch write per cluster per change, one list per connection per resync and no write at rest; " +
			"status at most 10 failing children and 8 KiB whatever fails",
		Header: []string{"PHASE", "TIME", "SYNCED/TARGETS", "FAILING (LISTED)", "OPENSEARCH REQUESTS", "WRITES/CLUSTER (MIN-MAX)",
			"LISTS/CONNECTION/PERIOD", "STATUS BYTES", "SET RECONCILES", "API WRITES"}}
	phases, err := b.setPhases(ctx)
	if err != nil {
		t.Err = err.Error()
		return t
	}
	t.Data = phases
	for _, p := range phases {
		lists := "-"
		if p.Name == steadyPhase {
			lists = num(p.ListsPerPeriod)
		}
		t.Rows = append(t.Rows, []string{p.Name, dur(p.Seconds), p.Summary, fmt.Sprintf("%d (%d)", p.Failing, p.Listed), p.Ops.String(),
			fmt.Sprintf("%d-%d", p.MinWrites, p.MaxWrites), lists, fmt.Sprint(p.StatusBytes), num(p.API.Reconciles["datasourceset"]),
			num(p.API.writes())})
		t.Checks = append(t.Checks,
			atMost(p.Name+": failing children listed", float64(p.Listed), v1alpha1.MaxFailingChildren),
			atMost(p.Name+": status bytes", float64(p.StatusBytes), 8<<10))
		if p.Name == steadyPhase {
			slack := 1.0 / setResyncPeriods
			t.Checks = append(t.Checks,
				atLeast(p.Name+": lists per connection per period", p.ListsPerPeriod, 1-slack),
				atMost(p.Name+": lists per connection per period", p.ListsPerPeriod, 1+slack),
				exactly(p.Name+": OpenSearch writes", float64(p.Ops.writes()), 0),
				exactly(p.Name+": manager API writes", p.API.writes(), 0))
			continue
		}
		t.Checks = append(t.Checks,
			exactly(p.Name+": fewest writes to one cluster", float64(p.MinWrites), 1),
			exactly(p.Name+": most writes to one cluster", float64(p.MaxWrites), 1))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("the steady window is %d resync periods of %s; the ±1/%d slack is where the window cuts a period",
		setResyncPeriods, setResync, setResyncPeriods))
	return t
}

func (b *bench) setPhases(ctx context.Context) ([]setPhase, error) {
	spec := fleetSpec{namespace: b.namespace("set"), connections: setConnections, resync: setResync}
	f, err := newFleet(ctx, b.cl.c, spec)
	if err != nil {
		return nil, err
	}
	defer f.close()
	mgr, err := startManager(b.managerBin, b.cl.kubeconfig, spec.namespace, filepath.Join(b.logDir, spec.namespace+".log"),
		b.argsFor(b.managerBin))
	if err != nil {
		return nil, err
	}
	defer mgr.stop()
	if err := waitMetrics(ctx, mgr); err != nil {
		return nil, err
	}
	set := benchSet(spec.namespace)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: spec.namespace, Name: setSecret},
		StringData: map[string]string{"password": "first"}}
	if err := b.cl.c.Create(ctx, secret); err != nil {
		return nil, err
	}
	var phases []setPhase
	steps := b.setSteps(ctx, f, set, secret)
	for _, step := range steps {
		p, err := b.setPhase(ctx, f, mgr, set, step.name, step.change, step.want)
		if err != nil {
			return phases, fmt.Errorf("%s: %w", step.name, err)
		}
		progress("set: %s took %.1fs, %s synced, %d-%d writes per cluster, status %d bytes", p.Name, p.Seconds, p.Summary,
			p.MinWrites, p.MaxWrites, p.StatusBytes)
		phases = append(phases, p)
	}
	return phases, nil
}

// setStep is one phase's change and the Ready reason the set reaches
// after it.
type setStep struct {
	name   string
	change func() error
	want   string
}

// setSteps are the phases the set scenario goes through, in order.
func (b *bench) setSteps(ctx context.Context, f *fleet, set *v1alpha1.DataSourceSet, secret *corev1.Secret) []setStep {
	return []setStep{
		{"create", func() error { return b.cl.c.Create(ctx, set) }, v1alpha1.ReasonSynced},
		{"template change", func() error {
			return b.editSet(ctx, set, func(s *v1alpha1.DataSourceSet) { s.Spec.Template.Spec.Description = "second" })
		}, v1alpha1.ReasonSynced},
		{steadyPhase, func() error {
			// One period for the resyncs the change started to pass.
			settle(ctx, setResync)
			for _, fake := range f.fakes {
				fake.ResetCounts()
			}
			return nil
		}, v1alpha1.ReasonSynced},
		{"Secret rotation", func() error { return b.rotateSetSecret(ctx, set, secret) }, v1alpha1.ReasonSynced},
		{"change every cluster refuses", func() error {
			for _, fake := range f.fakes {
				fake.Forbid(fakeopensearch.ActionUpdate)
			}
			return b.editSet(ctx, set, func(s *v1alpha1.DataSourceSet) {
				s.Spec.Template.Spec.Description = "refused"
				// A credential changes too, so that the write is a PUT, the
				// one request the fakes refuse (PATCH leaves credentials
				// alone, and a PATCH refused is tried again as a PUT).
				s.Spec.Template.Spec.Properties["prometheus.auth.username"] = apiextensionsv1.JSON{Raw: []byte(`"refused"`)}
				s.Spec.Rollout.StopOnFailure = new(bool)
			})
		}, v1alpha1.ReasonChildrenNotReady},
	}
}

// steadyPhase is the name of the phase that changes nothing and counts
// what resyncs cost.
const steadyPhase = "at rest"

// setPhase makes one change and waits until the set says want for it; the
// steady phase then watches setResyncPeriods resync periods.
func (b *bench) setPhase(ctx context.Context, f *fleet, mgr *managerProcess, set *v1alpha1.DataSourceSet,
	name string, change func() error, want string) (setPhase, error) {
	for _, fake := range f.fakes {
		fake.ResetCounts()
	}
	before, err := mgr.counts(ctx)
	if err != nil {
		return setPhase{}, err
	}
	start := time.Now()
	if err := change(); err != nil {
		return setPhase{}, err
	}
	if err := b.waitForSet(ctx, mgr, set, want); err != nil {
		return setPhase{}, err
	}
	p := setPhase{Name: name, Seconds: seconds(time.Since(start)), Summary: set.Status.Summary, Failing: set.Status.Failing,
		Listed: len(set.Status.FailingChildren)}
	if name == steadyPhase {
		before, err = mgr.counts(ctx)
		if err != nil {
			return setPhase{}, err
		}
		for _, fake := range f.fakes {
			fake.ResetCounts()
		}
		start = time.Now()
		settle(ctx, setResyncPeriods*setResync)
		p.Seconds = seconds(time.Since(start))
	} else {
		// Let the last status writes land before counting.
		settle(ctx, settleTime)
	}
	p.Ops = countOps(f.fakes)
	p.ListsPerPeriod = ratio(float64(p.Ops[fakeopensearch.OpList]), float64(setConnections*setResyncPeriods))
	p.MinWrites, p.MaxWrites = writesPerCluster(f.fakes)
	status, err := json.Marshal(set.Status)
	if err != nil {
		return setPhase{}, err
	}
	p.StatusBytes = len(status)
	after, err := mgr.counts(ctx)
	if err != nil {
		return setPhase{}, err
	}
	p.API = after.minus(before)
	return p, nil
}

// waitForSet polls set until it says want for its generation.
func (b *bench) waitForSet(ctx context.Context, mgr *managerProcess, set *v1alpha1.DataSourceSet, want string) error {
	deadline := time.Now().Add(readyTimeout(setConnections * 10))
	for {
		if err := b.cl.c.Get(ctx, client.ObjectKeyFromObject(set), set); err != nil {
			return err
		}
		if settled(set, want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the set did not reach %s: %+v", want, set.Status.Conditions)
		}
		if dead := mgr.alive(); dead != nil {
			return dead
		}
		settle(ctx, 100*time.Millisecond)
	}
}

// writesPerCluster is the fewest and the most writes one fake received.
func writesPerCluster(fakes []*fakeServer) (fewest, most int) {
	fewest = -1
	for _, fake := range fakes {
		w := fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate) + fake.Count(fakeopensearch.OpPatch)
		if fewest < 0 || w < fewest {
			fewest = w
		}
		most = max(most, w)
	}
	return fewest, most
}

// waitMetrics waits until the manager serves its metrics, so that a
// phase can read its counts before the first change.
func waitMetrics(ctx context.Context, mgr *managerProcess) error {
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := mgr.counts(ctx)
		if err == nil {
			return nil
		}
		if dead := mgr.alive(); dead != nil {
			return dead
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the manager serves no metrics: %w", err)
		}
		settle(ctx, 100*time.Millisecond)
	}
}

// settled says whether set's status describes its spec and says want,
// with every child's outcome in (nothing waiting).
func settled(set *v1alpha1.DataSourceSet, want string) bool {
	ready := meta.FindStatusCondition(set.Status.Conditions, v1alpha1.ConditionReady)
	return ready != nil && set.Status.ObservedGeneration == set.Generation && ready.ObservedGeneration == set.Generation &&
		ready.Reason == want && set.Status.Targets == setConnections &&
		set.Status.Synced+set.Status.Failing == set.Status.Targets
}

// setSecret is the Secret the bench set's template takes its credentials
// from.
const setSecret = "metrics-auth"

// rotateSetSecret changes the set's Secret and waits until the set has
// seen it (a new revision), so that the phase waits for the rotation's
// waves rather than finding the set Synced before it noticed.
func (b *bench) rotateSetSecret(ctx context.Context, set *v1alpha1.DataSourceSet, secret *corev1.Secret) error {
	if err := b.cl.c.Get(ctx, client.ObjectKeyFromObject(set), set); err != nil {
		return err
	}
	if set.Status.Rollout == nil {
		return fmt.Errorf("the set reports no rollout")
	}
	revision := set.Status.Rollout.TemplateHash
	if err := b.cl.c.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
		return err
	}
	secret.Data["password"] = []byte("rotated")
	if err := b.cl.c.Update(ctx, secret); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if err := b.cl.c.Get(ctx, client.ObjectKeyFromObject(set), set); err != nil {
			return err
		}
		if set.Status.Rollout != nil && set.Status.Rollout.TemplateHash != revision {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the set did not start a rollout for the rotation")
		}
		settle(ctx, 50*time.Millisecond)
	}
}

func (b *bench) editSet(ctx context.Context, set *v1alpha1.DataSourceSet, edit func(*v1alpha1.DataSourceSet)) error {
	for {
		if err := b.cl.c.Get(ctx, client.ObjectKeyFromObject(set), set); err != nil {
			return err
		}
		edit(set)
		err := b.cl.c.Update(ctx, set)
		if err == nil || !apierrors.IsConflict(err) {
			return err
		}
	}
}

// benchSet is a Prometheus data source on every connection of namespace.
func benchSet(namespace string) *v1alpha1.DataSourceSet {
	batch := intstr.FromString(setBatch)
	return &v1alpha1.DataSourceSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "metrics"},
		Spec: v1alpha1.DataSourceSetSpec{
			Template: v1alpha1.DataSourceTemplate{Spec: v1alpha1.DataSourceTemplateSpec{
				DataSourceParameters: v1alpha1.DataSourceParameters{
					Connector:   "prometheus",
					Description: "first",
					Properties: map[string]apiextensionsv1.JSON{
						"prometheus.uri":           {Raw: []byte(`"http://prometheus.monitoring.svc:9090"`)},
						"prometheus.auth.type":     {Raw: []byte(`"basicauth"`)},
						"prometheus.auth.username": {Raw: []byte(`"bench"`)},
					},
					PropertiesFrom: []v1alpha1.PropertyFromSecret{{Key: "prometheus.auth.password",
						SecretKeyRef: v1alpha1.SecretKeySelector{Name: setSecret, Key: "password"}}},
				},
			}},
			Rollout: &v1alpha1.RolloutStrategy{BatchSize: &batch},
		},
	}
}
