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
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// compareWithRemote decides whether a DataSource whose spec and Secrets are
// already applied needs a write: only when the connection's latest list
// shows the data source changed or gone. A changed spec goes straight to
// the write. An unsettled DataSource (its last reconcile did not end
// Synced, say after a connection blip) takes a list newer than its last
// check even when none is due, so that it does not stay unready until the
// next resync.
func (r *DataSourceReconciler) compareWithRemote(ctx context.Context, s *dataSourceScope) *outcome {
	fp := s.desired.Fingerprint
	if s.ds.Status.Fingerprint != fp && s.applied.fingerprint != fp {
		r.useLatestList(ctx, s)
		return nil
	}
	if credentialRewriteDue(s, r.Now()) {
		// OpenSearch never shows credentials: only writing them again
		// undoes a change made to them there.
		log.FromContext(ctx).Info("rewriting credentials", "period", s.conn.CredentialRewritePeriod.String())
		s.rewriteCredentials = true
		r.useLatestList(ctx, s)
		return nil
	}
	settled := readyReason(s.ds) == v1alpha1.ReasonSynced || s.applied.synced
	name := s.desired.DataSource.Name
	snap, err := r.snapshotToCheck(ctx, s, !settled)
	switch {
	case err != nil:
		return stop(r.failedCall(ctx, s, err))
	case snap == nil && !settled:
		if t, ok := r.Registry.Throttled(s.conn.ID, r.Now()); ok {
			return stop(throttled(t, r.Now()))
		}
		return stop(unchanged(s.ds, synced(name, s.conn)))
	case snap == nil:
		// Settled means this process or the status saw it Synced; the cache
		// may still show an older condition, which must not come back.
		return stop(synced(name, s.conn))
	}
	changed := []string{"the data source was deleted"}
	remote, listing := snap.Lookup(name)
	exists := listing == registry.Kept
	if exists {
		d, err := opensearch.CompareRemote(s.api.Dialect(), s.desired.DataSource, remote)
		switch {
		case err != nil:
			return stop(notReady(v1alpha1.ReasonInvalidSpec, err.Error()))
		case d.Empty():
			return stop(synced(name, s.conn))
		}
		changed = append(d.Fields, prefixed("properties[", d.StaleProperties, "] (not in spec)")...)
		s.remote = &remote
	}
	s.absent = !exists
	r.driftDetected(ctx, s.ds, changed)
	s.driftFields = changed
	return nil
}

// credentialRewriteDue says whether the connection's
// credentialRewritePeriod has passed since the DataSource's last write and
// the DataSource carries credentials to write again.
func credentialRewriteDue(s *dataSourceScope, now time.Time) bool {
	period, last := s.conn.CredentialRewritePeriod, s.ds.Status.LastSyncTime
	carries := len(s.credentialKeys) > 0 || s.desired.DataSource.Configuration != nil
	return period > 0 && carries && last != nil && now.Sub(last.Time) >= period
}

// useLatestList lets the connection's latest list stand in for a read
// before a write, so that a change costs one request. A data source the
// list lacks is created with a POST; a list older than the data source
// leads to the server's 409, then the adoption rule, a read and an update.
// UpdateOnly never creates, so a stale list must not make it report
// NotFound. A listed data source stands in for a read only when the list
// is no older than the last write or check: what a merging server would keep
// through a PUT is computed from it.
//
// A list older than the DataSource's own last write or check says nothing
// of the data source, not even that it is missing. When this process made
// that write, what it wrote stands in for the read instead, so that a
// rotation soon after a create is one PUT.
//
// A list that named the data source but kept none of its details (it is
// older than the DataSource's name) gives way to one read of that data
// source, so that adopting one that already matches costs no write.
func (r *DataSourceReconciler) useLatestList(ctx context.Context, s *dataSourceScope) {
	snap := r.Registry.Snapshots.Latest(s.conn.ID, s.conn.Target)
	name := s.desired.DataSource.Name
	last := lastKnown(s)
	stale := snap == nil || snap.FetchedAt.Before(last)
	if w := s.applied.written; stale && w != nil && s.applied.writtenTo == claimKey(s.conn.cluster(), name) {
		remote := *w
		s.remote = &remote
		return
	}
	if snap == nil {
		return
	}
	remote, listing := snap.Lookup(name)
	// A DataSource never written nor checked takes any list's word that
	// its data source is missing: that is how a new one costs one POST.
	believedMissing := !stale || last.IsZero()
	switch {
	case listing == registry.ListedNotKept:
		r.readListedNotKept(ctx, s)
	case listing == registry.Missing && believedMissing && s.ds.Spec.ManagementPolicy != v1alpha1.ManagementUpdateOnly:
		s.absent = true
	case listing == registry.Kept && !stale:
		s.remote = &remote
	}
}

