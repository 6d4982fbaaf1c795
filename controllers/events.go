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

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// boundedRecorder cuts each event's note to the API's limit: the API server
// drops an event whose note is longer, so a long rejection from OpenSearch
// would otherwise vanish without a trace. Notes are built from text the
// client has already redacted.
type boundedRecorder struct {
	events.EventRecorder
}

func (r boundedRecorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...interface{}) {
	r.EventRecorder.Eventf(regarding, related, eventtype, reason, action, "%s",
		opensearch.Truncate(fmt.Sprintf(note, args...), opensearch.MaxEventNote))
}
