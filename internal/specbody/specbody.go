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

// Package specbody maps a DataSource's spec to the data source body it
// asks for, before any Secret is read. The reconciler adds the Secret
// values to it and writes it; the diagnose command compares it, values
// from Secrets left out, with what the server holds. One mapping means
// a default cannot mean one thing to the operator and another to the
// command that explains it.
package specbody

import (
	"encoding/json"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// Name is the data source's name in OpenSearch: spec.name, else the
// DataSource's own name.
func Name(ds *v1alpha1.DataSource) string {
	if ds.Spec.Name != "" {
		return ds.Spec.Name
	}
	return ds.Name
}

// Body is the data source from the spec alone, defaults applied: no
// configuration and no spec.propertiesFrom, whose values live in Secrets.
func Body(ds *v1alpha1.DataSource) opensearch.DataSource {
	spec := &ds.Spec
	body := opensearch.DataSource{
		Name:         Name(ds),
		Description:  spec.Description,
		Connector:    spec.Connector,
		ResultIndex:  spec.ResultIndex,
		Status:       string(spec.Status),
		AllowedRoles: append([]string{}, spec.AllowedRoles...),
		Properties:   make(map[string]json.RawMessage, len(spec.Properties)+len(spec.PropertiesFrom)),
	}
	if body.ResultIndex == "" {
		body.ResultIndex = opensearch.DefaultResultIndex(body.Name)
	}
	if body.Status == "" {
		body.Status = string(v1alpha1.StateActive)
	}
	for k, v := range spec.Properties {
		body.Properties[k] = propertyValue(v)
	}
	return body
}

// propertyValue is a spec.properties value as JSON. The CRD keeps a null
// value (the admission policy refuses it where installed), and decoding
// leaves it with no bytes at all; it becomes null again so that the body
// refuses it as a null rather than as text that is not JSON.
func propertyValue(v apiextensionsv1.JSON) json.RawMessage {
	if len(v.Raw) == 0 {
		return json.RawMessage("null")
	}
	return json.RawMessage(v.Raw)
}
