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

// Package opensearch is the HTTP client for OpenSearch's data source API
// (/_plugins/_query/_datasources).
//
// It speaks two dialects of that API: the one the documentation describes
// (DialectDocumented, with a configuration object and JSON-object responses)
// and the one the SQL plugin really implements (DialectSQLPlugin, with
// connector-specific properties as strings and string responses). A client
// configured with DialectAuto discovers which one the server speaks from the
// server's own answers.
//
// The package knows nothing about Kubernetes: a reconciler maps its custom
// resources to DataSource and reads back RemoteDataSource, Drift and Error.
// No error or result the package returns carries a secret value.
package opensearch
