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
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/specbody"
)

// desiredState is a DataSource as it must be in OpenSearch.
type desiredState struct {
	// DataSource is the complete body, secret values included.
	DataSource opensearch.DataSource
	// Fingerprint hashes the body with Secret versions in place of secret
	// values, so it can be stored in status and compared without revealing
	// or re-reading any secret.
	Fingerprint string
	// CredentialPrint hashes the credentials alone, the same way: while it
	// is unchanged a write need not resend them (see opensearch.Client.Patch).
	CredentialPrint string
}

// dataSourceName is the data source's name in OpenSearch.
func dataSourceName(ds *v1alpha1.DataSource) string { return specbody.Name(ds) }

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
func buildDesired(ds *v1alpha1.DataSource, secrets map[string]*corev1.Secret, connectionID string) (desiredState, *blocked) {
	// Spec errors come before Secret errors: creating a missing Secret must
	// not reveal a second, older problem.
	if p := checkPropertiesFrom(&ds.Spec); p != nil {
		return desiredState{}, p
	}
	b := &bodyBuilder{namespace: ds.Namespace, secrets: secrets, body: specBody(ds)}
	b.printed = b.body
	b.printed.Properties = maps.Clone(b.body.Properties)
	if p := b.addCredentials(ds.Spec.Configuration); p != nil {
		return desiredState{}, p
	}
	for _, pf := range ds.Spec.PropertiesFrom {
		secret := !strings.HasSuffix(strings.ToLower(pf.Key), "username")
		v, ver, p := b.lookup(pf.SecretKeyRef.Name, pf.SecretKeyRef.Key, "spec.propertiesFrom["+pf.Key+"]", secret)
		if p != nil {
			return desiredState{}, p
		}
		b.body.Properties[pf.Key] = jsonString(v)
		b.printed.Properties[pf.Key] = jsonString(ver)
	}
	fp, err := fingerprint(connectionID, b.printed)
	if err != nil {
		return desiredState{}, &blocked{v1alpha1.ReasonInvalidSpec, "spec cannot be encoded: " + err.Error()}
	}
	cp, err := fingerprint(connectionID, credentialsOf(b.printed))
	if err != nil {
		return desiredState{}, &blocked{v1alpha1.ReasonInvalidSpec, "spec cannot be encoded: " + err.Error()}
	}
	return desiredState{DataSource: b.body, Fingerprint: fp, CredentialPrint: cp}, nil
}

// credentialsOf keeps of a body only what OpenSearch never returns: the
// configuration's credentials and the credential-named properties.
func credentialsOf(printed opensearch.DataSource) opensearch.DataSource {
	out := opensearch.DataSource{Properties: map[string]json.RawMessage{}}
	if c := printed.Configuration; c != nil {
		out.Configuration = &opensearch.Configuration{Username: c.Username, Password: c.Password}
	}
	for k, v := range printed.Properties {
		if opensearch.SecretPropertyKey(k) {
			out.Properties[k] = v
		}
	}
	return out
}

// specBody is the body from the spec alone, defaults applied.
func specBody(ds *v1alpha1.DataSource) opensearch.DataSource { return specbody.Body(ds) }

// checkPropertiesFrom refuses a key given twice, which the admission policy
// also refuses where it is installed.
func checkPropertiesFrom(spec *v1alpha1.DataSourceSpec) *blocked {
	fromSecret := make(map[string]bool, len(spec.PropertiesFrom))
	for _, pf := range spec.PropertiesFrom {
		if fromSecret[pf.Key] {
			return &blocked{v1alpha1.ReasonInvalidSpec,
				fmt.Sprintf("property %q appears twice in spec.propertiesFrom; keep one", pf.Key)}
		}
		// A null value in spec.properties counts: the key is set there.
		if _, inSpec := spec.Properties[pf.Key]; inSpec {
			return &blocked{v1alpha1.ReasonInvalidSpec,
				fmt.Sprintf("property %q is set in both spec.properties and spec.propertiesFrom; keep one", pf.Key)}
		}
		fromSecret[pf.Key] = true
	}
	return nil
}

// bodyBuilder fills in Secret values: the real ones go into body, and
// placeholders naming each Secret's version go into printed, the copy that
// is fingerprinted.
type bodyBuilder struct {
	namespace string
	secrets   map[string]*corev1.Secret
	body      opensearch.DataSource
	printed   opensearch.DataSource
}

func (b *bodyBuilder) addCredentials(c *v1alpha1.DataSourceConfiguration) *blocked {
	if c == nil || c.Credentials == nil {
		return nil
	}
	ref := c.Credentials.SecretRef
	user, userVer, p := b.lookup(ref.Name, cmp.Or(ref.UsernameKey, "username"), "spec.configuration.credentials", false)
	if p != nil {
		return p
	}
	pass, passVer, p := b.lookup(ref.Name, cmp.Or(ref.PasswordKey, "password"), "spec.configuration.credentials", true)
	if p != nil {
		return p
	}
	b.body.Configuration = &opensearch.Configuration{Endpoint: c.Endpoint, Username: user, Password: pass}
	b.printed.Configuration = &opensearch.Configuration{Endpoint: c.Endpoint, Username: userVer, Password: passVer}
	return nil
}

// lookup returns one Secret value and its version placeholder. A secret
// value is marked sensitive so the client redacts it from any error; user
// names are identifiers (OpenSearch and Kubernetes show them), and masking
// them would mangle text such as the data source's own name.
func (b *bodyBuilder) lookup(secretName, key, field string, secret bool) (value, version string, problem *blocked) {
	s := b.secrets[secretName]
	if s == nil {
		return "", "", &blocked{v1alpha1.ReasonSecretNotFound,
			fmt.Sprintf("Secret %s/%s (%s) does not exist; create it and the data source is written within seconds", b.namespace, secretName, field)}
	}
	v, ok := s.Data[key]
	if !ok {
		return "", "", &blocked{v1alpha1.ReasonSecretKeyNotFound,
			fmt.Sprintf("Secret %s/%s has no key %q (%s); it has keys %s", b.namespace, secretName, key, field, keysOf(s))}
	}
	if secret && len(v) >= minSensitiveLen {
		b.body.Sensitive = append(b.body.Sensitive, string(v))
	}
	return string(v), fmt.Sprintf("secret:%s/%s:%s:%s#%s", b.namespace, secretName, s.UID, s.ResourceVersion, key), nil
}

// fingerprint hashes the connection and the body with Secret versions in
// place of their values.
func fingerprint(connectionID string, printed opensearch.DataSource) (string, error) {
	printed.Sensitive = nil
	enc, err := json.Marshal(printed)
	if err != nil {
		return "", err
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\n", connectionID)
	sum.Write(enc)
	return "sha256:" + hex.EncodeToString(sum.Sum(nil))[:32], nil
}

// minSensitiveLen is the shortest Secret value redacted from error text:
// shorter ones carry no secret worth hiding, and replacing them everywhere
// (a user name like "db") would garble OpenSearch's messages.
const minSensitiveLen = 4

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
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
