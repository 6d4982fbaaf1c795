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
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

const dtNamespace = "team-a"

// dtRaw is a spec.properties value holding the given raw JSON text.
func dtRaw(raw string) apiextensionsv1.JSON {
	return apiextensionsv1.JSON{Raw: []byte(raw)}
}

// dtDecoded is a spec.properties value as decoding the JSON text gives it
// (null leaves no bytes at all).
func dtDecoded(t *testing.T, text string) apiextensionsv1.JSON {
	t.Helper()
	var v apiextensionsv1.JSON
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("decoding %s: %v", text, err)
	}
	return v
}

// dtSecret is a Secret in dtNamespace as the API server would return it.
func dtSecret(name, uid, resourceVersion string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: dtNamespace, Name: name, UID: types.UID(uid), ResourceVersion: resourceVersion,
		},
		Data: map[string][]byte{},
	}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func dtSecrets(ss ...*corev1.Secret) map[string]*corev1.Secret {
	out := map[string]*corev1.Secret{}
	for _, s := range ss {
		out[s.Name] = s
	}
	return out
}

// dtDataSource is a DataSource using every field that reaches the body:
// credentials from Secret "creds" and one property from Secret "tokens".
func dtDataSource() *v1alpha1.DataSource {
	return &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{Namespace: dtNamespace, Name: "meta-name", Generation: 1},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: v1alpha1.ConnectionReference{Name: "conn"},
			DataSourceParameters: v1alpha1.DataSourceParameters{
				Name:         "prom",
				Description:  "metrics",
				Connector:    "prometheus",
				ResultIndex:  "query_execution_result_custom",
				Status:       v1alpha1.StateActive,
				AllowedRoles: []string{"role-a", "role-b"},
				Configuration: &v1alpha1.DataSourceConfiguration{
					Endpoint:    "http://prometheus:9090",
					Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: "creds"}},
				},
				Properties: map[string]apiextensionsv1.JSON{
					"prometheus.uri": dtRaw(`"http://prometheus:9090"`),
				},
				PropertiesFrom: []v1alpha1.PropertyFromSecret{{
					Key:          "prometheus.auth.token",
					SecretKeyRef: v1alpha1.SecretKeySelector{Name: "tokens", Key: "token"},
				}},
			},
		},
	}
}

func dtDefaultSecrets() map[string]*corev1.Secret {
	return dtSecrets(
		dtSecret("creds", "uid-creds", "10", map[string]string{"username": "alice", "password": "s3cret-pw"}),
		dtSecret("tokens", "uid-tokens", "20", map[string]string{"token": "tok-value"}),
	)
}

