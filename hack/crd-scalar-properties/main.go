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

// Command crd-scalar-properties shapes the schema of a property value: of
// spec.properties in the DataSource CRD and of spec.template.spec.properties
// in the DataSourceSet CRD.
//
// The values are schemaless (string, number or boolean), and Kubernetes can
// neither give a structural schema a union type nor run CEL over schemaless
// values (such a rule stops the CRD from installing). Two things stay for
// the ValidatingAdmissionPolicy in config/policy, which evaluates the object
// dynamically and can name the fix: objects and arrays, and null.
//
//   - The value is nullable, so the API server keeps a null for that policy
//     to refuse; a non-nullable one it would drop while decoding, and the
//     property would vanish without a word.
//   - It carries no bound that refuses objects or arrays (minProperties 1
//     with maxProperties 0 could): schema validation runs before admission,
//     so such a bound would answer first, with "must have at most 0 items".
//
// What it does bound is a string's length (maxLength applies to strings
// alone, so numbers and booleans pass). controller-gen refuses these markers
// on an untyped schema, so `make manifests` runs this after it.
//
//	go run ./hack/crd-scalar-properties config/crd/bases/opensearch.datasource-operator.io_datasources.yaml \
//		config/crd/bases/opensearch.datasource-operator.io_datasourcesets.yaml
package main

import (
	"fmt"
	"os"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

const valueDescription = "A property value: a string (at most 4096 characters), a number or a boolean. Objects, arrays and null are refused."

// maxValueLength bounds a string value; like the object and array bounds
// it applies to strings only, so numbers and booleans pass.
const maxValueLength = 4096

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: crd-scalar-properties <CRD file>...")
		os.Exit(2)
	}
	for _, path := range os.Args[1:] {
		if err := patch(path); err != nil {
			fmt.Fprintln(os.Stderr, "crd-scalar-properties:", err)
			os.Exit(1)
		}
	}
}

// propertiesMap finds the data source spec's properties map in a CRD's
// schema: spec.properties (DataSource) or spec.template.spec.properties
// (DataSourceSet, whose children get it as it is). The schemas along the
// way are copies, but the value schema is reached through pointers the
// copies share, so changing it changes the CRD.
func propertiesMap(root *apiextensionsv1.JSONSchemaProps) (*apiextensionsv1.JSONSchemaProps, error) {
	for _, path := range [][]string{{"spec", "properties"}, {"spec", "template", "spec", "properties"}} {
		if s, ok := walk(*root, path); ok && s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
			return &s, nil
		}
	}
	return nil, fmt.Errorf("no spec.properties or spec.template.spec.properties map")
}

// walk follows path through the schema's properties.
func walk(s apiextensionsv1.JSONSchemaProps, path []string) (apiextensionsv1.JSONSchemaProps, bool) {
	for _, name := range path {
		child, ok := s.Properties[name]
		if !ok {
			return s, false
		}
		s = child
	}
	return s, true
}

func patch(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(raw, &crd); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for i := range crd.Spec.Versions {
		v := &crd.Spec.Versions[i]
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			return fmt.Errorf("%s: version %s has no schema", path, v.Name)
		}
		props, err := propertiesMap(v.Schema.OpenAPIV3Schema)
		if err != nil {
			return fmt.Errorf("%s: version %s: %w", path, v.Name, err)
		}
		value := props.AdditionalProperties.Schema
		value.Description = valueDescription
		value.Nullable = true
		value.MinProperties, value.MaxProperties = nil, nil
		value.MinItems, value.MaxItems = nil, nil
		maxLength := int64(maxValueLength)
		value.MaxLength = &maxLength
	}
	// Round-trip through a map to drop the empty status and creation
	// timestamp the typed object would add, so the file stays as
	// controller-gen shapes it.
	asJSON, err := yaml.Marshal(&crd)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(asJSON, &doc); err != nil {
		return err
	}
	delete(doc, "status")
	if meta, ok := doc["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte("---\n"), out...), 0o644)
}
