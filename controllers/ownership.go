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
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
)

// A data source is identified across connection objects by the cluster it
// lives on and its name: two connections to one cluster reach the same data
// sources. A cluster is known by the cluster_uuid its server reports, so
// that two spellings of its address (an IP and a host name, a DNS alias)
// are one cluster; while that is unknown on either side, by the
// normalised endpoint.

// cluster identifies the cluster a connection or a record points at.
type cluster struct {
	uuid     string
	endpoint string
}

// same reports whether a and b are one cluster: by uuid when both know
// it, else by endpoint.
func (a cluster) same(b cluster) bool {
	if a.uuid != "" && b.uuid != "" {
		return a.uuid == b.uuid
	}
	return a.endpoint == b.endpoint
}

// key is a string for a; equal keys are the same cluster.
func (a cluster) key() string {
	if a.uuid != "" {
		return "uuid:" + a.uuid
	}
	return a.endpoint
}

// recordedCluster is the cluster a status record names.
func recordedCluster(c *v1alpha1.WrittenConnection) cluster {
	return cluster{uuid: c.ClusterUUID, endpoint: c.Endpoint}
}

// claimKey identifies a data source across connection objects.
func claimKey(on cluster, name string) string { return on.key() + "|" + name }

// writtenTo reports whether ds's status records a write of its data source
// to the cluster on.
func writtenTo(ds *v1alpha1.DataSource, on cluster) bool {
	c := ds.Status.Connection
	return c != nil && recordedCluster(c).same(on)
}

// observes reports whether ds only reads its data source: it manages
// nothing, so it neither holds off nor outranks a DataSource that writes.
func observes(ds *v1alpha1.DataSource) bool {
	return ds.Spec.ManagementPolicy == v1alpha1.ManagementObserve
}

// ownership is what a successful write records in status.
type ownership struct {
	connection     v1alpha1.WrittenConnection
	adopted        bool
	credentialKeys []string
}

func writtenConnection(conn *connectionView) v1alpha1.WrittenConnection {
	return v1alpha1.WrittenConnection{Kind: v1alpha1.ConnectionKind(conn.ID.Kind), Name: conn.ID.Name,
		UID: conn.Object.GetUID(), Endpoint: conn.Target, ClusterUUID: conn.ClusterUUID}
}

// checkConflict stops a DataSource when another one already manages the
// data source of the same name on the same cluster, through this
// connection or another: two objects writing one data source would undo
// each other on every resync, and deleting either would delete both.
func (r *DataSourceReconciler) checkConflict(ctx context.Context, s *dataSourceScope) *outcome {
	name := dataSourceName(s.ds)
	var list v1alpha1.DataSourceList
	if err := r.List(ctx, &list, client.MatchingFields{indexDataSourceName: name}); err != nil {
		return stop(failed(judge(err, opWrite, s.conn.ResyncPeriod, r.MaxThrottle), err))
	}
	holder := r.Memory.claimant(claimKey(s.conn.cluster(), name))
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID == s.ds.UID || !other.DeletionTimestamp.IsZero() || observes(other) {
			continue
		}
		target, err := r.targetOf(ctx, other)
		if err != nil {
			return stop(failed(judge(err, opWrite, s.conn.ResyncPeriod, r.MaxThrottle), err))
		}
		if target == nil || !target.same(s.conn.cluster()) || holder == s.ds.UID {
			continue
		}
		if holder == other.UID || claimsFirst(other, s.ds, *target) {
			return stop(r.conflict(s, other, name))
		}
	}
	return nil
}

// conflict is the outcome of a DataSource that lost to other (nil when the
// winner is no longer listed): it no longer records the data source as its
// own, so its deletion will not delete it. The message has one form
// whichever check found the conflict.
func (r *DataSourceReconciler) conflict(s *dataSourceScope, other *v1alpha1.DataSource, name string) outcome {
	r.Memory.unclaim(s.ds.UID)
	out := notReady(v1alpha1.ReasonConflict, fmt.Sprintf(
		"%s already manages data source %q on %s; only one DataSource may manage a data source",
		rivalName(s.ds, other), name, s.conn.Target))
	out.disown = true
	return out
}