func TestBuildDesiredBody(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(*v1alpha1.DataSource)
		secrets map[string]*corev1.Secret
		check   func(t *testing.T, got opensearch.DataSource)
	}{
		{
			name:   "spec.name wins over metadata.name",
			mutate: func(ds *v1alpha1.DataSource) {},
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Name != "prom" {
					t.Errorf("Name = %q, want %q", got.Name, "prom")
				}
			},
		},
		{
			name:   "metadata.name when spec.name is empty",
			mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Name = "" },
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Name != "meta-name" {
					t.Errorf("Name = %q, want %q", got.Name, "meta-name")
				}
			},
		},
		{
			name:   "explicit resultIndex is kept",
			mutate: func(ds *v1alpha1.DataSource) {},
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.ResultIndex != "query_execution_result_custom" {
					t.Errorf("ResultIndex = %q", got.ResultIndex)
				}
			},
		},
		{
			name:   "resultIndex defaults from spec.name",
			mutate: func(ds *v1alpha1.DataSource) { ds.Spec.ResultIndex = "" },
			check: func(t *testing.T, got opensearch.DataSource) {
				if want := opensearch.DefaultResultIndex("prom"); got.ResultIndex != want || want == "" {
					t.Errorf("ResultIndex = %q, want %q", got.ResultIndex, want)
				}
			},
		},
		{
			name: "resultIndex defaults from metadata.name when spec.name is empty",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.ResultIndex, ds.Spec.Name, ds.Name = "", "", "Mixed.Case-Name"
			},
			check: func(t *testing.T, got opensearch.DataSource) {
				if want := "query_execution_result_mixedcase-name"; got.ResultIndex != want {
					t.Errorf("ResultIndex = %q, want %q", got.ResultIndex, want)
				}
				if got.ResultIndex != opensearch.DefaultResultIndex("Mixed.Case-Name") {
					t.Errorf("ResultIndex = %q, not DefaultResultIndex of the name", got.ResultIndex)
				}
			},
		},
		{
			name:   "status defaults to ACTIVE",
			mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Status = "" },
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Status != "ACTIVE" {
					t.Errorf("Status = %q, want ACTIVE", got.Status)
				}
			},
		},
		{
			name:   "status DISABLED is kept",
			mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Status = v1alpha1.StateDisabled },
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Status != "DISABLED" {
					t.Errorf("Status = %q, want DISABLED", got.Status)
				}
			},
		},
		{
			name:   "description, connector and allowedRoles in order",
			mutate: func(ds *v1alpha1.DataSource) { ds.Spec.AllowedRoles = []string{"z", "a"} },
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Description != "metrics" || got.Connector != "prometheus" {
					t.Errorf("Description/Connector = %q/%q", got.Description, got.Connector)
				}
				if !reflect.DeepEqual(got.AllowedRoles, []string{"z", "a"}) {
					t.Errorf("AllowedRoles = %v, want [z a]", got.AllowedRoles)
				}
			},
		},
		{
			name: "properties keep their raw JSON (string, number, bool)",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.PropertiesFrom = nil
				ds.Spec.Properties = map[string]apiextensionsv1.JSON{
					"s": dtRaw(`"9090"`),
					"n": dtRaw(`9090`),
					"f": dtRaw(`1.5`),
					"b": dtRaw(`true`),
				}
			},
			check: func(t *testing.T, got opensearch.DataSource) {
				want := map[string]string{"s": `"9090"`, "n": `9090`, "f": `1.5`, "b": `true`}
				if len(got.Properties) != len(want) {
					t.Errorf("Properties = %v, want %d keys", dtProps(got.Properties), len(want))
				}
				for k, w := range want {
					if string(got.Properties[k]) != w {
						t.Errorf("Properties[%q] = %s, want %s", k, got.Properties[k], w)
					}
				}
			},
		},
		{
			name:   "credentials resolved with default keys",
			mutate: func(ds *v1alpha1.DataSource) {},
			check: func(t *testing.T, got opensearch.DataSource) {
				want := &opensearch.Configuration{Endpoint: "http://prometheus:9090", Username: "alice", Password: "s3cret-pw"}
				if !reflect.DeepEqual(got.Configuration, want) {
					t.Errorf("Configuration = %+v, want %+v", got.Configuration, want)
				}
			},
		},
		{
			name: "credentials resolved with custom keys",
			mutate: func(ds *v1alpha1.DataSource) {
				ref := &ds.Spec.Configuration.Credentials.SecretRef
				ref.UsernameKey, ref.PasswordKey = "user", "pass"
			},
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", map[string]string{
					"username": "wrong-user", "password": "wrong-pass", "user": "bob", "pass": "bobs-pw",
				}),
				dtSecret("tokens", "u2", "1", map[string]string{"token": "t"}),
			),
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Configuration == nil || got.Configuration.Username != "bob" || got.Configuration.Password != "bobs-pw" {
					t.Errorf("Configuration = %+v, want bob/bobs-pw", got.Configuration)
				}
			},
		},
		{
			name:   "no configuration means nil Configuration",
			mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Configuration = nil },
			check: func(t *testing.T, got opensearch.DataSource) {
				if got.Configuration != nil {
					t.Errorf("Configuration = %+v, want nil", got.Configuration)
				}
			},
		},
		{
			name: "propertiesFrom values become JSON strings",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.PropertiesFrom = append(ds.Spec.PropertiesFrom, v1alpha1.PropertyFromSecret{
					Key: "numeric.looking", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "tokens", Key: "port"},
				}, v1alpha1.PropertyFromSecret{
					Key: "quoted", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "tokens", Key: "quote"},
				})
			},
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", map[string]string{"username": "a", "password": "b"}),
				dtSecret("tokens", "u2", "1", map[string]string{"token": "tok-value", "port": "9090", "quote": `say "hi"`}),
			),
			check: func(t *testing.T, got opensearch.DataSource) {
				want := map[string]string{
					"prometheus.uri":        `"http://prometheus:9090"`,
					"prometheus.auth.token": `"tok-value"`,
					"numeric.looking":       `"9090"`,
					"quoted":                `"say \"hi\""`,
				}
				if !reflect.DeepEqual(dtProps(got.Properties), want) {
					t.Errorf("Properties = %v, want %v", dtProps(got.Properties), want)
				}
				for k, v := range got.Properties {
					var s any
					if err := json.Unmarshal(v, &s); err != nil {
						t.Errorf("Properties[%q] = %s is not valid JSON: %v", k, v, err)
					}
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := dtDataSource()
			tc.mutate(ds)
			secrets := tc.secrets
			if secrets == nil {
				secrets = dtDefaultSecrets()
			}
			got, problem := buildDesired(ds, secrets, "conn-id")
			if problem != nil {
				t.Fatalf("buildDesired: unexpected problem %v", problem)
			}
			if !strings.HasPrefix(got.Fingerprint, "sha256:") {
				t.Errorf("Fingerprint = %q, want a sha256: prefix", got.Fingerprint)
			}
			tc.check(t, got.DataSource)
		})
	}
}

