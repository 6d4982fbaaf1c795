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

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	corev1 "k8s.io/api/core/v1"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// stepTimeout bounds each lifecycle step's wait: the demo's connections
// resync every demoResync, so every step settles in a few seconds.
const stepTimeout = 20 * time.Second

// driftedDescription is what the tour writes behind the operator's back.
const driftedDescription = "edited behind the operator's back"

// rotate changes the password in the MySQL DataSource's Secret and waits for
// the documented-mode server to receive it. The password is random and
// never printed.
func (d *demo) rotate(ctx context.Context) {
	const step = "rotate"
	if !d.ready(ctx, step, d.mysql) {
		return
	}
	ds, err := d.dataSource(ctx, d.mysql)
	if err != nil || ds.Spec.Configuration == nil || ds.Spec.Configuration.Credentials == nil {
		d.missed(step, d.mysql, "the DataSource has no configuration.credentials to rotate")
		return
	}
	ref := ds.Spec.Configuration.Credentials.SecretRef
	key := ref.PasswordKey
	if key == "" {
		key = "password"
	}
	password := randomPassword()
	sec := &corev1.Secret{}
	if err := d.c.Get(ctx, types.NamespacedName{Namespace: ds.Namespace, Name: ref.Name}, sec); err != nil {
		d.missed(step, d.mysql, "reading Secret "+ref.Name+": "+err.Error())
		return
	}
	sec.Data[key] = []byte(password)
	if err := d.c.Update(ctx, sec); err != nil {
		d.missed(step, d.mysql, "updating Secret "+ref.Name+": "+err.Error())
		return
	}
	start := time.Now()
	name := dataSourceName(ds)
	if !poll(ctx, stepTimeout, func() bool { return d.documented.holdsPassword(name, password) }) {
		d.missed(step, d.mysql, "the new password did not reach "+d.documented.Label())
		return
	}
	d.observed(step, "Secret %s/%s key %q rotated -> %s received the new password in a write %s later, at %s (value not shown)",
		ds.Namespace, ref.Name, key, d.documented.Label(), since(start), time.Now().Format("15:04:05.000"))
}

// drift edits the Prometheus data source's description on its server and
// waits for the operator to report and correct it.
func (d *demo) drift(ctx context.Context) {
	const step = "drift"
	if !d.ready(ctx, step, d.prometheus) {
		return
	}
	ds, srv, err := d.dataSourceAndServer(ctx, d.prometheus)
	if err != nil {
		d.missed(step, d.prometheus, err.Error())
		return
	}
	name, want := dataSourceName(ds), ds.Spec.Description
	// The events of this step follow the edit, so they count from before it.
	start := time.Now()
	if err := srv.SetDescription(ctx, name, driftedDescription); err != nil {
		d.missed(step, d.prometheus, err.Error())
		return
	}
	var drifted *metav1.Condition
	ok := poll(ctx, stepTimeout, func() bool {
		cur, err := d.dataSource(ctx, d.prometheus)
		if err != nil {
			return false
		}
		drifted = meta.FindStatusCondition(cur.Status.Conditions, v1alpha1.ConditionDrifted)
		v, err := srv.View(ctx, name)
		return err == nil && v.Description == want && drifted != nil && drifted.Reason == v1alpha1.ReasonCorrected
	})
	if !ok {
		d.missed(step, d.prometheus, "the edited description was not corrected")
		return
	}
	took := since(start)
	d.observed(step, "description of %s edited on %s -> events: %s; Drifted=%s %s (%q); the server holds %q again, %s later",
		name, srv.Label(), d.eventReasons(ctx, d.prometheus, start, "DriftCorrected"), drifted.Status, drifted.Reason, drifted.Message, want, took)
}

// removeProperty drops one property from the analytics DataSource, whose
// server merges properties on update, and waits for the key to disappear.
func (d *demo) removeProperty(ctx context.Context) {
	const step = "remove-property"
	if !d.ready(ctx, step, d.analytics) {
		return
	}
	ds, srv, err := d.dataSourceAndServer(ctx, d.analytics)
	if err != nil || len(ds.Spec.Properties) == 0 {
		d.missed(step, d.analytics, "the DataSource has no property to remove")
		return
	}
	drop := sortedKeys(ds.Spec.Properties)[0]
	patch := fmt.Sprintf(`{"spec":{"properties":{%q:null}}}`, drop)
	// The operator may act on the patch before the call returns: its
	// events count from before the patch.
	start, name := time.Now(), dataSourceName(ds)
	if err := d.c.Patch(ctx, ds, client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
		d.missed(step, d.analytics, "patching the DataSource: "+err.Error())
		return
	}
	var held remoteView
	ok := poll(ctx, stepTimeout, func() bool {
		v, err := srv.View(ctx, name)
		held = v
		return err == nil && v.Found && !slices.Contains(v.PropertyKeys, drop) && d.readyAt(ctx, d.analytics)
	})
	if !ok {
		d.missed(step, d.analytics, "property "+drop+" is still on "+srv.Label())
		return
	}
	took := since(start)
	d.observed(step, "property %s removed from %s -> gone from %s %s later (events: %s); keys now: %s",
		drop, d.analytics, srv.Label(), took, d.eventReasons(ctx, d.analytics, start, "Recreating", "Recreated"), strings.Join(held.PropertyKeys, ", "))
}