// rivalName names the DataSource that won a conflict as the loser's
// owner may read it: by name in the loser's own namespace, and without
// a name in any other, so a tenant learns nothing of another namespace's
// objects from a shared cluster.
func rivalName(ds, other *v1alpha1.DataSource) string {
	switch {
	case other == nil:
		return "another DataSource"
	case other.Namespace == ds.Namespace:
		return "DataSource " + other.Namespace + "/" + other.Name
	default:
		return "a DataSource in another namespace"
	}
}

// claimHolder is the DataSource whose UID holds the in-process claim on
// ds's data source; nil when it is no longer listed.
func (r *DataSourceReconciler) claimHolder(ctx context.Context, ds *v1alpha1.DataSource, uid types.UID) *v1alpha1.DataSource {
	var list v1alpha1.DataSourceList
	if err := r.List(ctx, &list, client.MatchingFields{indexDataSourceName: dataSourceName(ds)}); err != nil {
		return nil
	}
	for i := range list.Items {
		if list.Items[i].UID == uid {
			return &list.Items[i]
		}
	}
	return nil
}

// targetOf is the cluster on which another DataSource is a rival: where
// its status says it wrote, else where it could write now. One that could
// not (suspended, its connection missing, not Ready, or not admitting its
// namespace) is no rival (nil): naming a shared cluster's endpoint or a
// data source's name must not let a DataSource that can never write hold
// off the ones that can.
func (r *DataSourceReconciler) targetOf(ctx context.Context, ds *v1alpha1.DataSource) (*cluster, error) {
	if c := ds.Status.Connection; c != nil {
		on := recordedCluster(c)
		return &on, nil
	}
	if ds.Spec.Suspend {
		return nil, nil
	}
	conn, err := getConnection(ctx, r.Client, connectionIDOf(ds), r.DefaultResync)
	if err != nil || conn == nil {
		return nil, err
	}
	if ready, _ := conn.Ready(); !ready {
		return nil, nil
	}
	if conn.AllowedNamespaces != nil {
		allowed, err := r.namespaceAllowed(ctx, conn.AllowedNamespaces, ds.Namespace)
		var invalid *invalidSelectorError
		if errors.As(err, &invalid) {
			// A selector the operator cannot read allows no namespace:
			// that DataSource cannot write, so it is no rival, and its
			// connection's fault is not another tenant's to read.
			return nil, nil
		}
		if err != nil || !allowed {
			return nil, err
		}
	}
	on := conn.cluster()
	return &on, nil
}