func dtProps(m map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func TestBuildDesiredDoesNotAliasSpec(t *testing.T) {
	ds := dtDataSource()
	got, problem := buildDesired(ds, dtDefaultSecrets(), "conn-id")
	if problem != nil {
		t.Fatal(problem)
	}
	got.DataSource.AllowedRoles[0] = "changed"
	if ds.Spec.AllowedRoles[0] != "role-a" {
		t.Errorf("changing the body's AllowedRoles changed the spec: %v", ds.Spec.AllowedRoles)
	}
}

func TestBuildDesiredProblems(t *testing.T) {
	const leaked = "must-not-leak"
	cases := []struct {
		name    string
		mutate  func(*v1alpha1.DataSource)
		secrets map[string]*corev1.Secret
		reason  string
		// contains and excludes are checked against the message.
		contains []string
		excludes []string
	}{
		{
			name:     "credentials Secret missing",
			secrets:  dtSecrets(dtSecret("tokens", "u", "1", map[string]string{"token": leaked})),
			reason:   v1alpha1.ReasonSecretNotFound,
			contains: []string{"team-a/creds", "spec.configuration.credentials"},
			excludes: []string{leaked},
		},
		{
			name:     "credentials Secret present but nil in the map",
			secrets:  map[string]*corev1.Secret{"creds": nil, "tokens": dtSecret("tokens", "u", "1", map[string]string{"token": "x"})},
			reason:   v1alpha1.ReasonSecretNotFound,
			contains: []string{"team-a/creds"},
		},
		{
			name:     "propertiesFrom Secret missing",
			secrets:  dtSecrets(dtSecret("creds", "u", "1", map[string]string{"username": leaked, "password": leaked})),
			reason:   v1alpha1.ReasonSecretNotFound,
			contains: []string{"team-a/tokens", "spec.propertiesFrom[prometheus.auth.token]"},
			excludes: []string{leaked},
		},
		{
			name: "default password key missing",
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", map[string]string{"username": leaked, "pw": leaked + "2", "other": leaked + "3"}),
				dtSecret("tokens", "u", "1", map[string]string{"token": "x"}),
			),
			reason:   v1alpha1.ReasonSecretKeyNotFound,
			contains: []string{"team-a/creds", `"password"`, "other, pw, username"},
			excludes: []string{leaked},
		},
		{
			name: "custom username key missing",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.Configuration.Credentials.SecretRef.UsernameKey = "login"
			},
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", map[string]string{"username": leaked, "password": leaked}),
				dtSecret("tokens", "u", "1", map[string]string{"token": "x"}),
			),
			reason:   v1alpha1.ReasonSecretKeyNotFound,
			contains: []string{`"login"`, "password, username"},
			excludes: []string{leaked},
		},
		{
			name: "propertiesFrom key missing",
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", map[string]string{"username": "a", "password": "b"}),
				dtSecret("tokens", "u", "1", map[string]string{"tok": leaked}),
			),
			reason:   v1alpha1.ReasonSecretKeyNotFound,
			contains: []string{"team-a/tokens", `"token"`, "it has keys tok", "spec.propertiesFrom[prometheus.auth.token]"},
			excludes: []string{leaked},
		},
		{
			name: "Secret with no keys at all",
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", nil),
				dtSecret("tokens", "u", "1", map[string]string{"token": "x"}),
			),
			reason:   v1alpha1.ReasonSecretKeyNotFound,
			contains: []string{"none"},
		},
		{
			name: "key in both properties and propertiesFrom",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.Properties["prometheus.auth.token"] = dtRaw(`"literal"`)
			},
			secrets: dtSecrets(
				dtSecret("creds", "u", "1", map[string]string{"username": "a", "password": "b"}),
				dtSecret("tokens", "u", "1", map[string]string{"token": leaked}),
			),
			reason:   v1alpha1.ReasonInvalidSpec,
			contains: []string{`"prometheus.auth.token"`, "spec.properties", "spec.propertiesFrom"},
			excludes: []string{leaked},
		},
		{
			name: "a null property and the same key in propertiesFrom",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.Properties["prometheus.auth.token"] = dtDecoded(t, `null`)
			},
			reason:   v1alpha1.ReasonInvalidSpec,
			contains: []string{`property "prometheus.auth.token" is set in both spec.properties and spec.propertiesFrom`},
		},
		{
			name: "a property that is not JSON cannot be encoded",
			mutate: func(ds *v1alpha1.DataSource) {
				ds.Spec.Properties["bad"] = dtRaw(`{not json`)
			},
			reason: v1alpha1.ReasonInvalidSpec,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := dtDataSource()
			if tc.mutate != nil {
				tc.mutate(ds)
			}
			secrets := tc.secrets
			if secrets == nil {
				secrets = dtDefaultSecrets()
			}
			got, problem := buildDesired(ds, secrets, "conn-id")
			if problem == nil {
				t.Fatalf("buildDesired: no problem, body %+v", got.DataSource)
			}
			if problem.Reason != tc.reason {
				t.Errorf("Reason = %q, want %q (message %q)", problem.Reason, tc.reason, problem.Message)
			}
			if !reflect.DeepEqual(got, desiredState{}) {
				t.Errorf("a problem must come with an empty desiredState, got %+v", got)
			}
			for _, s := range tc.contains {
				if !strings.Contains(problem.Message, s) {
					t.Errorf("message %q does not contain %q", problem.Message, s)
				}
			}
			rendered := problem.Error() + "\n" + fmt.Sprintf("%+v %#v", problem, problem)
			for _, s := range tc.excludes {
				if strings.Contains(rendered, s) {
					t.Errorf("problem reveals %q: %s", s, rendered)
				}
			}
			if !strings.HasPrefix(problem.Error(), tc.reason+": ") {
				t.Errorf("Error() = %q, want the reason first", problem.Error())
			}
		})
	}
}

