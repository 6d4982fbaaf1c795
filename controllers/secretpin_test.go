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
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func TestFormatSecretVersionsSortsAndSkipsMissingSecrets(t *testing.T) {
	cases := []struct {
		name     string
		versions map[string]string
		want     string
	}{
		{"none", nil, ""},
		{"one", map[string]string{"prom": "17"}, "prom@17"},
		{"sorted by name", map[string]string{"tls": "9", "a.b": "12", "prom": "17"}, "a.b@12,prom@17,tls@9"},
		{"a missing Secret cannot be pinned", map[string]string{"prom": "17", "gone": ""}, "prom@17"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := formatSecretVersions(c.versions)
			if got != c.want {
				t.Fatalf("formatSecretVersions(%v) = %q, want %q", c.versions, got, c.want)
			}
			back, err := parseSecretVersions(got)
			if err != nil {
				t.Fatalf("parsing %q back: %v", got, err)
			}
			for name, v := range c.versions {
				if v != "" && back[name] != v {
					t.Errorf("%q parsed back gives %s@%s, want @%s", got, name, back[name], v)
				}
			}
		})
	}
}

func TestParseSecretVersionsRefusesWhatIsNotAPin(t *testing.T) {
	for _, pin := range []string{"prom", "prom@", "@17", "prom@17,", ",prom@17", "prom@17@18", "prom@1,prom@2"} {
		if got, err := parseSecretVersions(pin); err == nil {
			t.Errorf("parseSecretVersions(%q) = %v, want an error", pin, got)
		}
	}
	got, err := parseSecretVersions("a@1,b@22")
	if err != nil || !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "22"}) {
		t.Errorf("parseSecretVersions(a@1,b@22) = %v, %v", got, err)
	}
}

func pinSecret(name, version string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, ResourceVersion: version},
		Data: map[string][]byte{"password": []byte("canary-" + version)}}
}

func TestSecretsHeldIsTheGateOfAPinnedDataSource(t *testing.T) {
	read := map[string]*corev1.Secret{"prom": pinSecret("prom", "20"), "tls": pinSecret("tls", "9"), "gone": nil}
	cases := []struct {
		name string
		pin  map[string]string
		want []heldSecret
	}{
		{"no pin holds nothing", map[string]string{}, nil},
		{"the pinned versions are the ones read", map[string]string{"prom": "20", "tls": "9"}, nil},
		{"a newer version is held", map[string]string{"prom": "17", "tls": "9"},
			[]heldSecret{{Name: "prom", Pinned: "17", Current: "20"}}},
		{"an older version than the pin is held too", map[string]string{"prom": "25"},
			[]heldSecret{{Name: "prom", Pinned: "25", Current: "20"}}},
		{"every differing Secret, by name", map[string]string{"tls": "8", "prom": "17"},
			[]heldSecret{{Name: "prom", Pinned: "17", Current: "20"}, {Name: "tls", Pinned: "8", Current: "9"}}},
		{"a Secret not referenced any more holds nothing", map[string]string{"old": "3", "prom": "20"}, nil},
		{"a pinned Secret that is gone is held", map[string]string{"gone": "4"},
			[]heldSecret{{Name: "gone", Pinned: "4", Current: ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := secretsHeld(c.pin, read); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("secretsHeld(%v) = %v, want %v", c.pin, got, c.want)
			}
		})
	}
}

func TestHeldMessageNamesVersionsNeverValues(t *testing.T) {
	read := map[string]*corev1.Secret{"prom": pinSecret("prom", "20")}
	msg := heldMessage(secretsHeld(map[string]string{"prom": "17"}, read))
	for _, want := range []string{"prom", "17", "20", "DataSourceSet"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %q", msg, want)
		}
	}
	if strings.Contains(msg, "canary") {
		t.Errorf("message %q carries a Secret value", msg)
	}
}

func TestHeldStatusKeepsReadyAndObservedGeneration(t *testing.T) {
	now := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	ready := metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonSynced,
		Message: "matches", ObservedGeneration: 3, LastTransitionTime: metav1.NewTime(now.Add(-time.Hour))}
	ds := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Generation: 4},
		Status: v1alpha1.DataSourceStatus{ObservedGeneration: 3, Conditions: []metav1.Condition{ready}, Fingerprint: "f"}}
	st := heldStatus(ds, "held", now)
	if st.ObservedGeneration != 3 {
		t.Errorf("observedGeneration = %d: a spec the hold kept from acting on reads as observed", st.ObservedGeneration)
	}
	if got := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionReady); got == nil || !reflect.DeepEqual(*got, ready) {
		t.Errorf("Ready = %+v, want it unchanged: %+v", got, ready)
	}
	held := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionSecretsHeld)
	if held == nil || held.Status != metav1.ConditionTrue || held.Reason != v1alpha1.ReasonSecretVersionsPinned || held.Message != "held" {
		t.Errorf("SecretsHeld = %+v", held)
	}
	if st.Fingerprint != "f" {
		t.Errorf("fingerprint = %q, want it kept", st.Fingerprint)
	}
	// The status that follows the release carries no SecretsHeld.
	ds.Status = *st
	after := computeStatus(ds, synced("m", &connectionView{}), now)
	if c := meta.FindStatusCondition(after.Conditions, v1alpha1.ConditionSecretsHeld); c != nil {
		t.Errorf("SecretsHeld stays after a write: %+v", c)
	}
}

func TestWavesRotationsAndTheRevisionHash(t *testing.T) {
	set := &v1alpha1.DataSourceSet{ObjectMeta: metav1.ObjectMeta{Name: "set"}}
	cases := []struct {
		name    string
		rollout *v1alpha1.RolloutStrategy
		want    bool
	}{
		{"no rollout: everything at once", nil, false},
		{"a rollout waves rotations by default", &v1alpha1.RolloutStrategy{}, true},
		{"Waves", &v1alpha1.RolloutStrategy{SecretRotation: v1alpha1.SecretRotationWaves}, true},
		{"AtOnce", &v1alpha1.RolloutStrategy{SecretRotation: v1alpha1.SecretRotationAtOnce}, false},
	}
	for _, c := range cases {
		set.Spec.Rollout = c.rollout
		if got := wavesRotations(set); got != c.want {
			t.Errorf("%s: wavesRotations = %v, want %v", c.name, got, c.want)
		}
	}
	if templateHash(set, "") == templateHash(set, "prom@17") || templateHash(set, "prom@17") == templateHash(set, "prom@18") {
		t.Error("a new Secret version does not change the revision: a rotation would not be a rollout")
	}
	if templateHash(set, "prom@17") != templateHash(set.DeepCopy(), "prom@17") {
		t.Error("equal sets and pins hash differently")
	}
}
