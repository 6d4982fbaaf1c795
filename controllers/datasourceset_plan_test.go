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

package controllers

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

var (
	localKind   = v1alpha1.KindOpenSearchConnection
	clusterKind = v1alpha1.KindClusterOpenSearchConnection
)

func TestChildNameIsStableBoundedAndDistinctAcrossKinds(t *testing.T) {
	long := strings.Repeat("a", 250)
	cases := []struct {
		name string
		set  string
		a, b setTarget
	}{
		{"same name, two kinds", "metrics", setTarget{localKind, "eu-1"}, setTarget{clusterKind, "eu-1"}},
		{"a separator inside a name", "metrics", setTarget{localKind, "a-b"}, setTarget{clusterKind, "b"}},
		{"long names cut to the same prefix", long, setTarget{localKind, long + "x"}, setTarget{localKind, long + "y"}},
		{"dotted names", "m.x", setTarget{localKind, "eu.1"}, setTarget{localKind, "eu-1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := childName(c.set, c.a), childName(c.set, c.b)
			if a == b {
				t.Fatalf("%s and %s both get %q", c.a, c.b, a)
			}
			for _, n := range []string{a, b} {
				if len(n) > maxChildName {
					t.Errorf("%q is %d characters long", n, len(n))
				}
				if errs := validation.IsDNS1123Subdomain(n); len(errs) > 0 {
					t.Errorf("%q is not a valid object name: %v", n, errs)
				}
				if errs := validation.IsValidLabelValue(n); len(errs) > 0 {
					t.Errorf("%q is not a valid label value: %v", n, errs)
				}
			}
			if again := childName(c.set, c.a); again != a {
				t.Errorf("the name changed between calls: %q, then %q", a, again)
			}
		})
	}
	if n := childName("metrics", setTarget{localKind, "eu-1"}); !strings.HasPrefix(n, "metrics-eu-1-") {
		t.Errorf("a short name should read as <set>-<connection>-<hash>, got %q", n)
	}
}

func TestLabelValueKeepsShortNamesAndHashesLongOnes(t *testing.T) {
	if got := labelValue("metrics"); got != "metrics" {
		t.Errorf("labelValue(metrics) = %q", got)
	}
	a, b := labelValue(strings.Repeat("a", 100)+".x"), labelValue(strings.Repeat("a", 100)+".y")
	for _, v := range []string{a, b} {
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			t.Errorf("%q: %v", v, errs)
		}
	}
	if a == b {
		t.Errorf("two long names share the label value %q", a)
	}
}

// schemaOf reads the openAPI schema of a CRD under config/crd/bases.
func schemaOf(t *testing.T, file string) apiextensionsv1.JSONSchemaProps {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "config", "crd", "bases", file))
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(raw, &crd); err != nil {
		t.Fatal(err)
	}
	return *crd.Spec.Versions[0].Schema.OpenAPIV3Schema
}

// The template and a DataSource's spec share their fields' type; this
// keeps the generated schemas alike too, as they show what admission will
// do with each (a marker on DataSourceSpec itself would not reach sets).
func TestTemplateSchemaIsTheDataSourceSpecWithoutConnectionRefAndSecretVersions(t *testing.T) {
	ds := schemaOf(t, "opensearch.datasource-operator.io_datasources.yaml").Properties["spec"]
	set := schemaOf(t, "opensearch.datasource-operator.io_datasourcesets.yaml")
	tpl := set.Properties["spec"].Properties["template"].Properties["spec"]

	delete(ds.Properties, "connectionRef")
	// secretVersions is the set's to write (its pin of the Secret
	// versions), not the template's.
	delete(ds.Properties, "secretVersions")
	ds.Required = slices.DeleteFunc(ds.Required, func(s string) bool { return s == "connectionRef" })
	// The name's default differs in words only: the set's name, not the
	// DataSource's.
	for _, s := range []*apiextensionsv1.JSONSchemaProps{&ds, &tpl} {
		name := s.Properties["name"]
		name.Description = ""
		s.Properties["name"] = name
		s.Description = ""
	}
	if !reflect.DeepEqual(ds, tpl) {
		dsYAML, _ := yaml.Marshal(ds)
		tplYAML, _ := yaml.Marshal(tpl)
		t.Errorf("spec.template.spec differs from a DataSource's spec without connectionRef:\n--- DataSource\n%s\n--- template\n%s", dsYAML, tplYAML)
	}
}