// TestBuildDesiredNullProperty: where the admission policy is not installed
// a null value reaches the controller, decoded to no bytes at all, and the
// body must refuse it as a null, not as text that is not JSON.
func TestBuildDesiredNullProperty(t *testing.T) {
	ds := dtDataSource()
	ds.Spec.Properties["prometheus.step"] = dtDecoded(t, `null`)
	got, problem := buildDesired(ds, dtDefaultSecrets(), "conn-id")
	if problem != nil {
		t.Fatalf("buildDesired: %v", problem)
	}
	for _, d := range []opensearch.Dialect{opensearch.DialectDocumented, opensearch.DialectSQLPlugin} {
		_, err := opensearch.BuildBody(d, got.DataSource)
		const want = `property "prometheus.step": null is not allowed; omit the key instead`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: BuildBody error = %v, want one containing %q", d, err, want)
		}
	}
}

func TestBuildDesiredReferencedSecrets(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*v1alpha1.DataSource)
		want   []string
	}{
		{"credentials and propertiesFrom", func(*v1alpha1.DataSource) {}, []string{"creds", "tokens"}},
		{"none", func(ds *v1alpha1.DataSource) {
			ds.Spec.Configuration, ds.Spec.PropertiesFrom = nil, nil
		}, []string{}},
		{"configuration without credentials", func(ds *v1alpha1.DataSource) {
			ds.Spec.Configuration.Credentials = nil
		}, []string{"tokens"}},
		{"sorted and without repeats", func(ds *v1alpha1.DataSource) {
			ds.Spec.Configuration.Credentials.SecretRef.Name = "zeta"
			ds.Spec.PropertiesFrom = []v1alpha1.PropertyFromSecret{
				{Key: "a", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "zeta", Key: "x"}},
				{Key: "b", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "alpha", Key: "y"}},
				{Key: "c", SecretKeyRef: v1alpha1.SecretKeySelector{Name: "alpha", Key: "z"}},
			}
		}, []string{"alpha", "zeta"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := dtDataSource()
			tc.mutate(ds)
			if got := referencedSecrets(&ds.Spec); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("referencedSecrets = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func dtFingerprint(t *testing.T, ds *v1alpha1.DataSource, secrets map[string]*corev1.Secret, connectionID string) string {
	t.Helper()
	got, problem := buildDesired(ds, secrets, connectionID)
	if problem != nil {
		t.Fatalf("buildDesired: %v", problem)
	}
	if got.Fingerprint == "" {
		t.Fatal("empty fingerprint")
	}
	return got.Fingerprint
}

func TestFingerprintStable(t *testing.T) {
	first := dtFingerprint(t, dtDataSource(), dtDefaultSecrets(), "conn-id")
	for i := 0; i < 20; i++ {
		// Fresh maps every time, so map iteration order differs.
		if got := dtFingerprint(t, dtDataSource(), dtDefaultSecrets(), "conn-id"); got != first {
			t.Fatalf("run %d: fingerprint %q, want %q", i, got, first)
		}
	}
	// Metadata and policy fields that do not reach the body leave it alone.
	ds := dtDataSource()
	ds.Generation = 7
	ds.Labels = map[string]string{"a": "b"}
	ds.Spec.ManagementPolicy = v1alpha1.ManagementUpdateOnly
	ds.Spec.DeletionPolicy = v1alpha1.DeletionRetain
	if got := dtFingerprint(t, ds, dtDefaultSecrets(), "conn-id"); got != first {
		t.Errorf("fingerprint changed with fields outside the body: %q vs %q", got, first)
	}
	// Defaulted fields are fingerprinted after defaulting.
	ds = dtDataSource()
	ds.Spec.Status = ""
	if got := dtFingerprint(t, ds, dtDefaultSecrets(), "conn-id"); got != first {
		t.Errorf("status \"\" and ACTIVE fingerprint differently: %q vs %q", got, first)
	}
}

func TestFingerprintChanges(t *testing.T) {
	base := dtFingerprint(t, dtDataSource(), dtDefaultSecrets(), "conn-id")
	withSecret := func(name, uid, rv string, data map[string]string) map[string]*corev1.Secret {
		m := dtDefaultSecrets()
		m[name] = dtSecret(name, uid, rv, data)
		return m
	}
	cases := []struct {
		name         string
		mutate       func(*v1alpha1.DataSource)
		secrets      map[string]*corev1.Secret
		connectionID string
	}{
		{name: "connection id", connectionID: "other-conn"},
		{name: "credentials Secret resourceVersion, same values",
			secrets: withSecret("creds", "uid-creds", "11", map[string]string{"username": "alice", "password": "s3cret-pw"})},
		{name: "credentials Secret uid (re-created), same values and version",
			secrets: withSecret("creds", "uid-creds-2", "10", map[string]string{"username": "alice", "password": "s3cret-pw"})},
		{name: "propertiesFrom Secret resourceVersion, same value",
			secrets: withSecret("tokens", "uid-tokens", "21", map[string]string{"token": "tok-value"})},
		{name: "spec.name", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Name = "prom2" }},
		{name: "metadata.name when it is the name", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.Name = ""
		}},
		{name: "description", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Description = "other" }},
		{name: "connector", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Connector = "s3glue" }},
		{name: "resultIndex", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.ResultIndex = "query_execution_result_x" }},
		{name: "status", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Status = v1alpha1.StateDisabled }},
		{name: "allowedRoles order", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.AllowedRoles = []string{"role-b", "role-a"} }},
		{name: "allowedRoles removed", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.AllowedRoles = nil }},
		{name: "endpoint", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Configuration.Endpoint = "http://other:9090" }},
		{name: "configuration removed", mutate: func(ds *v1alpha1.DataSource) { ds.Spec.Configuration = nil }},
		{name: "usernameKey", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.Configuration.Credentials.SecretRef.UsernameKey = "login"
		}, secrets: withSecret("creds", "uid-creds", "10", map[string]string{"username": "alice", "login": "alice", "password": "s3cret-pw"})},
		{name: "property value", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.Properties["prometheus.uri"] = dtRaw(`"http://other:9090"`)
		}},
		{name: "property JSON type only", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.Properties["port"] = dtRaw(`9090`)
		}},
		{name: "property added", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.Properties["extra"] = dtRaw(`true`)
		}},
		{name: "propertiesFrom property key", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.PropertiesFrom[0].Key = "prometheus.auth.other"
		}},
		{name: "propertiesFrom Secret key", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.PropertiesFrom[0].SecretKeyRef.Key = "token2"
		}, secrets: withSecret("tokens", "uid-tokens", "20", map[string]string{"token": "tok-value", "token2": "tok-value"})},
		{name: "propertiesFrom Secret name", mutate: func(ds *v1alpha1.DataSource) {
			ds.Spec.PropertiesFrom[0].SecretKeyRef.Name = "tokens2"
		}, secrets: withSecret("tokens2", "uid-tokens", "20", map[string]string{"token": "tok-value"})},
	}
	seen := map[string]string{base: "base"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := dtDataSource()
			if tc.mutate != nil {
				tc.mutate(ds)
			}
			secrets := tc.secrets
			if secrets == nil {
				secrets = dtDefaultSecrets()
			}
			id := tc.connectionID
			if id == "" {
				id = "conn-id"
			}
			got := dtFingerprint(t, ds, secrets, id)
			if got == base {
				t.Errorf("fingerprint did not change: %q", got)
			}
			if other, dup := seen[got]; dup {
				t.Errorf("fingerprint %q equals that of case %q", got, other)
			}
			seen[got] = tc.name
		})
	}
}

