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

	"k8s.io/apimachinery/pkg/types"
)

func TestMemoryIsPerObject(t *testing.T) {
	m := newMemory()
	nn := types.NamespacedName{Namespace: "ns", Name: "ds"}
	m.update(nn, "uid-1", func(a *applied) { a.fingerprint, a.synced, a.checked = "fp", true, time.Unix(1, 0) })
	if got := m.get("uid-1"); got.fingerprint != "fp" || !got.synced {
		t.Fatalf("get = %+v, want what update stored", got)
	}
	// The same name re-created: a new UID starts empty and replaces the old.
	m.update(nn, "uid-2", func(a *applied) { a.credentialKeys = []string{"k"} })
	if got := m.get("uid-2"); got.fingerprint != "" || got.synced {
		t.Errorf("a re-created DataSource inherited %+v", got)
	}
	if got := m.get("uid-1"); got.fingerprint != "" {
		t.Errorf("the deleted object's entry stayed: %+v", got)
	}
	m.forget(nn)
	if got := m.get("uid-2"); len(got.credentialKeys) != 0 {
		t.Errorf("forget left %+v", got)
	}
}
