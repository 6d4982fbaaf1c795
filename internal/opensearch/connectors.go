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

import "strings"

// LosesDataOnDelete reports whether deleting a data source of connector
// destroys more than its definition. For S3GLUE and SECURITY_LAKE the SQL
// plugin's FlintStreamingJobHouseKeeperTask (2.13+, every 15 minutes by
// default) drops the auto-refresh Flint indices of a data source that no
// longer exists; creating the data source again does not bring them back.
// Such a data source is never deleted and created again implicitly.
func LosesDataOnDelete(connector string) bool {
	switch strings.ToUpper(connector) {
	case "S3GLUE", "SECURITY_LAKE":
		return true
	}
	return false
}

// DisableEffect says what setting a data source of connector to DISABLED
// turns off besides queries, "" when nothing more. For S3GLUE and
// SECURITY_LAKE the housekeeper stops the auto-refresh of the data
// source's Flint indices, and setting it back to ACTIVE does not restart
// them.
func DisableEffect(connector string) string {
	if !LosesDataOnDelete(connector) {
		return ""
	}
	return "OpenSearch's streaming-job housekeeper (every 15 minutes by default) turns auto-refresh off on this data source's " +
		"Flint indices (skipping and covering indices, materialized views); setting status back to ACTIVE does not turn it on again, " +
		"each index must be altered or re-created by hand"
}