func TestFingerprintHashesVersionsNotValues(t *testing.T) {
	values := []map[string]string{
		{"username": "alice", "password": "first-password"},
		{"username": "mallory", "password": "second-password"},
	}
	var prints []string
	for _, v := range values {
		secrets := dtDefaultSecrets()
		secrets["creds"] = dtSecret("creds", "uid-creds", "10", v)
		got, problem := buildDesired(dtDataSource(), secrets, "conn-id")
		if problem != nil {
			t.Fatal(problem)
		}
		// The body does carry the value; only the fingerprint ignores it.
		if got.DataSource.Configuration.Password != v["password"] {
			t.Fatalf("body password = %q, want %q", got.DataSource.Configuration.Password, v["password"])
		}
		for _, secret := range v {
			if strings.Contains(got.Fingerprint, secret) {
				t.Errorf("fingerprint %q contains the secret value %q", got.Fingerprint, secret)
			}
		}
		prints = append(prints, got.Fingerprint)
	}
	if prints[0] != prints[1] {
		t.Errorf("same uid/resourceVersion, different values: fingerprints %q and %q differ", prints[0], prints[1])
	}
}

func TestBuildDesiredDataSourceName(t *testing.T) {
	cases := []struct{ meta, spec, want string }{
		{"meta", "", "meta"},
		{"meta", "spec", "spec"},
		{"", "spec", "spec"},
	}
	for _, tc := range cases {
		ds := &v1alpha1.DataSource{ObjectMeta: metav1.ObjectMeta{Name: tc.meta}, Spec: v1alpha1.DataSourceSpec{DataSourceParameters: v1alpha1.DataSourceParameters{Name: tc.spec}}}
		if got := dataSourceName(ds); got != tc.want {
			t.Errorf("dataSourceName(meta=%q, spec=%q) = %q, want %q", tc.meta, tc.spec, got, tc.want)
		}
	}
}

