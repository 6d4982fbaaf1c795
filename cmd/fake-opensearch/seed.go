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

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// seedEntry is one data source of a --seed file, in the shape of the SQL
// plugin's create body, so that a pipeline can reuse the bodies it already
// has. Seeded documents skip the server's validation on purpose: a seed
// stands for what someone else put on the cluster, valid or not.
type seedEntry struct {
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	Connector    string         `json:"connector"`
	ResultIndex  string         `json:"resultIndex"`
	Status       string         `json:"status"`
	AllowedRoles []string       `json:"allowedRoles"`
	Properties   map[string]any `json:"properties"`
}

// readSeed parses a --seed file: a JSON array of create bodies.
func readSeed(path string) ([]fakeopensearch.Document, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseSeed(raw)
}

func parseSeed(raw []byte) ([]fakeopensearch.Document, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var entries []seedEntry
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("seed file: want a JSON array of data source bodies: %w", err)
	}
	docs := make([]fakeopensearch.Document, 0, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		if e.Name == "" {
			return nil, fmt.Errorf("seed file: entry %d has no name", i)
		}
		if seen[e.Name] {
			return nil, fmt.Errorf("seed file: data source %q appears twice", e.Name)
		}
		seen[e.Name] = true
		docs = append(docs, fakeopensearch.Document{
			Name: e.Name, Description: e.Description, Connector: e.Connector,
			ResultIndex: e.ResultIndex, Status: e.Status,
			AllowedRoles: e.AllowedRoles, Properties: e.Properties,
		})
	}
	return docs, nil
}
