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

// Package export turns the data sources an OpenSearch cluster holds into
// DataSource manifests that reproduce them, with Secret stubs naming the
// credentials OpenSearch never returns. The mapping from what GET returns
// to a DataSource is pure (Map); reading a cluster and printing YAML are
// separate steps.
package export

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// Options say where the generated objects go and how they are managed.
type Options struct {
	// Namespace is the namespace of every generated object.
	Namespace string
	// Connection is the connectionRef of every DataSource.
	Connection v1alpha1.ConnectionReference
	// Observe sets managementPolicy Observe, so that applying the manifests
	// writes nothing to OpenSearch.
	Observe bool
	// Taken are metadata.names of DataSources already in Namespace: a
	// generated DataSource gets another name rather than overwrite one.
	Taken []string
}

// Manifest is what reproduces one data source.
type Manifest struct {
	DataSource v1alpha1.DataSource
	// Secret is the stub holding the credentials, with empty values; nil
	// when the data source carries none.
	Secret *corev1.Secret
	// Hidden lists, sorted, the stub's keys whose value OpenSearch does not
	// return; Withheld those it returned but that were left out of the
	// manifest because they look like credentials.
	Hidden, Withheld []string
	// URIs maps each property withheld for the credentials inside its URI
	// (user information, a password or token parameter) to that URI with
	// them replaced by Withheld: what to fill in, less the secrets. The
	// whole value goes to the stub, since a property can come from a
	// Secret only whole.
	URIs map[string]string
	// EndpointWithheld says spec.configuration.endpoint held credentials,
	// replaced by Withheld in the manifest: the endpoint cannot come from
	// a Secret.
	EndpointWithheld bool
}

// stubKeys lists the keys of the Secret stub.
func (m Manifest) stubKeys() []string {
	keys := append(append([]string(nil), m.Hidden...), m.Withheld...)
	return append(keys, sortedKeys(m.URIs)...)
}

// Skipped is a data source that cannot be expressed as a DataSource.
type Skipped struct {
	Name, Reason string
}

// The API's patterns for the fields export fills in.
var (
	dataSourceName = regexp.MustCompile(`^[@*A-Za-z]+[*A-Za-z0-9_-]*$`)
	plainName      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
	connectorName  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	resultIndex    = regexp.MustCompile(`^[a-z0-9_-]+$`)
	// propertyKey is the pattern the admission policy (and the CRD, for
	// spec.propertiesFrom) gives property keys: every key the connectors
	// document fits it, and none can break a line of YAML.
	propertyKey = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
)

// The API's bounds on what a DataSource may hold (see DataSourceSpec).
const (
	maxKeyLength         = 256
	maxValueLength       = 4096
	maxProperties        = 128
	maxPropertiesFrom    = 64
	maxDescriptionLength = 4096
	maxRoles             = 256
	maxRoleLength        = 256
	maxEndpointLength    = 2048
)

// reservedName is OpenSearch's own data source, which cannot be managed.
const reservedName = "@opensearch"

// MapAll maps every remote data source, sorted by name, giving each a
// metadata.name no other one has, nor any of opts.Taken. Those that cannot be expressed are
// returned as skipped, with the reason.
func MapAll(remotes []opensearch.RemoteDataSource, opts Options) ([]Manifest, []Skipped) {
	sorted := append([]opensearch.RemoteDataSource(nil), remotes...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	taken := map[string]bool{}
	for _, n := range opts.Taken {
		taken[n] = true
	}
	var out []Manifest
	var skipped []Skipped
	for _, r := range sorted {
		m, err := Map(r, opts)
		if err == nil {
			err = printable(m)
		}
		if err != nil {
			skipped = append(skipped, Skipped{Name: r.Name, Reason: err.Error()})
			continue
		}
		if taken[m.DataSource.Name] {
			rename(&m, uniqueName(m.DataSource.Name, taken))
		}
		taken[m.DataSource.Name] = true
		out = append(out, m)
	}
	return out, skipped
}

// Map turns one data source, as GET returned it, into the DataSource (and
// Secret stub) that reproduces it: fields at their defaults are left out,
// so the manifest holds only what a person would write. It is pure.
func Map(r opensearch.RemoteDataSource, opts Options) (Manifest, error) {
	if err := checkRemote(r); err != nil {
		return Manifest{}, err
	}
	objectName := kubernetesName(r.Name)
	ds := v1alpha1.DataSource{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "DataSource"},
		ObjectMeta: metav1.ObjectMeta{Name: objectName, Namespace: opts.Namespace},
		Spec: v1alpha1.DataSourceSpec{
			ConnectionRef: opts.Connection,
			DataSourceParameters: v1alpha1.DataSourceParameters{
				Description:  r.Description,
				Connector:    strings.ToLower(r.Connector),
				AllowedRoles: r.AllowedRoles,
			},
		},
	}
	if objectName != r.Name || !plainName.MatchString(r.Name) {
		ds.Spec.Name = r.Name
	}
	if r.ResultIndex != "" && r.ResultIndex != opensearch.DefaultResultIndex(r.Name) {
		ds.Spec.ResultIndex = r.ResultIndex
	}
	if strings.EqualFold(r.Status, string(v1alpha1.StateDisabled)) {
		ds.Spec.Status = v1alpha1.StateDisabled
	}
	if len(ds.Spec.AllowedRoles) == 0 {
		ds.Spec.AllowedRoles = nil
	}
	if opts.Observe {
		ds.Spec.ManagementPolicy = v1alpha1.ManagementObserve
	}
	m := Manifest{DataSource: ds}
	m.mapProperties(r)
	// The operator holds back a write while a credential-named key of the
	// stub is empty, but not one for a URI, which it would write empty
	// over the working one: suspend the DataSource until the URI is in.
	m.DataSource.Spec.Suspend = len(m.URIs) > 0 && !opts.Observe
	if err := checkSpec(&m.DataSource.Spec); err != nil {
		return Manifest{}, err
	}
	if m.DataSource.Spec.Configuration != nil || len(m.DataSource.Spec.PropertiesFrom) > 0 {
		m.Secret = stub(m.DataSource, m.stubKeys())
	}
	return m, nil
}

