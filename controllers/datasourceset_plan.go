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
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// The pure part of the DataSourceSet controller: which children should
// exist, under which names, which of them may be written now, and what the
// set's status says. Nothing here reads or writes the API server.

// setTarget is a connection a DataSourceSet matches: one child each.
type setTarget struct {
	Kind v1alpha1.ConnectionKind
	Name string
}

func (t setTarget) String() string { return string(t.Kind) + " " + t.Name }

// compareTargets is the rollout's stable order: by connection name, then
// kind, so that waves do not change when unrelated connections come and go
// elsewhere in the order.
func compareTargets(a, b setTarget) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(string(a.Kind), string(b.Kind)))
}

// maxChildName bounds a child's name: short enough to be a label value, so
// that tools may select on it, whatever the set's and connection's names.
const maxChildName = validation.LabelValueMaxLength

// childNameHashLen is how many hex digits of the target's hash end a
// child's name: 40 bits, so that two of a set's connections get the same
// name with a chance of about n²/2⁴¹ (2·10⁻⁸ for 200).
const childNameHashLen = 10

// childName is the stable name of set's child for t: the set's and
// connection's names, cut to fit, then a hash of the connection's kind and
// name. The hash is always there because any separator a name can hold
// could also be part of a name: without it an OpenSearchConnection "a-b"
// and a ClusterOpenSearchConnection "b" could collide.
func childName(set string, t setTarget) string {
	sum := sha256.Sum256([]byte(string(t.Kind) + "/" + t.Name))
	suffix := hex.EncodeToString(sum[:])[:childNameHashLen]
	prefix := strings.ReplaceAll(set+"-"+t.Name, ".", "-")
	if room := maxChildName - len(suffix) - 1; len(prefix) > room {
		prefix = prefix[:room]
	}
	return strings.TrimRight(prefix, "-") + "-" + suffix
}

// labelValue is s when it is a valid label value, else s cut and ended
// with a hash of the whole, so that long names still label children
// distinctly.
func labelValue(s string) string {
	if len(validation.IsValidLabelValue(s)) == 0 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	suffix := hex.EncodeToString(sum[:])[:childNameHashLen]
	prefix := strings.ReplaceAll(s, ".", "-")
	if room := validation.LabelValueMaxLength - len(suffix) - 1; len(prefix) > room {
		prefix = prefix[:room]
	}
	return strings.TrimRight(prefix, "-_") + "-" + suffix
}

// templateHash identifies a revision of a set's children: the template
// and, when Secret rotations follow the waves, the Secret versions pinned
// (pin); children written from another one wait for their wave. An empty
// pin leaves the hash what it was before pins existed, so that a set that
// does not wave rotations keeps its children's hashes. encoding/json sorts
// map keys, so equal templates hash equally.
func templateHash(set *v1alpha1.DataSourceSet, pin string) string {
	body, _ := json.Marshal(struct {
		Template v1alpha1.DataSourceTemplate `json:"template"`
		Name     string                      `json:"name"`
		Secrets  string                      `json:"secretVersions,omitempty"`
	}{set.Spec.Template, childDataSourceName(set), pin})
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])[:16]
}

// wavesRotations says whether set rolls Secret changes out in its waves,
// and so pins its children's Secret versions: only with a rollout (without
// one every change reaches every child at once anyway) whose
// secretRotation is not AtOnce.
func wavesRotations(set *v1alpha1.DataSourceSet) bool {
	r := set.Spec.Rollout
	return r != nil && r.SecretRotation != v1alpha1.SecretRotationAtOnce
}

// childDataSourceName is the data source name every child manages.
func childDataSourceName(set *v1alpha1.DataSourceSet) string {
	if set.Spec.Template.Spec.Name != "" {
		return set.Spec.Template.Spec.Name
	}
	return set.Name
}

