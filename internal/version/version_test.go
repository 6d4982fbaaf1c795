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

package version

import "testing"

func TestInfoStringAndUserAgent(t *testing.T) {
	for _, tc := range []struct {
		name       string
		info       Info
		wantString string
		wantAgent  string
	}{
		{
			name: "stamped release",
			info: Info{Version: "0.2.0", Commit: "0123456789abcdef0123456789abcdef01234567", BuildDate: "2026-12-07T21:00:00Z",
				GoVersion: "go1.26.8", Platform: "linux/arm64"},
			wantString: "opensearch-datasource-operator 0.2.0 (commit 0123456789abcdef0123456789abcdef01234567, " +
				"built 2026-12-07T21:00:00Z, go1.26.8, linux/arm64)",
			wantAgent: "opensearch-datasource-operator/0.2.0 (linux/arm64; commit 0123456789ab)",
		},
		{
			name:       "unstamped build",
			info:       Info{Version: "dev", Commit: "unknown", BuildDate: "unknown", GoVersion: "go1.26.8", Platform: "linux/amd64"},
			wantString: "opensearch-datasource-operator dev (commit unknown, built unknown, go1.26.8, linux/amd64)",
			wantAgent:  "opensearch-datasource-operator/dev (linux/amd64; commit unknown)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.info.String(); got != tc.wantString {
				t.Errorf("String() = %q, want %q", got, tc.wantString)
			}
			if got := tc.info.UserAgent(); got != tc.wantAgent {
				t.Errorf("UserAgent() = %q, want %q", got, tc.wantAgent)
			}
		})
	}
}

func TestGetReportsTheStampedVariables(t *testing.T) {
	defer func(v, c, d string) { Version, Commit, BuildDate = v, c, d }(Version, Commit, BuildDate)
	Version, Commit, BuildDate = "1.2.3", "abc", "2026-01-01T00:00:00Z"
	got := Get()
	if got.Version != "1.2.3" || got.Commit != "abc" || got.BuildDate != "2026-01-01T00:00:00Z" {
		t.Errorf("Get() = %+v, want the stamped variables", got)
	}
}
