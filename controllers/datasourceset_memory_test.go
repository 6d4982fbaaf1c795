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
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

func memorySet(uid types.UID, rollout *v1alpha1.RolloutStatus) *v1alpha1.DataSourceSet {
	return &v1alpha1.DataSourceSet{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "set", UID: uid},
		Status: v1alpha1.DataSourceSetStatus{Rollout: rollout}}
}

func TestSetMemoryTellsACacheThatLagsTheLastStatusWrite(t *testing.T) {
	written := &v1alpha1.RolloutStatus{TemplateHash: "h2", Wave: 2, Waves: 3, ResumedWith: "1"}
	cases := []struct {
		name string
		read *v1alpha1.DataSourceSet
		want bool
	}{
		{"the copy written", memorySet("u1", written.DeepCopy()), false},
		{"an earlier wave", memorySet("u1", &v1alpha1.RolloutStatus{TemplateHash: "h2", Wave: 1, Waves: 3, ResumedWith: "1"}), true},
		{"before the resume was spent", memorySet("u1", &v1alpha1.RolloutStatus{TemplateHash: "h2", Wave: 2, Waves: 3}), true},
		{"before any rollout", memorySet("u1", nil), true},
		{"a new set of the same name", memorySet("u2", nil), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m setMemory
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			if m.behind(c.read, at) {
				t.Fatal("an empty memory finds a set behind")
			}
			m.wrote(memorySet("u1", written), at)
			if got := m.behind(c.read, at.Add(time.Second)); got != c.want {
				t.Fatalf("behind = %v, want %v", got, c.want)
			}
			if m.behind(c.read, at.Add(setMemoryWindow)) {
				t.Fatal("a write older than the window still counts: another process's later write would stop the set for good")
			}
			m.forget(types.NamespacedName{Namespace: "ns", Name: "set"})
			if m.behind(c.read, at.Add(time.Second)) {
				t.Fatal("a forgotten set is still found behind")
			}
		})
	}
}