// childSpec is the spec of set's child for t: the template's fields as
// they are, the data source's name made explicit (a child's metadata.name
// is not the data source's), t as the connection, and pin as the Secret
// versions it may write.
func childSpec(set *v1alpha1.DataSourceSet, t setTarget, pin string) v1alpha1.DataSourceSpec {
	params := *set.Spec.Template.Spec.DataSourceParameters.DeepCopy()
	params.Name = childDataSourceName(set)
	return v1alpha1.DataSourceSpec{ConnectionRef: v1alpha1.ConnectionReference{Name: t.Name, Kind: t.Kind},
		SecretVersions: pin, DataSourceParameters: params}
}

// childLabels are the labels of set's child for t: the template's, then
// the set's own, which win.
func childLabels(set *v1alpha1.DataSourceSet, t setTarget) map[string]string {
	out := make(map[string]string, len(set.Spec.Template.Metadata.Labels)+3)
	for k, v := range set.Spec.Template.Metadata.Labels {
		out[k] = v
	}
	out[v1alpha1.LabelSet] = labelValue(set.Name)
	out[v1alpha1.LabelConnection] = labelValue(t.Name)
	out[v1alpha1.LabelConnectionKind] = string(t.Kind)
	return out
}

// childAnnotations are the annotations of set's child: the template's and
// the hash of the template the spec comes from.
func childAnnotations(set *v1alpha1.DataSourceSet, hash string) map[string]string {
	out := make(map[string]string, len(set.Spec.Template.Metadata.Annotations)+1)
	for k, v := range set.Spec.Template.Metadata.Annotations {
		out[k] = v
	}
	out[v1alpha1.AnnotationTemplateHash] = hash
	return out
}

// batchSize is how many children a wave writes out of n.
func batchSize(rollout *v1alpha1.RolloutStrategy, n int) int {
	if rollout == nil || rollout.BatchSize == nil || n == 0 {
		return max(n, 1)
	}
	size, err := intstr.GetScaledValueFromIntOrPercent(rollout.BatchSize, n, true)
	if err != nil || size < 1 {
		return 1
	}
	return min(size, n)
}

// stopOnFailure says whether a failing child holds the later waves.
func stopOnFailure(rollout *v1alpha1.RolloutStrategy) bool {
	return rollout != nil && (rollout.StopOnFailure == nil || *rollout.StopOnFailure)
}

// childState is what planning needs to know of an existing child.
type childState struct {
	Name   string
	Target setTarget
	// Current: the child's spec was written from the current template.
	Current bool
	// Edited: Current, yet its spec or labels differ from the template's,
	// so someone changed the child; it is written back at once.
	Edited bool
	// Settled: the child's status describes its current generation.
	Settled  bool
	Ready    bool
	Stalled  bool
	Reason   string
	Message  string
	Deleting bool
}

// failing says whether the child's last outcome for its generation is a
// failure.
func (c childState) failing() bool { return c.Settled && !c.Ready }

// childStateOf reads what planning needs from a child, given the spec,
// labels and annotations it should have under the current template.
func childStateOf(ds *v1alpha1.DataSource, hash string, want *v1alpha1.DataSource) childState {
	c := childState{
		Name:     ds.Name,
		Target:   setTarget{Kind: connectionKind(ds.Spec.ConnectionRef.Kind), Name: ds.Spec.ConnectionRef.Name},
		Current:  ds.Annotations[v1alpha1.AnnotationTemplateHash] == hash,
		Deleting: !ds.DeletionTimestamp.IsZero(),
	}
	c.Edited = c.Current && !childMatches(ds, want)
	ready := findCondition(ds.Status.Conditions, v1alpha1.ConditionReady)
	c.Settled = ready != nil && ds.Status.ObservedGeneration == ds.Generation && ready.ObservedGeneration == ds.Generation
	if ready != nil {
		c.Ready = ready.Status == metav1.ConditionTrue
		c.Reason, c.Message = ready.Reason, ready.Message
	}
	stalled := findCondition(ds.Status.Conditions, v1alpha1.ConditionStalled)
	c.Stalled = stalled != nil && stalled.Status == metav1.ConditionTrue
	return c
}

