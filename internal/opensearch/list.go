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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// listLimits bound what one list reply may decode to. The body cap alone
// does not: 4 MiB of tiny properties is over 400,000 map entries, which
// cost tens of MiB to keep and far more to decode.
type listLimits struct {
	items          int // data sources per reply
	itemProperties int // properties per data source
	properties     int // properties per reply, all data sources together
	roles          int // allowedRoles entries per data source
	keyBytes       int // bytes of a property key
	valueBytes     int // bytes of a string field, or of any other value as JSON text
}

// defaultListLimits are far above anything the SQL plugin returns: it holds
// at most plugins.query.datasources.limit data sources (20 unless an
// administrator raises it), each with the dozen or so properties its
// connector documents, keys of a few dozen characters and values of at most
// a few KiB (a certificate, a role ARN, a JSON access policy).
var defaultListLimits = listLimits{
	items:          10_000,
	itemProperties: 1_024,
	properties:     20_000,
	roles:          1_024,
	keyBytes:       1 << 10,
	valueBytes:     64 << 10,
}

// overLimitError says which limit a reply broke. Its text is the
// operator's own: it never repeats the server's, which may be a hostile
// server's attempt to plant text in a tenant's status.
type overLimitError struct {
	what  string
	limit int
}

func (e *overLimitError) Error() string {
	return fmt.Sprintf("the list reply has %s over the operator's limit of %d", e.what, e.limit)
}

// listDecodes bounds how many list replies are decoded at once across all
// connections. Each decode is bounded by listLimits; this bounds their sum,
// so that many hostile servers answering at once cannot add up to an
// out-of-memory kill. The bodies are read before a slot is taken, so that
// a slow server holds none.
var listDecodes = make(chan struct{}, 2)

// acquireListDecode waits for a decode slot or for ctx to end.
func acquireListDecode(ctx context.Context) (release func(), err error) {
	select {
	case listDecodes <- struct{}{}:
		return func() { <-listDecodes }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// parseRemoteList decodes GET all: a JSON array of named objects. JSON null
// would decode as an empty list, which would read as "everything deleted".
func parseRemoteList(body []byte) ([]RemoteDataSource, error) {
	l, err := decodeList(body, defaultListLimits, nil)
	return l.Items, err
}

// Listing is a list reply that keeps the details of only some data sources.
type Listing struct {
	// Items are the data sources kept, in the server's order.
	Items []RemoteDataSource
	// Names names every data source the reply held, kept or not, in the
	// server's order.
	Names []string
}

// decodeList reads the array token by token and stops at the first limit
// broken, so that neither the work nor what is kept outgrows lim. Of the
// data sources whose names keep rejects only the name is kept; a nil keep
// keeps every one.
func decodeList(body []byte, lim listLimits, keep func(name string) bool) (Listing, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return Listing{}, errors.New("decoding data source list: the reply is not a JSON array")
	}
	d := &listDecoder{dec: json.NewDecoder(bytes.NewReader(trimmed)), lim: lim, keep: keep}
	out, err := d.list()
	if err != nil {
		return Listing{}, fmt.Errorf("decoding data source list: %w", err)
	}
	return out, nil
}

type listDecoder struct {
	dec  *json.Decoder
	lim  listLimits
	keep func(name string) bool
	// properties counts the reply's properties so far.
	properties int
}

func (d *listDecoder) list() (Listing, error) {
	if _, err := d.dec.Token(); err != nil { // '[', checked by decodeList
		return Listing{}, err
	}
	out := Listing{Items: []RemoteDataSource{}, Names: []string{}}
	for d.dec.More() {
		if len(out.Names) == d.lim.items {
			return Listing{}, &overLimitError{"more data sources", d.lim.items}
		}
		r, err := d.item(len(out.Names))
		if err != nil {
			return Listing{}, err
		}
		out.Names = append(out.Names, r.Name)
		if d.keep == nil || d.keep(r.Name) {
			out.Items = append(out.Items, r)
		}
	}
	if _, err := d.dec.Token(); err != nil { // ']'
		return Listing{}, err
	}
	if tok, err := d.dec.Token(); err != io.EOF {
		if err != nil {
			return Listing{}, err
		}
		return Listing{}, fmt.Errorf("unexpected %v after the array", tok)
	}
	return out, nil
}

// item decodes one data source. Field names match case-insensitively and a
// repeated field overrides, as encoding/json's Unmarshal does.
func (d *listDecoder) item(i int) (RemoteDataSource, error) {
	var b remoteFields
	open, err := d.dec.Token()
	switch {
	case err != nil:
		return RemoteDataSource{}, err
	case open == nil:
		return RemoteDataSource{}, fmt.Errorf("item %d has no name", i)
	case open != json.Delim('{'):
		return RemoteDataSource{}, fmt.Errorf("item %d is not an object", i)
	}
	b.Properties = map[string]string{}
	count := 0
	for d.dec.More() {
		key, err := d.key()
		if err != nil {
			return RemoteDataSource{}, err
		}
		if err := d.field(&b, key, &count); err != nil {
			return RemoteDataSource{}, fmt.Errorf("item %d: %w", i, err)
		}
	}
	if _, err := d.dec.Token(); err != nil { // '}'
		return RemoteDataSource{}, err
	}
	if b.Name == "" {
		return RemoteDataSource{}, fmt.Errorf("item %d has no name", i)
	}
	return b.normalise(), nil
}

// remoteFields is a data source as the list decoder collects it; its
// properties are already text.
type remoteFields struct {
	remoteBody
	Properties map[string]string
}

func (b remoteFields) normalise() RemoteDataSource {
	r := b.remoteBody.normalise()
	r.Properties = b.Properties
	return r
}

// field decodes the value of key into b; unknown fields are skipped.
func (d *listDecoder) field(b *remoteFields, key string, count *int) error {
	strs := []struct {
		name string
		into *string
	}{
		{"dataSourceId", &b.DataSourceID}, {"id", &b.ID}, {"name", &b.Name}, {"description", &b.Description},
		{"connector", &b.Connector}, {"resultIndex", &b.ResultIndex}, {"status", &b.Status},
	}
	for _, s := range strs {
		if strings.EqualFold(key, s.name) {
			return d.str(s.into)
		}
	}
	switch {
	case strings.EqualFold(key, "properties"):
		return d.props(b.Properties, count)
	case strings.EqualFold(key, "allowedRoles"):
		return d.roles(&b.AllowedRoles)
	case strings.EqualFold(key, "configuration"):
		return d.configuration(&b.remoteBody)
	}
	return d.skip()
}

// key reads an object key.
func (d *listDecoder) key() (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", err
	}
	k, _ := tok.(string)
	if len(k) > d.lim.keyBytes {
		return "", &overLimitError{"a key of more bytes", d.lim.keyBytes}
	}
	return k, nil
}

