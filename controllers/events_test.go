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
	"strings"
	"testing"

	"k8s.io/client-go/tools/events"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// TestEventsFitTheNoteLimit: the API server drops an event whose note is
// over its limit, so a long rejection must be cut, not lost.
func TestEventsFitTheNoteLimit(t *testing.T) {
	fake := events.NewFakeRecorder(1)
	r := boundedRecorder{fake}
	r.Eventf(stDataSource(1, v1alpha1.DataSourceStatus{}), nil, "Warning", "Rejected", "Write", "OpenSearch rejected %s: %s",
		"the data source", strings.Repeat("x", 5000))
	got := <-fake.Events
	if len(got) > opensearch.MaxEventNote+len("Warning Rejected ") {
		t.Errorf("event is %d bytes: %.60q…", len(got), got)
	}
	if !strings.Contains(got, "OpenSearch rejected the data source: xxx") {
		t.Errorf("event lost its beginning: %.80q", got)
	}
}