// fullTemplate sets every field of the template.
func fullTemplate() v1alpha1.DataSourceTemplateSpec {
	return v1alpha1.DataSourceTemplateSpec{
		DataSourceParameters: v1alpha1.DataSourceParameters{
			Name:         "metrics",
			Description:  "d",
			Connector:    "prometheus",
			ResultIndex:  "query_execution_result_x",
			Status:       v1alpha1.StateDisabled,
			AllowedRoles: []string{"r"},
			Configuration: &v1alpha1.DataSourceConfiguration{Endpoint: "http://p:9090",
				Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: "s"}}},
			Properties:       map[string]apiextensionsv1.JSON{"k": {Raw: []byte(`"v"`)}},
			PropertiesFrom:   []v1alpha1.PropertyFromSecret{{Key: "p", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "s", Key: "k"}}},
			ManagementPolicy: v1alpha1.ManagementUpdateOnly,
			DeletionPolicy:   v1alpha1.DeletionRetain,
			RecreatePolicy:   v1alpha1.RecreateAllow,
			Suspend:          true,
		},
	}
}

func TestChildSpecCopiesEveryTemplateField(t *testing.T) {
	tpl := fullTemplate()
	tv := reflect.ValueOf(tpl.DataSourceParameters)
	for i := range tv.NumField() {
		if tv.Field(i).IsZero() {
			t.Fatalf("fullTemplate leaves %s unset: set it, so that this test checks it is copied", tv.Type().Field(i).Name)
		}
	}
	set := &v1alpha1.DataSourceSet{ObjectMeta: metav1.ObjectMeta{Name: "set"}, Spec: v1alpha1.DataSourceSetSpec{
		Template: v1alpha1.DataSourceTemplate{Spec: tpl}}}
	spec := childSpec(set, setTarget{clusterKind, "eu-1"}, "")
	sv := reflect.ValueOf(spec.DataSourceParameters)
	for i := range tv.NumField() {
		name := tv.Type().Field(i).Name
		if got, want := sv.FieldByName(name).Interface(), tv.Field(i).Interface(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want the template's %v", name, got, want)
		}
	}
	if spec.ConnectionRef != (v1alpha1.ConnectionReference{Name: "eu-1", Kind: clusterKind}) {
		t.Errorf("connectionRef = %+v", spec.ConnectionRef)
	}
	set.Spec.Template.Spec.Name = ""
	if got := childSpec(set, setTarget{localKind, "x"}, "").Name; got != "set" {
		t.Errorf("without a template name the child's spec.name = %q, want the set's name", got)
	}
}

func TestBatchSize(t *testing.T) {
	cases := []struct {
		rollout *v1alpha1.RolloutStrategy
		n, want int
	}{
		{nil, 5, 5},
		{nil, 0, 1},
		{&v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromInt32(2))}, 5, 2},
		{&v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromInt32(9))}, 5, 5},
		{&v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromString("25%"))}, 10, 3},
		{&v1alpha1.RolloutStrategy{BatchSize: ptr.To(intstr.FromString("1%"))}, 10, 1},
	}
	for _, c := range cases {
		if got := batchSize(c.rollout, c.n); got != c.want {
			t.Errorf("batchSize(%v, %d) = %d, want %d", c.rollout, c.n, got, c.want)
		}
	}
}

// fleet is n targets t0..t(n-1) in rollout order, each with a child in
// state.
func fleet(n int, state childState) ([]setTarget, map[setTarget]childState) {
	targets := make([]setTarget, n)
	children := map[setTarget]childState{}
	for i := range targets {
		targets[i] = setTarget{localKind, fmt.Sprintf("t%d", i)}
		c := state
		c.Name, c.Target = "child-"+targets[i].Name, targets[i]
		children[targets[i]] = c
	}
	return targets, children
}

var (
	readyOld     = childState{Settled: true, Ready: true}
	readyCurrent = childState{Current: true, Settled: true, Ready: true}
	failing      = childState{Current: true, Settled: true, Reason: v1alpha1.ReasonRejected, Message: "bad", Stalled: true}
	progressing  = childState{Current: true}
)