// readListedNotKept reads the one data source a list named without keeping.
// A failed read leaves it unknown: the write reads it again, and its error
// is judged there.
func (r *DataSourceReconciler) readListedNotKept(ctx context.Context, s *dataSourceScope) {
	remote, err := s.api.Get(ctx, s.desired.DataSource.Name)
	switch {
	case err == nil:
		s.remote = &remote
	case opensearch.IsNotFound(err) && s.ds.Spec.ManagementPolicy != v1alpha1.ManagementUpdateOnly:
		s.absent = true
	}
}

// lastKnown is when the DataSource last wrote or compared its data source
// on the connection's cluster. After a connectionRef change that was on
// another cluster, which says nothing of this one: there the DataSource is
// as new as one never written.
func lastKnown(s *dataSourceScope) time.Time {
	if c := s.ds.Status.Connection; c != nil && !recordedCluster(c).same(s.conn.cluster()) {
		return time.Time{}
	}
	last := s.applied.checked
	if t := s.ds.Status.LastSyncTime; t != nil && t.After(last) {
		last = t.Time
	}
	return last
}

// driftDetected records, in an event and the log, a change made outside
// Kubernetes.
func (r *DataSourceReconciler) driftDetected(ctx context.Context, ds *v1alpha1.DataSource, changed []string) {
	r.Recorder.Eventf(ds, nil, corev1.EventTypeWarning, "DriftDetected", "Correct", "%s%s; writing the spec back",
		driftPrefix, strings.Join(changed, ", "))
	log.FromContext(ctx).Info("drift detected", "fields", changed)
}

// snapshotToCheck returns the connection's list to compare with, or nil
// when there is none newer than the last check. A DataSource with no check
// yet (right after a restart) or that must check now takes any list newer
// than its last check, triggering one if none is, unless the server asked
// to wait.
func (r *DataSourceReconciler) snapshotToCheck(ctx context.Context, s *dataSourceScope, now bool) (*registry.Snapshot, error) {
	last := s.applied.checked
	snap, err := r.pickSnapshot(ctx, s, last.IsZero() || now, last)
	if snap == nil {
		return nil, err
	}
	r.Memory.update(client.ObjectKeyFromObject(s.ds), s.ds.UID, func(a *applied) {
		if snap.FetchedAt.After(a.checked) {
			a.checked = snap.FetchedAt
		}
	})
	return snap, nil
}

// pickSnapshot returns the connection's list to compare with. With fresh,
// one fetched no earlier than notBefore, taking one if there is none (nil
// if the server asked to wait); DataSources that need one at the same
// moment share the call. Otherwise the latest list when it is newer than
// the DataSource's last comparison, else nil.
//
// The snapshot returned never lists the DataSource's data source without
// its details: one that does (the DataSource is newer than the list) is
// replaced by a list started now, whose keep rule sees the DataSource. A
// list that still does not keep it was kept for a DataSource newer than
// the one this reconcile read: errCacheBehind.
func (r *DataSourceReconciler) pickSnapshot(ctx context.Context, s *dataSourceScope, fresh bool, notBefore time.Time) (*registry.Snapshot, error) {
	snap, err := r.listedSnapshot(ctx, s, fresh, notBefore)
	if snap == nil || !listedNotKept(snap, s) {
		return snap, err
	}
	if snap, err = r.listedSnapshot(ctx, s, true, r.Now()); snap == nil || err != nil {
		return nil, err
	}
	if listedNotKept(snap, s) {
		return nil, fmt.Errorf("comparing data source %q: %w", s.desired.DataSource.Name, errCacheBehind)
	}
	return snap, nil
}

// listedNotKept says whether snap listed the DataSource's data source
// without keeping its details.
func listedNotKept(snap *registry.Snapshot, s *dataSourceScope) bool {
	_, listing := snap.Lookup(s.desired.DataSource.Name)
	return listing == registry.ListedNotKept
}

// listedSnapshot is pickSnapshot without the check of what it kept.
func (r *DataSourceReconciler) listedSnapshot(ctx context.Context, s *dataSourceScope, fresh bool, notBefore time.Time) (*registry.Snapshot, error) {
	if !fresh {
		if snap := r.Registry.Snapshots.Latest(s.conn.ID, s.conn.Target); snap != nil && snap.FetchedAt.After(s.applied.checked) {
			return snap, nil
		}
		return nil, nil
	}
	if _, wait := r.Registry.Throttled(s.conn.ID, r.Now()); wait {
		return nil, nil
	}
	return r.Registry.Snapshots.Fresh(ctx, s.conn.ID, s.conn.Target, s.api, notBefore)
}

func prefixed(prefix string, items []string, suffix string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = prefix + it + suffix
	}
	return out
}
