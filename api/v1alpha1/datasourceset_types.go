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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Labels and annotations the operator puts on the DataSources a
// DataSourceSet creates. Select a set's children with
// `kubectl get osds -l opensearch.datasource-operator.io/set=<set>`.
const (
	// LabelSet names the DataSourceSet that owns a DataSource. A name
	// longer than a label value allows is cut and given a hash suffix.
	LabelSet = "opensearch.datasource-operator.io/set"
	// LabelConnection names the connection a child DataSource was made
	// for, shortened like LabelSet.
	LabelConnection = "opensearch.datasource-operator.io/connection"
	// LabelConnectionKind is the kind of that connection.
	LabelConnectionKind = "opensearch.datasource-operator.io/connection-kind"
	// AnnotationTemplateHash is the hash of the set's template (and pinned
	// Secret versions) a child's spec was last written from; a child whose hash differs from the set's
	// status.rollout.templateHash still waits for its wave.
	AnnotationTemplateHash = "opensearch.datasource-operator.io/template-hash"
	// AnnotationResumeRollout, set on a DataSourceSet to a new value (for
	// example the time), releases the next wave of a rollout that a failing
	// child holds. The value last acted on is status.rollout.resumedWith.
	AnnotationResumeRollout = "opensearch.datasource-operator.io/resume-rollout"
)

// Reasons of a DataSourceSet's Ready condition, beside Synced and
// InvalidSpec.
const (
	// ReasonNoTargets (Ready=True): the connectionSelector matches no
	// connection the set may use; there is nothing to do.
	ReasonNoTargets = "NoTargets"
	// ReasonRollingOut (Ready=False): a template change is on its way
	// through the waves, or children are still converging.
	ReasonRollingOut = "RollingOut"
	// ReasonRolloutHeld (Ready=False): a child written in the current wave
	// is not Ready, so later waves wait; the message names the child, its
	// connection and its reason. Cleared when the child becomes Ready, the
	// template changes, or the resume-rollout annotation changes.
	ReasonRolloutHeld = "RolloutHeld"
	// ReasonChildrenNotReady (Ready=False): every child has the current
	// template but some are not Ready; status.failingChildren says why.
	ReasonChildrenNotReady = "ChildrenNotReady"
)

// DataSourceSetFinalizer lets a DataSourceSet delete its children, each
// under its own deletionPolicy, before it goes away.
const DataSourceSetFinalizer = "opensearch.datasource-operator.io/set-finalizer"

// DataSourceTemplateMetadata is the metadata every child gets.
type DataSourceTemplateMetadata struct {
	// labels are added to every child, for example the label a sharded
	// manager's --watch-label-selector selects. The set's own labels
	// (LabelSet, LabelConnection, LabelConnectionKind) win over these.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	Labels map[string]string `json:"labels,omitempty"`

	// annotations are added to every child.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	Annotations map[string]string `json:"annotations,omitempty"`
}

// DataSourceTemplate is what every child DataSource is made from.
type DataSourceTemplate struct {
	// metadata holds labels and annotations for every child.
	// +optional
	Metadata DataSourceTemplateMetadata `json:"metadata,omitempty"`

	// spec is every child's spec, without connectionRef, which names the
	// child's own connection.
	// +required
	Spec DataSourceTemplateSpec `json:"spec"`
}

// RolloutStrategy says how a template change, and a change to a Secret
// the template references, reach the children.
type RolloutStrategy struct {
	// batchSize is how many children a wave writes: a number, or a
	// percentage of the matched connections, rounded up. Children are
	// taken in a stable order: by connection name, then kind
	// (ClusterOpenSearchConnection before OpenSearchConnection). Unset
	// means one wave with every child.
	// +optional
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self >= 1 : self.matches('^[1-9][0-9]?%$|^100%$')",message="batchSize is a number of at least 1 or a percentage from 1% to 100%"
	BatchSize *intstr.IntOrString `json:"batchSize,omitempty"`

	// stopOnFailure (default true): a child that is not Ready after its
	// write holds the later waves, with Ready=False reason RolloutHeld
	// naming it, until it becomes Ready, the template changes again, or
	// the resume-rollout annotation is given a new value. False: a wave
	// waits until each of its writes has an outcome (Ready True or False
	// for the new generation) and then goes on whatever the outcome.
	// +optional
	// +kubebuilder:default=true
	StopOnFailure *bool `json:"stopOnFailure,omitempty"`

	// secretRotation says how a change to a Secret the template references
	// (spec.configuration.credentials.secretRef, propertiesFrom) reaches
	// the children. Waves (the default): like a template change, one wave
	// at a time, held by a failing child; each child's spec.secretVersions
	// pins the Secret versions it may write until its wave is released.
	// AtOnce: no pin; every child applies the change within seconds.
	// +optional
	// +kubebuilder:default=Waves
	SecretRotation SecretRotation `json:"secretRotation,omitempty"`
}

// SecretRotation says whether a Secret change follows a set's waves.
// +kubebuilder:validation:Enum=Waves;AtOnce
type SecretRotation string

const (
	// SecretRotationWaves rolls a Secret change out in the set's waves.
	SecretRotationWaves SecretRotation = "Waves"
	// SecretRotationAtOnce lets every child apply a Secret change at once.
	SecretRotationAtOnce SecretRotation = "AtOnce"
)