// deleteDataSource deletes a DataSource and waits for its finalizer; then it
// checks the server holds the data source (Retain) or not (Delete).
func (d *demo) deleteDataSource(ctx context.Context, step string, key types.NamespacedName) {
	if !d.ready(ctx, step, key) {
		return
	}
	ds, srv, err := d.dataSourceAndServer(ctx, key)
	if err != nil {
		d.missed(step, key, err.Error())
		return
	}
	policy, name := ds.Spec.DeletionPolicy, dataSourceName(ds)
	if policy == "" {
		policy = v1alpha1.DeletionDelete
	}
	if err := d.c.Delete(ctx, ds); err != nil {
		d.missed(step, key, "deleting: "+err.Error())
		return
	}
	start := time.Now()
	gone := poll(ctx, stepTimeout, func() bool {
		return apierrors.IsNotFound(d.c.Get(ctx, key, &v1alpha1.DataSource{}))
	})
	if !gone {
		d.missed(step, key, "the DataSource was not released by its finalizer")
		return
	}
	v, err := srv.View(ctx, name)
	switch {
	case err != nil:
		d.missed(step, key, err.Error())
	case policy == v1alpha1.DeletionRetain && v.Found:
		if r, ok := srv.(*realServer); ok {
			r.retained = append(r.retained, name)
		}
		d.observed(step, "%s (deletionPolicy Retain) deleted after %s -> %s kept on %s (%s)", key, since(start), name, srv.Label(), summarize(v))
	case policy == v1alpha1.DeletionDelete && !v.Found:
		d.observed(step, "%s (deletionPolicy Delete) deleted after %s -> %s removed from %s", key, since(start), name, srv.Label())
	default:
		d.missed(step, key, fmt.Sprintf("deletionPolicy %s but %s holds: %s", policy, srv.Label(), summarize(v)))
	}
}

// ready reports whether a step's DataSource is Ready; a step on one that is
// not would only wait out its deadline, so it is recorded as not observed.
func (d *demo) ready(ctx context.Context, step string, key types.NamespacedName) bool {
	if d.readyAt(ctx, key) {
		return true
	}
	d.missed(step, key, "skipped, the DataSource is not Ready")
	return false
}

// eventReasons lists the reasons of the events about a DataSource since t,
// waiting a few seconds until each of want is there: events are recorded
// asynchronously.
func (d *demo) eventReasons(ctx context.Context, key types.NamespacedName, t time.Time, want ...string) string {
	var reasons []string
	poll(ctx, 5*time.Second, func() bool {
		var list eventsv1.EventList
		if err := d.c.List(ctx, &list, client.InNamespace(key.Namespace)); err != nil {
			return false
		}
		reasons = reasonsSince(list.Items, key.Name, t)
		return containsAll(reasons, want)
	})
	if len(reasons) == 0 {
		return "none"
	}
	return strings.Join(reasons, ", ")
}

// reasonsSince lists, oldest first, the reasons of the events about the
// object named name that happened at or after t. An event's time is kept to
// the microsecond, so t is too; and an event that repeats an earlier one
// keeps the first time and records the repeat in its series.
func reasonsSince(events []eventsv1.Event, name string, t time.Time) []string {
	t = t.Truncate(time.Microsecond)
	type seen struct {
		at     time.Time
		reason string
	}
	var found []seen
	for _, e := range events {
		at := e.EventTime.Time
		if e.Series != nil && e.Series.LastObservedTime.After(at) {
			at = e.Series.LastObservedTime.Time
		}
		if e.Regarding.Name == name && !at.Before(t) {
			found = append(found, seen{at, e.Reason})
		}
	}
	slices.SortStableFunc(found, func(a, b seen) int { return a.at.Compare(b.at) })
	reasons := make([]string, len(found))
	for i, f := range found {
		reasons[i] = f.reason
	}
	return reasons
}

// containsAll says whether every one of want is in have.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func since(t time.Time) string {
	return time.Since(t).Round(time.Millisecond).String()
}
