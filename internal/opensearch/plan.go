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
	"errors"
	"fmt"
	"slices"
	"strings"
)

// WriteOp is one request a write is made of.
type WriteOp string

const (
	// OpRead reads the data source (GET), to learn which properties a PUT
	// would leave behind on a server that merges them.
	OpRead WriteOp = "Read"
	// OpUpdate replaces the data source with the complete body (PUT).
	OpUpdate WriteOp = "Update"
	// OpPatch changes the data source without resending its credentials
	// (PATCH, SQL plugin 2.12+): see WriteState.Patch.
	OpPatch WriteOp = "Patch"
	// OpCreate adds the data source (POST).
	OpCreate WriteOp = "Create"
	// OpDelete removes the data source so that it can be created again
	// without the properties a PUT cannot remove.
	OpDelete WriteOp = "Delete"
	// OpDone means the server holds the desired data source.
	OpDone WriteOp = "Done"
)

// WriteStep is the next request of a write, and for OpDelete the property
// keys the re-creation removes.
type WriteStep struct {
	Op    WriteOp
	Stale []string
}

// WriteState is what is known while one data source is written.
type WriteState struct {
	// Dialect is the client's dialect now: Auto until a write resolves it.
	Dialect Dialect
	// Remote is the data source as last read or listed; nil when unknown.
	Remote *RemoteDataSource
	// Absent says the data source is known not to exist.
	Absent bool
	// MayCreate is false when the data source may only be updated.
	MayCreate bool
	// DroppedCredentialKeys are credential-named properties written before
	// and no longer desired. The server never shows them, so only this
	// record says they are there to remove.
	DroppedCredentialKeys []string
	// Patch says the server takes PATCH (Client.SupportsPatch) and no
	// credential changed since the last write, so the write is a PATCH in
	// place of the PUT: the same end state, without sending a secret.
	Patch bool
	// NoRecreate forbids deleting and creating the data source again to
	// remove properties: for connectors whose data goes with the data
	// source (see LosesDataOnDelete) unless the user allowed it. The write
	// then stops with a *RecreateRefusedError.
	NoRecreate bool
	// Done lists the requests that succeeded so far, in order.
	Done []WriteOp
}

// RecreateRefusedError says a write needs to delete and create the data
// source again, to remove properties a merging server keeps, and the
// caller forbade it (WriteState.NoRecreate). Everything else was written.
type RecreateRefusedError struct {
	// Stale are the property keys that remain on the server, sorted.
	Stale []string
}

// Error names the keys.
func (e *RecreateRefusedError) Error() string {
	return fmt.Sprintf("properties %s were removed from the spec but remain in OpenSearch, which merges properties on update; "+
		"removing them needs a delete and re-create, which is not allowed for this data source", strings.Join(e.Stale, ", "))
}

// ErrMayNotCreate says the data source does not exist and the write may
// not create it.
var ErrMayNotCreate = errors.New("the data source does not exist and may not be created")

// NextWriteStep decides the next request that brings the server to hold
// desired, given what is known so far. It is pure; the caller makes the
// request, records the answer in s and asks again until OpDone.
//
// A documented server replaces the whole data source on PUT. The SQL plugin
// merges properties, so a key dropped from the spec survives a PUT: there
// the data source is read first (unless a list already showed it), written
// with PUT (which validates the body and updates everything else), and then,
// if keys would be left behind, deleted and created again. An Auto client
// resolves its dialect on the first write, so the plan follows whatever the
// PUT revealed.
func NextWriteStep(desired DataSource, s WriteState) (WriteStep, error) {
	switch {
	case slices.Contains(s.Done, OpCreate):
		return WriteStep{Op: OpDone}, nil
	case s.Absent && !s.MayCreate:
		return WriteStep{}, ErrMayNotCreate
	case s.Absent:
		return WriteStep{Op: OpCreate}, nil
	case s.Dialect == DialectDocumented && slices.Contains(s.Done, OpUpdate):
		return WriteStep{Op: OpDone}, nil
	case s.Dialect == DialectDocumented:
		return WriteStep{Op: OpUpdate}, nil
	case s.Remote == nil:
		return WriteStep{Op: OpRead}, nil
	case !slices.Contains(s.Done, OpUpdate) && !slices.Contains(s.Done, OpPatch):
		if s.Patch && s.Dialect == DialectSQLPlugin {
			return WriteStep{Op: OpPatch}, nil
		}
		return WriteStep{Op: OpUpdate}, nil
	}
	stale, err := leftBehind(desired, s)
	switch {
	case err != nil:
		return WriteStep{}, err
	case len(stale) == 0:
		return WriteStep{Op: OpDone}, nil
	case !s.MayCreate:
		return WriteStep{}, &InvalidSpecError{Message: fmt.Sprintf(
			"properties %s were removed from the spec but remain in OpenSearch, which merges properties on update; "+
				"removing them needs a delete and re-create, which managementPolicy UpdateOnly does not allow",
			strings.Join(stale, ", "))}
	case s.NoRecreate:
		return WriteStep{}, &RecreateRefusedError{Stale: stale}
	}
	return WriteStep{Op: OpDelete, Stale: stale}, nil
}

// leftBehind lists, sorted, the property keys a PUT of desired leaves on a
// merging server that holds s.Remote.
func leftBehind(desired DataSource, s WriteState) ([]string, error) {
	d, err := CompareRemote(s.Dialect, desired, *s.Remote)
	if err != nil {
		return nil, err
	}
	stale := append(slices.Clone(d.StaleProperties), s.DroppedCredentialKeys...)
	slices.Sort(stale)
	return slices.Compact(stale), nil
}

// WriteAction names what a completed write did, for events: "Recreated"
// when it deleted and created, "Created" when it created, else "Updated".
func WriteAction(done []WriteOp) string {
	switch {
	case slices.Contains(done, OpDelete) && slices.Contains(done, OpCreate):
		return "Recreated"
	case slices.Contains(done, OpCreate):
		return "Created"
	}
	return "Updated"
}

// CredentialKeys checks that ds can be written in dialect d and returns,
// sorted, the credential-named properties (SecretPropertyKey) the write
// carries. An Auto client sends the documented body first, so Auto is
// checked as Documented. Errors are those of BuildBody.
func CredentialKeys(d Dialect, ds DataSource) ([]string, error) {
	if d == DialectAuto {
		d = DialectDocumented
	}
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("CredentialKeys: %w", err)
	}
	props, err := effectiveProperties(d, ds)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, k := range sortedKeys(props) {
		if SecretPropertyKey(k) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