// claimsFirst orders DataSources that name the same data source on one
// cluster: one that has written it there wins over one that has not, then
// the older one (creation times have one-second granularity), then the
// name.
func claimsFirst(a, b *v1alpha1.DataSource, target cluster) bool {
	if wroteA, wroteB := writtenTo(a, target), writtenTo(b, target); wroteA != wroteB {
		return wroteA
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
}

// checkAdoption refuses to write over a data source this DataSource did
// not create when the connection denies adoption. Finding out costs a read
// only when neither the status nor the latest list already tells.
func (r *DataSourceReconciler) checkAdoption(ctx context.Context, s *dataSourceScope) *outcome {
	name := s.desired.DataSource.Name
	// The in-process claim does not count: write takes it before a create
	// whose 409 brings the rule here, so it says nothing of who made the
	// data source. Only a create recorded before it was sent does.
	created := createdHere(s)
	// A DataSource with a lastSyncTime but no recorded connection was
	// written by a release that did not record where; it is its own.
	legacy := s.ds.Status.Connection == nil && s.ds.Status.LastSyncTime != nil
	if s.conn.Adoption != v1alpha1.AdoptionDeny || writtenTo(s.ds, s.conn.cluster()) || created || s.absent || legacy {
		return nil
	}
	if s.remote == nil {
		got, err := s.api.Get(ctx, name)
		switch {
		case opensearch.IsNotFound(err):
			s.absent = true
			return nil
		case err != nil:
			return stop(r.failedCall(ctx, s, err))
		}
		s.remote = &got
	}
	msg := fmt.Sprintf("data source %q already exists on %s and this DataSource did not create it; %s has spec.adoption Deny",
		name, s.conn.Target, s.conn.ID)
	if s.ds.Spec.ManagementPolicy == v1alpha1.ManagementUpdateOnly {
		msg += "; managementPolicy UpdateOnly only ever updates existing data sources, so it needs adoption Allow"
	} else {
		msg += "; to go on, set spec.adoption: Allow on the connection, delete the data source in OpenSearch, " +
			"or give a new DataSource another spec.name"
	}
	return stop(notReady(v1alpha1.ReasonAdoptionDenied, msg))
}

// adoptedAfter says whether the data source is adopted after a write that
// made the requests done: created by this DataSource (by this write, or by
// an earlier one whose move was not recorded yet), or found there.
func adoptedAfter(s *dataSourceScope, done []opensearch.WriteOp) bool {
	if slices.Contains(done, opensearch.OpCreate) || createdHere(s) {
		return false
	}
	if writtenTo(s.ds, s.conn.cluster()) {
		return s.ds.Status.Adopted
	}
	return true
}

// createdHere says whether a create recorded by an earlier reconcile was
// sent to the cluster this one writes to: a data source found there was
// made by this DataSource (its answer, or its record, was lost).
func createdHere(s *dataSourceScope) bool {
	return s.priorIntent != nil && recordedCluster(s.priorIntent).same(s.conn.cluster())
}

// recordCreateIntent makes the status say, before the create is sent,
// where this DataSource is about to create its data source: a manager that
// dies between the create and the status recording it leaves this record,
// and the next one reads it (see createdHere).
//
// The patch carries the resourceVersion this reconcile read. A cache that
// lags the API server would otherwise decide from an old record: a merge
// patch against it sends only the fields that differ from the old record
// (half a record, which the API server refuses or, worse, merges into
// another), and an old record equal to the intent would skip the patch
// and send the create with nothing recorded. A conflict is errCacheBehind:
// the create is not sent.
func (r *DataSourceReconciler) recordCreateIntent(ctx context.Context, s *dataSourceScope) error {
	intent := writtenConnection(s.conn)
	orig := s.ds.DeepCopy()
	s.ds.Status.PendingCreate = &intent
	err := r.Status().Patch(ctx, s.ds, client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{}))
	switch {
	case err == nil:
		return nil
	case apierrors.IsConflict(err):
		err = errCacheBehind
	}
	s.ds.Status.PendingCreate = orig.Status.PendingCreate
	return fmt.Errorf("recording the create of data source %q before sending it: %w", s.desired.DataSource.Name, err)
}

// errCacheBehind says that the DataSource this reconcile read is older than
// the API server's: what it decided may rest on a record since replaced, so
// it reports nothing and runs again on the newer copy.
var errCacheBehind = errors.New("the cached DataSource is older than the API server's copy")

// createRefusedBy says whether err, the answer to a create, means the
// server stored nothing; a timeout or an outage leaves it unknown.
func createRefusedBy(err error) bool {
	switch opensearch.KindOf(err) {
	case opensearch.KindAlreadyExists, opensearch.KindRejected, opensearch.KindForbidden, opensearch.KindTooManyRequests:
		return true
	}
	return false
}