func connectionKind(k v1alpha1.ConnectionKind) v1alpha1.ConnectionKind {
	if k == "" {
		return v1alpha1.KindOpenSearchConnection
	}
	return k
}

func findCondition(conds []metav1.Condition, typ string) *metav1.Condition {
	for i := range conds {
		if conds[i].Type == typ {
			return &conds[i]
		}
	}
	return nil
}

// rolloutInput is what a rollout decision depends on.
type rolloutInput struct {
	// Targets are the matched connections, in rollout order.
	Targets []setTarget
	// Children are the existing children by target.
	Children map[setTarget]childState
	Hash     string
	Prev     *v1alpha1.RolloutStatus
	Batch    int
	Stop     bool
	// Resume is the resume-rollout annotation's value.
	Resume string
}

// rolloutPlan is what to do now.
type rolloutPlan struct {
	// Create are targets without a child: a new child gets the current
	// template at once, as it has no earlier one to keep.
	Create []setTarget
	// Write are children to write with the current template: those of
	// released waves that have an older one, and edited ones.
	Write  []setTarget
	Status v1alpha1.RolloutStatus
	// Held is the child that holds the next wave, if any.
	Held *childState
	// Released is the wave released by this decision, or -1.
	Released int
}

// planRollout decides which children to create and write. A wave is
// released when every child of the wave before it has the current template
// and is Ready (or, without stopOnFailure, has an outcome); only the
// current wave is checked, so a child of an earlier wave that fails later,
// or one skipped by resuming, holds nothing. A changed template starts
// again at wave 0.
func planRollout(in rolloutInput) rolloutPlan {
	p := rolloutPlan{Released: -1, Status: v1alpha1.RolloutStatus{TemplateHash: in.Hash}}
	n, batch := len(in.Targets), max(in.Batch, 1)
	waves := (n + batch - 1) / batch
	p.Status.Waves = int32(waves)
	wave := 0
	if in.Prev != nil {
		p.Status.ResumedWith = in.Prev.ResumedWith
		if in.Prev.TemplateHash == in.Hash {
			wave = min(int(in.Prev.Wave), max(waves-1, 0))
		}
	}
	for wave+1 < waves {
		held, done := waveOutcome(in, wave*batch, min((wave+1)*batch, n))
		if held != nil && in.Resume != "" && in.Resume != p.Status.ResumedWith {
			// One new value releases one wave: the person who resumes
			// has seen what holds it.
			p.Status.ResumedWith = in.Resume
			wave++
			p.Released = wave
			break
		}
		if !done {
			p.Held = held
			break
		}
		wave++
		p.Released = wave
	}
	if in.Resume != "" && p.Held == nil {
		// A value set while nothing was held is spent, so that it does
		// not skip a hold to come.
		p.Status.ResumedWith = in.Resume
	}
	p.Status.Wave = int32(wave)
	limit := min((wave+1)*batch, n)
	for i, t := range in.Targets {
		c, ok := in.Children[t]
		switch {
		case !ok:
			p.Create = append(p.Create, t)
		case c.Deleting:
		case c.Current && !c.Edited:
			p.Status.Updated++
		case c.Edited || i < limit:
			p.Write = append(p.Write, t)
		}
	}
	return p
}

// waveOutcome looks at the children of targets [from, to): done when each
// has the current template and is Ready (or has an outcome, without Stop);
// held is the first written child that is not Ready, when Stop.
func waveOutcome(in rolloutInput, from, to int) (held *childState, done bool) {
	done = true
	for _, t := range in.Targets[from:to] {
		c, ok := in.Children[t]
		switch {
		case !ok || c.Deleting || !c.Current || c.Edited || !c.Settled:
			done = false
		case !c.Ready && in.Stop:
			done = false
			if held == nil {
				held = &c
			}
		}
	}
	return held, done
}