// TestCanarySecretValue plants one value in every Secret slot and checks
// that it shows up only in the body meant for OpenSearch.
func TestCanarySecretValue(t *testing.T) {
	const canary = "canary-3b9f1e"
	all := map[string]string{"username": canary, "password": canary, "token": canary, "extra": canary}
	full := func() map[string]*corev1.Secret {
		return dtSecrets(dtSecret("creds", "uid-c", "5", all), dtSecret("tokens", "uid-t", "6", all))
	}

	got, problem := buildDesired(dtDataSource(), full(), "conn-id")
	if problem != nil {
		t.Fatal(problem)
	}
	if got.DataSource.Configuration == nil || got.DataSource.Configuration.Password != canary ||
		string(got.DataSource.Properties["prometheus.auth.token"]) != `"`+canary+`"` {
		t.Fatal("the canary never reached the body; the test would prove nothing")
	}
	if strings.Contains(got.Fingerprint, canary) {
		t.Errorf("fingerprint %q contains the canary", got.Fingerprint)
	}

	cases := []struct {
		name    string
		mutate  func(*v1alpha1.DataSource)
		secrets func() map[string]*corev1.Secret
	}{
		{"SecretKeyNotFound for credentials", func(ds *v1alpha1.DataSource) {
			ds.Spec.Configuration.Credentials.SecretRef.PasswordKey = "nope"
		}, full},
		{"SecretKeyNotFound for propertiesFrom", func(ds *v1alpha1.DataSource) {
			ds.Spec.PropertiesFrom[0].SecretKeyRef.Key = "nope"
		}, full},
		{"SecretNotFound after reading another Secret", func(*v1alpha1.DataSource) {}, func() map[string]*corev1.Secret {
			m := full()
			delete(m, "tokens")
			return m
		}},
		{"InvalidSpec clash after reading the value", func(ds *v1alpha1.DataSource) {
			ds.Spec.Properties["prometheus.auth.token"] = dtRaw(`"x"`)
		}, full},
		{"InvalidSpec encoding error", func(ds *v1alpha1.DataSource) {
			ds.Spec.Properties["bad"] = dtRaw(`[`)
		}, full},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := dtDataSource()
			tc.mutate(ds)
			_, problem := buildDesired(ds, tc.secrets(), "conn-id")
			if problem == nil {
				t.Fatal("expected a specProblem")
			}
			for _, rendered := range []string{
				problem.Message, problem.Error(), fmt.Sprintf("%+v", problem), fmt.Sprintf("%+v", *problem), fmt.Sprintf("%#v", problem),
			} {
				if strings.Contains(rendered, canary) {
					t.Errorf("specProblem reveals the canary: %s", rendered)
				}
			}
		})
	}
}

