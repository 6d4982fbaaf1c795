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
	"context"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// OpenSearchAPI is what the reconcilers need from an OpenSearch cluster's
// data source API. *opensearch.Client implements it; tests may wrap it.
type OpenSearchAPI interface {
	// Dialect is the dialect in use: the configured one, or for Auto the one
	// detected so far (Auto until a write tells).
	Dialect() opensearch.Dialect
	// Info reads the server's version (GET /).
	Info(ctx context.Context) (opensearch.ServerInfo, error)
	// ListKept reads every data source, keeping the details of those keep
	// accepts (one call serves all of a connection's DataSources).
	ListKept(ctx context.Context, keep func(name string) bool) (opensearch.Listing, error)
	// Get reads one data source; opensearch.IsNotFound tells a missing one.
	Get(ctx context.Context, name string) (opensearch.RemoteDataSource, error)
	// Create adds a data source (POST).
	Create(ctx context.Context, ds opensearch.DataSource) (opensearch.WriteResult, error)
	// Update replaces a data source with the complete body (PUT).
	Update(ctx context.Context, ds opensearch.DataSource) (opensearch.WriteResult, error)
	// Delete removes a data source; opensearch.IsNotFound tells it was gone.
	Delete(ctx context.Context, name string) error
}

// ClientFactory builds the OpenSearchAPI for one connection's resolved
// configuration. main wires NewOpenSearchClient.
type ClientFactory func(cfg opensearch.Config) (OpenSearchAPI, error)

// NewOpenSearchClient is the production ClientFactory.
func NewOpenSearchClient(cfg opensearch.Config) (OpenSearchAPI, error) {
	return opensearch.New(cfg)
}

var _ OpenSearchAPI = (*opensearch.Client)(nil)
