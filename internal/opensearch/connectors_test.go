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

package opensearch

import "testing"

func TestLosesDataOnDelete(t *testing.T) {
	for connector, want := range map[string]bool{
		"s3glue": true, "S3GLUE": true, "security_lake": true, "Security_Lake": true,
		"prometheus": false, "opensearch": false, "mysql": false, "": false,
	} {
		if got := LosesDataOnDelete(connector); got != want {
			t.Errorf("LosesDataOnDelete(%q) = %v, want %v", connector, got, want)
		}
		if got := DisableEffect(connector) != ""; got != want {
			t.Errorf("DisableEffect(%q) given = %v, want %v", connector, got, want)
		}
	}
}