// releasePrevious handles a change of spec.connectionRef once the data
// source is written on the new cluster: on the old one it is deleted when
// this DataSource created it and deletionPolicy is Delete, and kept
// otherwise.
func (r *DataSourceReconciler) releasePrevious(ctx context.Context, s *dataSourceScope) error {
	old := s.ds.Status.Connection
	// The same cluster under another address or connection object is no
	// move: deleting "the old one" would delete the data source just
	// written.
	if old == nil || recordedCluster(old).same(s.conn.cluster()) {
		return nil
	}
	name := s.desired.DataSource.Name
	keep := func(why string) error {
		r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, "Moved", "Move",
			"Moved data source %q to %s; left it on %s: %s", name, s.conn.Target, old.Endpoint, why)
		return nil
	}
	switch {
	case deletionPolicy(&s.ds.Spec) == v1alpha1.DeletionRetain:
		return keep(retainReason(&s.ds.Spec))
	case s.ds.Status.Adopted:
		return keep("this DataSource did not create it there")
	}
	prev, err := r.recordedConnection(ctx, s.ds, old)
	switch {
	case err != nil:
		return err
	case prev == nil:
		return keep("that connection no longer exists")
	}
	if !prev.cluster().same(recordedCluster(old)) {
		return keep(prev.ID.String() + " points elsewhere now")
	}
	// A record written before the cluster's uuid was known says nothing of
	// aliases; the old connection's own probe may: the same uuid as the new
	// one is the same cluster, and a DELETE there would take the data
	// source just written.
	if prev.cluster().same(s.conn.cluster()) {
		return nil
	}
	api, err := r.Clients.clientFor(ctx, prev)
	if err != nil {
		return fmt.Errorf("removing data source %q from %s: %w", name, prev.ID, err)
	}
	if err := api.Delete(ctx, name); err != nil && !opensearch.IsNotFound(err) {
		return fmt.Errorf("removing data source %q from %s: %w", name, prev.ID, err)
	}
	r.Recorder.Eventf(s.ds, nil, corev1.EventTypeNormal, "Moved", "Move",
		"Moved data source %q to %s and deleted it from %s", name, s.conn.Target, old.Endpoint)
	return nil
}

// recordedConnection reads the connection a record of ds's status names
// (status.connection or status.pendingCreate); nil when it is gone or was
// replaced by another object of the same name.
func (r *DataSourceReconciler) recordedConnection(ctx context.Context, ds *v1alpha1.DataSource, old *v1alpha1.WrittenConnection) (*connectionView, error) {
	id := registry.ID{Kind: string(old.Kind), Name: old.Name}
	if old.Kind != v1alpha1.KindClusterOpenSearchConnection {
		id.Kind, id.Namespace = string(v1alpha1.KindOpenSearchConnection), ds.Namespace
	}
	conn, err := r.Clients.connection(ctx, r.Client, id, r.DefaultResync)
	if err != nil || conn == nil {
		return nil, err
	}
	if old.UID != "" && conn.Object.GetUID() != old.UID {
		return nil, nil
	}
	return conn, nil
}

// droppedCredentialKeys are the credential-named properties written before
// and no longer in the spec. Status records them across restarts; memory
// covers the moment after a write before the cache shows its status.
func droppedCredentialKeys(ds *v1alpha1.DataSource, remembered, current []string) []string {
	written := slices.Concat(ds.Status.CredentialKeys, remembered)
	slices.Sort(written)
	return without(slices.Compact(written), current)
}

// rivalManages reports another live DataSource that records the same data
// source on the same cluster: its deletion must not take the data source.
func (r *DataSourceReconciler) rivalManages(ctx context.Context, ds *v1alpha1.DataSource, target cluster) (*types.NamespacedName, error) {
	var list v1alpha1.DataSourceList
	if err := r.List(ctx, &list, client.MatchingFields{indexDataSourceName: dataSourceName(ds)}); err != nil {
		return nil, err
	}
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID != ds.UID && other.DeletionTimestamp.IsZero() && !observes(other) && writtenTo(other, target) {
			nn := client.ObjectKeyFromObject(other)
			return &nn, nil
		}
	}
	return nil, nil
}
