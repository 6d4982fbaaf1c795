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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// specProblem is why a DataSource cannot be written yet: a Ready reason and a
// message a user can act on.
type specProblem struct {
	Reason  string
	Message string
}

func (p *specProblem) Error() string { return p.Reason + ": " + p.Message }

// desiredState is a DataSource as it must be in OpenSearch.
type desiredState struct {
	// DataSource is the complete body, secret values included.
	DataSource opensearch.DataSource
	// Fingerprint hashes the body with Secret versions in place of secret
	// values, so it can be stored in status and compared without revealing
	// or re-reading any secret.
	Fingerprint string
}

// dataSourceName is the data source's name in OpenSearch.
func dataSourceName(ds *v1alpha1.DataSource) string {
	if ds.Spec.Name != "" {
		return ds.Spec.Name
	}
	return ds.Name
}

// referencedSecrets lists the names of the Secrets (in the DataSource's
// namespace) the spec reads, sorted and without repeats.
func referencedSecrets(spec *v1alpha1.DataSourceSpec) []string {
	seen := map[string]struct{}{}
	if c := spec.Configuration; c != nil && c.Credentials != nil {
		seen[c.Credentials.SecretRef.Name] = struct{}{}
	}
	for _, p := range spec.PropertiesFrom {
		seen[p.SecretKeyRef.Name] = struct{}{}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// buildDesired maps a DataSource and the Secrets it references (by name; nil
// or absent when missing) to the body to write. connectionID identifies the
// target cluster and its configured dialect, so that pointing a DataSource
// at another cluster changes the fingerprint.
func buildDesired(ds *v1alpha1.DataSource, secrets map[string]*corev1.Secret, connectionID string) (desiredState, *specProblem) {
	name := dataSourceName(ds)
	spec := &ds.Spec
	// Secret-derived values go into body; placeholders naming the Secret's
	// version go into the fingerprinted copy.
	body := opensearch.DataSource{
		Name:         name,
		Description:  spec.Description,
		Connector:    spec.Connector,
		ResultIndex:  spec.ResultIndex,
		Status:       string(spec.Status),
		AllowedRoles: append([]string{}, spec.AllowedRoles...),
		Properties:   make(map[string]json.RawMessage, len(spec.Properties)+len(spec.PropertiesFrom)),
	}
	if body.ResultIndex == "" {
		body.ResultIndex = opensearch.DefaultResultIndex(name)
	}
	if body.Status == "" {
		body.Status = string(v1alpha1.StateActive)
	}
	for k, v := range spec.Properties {
		body.Properties[k] = json.RawMessage(v.Raw)
	}
	printed := body
	printed.Properties = make(map[string]json.RawMessage, len(body.Properties))
	for k, v := range body.Properties {
		printed.Properties[k] = v
	}

	lookup := func(secretName, key, field string) (string, string, *specProblem) {
		s := secrets[secretName]
		if s == nil {
			return "", "", &specProblem{v1alpha1.ReasonSecretNotFound,
				fmt.Sprintf("Secret %s/%s (%s) does not exist; create it and the data source is written within seconds", ds.Namespace, secretName, field)}
		}
		v, ok := s.Data[key]
		if !ok {
			return "", "", &specProblem{v1alpha1.ReasonSecretKeyNotFound,
				fmt.Sprintf("Secret %s/%s has no key %q (%s); it has keys %s", ds.Namespace, secretName, key, field, keysOf(s))}
		}
		if len(v) >= minSensitiveLen {
			body.Sensitive = append(body.Sensitive, string(v))
		}
		return string(v), fmt.Sprintf("secret:%s/%s:%s:%s#%s", ds.Namespace, secretName, s.UID, s.ResourceVersion, key), nil
	}

	// Spec errors come before Secret errors: creating a missing Secret must
	// not reveal a second, older problem.
	fromSecret := make(map[string]bool, len(spec.PropertiesFrom))
	for _, pf := range spec.PropertiesFrom {
		switch {
		case fromSecret[pf.Key]:
			return desiredState{}, &specProblem{v1alpha1.ReasonInvalidSpec,
				fmt.Sprintf("property %q appears twice in spec.propertiesFrom; keep one", pf.Key)}
		case body.Properties[pf.Key] != nil:
			return desiredState{}, &specProblem{v1alpha1.ReasonInvalidSpec,
				fmt.Sprintf("property %q is set in both spec.properties and spec.propertiesFrom; keep one", pf.Key)}
		}
		fromSecret[pf.Key] = true
	}

	if c := spec.Configuration; c != nil && c.Credentials != nil {
		ref := c.Credentials.SecretRef
		user, userVer, p := lookup(ref.Name, orDefault(ref.UsernameKey, "username"), "spec.configuration.credentials")
		if p != nil {
			return desiredState{}, p
		}
		pass, passVer, p := lookup(ref.Name, orDefault(ref.PasswordKey, "password"), "spec.configuration.credentials")
		if p != nil {
			return desiredState{}, p
		}
		body.Configuration = &opensearch.Configuration{Endpoint: c.Endpoint, Username: user, Password: pass}
		printed.Configuration = &opensearch.Configuration{Endpoint: c.Endpoint, Username: userVer, Password: passVer}
	}
	for _, pf := range spec.PropertiesFrom {
		v, ver, p := lookup(pf.SecretKeyRef.Name, pf.SecretKeyRef.Key, "spec.propertiesFrom["+pf.Key+"]")
		if p != nil {
			return desiredState{}, p
		}
		body.Properties[pf.Key] = jsonString(v)
		printed.Properties[pf.Key] = jsonString(ver)
	}

	printed.Sensitive = nil
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\n", connectionID)
	enc, err := json.Marshal(printed)
	if err != nil {
		return desiredState{}, &specProblem{v1alpha1.ReasonInvalidSpec, "spec cannot be encoded: " + err.Error()}
	}
	sum.Write(enc)
	return desiredState{DataSource: body, Fingerprint: "sha256:" + hex.EncodeToString(sum.Sum(nil))[:32]}, nil
}

// minSensitiveLen is the shortest Secret value redacted from error text:
// shorter ones carry no secret worth hiding, and replacing them everywhere
// (a user name like "db") would garble OpenSearch's messages.
const minSensitiveLen = 4

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// keysOf lists a Secret's keys (never its values) for error messages.
func keysOf(s *corev1.Secret) string {
	keys := make([]string, 0, len(s.Data))
	for k := range s.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}