// printable refuses a manifest the YAML encoder cannot print, such as one
// whose description or property value holds a control character: skipping
// it keeps the rest of the export.
func printable(m Manifest) error {
	var b strings.Builder
	if m.Secret != nil {
		if err := writeObject(&b, m.Secret); err != nil {
			return fmt.Errorf("cannot be printed as YAML: %w", err)
		}
	}
	if err := writeObject(&b, &m.DataSource); err != nil {
		return fmt.Errorf("cannot be printed as YAML: %w", err)
	}
	return nil
}

// checkRemote refuses what the API cannot hold.
func checkRemote(r opensearch.RemoteDataSource) error {
	switch {
	case r.Name == reservedName:
		return fmt.Errorf("%s is OpenSearch's built-in data source and cannot be managed", reservedName)
	case !dataSourceName.MatchString(r.Name) || len(r.Name) > 255:
		return fmt.Errorf("name %q does not fit spec.name (%s, at most 255 characters)", r.Name, dataSourceName)
	case !connectorName.MatchString(r.Connector) || len(r.Connector) > 63:
		return fmt.Errorf("connector %q does not fit spec.connector (%s)", r.Connector, connectorName)
	case r.ResultIndex != "" && (!resultIndex.MatchString(r.ResultIndex) || len(r.ResultIndex) > 255):
		return fmt.Errorf("result index %q does not fit spec.resultIndex (%s)", r.ResultIndex, resultIndex)
	}
	for _, k := range sortedKeys(r.Properties) {
		if err := checkKey(k); err != nil {
			return err
		}
	}
	return nil
}

// checkKey refuses a property key the API does not admit. Such a key
// cannot be applied, and one holding a line break could otherwise end a
// comment or a YAML document in the output.
func checkKey(k string) error {
	if !propertyKey.MatchString(k) || len(k) > maxKeyLength {
		return fmt.Errorf("property key %q does not fit spec.properties keys (%s, at most %d characters)", k, propertyKey, maxKeyLength)
	}
	return nil
}

// checkSpec refuses a mapped DataSource that the API server would refuse
// for its size, so that the output applies as printed.
func checkSpec(s *v1alpha1.DataSourceSpec) error {
	switch {
	case len(s.Description) > maxDescriptionLength:
		return fmt.Errorf("the description is longer than spec.description's %d characters", maxDescriptionLength)
	case len(s.AllowedRoles) > maxRoles:
		return fmt.Errorf("%d allowed roles, more than spec.allowedRoles' %d", len(s.AllowedRoles), maxRoles)
	case len(s.Properties) > maxProperties:
		return fmt.Errorf("%d properties, more than spec.properties' %d", len(s.Properties), maxProperties)
	case len(s.PropertiesFrom) > maxPropertiesFrom:
		return fmt.Errorf("%d credential properties, more than spec.propertiesFrom's %d", len(s.PropertiesFrom), maxPropertiesFrom)
	case s.Configuration != nil && len(s.Configuration.Endpoint) > maxEndpointLength:
		return fmt.Errorf("configuration.endpoint is longer than %d characters", maxEndpointLength)
	}
	for _, r := range s.AllowedRoles {
		if r == "" || len(r) > maxRoleLength {
			return fmt.Errorf("allowed role %q does not fit spec.allowedRoles items (1 to %d characters)", r, maxRoleLength)
		}
	}
	for k, v := range s.Properties {
		var text string
		if json.Unmarshal(v.Raw, &text) == nil && utf8.RuneCountInString(text) > maxValueLength {
			return fmt.Errorf("the value of property %q is longer than %d characters", k, maxValueLength)
		}
	}
	for _, p := range s.PropertiesFrom {
		if err := checkKey(p.Key); err != nil {
			return err
		}
	}
	return nil
}

