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

package export

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// ConnectionConfig is the client configuration the connection of kind
// (OpenSearchConnection in namespace, or ClusterOpenSearchConnection)
// describes, its Secrets read through c as the export reads them: for
// other commands that talk to a connection's cluster as its user.
func ConnectionConfig(ctx context.Context, c client.Reader, kind v1alpha1.ConnectionKind, namespace, name string) (opensearch.Config, error) {
	return fromConnection(ctx, c, kind, namespace, name)
}
