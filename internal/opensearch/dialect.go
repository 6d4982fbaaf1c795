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

import "fmt"

// Dialect selects which variant of the data source API the client speaks.
type Dialect string

const (
	// DialectAuto sends the documented body first and falls back to the SQL
	// plugin dialect when the server rejects the configuration field.
	DialectAuto Dialect = "Auto"
	// DialectDocumented is the API as the documentation page describes it.
	DialectDocumented Dialect = "Documented"
	// DialectSQLPlugin is the API the OpenSearch SQL plugin implements.
	DialectSQLPlugin Dialect = "SQLPlugin"
)

// validate accepts the three dialects; "" is handled by callers that treat it
// as Auto.
func (d Dialect) validate() error {
	switch d {
	case DialectAuto, DialectDocumented, DialectSQLPlugin:
		return nil
	}
	return fmt.Errorf("unknown dialect %q (want %s, %s or %s)", string(d), DialectAuto, DialectDocumented, DialectSQLPlugin)
}