// setSummary is the status of a set derived from its children.
type setSummary struct {
	Targets, Synced, Failing int32
	FailingChildren          []v1alpha1.FailingChild
	// Waiting counts children without an outcome for their generation,
	// without the current template, or not created yet.
	Waiting int32
	// Retrying: some failing child is retried without anyone's help.
	Retrying bool
	// Suspended counts the failing children that are only suspended.
	Suspended int32
}

// maxFailingMessage bounds each failing child's message in the set's
// status.
const maxFailingMessage = 256

// summarize counts the children of the targets.
func summarize(targets []setTarget, children map[setTarget]childState) setSummary {
	s := setSummary{Targets: int32(len(targets))}
	var failing []childState
	for _, t := range targets {
		c, ok := children[t]
		switch {
		case !ok || c.Deleting || !c.Current || c.Edited || !c.Settled:
			s.Waiting++
		case c.Ready:
			s.Synced++
		}
		if ok && c.failing() {
			s.Failing++
			failing = append(failing, c)
			if c.Reason == v1alpha1.ReasonSuspended {
				s.Suspended++
				continue
			}
			s.Retrying = s.Retrying || !c.Stalled
		}
	}
	slices.SortFunc(failing, func(a, b childState) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range failing[:min(len(failing), v1alpha1.MaxFailingChildren)] {
		s.FailingChildren = append(s.FailingChildren, v1alpha1.FailingChild{
			Name: c.Name, Connection: v1alpha1.ChildConnection{Kind: c.Target.Kind, Name: c.Target.Name},
			Reason: c.Reason, Message: opensearch.Truncate(c.Message, maxFailingMessage),
		})
	}
	return s
}

// setVerdict is the set's Ready condition and kstatus flags.
type setVerdict struct {
	Status      metav1.ConditionStatus
	Reason      string
	Message     string
	Reconciling bool
	Stalled     bool
}

// verdictOf sums up a set: a hold first (it needs a person unless the
// child retries by itself), then a rollout under way, then failing
// children, then success.
func verdictOf(s setSummary, p rolloutPlan) setVerdict {
	switch {
	case s.Targets == 0:
		return setVerdict{Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonNoTargets,
			Message: "the connectionSelector matches no connection this namespace may use"}
	case p.Held != nil && p.Status.Updated < s.Targets:
		h := p.Held
		return setVerdict{Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonRolloutHeld,
			Message: fmt.Sprintf("the rollout is held at wave %d of %d: DataSource %s (%s) is not Ready: %s: %s; it holds the later waves until it is Ready, "+
				"the template changes, or the annotation %s is given a new value",
				p.Status.Wave+1, p.Status.Waves, h.Name, h.Target, h.Reason, opensearch.Truncate(h.Message, maxFailingMessage),
				v1alpha1.AnnotationResumeRollout),
			Reconciling: !h.Stalled, Stalled: h.Stalled}
	case s.Waiting > 0:
		return setVerdict{Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonRollingOut,
			Message: fmt.Sprintf("%d of %d children synced, wave %d of %d; waiting for %d", s.Synced, s.Targets,
				p.Status.Wave+1, p.Status.Waves, s.Waiting),
			Reconciling: true}
	case s.Failing > 0 && s.Suspended == s.Failing:
		// As a suspended DataSource is: neither converging nor stuck.
		return setVerdict{Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonSuspended,
			Message: fmt.Sprintf("%d of %d children are suspended (spec.template.spec.suspend)", s.Suspended, s.Targets)}
	case s.Failing > 0:
		first := s.FailingChildren[0]
		return setVerdict{Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonChildrenNotReady,
			Message: fmt.Sprintf("%d of %d children are not Ready, among them %s (%s %s): %s", s.Failing, s.Targets,
				first.Name, first.Connection.Kind, first.Connection.Name, first.Reason),
			Reconciling: s.Retrying, Stalled: !s.Retrying}
	default:
		return setVerdict{Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonSynced,
			Message: fmt.Sprintf("%d of %d children synced", s.Synced, s.Targets)}
	}
}