// DataSourceTemplateSpec is a DataSource's spec without connectionRef:
// each child of a DataSourceSet gets these fields as they are, and the
// connectionRef of the connection it was made for. The fields, their
// defaults and their rules are the DataSource's: the same type.
type DataSourceTemplateSpec struct {
	DataSourceParameters `json:",inline"`
}

// DataSourceSetSpec declares one data source for many clusters.
type DataSourceSetSpec struct {
	// connectionSelector selects the connections to create a child on:
	// OpenSearchConnections in the set's namespace and
	// ClusterOpenSearchConnections whose allowedNamespaces include it, both
	// kinds alike (the union). An empty selector selects every such
	// connection. A connection that stops matching, is deleted, or stops
	// allowing the namespace has its child deleted, and the child's
	// deletionPolicy decides what happens on that cluster.
	// +required
	ConnectionSelector metav1.LabelSelector `json:"connectionSelector"`

	// template is what every child DataSource is made from.
	// +required
	Template DataSourceTemplate `json:"template"`

	// rollout says how a template change reaches the children. Unset: all
	// children at once, and a child that fails holds nothing.
	// +optional
	Rollout *RolloutStrategy `json:"rollout,omitempty"`
}

// ChildConnection names the connection a child was made for.
type ChildConnection struct {
	// kind is OpenSearchConnection or ClusterOpenSearchConnection.
	Kind ConnectionKind `json:"kind"`

	// name is the connection's name.
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// FailingChild is a child DataSource that is not Ready.
type FailingChild struct {
	// name is the child DataSource's name.
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// connection is the connection (cluster) the child writes to.
	Connection ChildConnection `json:"connection"`

	// reason is the child's Ready reason.
	// +kubebuilder:validation:MaxLength=64
	Reason string `json:"reason"`

	// message is the child's Ready message, cut to 256 characters.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Message string `json:"message,omitempty"`
}

// RolloutStatus is where a template change is in its waves.
type RolloutStatus struct {
	// templateHash is the hash of the template being rolled out and, when
	// Secret rotations follow the waves, of the Secret versions it pins;
	// a child whose template-hash annotation differs waits for its wave.
	// +kubebuilder:validation:MaxLength=64
	TemplateHash string `json:"templateHash"`

	// wave is the index (from 0) of the last wave released for this
	// template; children in waves up to it are written.
	Wave int32 `json:"wave"`

	// waves is how many waves the current targets make.
	Waves int32 `json:"waves"`

	// updated counts the children whose spec is the current template's.
	Updated int32 `json:"updated"`

	// resumedWith is the value of the resume-rollout annotation the
	// operator last acted on.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ResumedWith string `json:"resumedWith,omitempty"`
}

// MaxFailingChildren bounds status.failingChildren, so that a set over a
// large fleet keeps a status of bounded size whatever fails.
const MaxFailingChildren = 10

// DataSourceSetStatus summarises the children.
type DataSourceSetStatus struct {
	// conditions are Ready (is every child Ready with the current
	// template?) and kstatus's Reconciling and Stalled, present only while
	// True.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the generation the rest of the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// targets counts the connections the set matches (one child each).
	// +optional
	Targets int32 `json:"targets"`

	// synced counts the children that are Ready with the current template.
	// +optional
	Synced int32 `json:"synced"`

	// failing counts the children whose Ready is False for their current
	// generation.
	// +optional
	Failing int32 `json:"failing"`

	// summary is synced/targets, for `kubectl get`.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Summary string `json:"summary,omitempty"`

	// failingChildren are the first failing children by name, with their
	// reasons: at most 10, however many fail (failing has the count).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=10
	FailingChildren []FailingChild `json:"failingChildren,omitempty"`

	// rollout is where the last template change is in its waves.
	// +optional
	Rollout *RolloutStatus `json:"rollout,omitempty"`
}

// DataSourceSet declares one data source on every connection its
// connectionSelector matches: it creates and owns one child DataSource per
// connection, rolls template changes out to them in waves, and sums up
// their status. Each child is an ordinary DataSource, so every rule of a
// DataSource (ownership records, adoption, conflicts, deletionPolicy,
// Observe) applies to it unchanged.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=osdss,categories=opensearch
// +kubebuilder:printcolumn:name="Synced/Targets",type=string,JSONPath=`.status.summary`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Failing",type=integer,JSONPath=`.status.failing`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:validation:XValidation:rule="has(self.spec.template.spec.name) || self.metadata.name.matches('^[A-Za-z][A-Za-z0-9_-]*$')",message="metadata.name is not a valid OpenSearch data source name (letters, digits, '_' and '-', starting with a letter); set spec.template.spec.name"
// +kubebuilder:validation:XValidation:rule="(has(oldSelf.spec.template.spec.name) ? oldSelf.spec.template.spec.name : oldSelf.metadata.name) == (has(self.spec.template.spec.name) ? self.spec.template.spec.name : self.metadata.name)",message="spec.template.spec.name is immutable once set (unset means metadata.name): the children's data sources keep their names; create a new DataSourceSet instead",fieldPath=.spec.template.spec.name
type DataSourceSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the template, the connections it applies to, and how changes
	// roll out.
	// +required
	Spec DataSourceSetSpec `json:"spec"`

	// status sums up the children.
	// +optional
	Status DataSourceSetStatus `json:"status,omitempty"`
}

// DataSourceSetList is a list of DataSourceSets.
// +kubebuilder:object:root=true
type DataSourceSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the DataSourceSets.
	Items []DataSourceSet `json:"items"`
}
