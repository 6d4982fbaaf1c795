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
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// A Secret pin (spec.secretVersions) is how a DataSourceSet rolls a Secret
// rotation out in waves: it names, for each Secret its template references,
// the resourceVersion a child may write. The set moves a child's pin to the
// new versions when the child's wave is released; until then the child
// holds. A pin carries versions, never values nor hashes of values.

// formatSecretVersions is the pin of versions (Secret name → resourceVersion):
// name@version pairs sorted by name, comma-separated. A Secret without a
// version (it does not exist) is left out: it cannot be pinned, and the
// children wait for it anyway (SecretNotFound).
func formatSecretVersions(versions map[string]string) string {
	names := slices.Sorted(maps.Keys(versions))
	pairs := make([]string, 0, len(names))
	for _, n := range names {
		if versions[n] != "" {
			pairs = append(pairs, n+"@"+versions[n])
		}
	}
	return strings.Join(pairs, ",")
}

// parseSecretVersions reads a pin back. The CRD's pattern admits only well
// formed pins; one that is not (stored before the pattern, or written past
// admission) is an error, so that it never reads as "nothing pinned".
func parseSecretVersions(pin string) (map[string]string, error) {
	out := map[string]string{}
	if pin == "" {
		return out, nil
	}
	for pair := range strings.SplitSeq(pin, ",") {
		name, version, ok := strings.Cut(pair, "@")
		if !ok || name == "" || version == "" || strings.Contains(version, "@") {
			return nil, fmt.Errorf("spec.secretVersions: %q is not name@resourceVersion", pair)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("spec.secretVersions names Secret %q twice", name)
		}
		out[name] = version
	}
	return out, nil
}

// heldSecret is a pinned Secret that is at another version than its pin.
type heldSecret struct {
	Name, Pinned, Current string
}

func (h heldSecret) String() string {
	current := h.Current
	if current == "" {
		current = "none (deleted)"
	}
	return fmt.Sprintf("%s (pinned at %s, now at %s)", h.Name, h.Pinned, current)
}

// secretsHeld is the gate of a pinned DataSource: the pinned Secrets, among
// those it read (by name; nil when missing), whose version differs from
// the pin, in name order. Only a differing version holds, not only a newer
// one: the set may have read a Secret before this process's watch did, and
// writing the older value would undo the rotation the pin releases.
func secretsHeld(pin map[string]string, secrets map[string]*corev1.Secret) []heldSecret {
	var held []heldSecret
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		want, pinned := pin[name]
		if !pinned {
			continue
		}
		current := ""
		if s := secrets[name]; s != nil {
			current = s.ResourceVersion
		}
		if current != want {
			held = append(held, heldSecret{Name: name, Pinned: want, Current: current})
		}
	}
	return held
}

// heldMessage is the SecretsHeld condition's message: which Secrets at
// which versions, and why nothing is written.
func heldMessage(held []heldSecret) string {
	parts := make([]string, len(held))
	for i, h := range held {
		parts[i] = h.String()
	}
	return opensearch.Truncate("spec.secretVersions pins Secret "+strings.Join(parts, ", Secret ")+
		": nothing is written until the DataSourceSet's wave releases the new version", opensearch.MaxStatusMessage)
}

// checkSecretPin stops the reconcile before any write to OpenSearch while
// spec.secretVersions pins a Secret at another version than the one read.
// Nothing requeues it: the Secret's watch runs it again when the Secret
// changes, and the set's release (a spec change) when the pin moves.
func (r *DataSourceReconciler) checkSecretPin(_ context.Context, s *dataSourceScope) *outcome {
	if s.ds.Spec.SecretVersions == "" {
		return nil
	}
	pin, err := parseSecretVersions(s.ds.Spec.SecretVersions)
	if err != nil {
		return stop(notReady(v1alpha1.ReasonInvalidSpec, err.Error()))
	}
	held := secretsHeld(pin, s.secrets)
	if len(held) == 0 {
		return nil
	}
	return &outcome{held: heldMessage(held)}
}

// heldStatus is ds's status while a pin holds it: Ready and everything
// else as they are, since the data source still holds what was released,
// and the SecretsHeld condition. observedGeneration stays too: a spec
// change made while held has not been acted on.
func heldStatus(ds *v1alpha1.DataSource, message string, now metav1.Time) *v1alpha1.DataSourceStatus {
	st := ds.Status.DeepCopy()
	setCondition(&st.Conditions, metav1.Condition{Type: v1alpha1.ConditionSecretsHeld, Status: metav1.ConditionTrue,
		Reason: v1alpha1.ReasonSecretVersionsPinned, ObservedGeneration: ds.Generation,
		Message: message}, now)
	return st
}

// reportHeld writes the SecretsHeld condition, and a Normal event when it
// names new versions: once per held version, not once per reconcile.
func (r *DataSourceReconciler) reportHeld(ctx context.Context, ds *v1alpha1.DataSource, message string) error {
	st := heldStatus(ds, message, metav1.NewTime(r.Now()))
	if equality.Semantic.DeepEqual(&ds.Status, st) {
		return nil
	}
	prev := meta.FindStatusCondition(ds.Status.Conditions, v1alpha1.ConditionSecretsHeld)
	orig := ds.DeepCopy()
	ds.Status = *st
	if err := r.Status().Patch(ctx, ds, client.MergeFrom(orig)); err != nil {
		return client.IgnoreNotFound(err)
	}
	if prev == nil || prev.Message != message {
		r.Recorder.Eventf(ds, nil, corev1.EventTypeNormal, v1alpha1.ConditionSecretsHeld, "Hold", "%s", message)
	}
	return nil
}