// raw reads one value as JSON text, refusing one over the value limit.
func (d *listDecoder) raw() (json.RawMessage, error) {
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return nil, err
	}
	if len(raw) > d.lim.valueBytes {
		return nil, &overLimitError{"a value of more bytes", d.lim.valueBytes}
	}
	return raw, nil
}

// str decodes a string field; null leaves it as it was. The value is
// decoded before its length is known, which the body cap bounds.
func (d *listDecoder) str(into *string) error {
	s := *into
	if err := d.dec.Decode(&s); err != nil {
		return err
	}
	if len(s) > d.lim.valueBytes {
		return &overLimitError{"a value of more bytes", d.lim.valueBytes}
	}
	*into = s
	return nil
}

// open reads the token that opens a value which must be an object or an
// array (delim) or null; null says it was null, and anything else is the
// error notThat.
func (d *listDecoder) open(delim json.Delim, notThat string) (null bool, err error) {
	tok, err := d.dec.Token()
	switch {
	case err != nil:
		return false, err
	case tok == nil:
		return true, nil
	case tok != delim:
		return false, errors.New(notThat)
	}
	return false, nil
}

// skip reads past a field nothing compares.
func (d *listDecoder) skip() error {
	_, err := d.raw()
	return err
}

// props decodes a properties object into text values, counting toward the
// per-item and per-reply limits. The plugin drops null values from GET; a
// server that keeps them means the same thing.
func (d *listDecoder) props(into map[string]string, count *int) error {
	if null, err := d.open('{', "properties is not an object"); null || err != nil {
		return err
	}
	for d.dec.More() {
		key, err := d.key()
		if err != nil {
			return err
		}
		if *count++; *count > d.lim.itemProperties {
			return &overLimitError{"a data source with more properties", d.lim.itemProperties}
		}
		if d.properties++; d.properties > d.lim.properties {
			return &overLimitError{"more properties", d.lim.properties}
		}
		raw, err := d.raw()
		if err != nil {
			return err
		}
		if v, ok := propertyText(raw); ok {
			into[key] = v
		} else {
			delete(into, key) // a repeated key's last value wins
		}
	}
	_, err := d.dec.Token() // '}'
	return err
}

// propertyText renders a property value as text: a JSON string as its
// contents, any other JSON as itself; null is no value.
func propertyText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", false
	}
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		// A valid string without escapes is its own text: the decoder
		// has already checked that it is JSON.
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true
}

// roles decodes allowedRoles, an array of strings or null.
func (d *listDecoder) roles(into *[]string) error {
	if null, err := d.open('[', "allowedRoles is not an array"); null || err != nil {
		*into = nil
		return err
	}
	roles := []string{}
	for d.dec.More() {
		if len(roles) == d.lim.roles {
			return &overLimitError{"a data source with more allowed roles", d.lim.roles}
		}
		var role string
		if err := d.str(&role); err != nil {
			return err
		}
		roles = append(roles, role)
	}
	*into = roles
	_, err := d.dec.Token() // ']'
	return err
}

// configuration decodes the documented dialect's configuration object,
// keeping only its endpoint.
func (d *listDecoder) configuration(b *remoteBody) error {
	raw, err := d.raw()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, &b.Configuration)
}
