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
	"context"
	"strings"
	"testing"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

func TestRenderTableSortsRowsAlignsColumnsAndDashesEmptyCells(t *testing.T) {
	got := renderTable([]row{
		{Name: "b/two", DataSource: "two", Connector: "prometheus", Ready: "True", Reason: "Synced", Dialect: "SQLPlugin", Server: "ACTIVE"},
		{Name: "a/one", DataSource: "one", Connector: "mysql"},
	})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and two rows, got:\n%s", got)
	}
	if !strings.HasPrefix(lines[0], "NAME ") || !strings.HasSuffix(lines[0], "SERVER HOLDS") {
		t.Errorf("header = %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "a/one ") || !strings.HasPrefix(lines[2], "b/two ") {
		t.Errorf("rows are not sorted by name:\n%s", got)
	}
	if fields := strings.Fields(lines[1]); len(fields) != 7 || fields[3] != "-" || fields[6] != "-" {
		t.Errorf("empty cells are not dashes: %q", fields)
	}
	col := strings.Index(lines[0], "CONNECTOR")
	for _, l := range lines[1:] {
		if l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("column CONNECTOR does not start at %d in %q", col, l)
		}
	}
}

func TestRenderTableOfNoRowsIsTheHeader(t *testing.T) {
	if got := renderTable(nil); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "NAME") {
		t.Errorf("renderTable(nil) = %q", got)
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		view remoteView
		want string
	}{
		{"absent", remoteView{}, "absent"},
		{"status only", remoteView{Found: true, Status: "ACTIVE"}, "ACTIVE"},
		{"no status", remoteView{Found: true}, "-"},
		{"properties and configuration", remoteView{Found: true, Status: "DISABLED", PropertyKeys: []string{"a", "b"},
			ConfigurationKeys: []string{"credentials", "endpoint"}}, "DISABLED; properties: a, b; configuration: credentials, endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := summarize(tc.view); got != tc.want {
				t.Errorf("summarize = %q, want %q", got, tc.want)
			}
		})
	}
}

// The table shows what a server holds by key only: a canary value stored in
// a property and in the documented configuration never reaches it.
func TestServerViewsShowKeysNeverValues(t *testing.T) {
	const canary = "canary-7f3a9"
	for _, mode := range []fakeopensearch.Mode{fakeopensearch.ModeDocumented, fakeopensearch.ModeSQLPlugin} {
		t.Run(string(mode), func(t *testing.T) {
			f := &fakeServer{Server: fakeopensearch.New(fakeopensearch.Options{Mode: mode}), label: "fake"}
			doc := fakeopensearch.Document{Name: "ds", Connector: "PROMETHEUS", Status: "ACTIVE",
				Properties: map[string]any{"prometheus.auth.password": canary, "prometheus.uri": "http://p:9090"}}
			if mode == fakeopensearch.ModeDocumented {
				doc.Configuration = &fakeopensearch.Configuration{Endpoint: "http://p:9090", Username: canary, Password: canary}
			}
			f.Seed(doc)
			v, err := f.View(context.Background(), "ds")
			if err != nil {
				t.Fatal(err)
			}
			got := renderTable([]row{{Name: "ns/ds", DataSource: "ds", Server: summarize(v)}})
			if strings.Contains(got, canary) || strings.Contains(got, "http://p:9090") {
				t.Errorf("a value reached the table:\n%s", got)
			}
			if !strings.Contains(got, "prometheus.auth.password, prometheus.uri") {
				t.Errorf("the table lacks the property keys:\n%s", got)
			}
		})
	}
}

// realServer reads and edits a cluster through the data source API; the
// SQL-plugin fake stands in for the cluster.
func TestRealServerReadsAndEditsOverHTTP(t *testing.T) {
	fake, err := fakeopensearch.Start(fakeopensearch.Options{Mode: fakeopensearch.ModeSQLPlugin, Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	fake.Seed(fakeopensearch.Document{Name: "ds", Connector: "PROMETHEUS", Description: "before",
		Properties: map[string]any{"prometheus.uri": "http://p:9090", "team": "a"}})
	ctx := context.Background()
	r := newRealServer(fake.URL()+"/", "u", "p", false)

	v, err := r.View(ctx, "ds")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Found || v.Status != "ACTIVE" || v.Description != "before" || strings.Join(v.PropertyKeys, ",") != "prometheus.uri,team" {
		t.Errorf("View = %+v", v)
	}
	if err := r.SetDescription(ctx, "ds", "after"); err != nil {
		t.Fatal(err)
	}
	if doc, _ := fake.Stored("ds"); doc.Description != "after" {
		t.Errorf("description on the server = %q, want after", doc.Description)
	}
	if v, err := r.View(ctx, "missing"); err != nil || v.Found {
		t.Errorf("View(missing) = %+v, %v; want not found", v, err)
	}
	if _, err := newRealServer(fake.URL(), "u", "wrong", false).View(ctx, "ds"); err == nil {
		t.Error("View with a wrong password succeeded")
	}
	r.retained = []string{"ds"}
	r.Close(ctx)
	if _, ok := fake.Stored("ds"); ok {
		t.Error("Close left a retained data source on the cluster")
	}
}
