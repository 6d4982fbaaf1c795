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
	"sort"
	"strings"
	"text/tabwriter"
)

// row is one DataSource in the live table.
type row struct {
	Name       string // namespace/name of the DataSource
	DataSource string // the data source's name in OpenSearch
	Connector  string
	Ready      string
	Reason     string
	Dialect    string // the connection's resolved dialect
	Server     string // what the server holds, from summarize
}

// remoteView is what a server holds for one data source: names only, never
// values, so that the table cannot show a credential.
type remoteView struct {
	Found       bool
	Status      string
	Description string
	// PropertyKeys are the stored property names, sorted.
	PropertyKeys []string
	// ConfigurationKeys are the documented API's configuration fields present
	// (endpoint, credentials), sorted.
	ConfigurationKeys []string
}

// summarize renders a remoteView for the SERVER column.
func summarize(v remoteView) string {
	if !v.Found {
		return "absent"
	}
	parts := []string{orDash(v.Status)}
	if len(v.PropertyKeys) > 0 {
		parts = append(parts, "properties: "+strings.Join(v.PropertyKeys, ", "))
	}
	if len(v.ConfigurationKeys) > 0 {
		parts = append(parts, "configuration: "+strings.Join(v.ConfigurationKeys, ", "))
	}
	return strings.Join(parts, "; ")
}

// renderTable lays the rows out under a header, columns aligned, rows sorted
// by name; it ends with a newline.
func renderTable(rows []row) string {
	sorted := append([]row(nil), rows...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	_, _ = w.Write([]byte("NAME\tDATASOURCE\tCONNECTOR\tREADY\tREASON\tDIALECT\tSERVER HOLDS\n"))
	for _, r := range sorted {
		cells := []string{r.Name, r.DataSource, r.Connector, r.Ready, r.Reason, r.Dialect, r.Server}
		for i := range cells {
			cells[i] = orDash(cells[i])
		}
		_, _ = w.Write([]byte(strings.Join(cells, "\t") + "\n"))
	}
	_ = w.Flush()
	return b.String()
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