// TestSensitiveHoldsSecretsNotUserNames: the client redacts what Sensitive
// lists from every error, so a user name there would mangle any text that
// contains it (the sample's user "prometheus" inside the data source name
// "my_prometheus").
func TestSensitiveHoldsSecretsNotUserNames(t *testing.T) {
	secrets := dtSecrets(
		dtSecret("creds", "uid-c", "5", map[string]string{"username": "prometheus", "password": "pass-word"}),
		dtSecret("tokens", "uid-t", "6", map[string]string{"token": "tok-value", "user": "svc-user"}))
	ds := dtDataSource()
	ds.Spec.PropertiesFrom = append(ds.Spec.PropertiesFrom, v1alpha1.PropertyFromSecret{Key: "x.auth.username"})
	last := &ds.Spec.PropertiesFrom[len(ds.Spec.PropertiesFrom)-1]
	last.SecretKeyRef.Name, last.SecretKeyRef.Key = "tokens", "user"
	got, problem := buildDesired(ds, secrets, "conn-id")
	if problem != nil {
		t.Fatal(problem)
	}
	for _, secret := range []string{"pass-word", "tok-value"} {
		if !slices.Contains(got.DataSource.Sensitive, secret) {
			t.Errorf("Sensitive = %v lacks the secret %q", got.DataSource.Sensitive, secret)
		}
	}
	for _, name := range []string{"prometheus", "svc-user"} {
		if slices.Contains(got.DataSource.Sensitive, name) {
			t.Errorf("Sensitive = %v holds the user name %q", got.DataSource.Sensitive, name)
		}
	}
}
