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

package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/termtext"
)

// Style says what Write prints besides the DataSources.
type Style struct {
	// Observe says the DataSources have managementPolicy Observe.
	Observe bool
	// NoStubs leaves the Secret stubs out, naming their keys in a comment
	// instead: for a Git repository whose Secrets come from elsewhere (an
	// empty stub synced from Git would overwrite the filled-in values).
	NoStubs bool
}

// Write prints the manifests as one multi-document YAML stream, ready for
// kubectl apply or a Git repository: each data source's Secret stub (with
// a comment naming the keys to fill in) before its DataSource. source names
// where the data sources were read, for the header; skipped ones are listed
// there too.
func Write(w io.Writer, source string, manifests []Manifest, skipped []Skipped, style Style) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# DataSources exported from %s: %d data source(s).\n", source, len(manifests))
	if style.Observe {
		b.WriteString("# managementPolicy Observe: applying these writes nothing to OpenSearch; each DataSource\n" +
			"# reports Observed, Drifted (naming the fields) or NotFound.\n")
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "# Skipped %q: %s\n", s.Name, commentText(s.Reason))
	}
	for _, m := range manifests {
		switch {
		case m.Secret != nil && style.NoStubs:
			b.WriteString("---\n")
			b.WriteString(stubComment(m))
			fmt.Fprintf(&b, "# Provide Secret %s/%s with the keys: %s.\n", m.Secret.Namespace, m.Secret.Name,
				quotedList(m.stubKeys()))
		case m.Secret != nil:
			b.WriteString("---\n")
			b.WriteString(stubComment(m))
			if err := writeObject(&b, m.Secret); err != nil {
				return err
			}
			b.WriteString("---\n")
		default:
			b.WriteString("---\n")
		}
		if err := writeObject(&b, &m.DataSource); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// stubComment says which keys of a Secret stub to fill in, and why they are
// empty.
func stubComment(m Manifest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Credentials of data source %q, left empty: fill in every key before the DataSource\n"+
		"# may write (managementPolicy CreateOrUpdate); the operator never writes an empty credential.\n", dataSourceNameOf(m))
	if len(m.Hidden) > 0 {
		fmt.Fprintf(&b, "# OpenSearch never returns these: %s.\n", quotedList(m.Hidden))
	}
	if len(m.Withheld) > 0 {
		fmt.Fprintf(&b, "# OpenSearch returned these, but they look like credentials, so they were not copied: %s.\n",
			quotedList(m.Withheld))
	}
	if len(m.URIs) > 0 {
		fmt.Fprintf(&b, "# These held a URI with credentials inside, so the whole URI was withheld: %s.\n",
			quotedList(sortedKeys(m.URIs)))
	}
	if m.DataSource.Spec.Suspend {
		b.WriteString("# The DataSource is suspended so that no empty URI is written: set suspend to false once\n" +
			"# the Secret holds the URIs.\n")
	}
	if m.EndpointWithheld {
		b.WriteString("# spec.configuration.endpoint held credentials, replaced by " + Withheld + " below (an endpoint\n" +
			"# cannot come from a Secret): put them back, or drop them if the username and password suffice.\n")
	}
	return b.String()
}

// Notes are what a person must do for m besides filling in its Secret,
// one line each, for standard error: the URIs to fill in (with their
// credentials replaced) and an endpoint to complete. Server text in them is
// quoted.
func Notes(m Manifest) []string {
	var notes []string
	name := dataSourceNameOf(m)
	for _, k := range sortedKeys(m.URIs) {
		notes = append(notes, fmt.Sprintf("data source %q: property %q held credentials in its URI, so it is read whole "+
			"from Secret %s/%s: fill in %q there, with the credentials in place of %s", name, k,
			m.Secret.Namespace, m.Secret.Name, m.URIs[k], Withheld))
	}
	if m.DataSource.Spec.Suspend {
		notes = append(notes, fmt.Sprintf("data source %q: suspended until its Secret holds the URIs: then set spec.suspend to false", name))
	}
	if m.EndpointWithheld {
		notes = append(notes, fmt.Sprintf("data source %q: spec.configuration.endpoint held credentials, replaced by %s "+
			"in the manifest: put them back before it may write, or drop them if the username and password suffice", name, Withheld))
	}
	return notes
}

// quotedList prints keys as Go strings, comma-separated. Map admits only
// keys of the API's pattern, so quoting is a second guard: a quoted
// string holds no line break, and so cannot end the comment it is in.
func quotedList(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	return strings.Join(quoted, ", ")
}

// commentText makes s safe inside a "#" comment: every rune that is not
// printable, line breaks among them, is written as its Go escape, so that
// nothing a server sent can end the comment and start YAML of its own.
func commentText(s string) string { return termtext.Escape(s) }

func dataSourceNameOf(m Manifest) string {
	if m.DataSource.Spec.Name != "" {
		return m.DataSource.Spec.Name
	}
	return m.DataSource.Name
}

// writeObject prints obj as YAML without the fields a new object does not
// have (creationTimestamp, status), so that the manifest holds only what
// a person would write.
func writeObject(b *strings.Builder, obj runtime.Object) error {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return err
	}
	delete(u, "status")
	if meta, ok := u["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	out, err := yaml.Marshal(u)
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}