// mapProperties splits the remote's properties: plain values go to
// spec.properties; credentials, and URIs with credentials inside, go to the
// stub Secret through spec.propertiesFrom (or spec.configuration on a
// documented server, whose endpoint keeps its place with the credentials
// replaced), so that no secret value is ever printed.
func (m *Manifest) mapProperties(r opensearch.RemoteDataSource) {
	spec := &m.DataSource.Spec
	secretName := m.DataSource.Name + "-credentials"
	if r.ConfigurationEndpoint != "" {
		endpoint, found := redactURI(r.ConfigurationEndpoint)
		m.EndpointWithheld = found
		spec.Configuration = &v1alpha1.DataSourceConfiguration{Endpoint: endpoint,
			Credentials: &v1alpha1.DataSourceCredentials{SecretRef: v1alpha1.CredentialsSecretReference{Name: secretName}}}
		m.Hidden = append(m.Hidden, "password", "username")
	}
	fromSecret := func(key string) {
		spec.PropertiesFrom = append(spec.PropertiesFrom, v1alpha1.PropertyFromSecret{
			Key: key, SecretKeyRef: v1alpha1.SecretKeySelector{Name: secretName, Key: key}})
	}
	for _, k := range sortedKeys(r.Properties) {
		if opensearch.SecretPropertyKey(k) || opensearch.CredentialValueKey(k) {
			m.Withheld = append(m.Withheld, k)
			fromSecret(k)
			continue
		}
		if redacted, found := redactURI(r.Properties[k]); found {
			if m.URIs == nil {
				m.URIs = map[string]string{}
			}
			m.URIs[k] = redacted
			fromSecret(k)
			continue
		}
		if spec.Properties == nil {
			spec.Properties = map[string]apiextensionsv1.JSON{}
		}
		raw, _ := json.Marshal(r.Properties[k])
		spec.Properties[k] = apiextensionsv1.JSON{Raw: raw}
	}
	for _, k := range HiddenKeys(r.Properties) {
		m.Hidden = append(m.Hidden, k)
		fromSecret(k)
	}
	sort.Strings(m.Hidden)
	sort.Slice(spec.PropertiesFrom, func(i, j int) bool { return spec.PropertiesFrom[i].Key < spec.PropertiesFrom[j].Key })
}

// HiddenKeys lists, sorted, the credential properties that the auth
// settings in props call for and that OpenSearch strips from GET: a
// "<prefix>.auth.type" of basicauth needs <prefix>.auth.username and
// .password, one of awssigv4 needs .access_key and .secret_key; the Glue
// connectors' "glue.indexstore.opensearch.auth" of basicauth needs its
// .username and .password. Keys props already holds are left out.
func HiddenKeys(props map[string]string) []string {
	var keys []string
	add := func(k string) {
		if _, ok := props[k]; !ok {
			keys = append(keys, k)
		}
	}
	for k, v := range props {
		var prefix string
		switch {
		case strings.HasSuffix(k, ".auth.type"):
			prefix = strings.TrimSuffix(k, ".type")
		case strings.HasSuffix(k, ".auth"):
			prefix = k
		default:
			continue
		}
		switch {
		case strings.EqualFold(v, "basicauth"):
			add(prefix + ".username")
			add(prefix + ".password")
		case strings.EqualFold(v, "awssigv4") && strings.HasSuffix(k, ".auth.type"):
			add(prefix + ".access_key")
			add(prefix + ".secret_key")
		}
	}
	sort.Strings(keys)
	return keys
}

// stub is the Secret a DataSource's credentials are read from, with every
// key present and empty: the values are for a person to fill in.
func stub(ds v1alpha1.DataSource, keys []string) *corev1.Secret {
	data := make(map[string]string, len(keys))
	for _, k := range keys {
		data[k] = ""
	}
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: ds.Name + "-credentials", Namespace: ds.Namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: data,
	}
}

// kubernetesName is a metadata.name for a data source: the name itself
// when it is one, else lower-cased with '_' turned into '-' and other
// characters dropped.
func kubernetesName(name string) string {
	if len(validation.IsDNS1123Subdomain(name)) == 0 {
		return name
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == '_':
			b.WriteRune('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		out = "datasource"
	}
	if len(out) > 200 {
		out = strings.TrimRight(out[:200], "-")
	}
	return out
}

// uniqueName returns base with the first free numeric suffix.
func uniqueName(base string, taken map[string]bool) string {
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s-%d", base, i); !taken[n] {
			return n
		}
	}
}

// rename gives m another metadata.name, keeping spec.name on the data
// source's own, and renames its Secret stub to match.
func rename(m *Manifest, name string) {
	ds := &m.DataSource
	if ds.Spec.Name == "" {
		ds.Spec.Name = ds.Name
	}
	old := ds.Name + "-credentials"
	ds.Name = name
	if c := ds.Spec.Configuration; c != nil && c.Credentials != nil {
		c.Credentials.SecretRef.Name = name + "-credentials"
	}
	for i := range ds.Spec.PropertiesFrom {
		if ds.Spec.PropertiesFrom[i].SecretKeyRef.Name == old {
			ds.Spec.PropertiesFrom[i].SecretKeyRef.Name = name + "-credentials"
		}
	}
	if m.Secret != nil {
		m.Secret.Name = name + "-credentials"
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
