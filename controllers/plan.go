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
	"strings"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/termtext"
)

// maxPlanValue bounds each value an Observe plan shows: the data source's
// values are the server's and the spec's, and a condition message has
// room for every field of the largest spec only when each is short.
const maxPlanValue = 64

// planEntries names each field an observed data source differs in, with
// the server's value and the spec's: what switching to CreateOrUpdate
// would change, from → to. Values are escaped and bounded; credentials
// (opensearch.Changes hides them) and the properties the spec takes from
// Secrets (fromSecret) are named without values, as are the keys of a
// property the spec does not have whose value it would remove.
func planEntries(changes []opensearch.Change, fromSecret map[string]bool) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		key, isProperty := strings.CutPrefix(c.Field, "properties[")
		hidden := c.Hidden || isProperty && fromSecret[strings.TrimSuffix(key, "]")]
		switch {
		case c.NotDesired && hidden:
			out[i] = c.Field + " (not in spec)"
		case c.NotDesired:
			out[i] = fmt.Sprintf("%s (not in spec; %s)", c.Field, planValue(c.From))
		case hidden:
			out[i] = c.Field + " (values hidden)"
		case c.NotOnServer:
			out[i] = fmt.Sprintf("%s (absent → %s)", c.Field, planValue(c.To))
		default:
			out[i] = fmt.Sprintf("%s (%s → %s)", c.Field, planValue(c.From), planValue(c.To))
		}
	}
	return out
}

// planValue is one value of a plan, quoted, escaped and bounded.
func planValue(v string) string { return `"` + termtext.Bounded(v, maxPlanValue) + `"` }

// propertiesFromKeys are the property keys the spec takes from Secrets.
func propertiesFromKeys(spec *v1alpha1.DataSourceSpec) map[string]bool {
	keys := make(map[string]bool, len(spec.PropertiesFrom))
	for _, p := range spec.PropertiesFrom {
		keys[p.Key] = true
	}
	return keys
}
