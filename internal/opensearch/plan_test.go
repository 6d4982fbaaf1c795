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

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func planDesired() DataSource {
	return DataSource{
		Name: "metrics", Connector: "prometheus",
		Properties: map[string]json.RawMessage{
			"prometheus.uri":           json.RawMessage(`"http://prom:9090"`),
			"prometheus.auth.type":     json.RawMessage(`"basicauth"`),
			"prometheus.auth.password": json.RawMessage(`"pw-123456"`),
		},
	}
}

// planRemote is what the SQL plugin lists for planDesired, plus extra keys.
func planRemote(extra ...string) *RemoteDataSource {
	r := &RemoteDataSource{
		Name: "metrics", Connector: "PROMETHEUS", Status: "ACTIVE", AllowedRoles: nil,
		ResultIndex: DefaultResultIndex("metrics"),
		Properties:  map[string]string{"prometheus.uri": "http://prom:9090", "prometheus.auth.type": "basicauth"},
	}
	for _, k := range extra {
		r.Properties[k] = "old"
	}
	return r
}

// TestNextWriteStep walks every state the write of one data source can be
// in, for both dialects and for Auto before and after it resolves.
func TestNextWriteStep(t *testing.T) {
	done := func(ops ...WriteOp) []WriteOp { return ops }
	cases := []struct {
		name      string
		state     WriteState
		want      WriteStep
		wantErr   error
		wantSpecE bool
	}{
		// Documented: PUT replaces everything, POST when it is missing.
		{"documented, unknown remote: PUT", WriteState{Dialect: DialectDocumented, MayCreate: true}, WriteStep{Op: OpUpdate}, nil, false},
		{"documented, listed remote: PUT", WriteState{Dialect: DialectDocumented, Remote: planRemote("stale"), MayCreate: true},
			WriteStep{Op: OpUpdate}, nil, false},
		{"documented, PUT done", WriteState{Dialect: DialectDocumented, Remote: planRemote("stale"), MayCreate: true, Done: done(OpUpdate)},
			WriteStep{Op: OpDone}, nil, false},
		{"documented, PUT answered 404: POST", WriteState{Dialect: DialectDocumented, Absent: true, MayCreate: true},
			WriteStep{Op: OpCreate}, nil, false},
		{"documented, POST done", WriteState{Dialect: DialectDocumented, MayCreate: true, Done: done(OpCreate)}, WriteStep{Op: OpDone}, nil, false},
		{"documented, missing and UpdateOnly", WriteState{Dialect: DialectDocumented, Absent: true}, WriteStep{}, ErrMayNotCreate, false},
		{"documented, dropped credential keys need no re-create",
			WriteState{Dialect: DialectDocumented, MayCreate: true, DroppedCredentialKeys: []string{"x.auth.password"}, Done: done(OpUpdate)},
			WriteStep{Op: OpDone}, nil, false},

		// SQL plugin: read, PUT, and re-create when keys would stay behind.
		{"sqlplugin, unknown remote: GET", WriteState{Dialect: DialectSQLPlugin, MayCreate: true}, WriteStep{Op: OpRead}, nil, false},
		{"sqlplugin, GET answered 404: POST", WriteState{Dialect: DialectSQLPlugin, Absent: true, MayCreate: true},
			WriteStep{Op: OpCreate}, nil, false},
		{"sqlplugin, listed as missing: POST without a GET", WriteState{Dialect: DialectSQLPlugin, Absent: true, MayCreate: true},
			WriteStep{Op: OpCreate}, nil, false},
		{"sqlplugin, missing and UpdateOnly", WriteState{Dialect: DialectSQLPlugin, Absent: true}, WriteStep{}, ErrMayNotCreate, false},
		{"sqlplugin, remote known: PUT", WriteState{Dialect: DialectSQLPlugin, Remote: planRemote(), MayCreate: true},
			WriteStep{Op: OpUpdate}, nil, false},
		{"sqlplugin, PUT done, nothing stale", WriteState{Dialect: DialectSQLPlugin, Remote: planRemote(), MayCreate: true, Done: done(OpUpdate)},
			WriteStep{Op: OpDone}, nil, false},
		{"sqlplugin, PUT done, stale keys: DELETE",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote("b.old", "a.old"), MayCreate: true, Done: done(OpRead, OpUpdate)},
			WriteStep{Op: OpDelete, Stale: []string{"a.old", "b.old"}}, nil, false},
		{"sqlplugin, PUT done, dropped credential key: DELETE",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote(), MayCreate: true, Done: done(OpUpdate),
				DroppedCredentialKeys: []string{"prometheus.auth.username"}},
			WriteStep{Op: OpDelete, Stale: []string{"prometheus.auth.username"}}, nil, false},
		{"sqlplugin, stale key listed and dropped: named once",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote("k"), MayCreate: true, Done: done(OpUpdate),
				DroppedCredentialKeys: []string{"k"}},
			WriteStep{Op: OpDelete, Stale: []string{"k"}}, nil, false},
		{"sqlplugin, stale keys under UpdateOnly", WriteState{Dialect: DialectSQLPlugin, Remote: planRemote("old"), Done: done(OpUpdate)},
			WriteStep{}, nil, true},
		{"sqlplugin, deleted: POST", WriteState{Dialect: DialectSQLPlugin, Absent: true, MayCreate: true, Done: done(OpUpdate, OpDelete)},
			WriteStep{Op: OpCreate}, nil, false},
		{"sqlplugin, re-created", WriteState{Dialect: DialectSQLPlugin, MayCreate: true, Done: done(OpUpdate, OpDelete, OpCreate)},
			WriteStep{Op: OpDone}, nil, false},
		{"sqlplugin, POST answered 409: read again", WriteState{Dialect: DialectSQLPlugin, MayCreate: true},
			WriteStep{Op: OpRead}, nil, false},

		// PATCH in place of PUT where the caller says so (SQL plugin only).
		{"sqlplugin, remote known, patch allowed: PATCH", WriteState{Dialect: DialectSQLPlugin, Remote: planRemote(), MayCreate: true, Patch: true},
			WriteStep{Op: OpPatch}, nil, false},
		{"sqlplugin, PATCH done, nothing stale", WriteState{Dialect: DialectSQLPlugin, Remote: planRemote(), MayCreate: true, Patch: true, Done: done(OpRead, OpPatch)},
			WriteStep{Op: OpDone}, nil, false},
		{"sqlplugin, PATCH done, stale keys: DELETE",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote("old"), MayCreate: true, Patch: true, Done: done(OpRead, OpPatch)},
			WriteStep{Op: OpDelete, Stale: []string{"old"}}, nil, false},
		{"documented ignores patch", WriteState{Dialect: DialectDocumented, Remote: planRemote(), MayCreate: true, Patch: true},
			WriteStep{Op: OpUpdate}, nil, false},
		{"auto ignores patch", WriteState{Dialect: DialectAuto, Remote: planRemote(), MayCreate: true, Patch: true},
			WriteStep{Op: OpUpdate}, nil, false},

		// A data source whose data goes with it is not re-created.
		{"sqlplugin, stale keys, no re-create: refused",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote("b", "a"), MayCreate: true, NoRecreate: true, Done: done(OpRead, OpUpdate)},
			WriteStep{}, &RecreateRefusedError{}, false},
		{"sqlplugin, nothing stale, no re-create: done",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote(), MayCreate: true, NoRecreate: true, Done: done(OpRead, OpUpdate)},
			WriteStep{Op: OpDone}, nil, false},
		{"sqlplugin, missing, no re-create: POST (a first create destroys nothing)",
			WriteState{Dialect: DialectSQLPlugin, Absent: true, MayCreate: true, NoRecreate: true},
			WriteStep{Op: OpCreate}, nil, false},

		// Auto: the first write resolves the dialect, the plan follows it.
		{"auto, unknown remote: GET", WriteState{Dialect: DialectAuto, MayCreate: true}, WriteStep{Op: OpRead}, nil, false},
		{"auto, remote known: PUT", WriteState{Dialect: DialectAuto, Remote: planRemote("old"), MayCreate: true},
			WriteStep{Op: OpUpdate}, nil, false},
		{"auto resolved to documented by the PUT: done despite stale keys",
			WriteState{Dialect: DialectDocumented, Remote: planRemote("old"), MayCreate: true, Done: done(OpRead, OpUpdate)},
			WriteStep{Op: OpDone}, nil, false},
		{"auto resolved to sqlplugin by the PUT: DELETE",
			WriteState{Dialect: DialectSQLPlugin, Remote: planRemote("old"), MayCreate: true, Done: done(OpRead, OpUpdate)},
			WriteStep{Op: OpDelete, Stale: []string{"old"}}, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NextWriteStep(planDesired(), tc.state)
			var invalid *InvalidSpecError
			switch {
			case tc.wantSpecE:
				if !errors.As(err, &invalid) {
					t.Fatalf("err = %v, want *InvalidSpecError", err)
				}
				return
			case tc.wantErr != nil:
				var refused *RecreateRefusedError
				if errors.As(tc.wantErr, &refused) {
					if !errors.As(err, &refused) || !slices.Equal(refused.Stale, []string{"a", "b"}) {
						t.Fatalf("err = %#v, want *RecreateRefusedError naming a and b", err)
					}
					return
				}
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			case err != nil:
				t.Fatalf("unexpected error %v", err)
			}
			if got.Op != tc.want.Op || !slices.Equal(got.Stale, tc.want.Stale) {
				t.Errorf("NextWriteStep = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestWriteAction(t *testing.T) {
	cases := []struct {
		done []WriteOp
		want string
	}{
		{[]WriteOp{OpUpdate}, "Updated"},
		{[]WriteOp{OpRead, OpUpdate}, "Updated"},
		{[]WriteOp{OpCreate}, "Created"},
		{[]WriteOp{OpRead, OpCreate}, "Created"},
		{[]WriteOp{OpRead, OpUpdate, OpDelete, OpCreate}, "Recreated"},
	}
	for _, tc := range cases {
		if got := WriteAction(tc.done); got != tc.want {
			t.Errorf("WriteAction(%v) = %q, want %q", tc.done, got, tc.want)
		}
	}
}

func TestCredentialKeys(t *testing.T) {
	withConfig := DataSource{Name: "metrics", Connector: "prometheus",
		Properties:    map[string]json.RawMessage{"prometheus.auth.access_key": json.RawMessage(`"k"`), "plain": json.RawMessage(`"v"`)},
		Configuration: &Configuration{Endpoint: "http://prom:9090", Username: "u", Password: "p"},
	}
	cases := []struct {
		name    string
		dialect Dialect
		ds      DataSource
		want    []string
		wantErr bool
	}{
		{"documented keeps configuration apart", DialectDocumented, withConfig, []string{"prometheus.auth.access_key"}, false},
		{"auto is checked as documented, the body an undetected server gets first", DialectAuto, withConfig,
			[]string{"prometheus.auth.access_key"}, false},
		{"sqlplugin folds configuration into credential properties", DialectSQLPlugin, withConfig,
			[]string{"prometheus.auth.access_key", "prometheus.auth.password", "prometheus.auth.username"}, false},
		{"sqlplugin cannot fold configuration of an unknown connector", DialectSQLPlugin,
			DataSource{Name: "db", Connector: "mysql", Configuration: &Configuration{Endpoint: "jdbc:x"}}, nil, true},
		{"nested property", DialectDocumented,
			DataSource{Name: "db", Connector: "mysql", Properties: map[string]json.RawMessage{"a": json.RawMessage(`{"b":1}`)}}, nil, true},
		{"unknown dialect", Dialect("Other"), withConfig, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CredentialKeys(tc.dialect, tc.ds)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("CredentialKeys = %v, want %v", got, tc.want)
			}
		})
	}
}