func names(ts []setTarget) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestPlanRollout(t *testing.T) {
	const hash, old = "new", "old"
	type tweak func(map[setTarget]childState, []setTarget)
	set := func(i int, c childState) tweak {
		return func(m map[setTarget]childState, ts []setTarget) {
			c.Name, c.Target = "child-"+ts[i].Name, ts[i]
			m[ts[i]] = c
		}
	}
	drop := func(i int) tweak { return func(m map[setTarget]childState, ts []setTarget) { delete(m, ts[i]) } }
	cases := []struct {
		name        string
		base        childState
		tweaks      []tweak
		prev        *v1alpha1.RolloutStatus
		stop        bool
		resume      string
		wantCreate  []string
		wantWrite   []string
		wantWave    int32
		wantHeld    string
		wantResumed string
	}{
		{name: "a new template writes the first wave only", base: readyOld, prev: &v1alpha1.RolloutStatus{TemplateHash: old, Wave: 2},
			stop: true, wantWrite: []string{"t0", "t1"}, wantWave: 0},
		{name: "a Ready first wave releases the second", base: readyOld, tweaks: []tweak{set(0, readyCurrent), set(1, readyCurrent)},
			prev: &v1alpha1.RolloutStatus{TemplateHash: hash}, stop: true, wantWrite: []string{"t2", "t3"}, wantWave: 1},
		{name: "a wave still converging holds nothing and releases nothing", base: readyOld,
			tweaks: []tweak{set(0, readyCurrent), set(1, progressing)},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash}, stop: true, wantWave: 0},
		{name: "a failing child holds the later waves", base: readyOld, tweaks: []tweak{set(0, readyCurrent), set(1, failing)},
			prev: &v1alpha1.RolloutStatus{TemplateHash: hash}, stop: true, wantWave: 0, wantHeld: "child-t1"},
		{name: "without stopOnFailure a failure is an outcome like success", base: readyOld,
			tweaks: []tweak{set(0, readyCurrent), set(1, failing)},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash}, wantWrite: []string{"t2", "t3"}, wantWave: 1},
		{name: "a new resume value releases one wave past the hold", base: readyOld,
			tweaks: []tweak{set(0, readyCurrent), set(1, failing)},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash, ResumedWith: "1"}, stop: true, resume: "2",
			wantWrite: []string{"t2", "t3"}, wantWave: 1, wantResumed: "2"},
		{name: "a resume value already acted on releases nothing", base: readyOld,
			tweaks: []tweak{set(0, readyCurrent), set(1, failing)},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash, ResumedWith: "2"}, stop: true, resume: "2",
			wantWave: 0, wantHeld: "child-t1", wantResumed: "2"},
		{name: "after a resume the skipped child holds nothing", base: readyOld,
			tweaks: []tweak{set(0, readyCurrent), set(1, failing), set(2, readyCurrent), set(3, readyCurrent)},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash, Wave: 1, ResumedWith: "2"}, stop: true, resume: "2",
			wantWrite: []string{"t4"}, wantWave: 2, wantResumed: "2"},
		{name: "a resume value set while nothing is held is spent", base: readyCurrent,
			prev: &v1alpha1.RolloutStatus{TemplateHash: hash, Wave: 2}, stop: true, resume: "3", wantWave: 2, wantResumed: "3"},
		{name: "a changed template starts again from the first wave, held child included", base: readyCurrent,
			tweaks: []tweak{set(1, childState{Settled: true, Reason: v1alpha1.ReasonRejected})},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: old, Wave: 0},
			stop:   true, wantWrite: []string{"t1"}, wantWave: 0},
		{name: "a child edited by hand is written back at once", base: readyCurrent,
			tweaks: []tweak{set(0, childState{Current: true, Settled: true}), set(4, childState{Current: true, Edited: true, Settled: true, Ready: true})},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash}, stop: true, wantWrite: []string{"t4"}, wantWave: 0, wantHeld: "child-t0"},
		{name: "a new connection gets a child at once, whatever the wave", base: readyOld, tweaks: []tweak{drop(4)},
			prev: &v1alpha1.RolloutStatus{TemplateHash: hash}, stop: true, wantCreate: []string{"t4"}, wantWrite: []string{"t0", "t1"}},
		{name: "a child being deleted is neither written nor made again", base: readyCurrent,
			tweaks: []tweak{set(3, childState{Deleting: true})},
			prev:   &v1alpha1.RolloutStatus{TemplateHash: hash, Wave: 2}, stop: true, wantWave: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			targets, children := fleet(5, c.base)
			for _, tw := range c.tweaks {
				tw(children, targets)
			}
			p := planRollout(rolloutInput{Targets: targets, Children: children, Hash: hash, Prev: c.prev, Batch: 2, Stop: c.stop, Resume: c.resume})
			if got := names(p.Create); !slices.Equal(got, orEmpty(c.wantCreate)) {
				t.Errorf("create %v, want %v", got, c.wantCreate)
			}
			if got := names(p.Write); !slices.Equal(got, orEmpty(c.wantWrite)) {
				t.Errorf("write %v, want %v", got, c.wantWrite)
			}
			if p.Status.Wave != c.wantWave || p.Status.Waves != 3 || p.Status.TemplateHash != hash {
				t.Errorf("rollout status %+v, want wave %d of 3 of %s", p.Status, c.wantWave, hash)
			}
			held := ""
			if p.Held != nil {
				held = p.Held.Name
			}
			if held != c.wantHeld {
				t.Errorf("held by %q, want %q", held, c.wantHeld)
			}
			if p.Status.ResumedWith != c.wantResumed {
				t.Errorf("resumedWith %q, want %q", p.Status.ResumedWith, c.wantResumed)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestSummaryIsBoundedWhateverFails(t *testing.T) {
	long := strings.Repeat("x", 5000)
	targets, children := fleet(200, childState{Current: true, Settled: true, Reason: v1alpha1.ReasonUnavailable, Message: long})
	s := summarize(targets, children)
	if s.Targets != 200 || s.Failing != 200 || s.Synced != 0 {
		t.Errorf("counts %d/%d/%d, want 200 targets, 200 failing, 0 synced", s.Targets, s.Failing, s.Synced)
	}
	if len(s.FailingChildren) != v1alpha1.MaxFailingChildren {
		t.Fatalf("%d failing children listed, want %d", len(s.FailingChildren), v1alpha1.MaxFailingChildren)
	}
	if !slices.IsSortedFunc(s.FailingChildren, func(a, b v1alpha1.FailingChild) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("failing children are not in name order")
	}
	for _, f := range s.FailingChildren {
		if len(f.Message) > maxFailingMessage {
			t.Errorf("%s's message is %d bytes long", f.Name, len(f.Message))
		}
	}
	if !s.Retrying {
		t.Error("Unavailable children retry by themselves")
	}
	targets, children = fleet(3, childState{Current: true, Settled: true, Reason: v1alpha1.ReasonSuspended})
	if s := summarize(targets, children); s.Suspended != 3 || s.Failing != 3 || s.Retrying {
		t.Errorf("suspended children: %+v, want 3 failing, 3 suspended, none retrying", s)
	}
}

func TestVerdictOf(t *testing.T) {
	held := childState{Name: "child-a", Target: setTarget{clusterKind, "eu-1"}, Reason: v1alpha1.ReasonRejected, Message: "no", Stalled: true}
	cases := []struct {
		name        string
		summary     setSummary
		plan        rolloutPlan
		want        string
		reconciling bool
		stalled     bool
		inMessage   string
	}{
		{"nothing matched", setSummary{}, rolloutPlan{}, "True/NoTargets", false, false, ""},
		{"all synced", setSummary{Targets: 3, Synced: 3}, rolloutPlan{Status: v1alpha1.RolloutStatus{Updated: 3}}, "True/Synced", false, false, "3 of 3"},
		{"held by a stalled child", setSummary{Targets: 3, Synced: 1, Failing: 1, Waiting: 1},
			rolloutPlan{Held: &held, Status: v1alpha1.RolloutStatus{Updated: 2, Wave: 0, Waves: 3}}, "False/RolloutHeld", false, true,
			"DataSource child-a (ClusterOpenSearchConnection eu-1) is not Ready: Rejected: no"},
		{"waves under way", setSummary{Targets: 3, Synced: 1, Waiting: 2}, rolloutPlan{Status: v1alpha1.RolloutStatus{Updated: 1, Waves: 3}},
			"False/RollingOut", true, false, "waiting for 2"},
		{"a retrying child after the rollout", setSummary{Targets: 2, Synced: 1, Failing: 1, Retrying: true,
			FailingChildren: []v1alpha1.FailingChild{{Name: "b", Reason: v1alpha1.ReasonUnavailable}}},
			rolloutPlan{Status: v1alpha1.RolloutStatus{Updated: 2}}, "False/ChildrenNotReady", true, false, "b"},
		{"every failing child suspended", setSummary{Targets: 2, Synced: 0, Failing: 2, Suspended: 2,
			FailingChildren: []v1alpha1.FailingChild{{Name: "a", Reason: v1alpha1.ReasonSuspended}, {Name: "b", Reason: v1alpha1.ReasonSuspended}}},
			rolloutPlan{Status: v1alpha1.RolloutStatus{Updated: 2}}, "False/Suspended", false, false, "2 of 2 children are suspended"},
		{"a child only a person can fix after the rollout", setSummary{Targets: 2, Synced: 1, Failing: 1,
			FailingChildren: []v1alpha1.FailingChild{{Name: "b", Reason: v1alpha1.ReasonRejected}}},
			rolloutPlan{Status: v1alpha1.RolloutStatus{Updated: 2}}, "False/ChildrenNotReady", false, true, "Rejected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := verdictOf(c.summary, c.plan)
			if got := string(v.Status) + "/" + v.Reason; got != c.want {
				t.Errorf("Ready %s, want %s (%s)", got, c.want, v.Message)
			}
			if v.Reconciling != c.reconciling || v.Stalled != c.stalled {
				t.Errorf("reconciling %v stalled %v, want %v %v", v.Reconciling, v.Stalled, c.reconciling, c.stalled)
			}
			if !strings.Contains(v.Message, c.inMessage) {
				t.Errorf("message %q lacks %q", v.Message, c.inMessage)
			}
		})
	}
}
