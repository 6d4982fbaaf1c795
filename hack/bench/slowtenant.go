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
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// slowRequestTimeout is the slow tenant's spec.requestTimeout: the longest
// the manager lets a namespaced connection ask for (--max-request-timeout).
const slowRequestTimeout = 30 * time.Second

// slowTenantWait bounds how long the bench waits for the other tenant's
// rotation and new DataSources: long enough to see them wait out stalled
// writes when the slow tenant holds every worker.
const slowTenantWait = 3 * slowRequestTimeout

// slowTenantResult is one run of the slow-tenant scenario.
type slowTenantResult struct {
	// Cap is --max-requests-per-connection; Workers the manager's
	// --max-concurrent-reconciles.
	Cap     int `json:"cap"`
	Workers int `json:"workers"`
	// Held is the most stalled writes the slow server had in flight at
	// once: the workers it held.
	Held int `json:"heldWorkers"`
	// StalledWrites is how many writes the slow server received.
	StalledWrites int             `json:"stalledWrites"`
	Rotation      *rotationResult `json:"rotation"`
	// New DataSources: how many were created and became Ready, and the
	// percentiles from each one's create until the bench saw it Ready.
	New      int     `json:"newDataSources"`
	NewReady int     `json:"newReady"`
	NewP50   float64 `json:"newReadyP50Seconds"`
	NewP99   float64 `json:"newReadyP99Seconds"`
}

// slowTenantTable runs the scenario twice: with the manager's default cap
// of requests per connection, which the targets apply to, and with the cap
// at the worker count, as the operator was before it had one.
func (b *bench) slowTenantTable(ctx context.Context) table {
	n := b.sz.slowTenant
	t := table{Scenario: "slow-tenant",
		Title: fmt.Sprintf("Slow tenant: one connection answers probes at once and stalls every write for its requestTimeout (%s), "+
			"%d DataSources on it; meanwhile another tenant's Secret used by %d DataSources rotates and %d new DataSources are created",
			slowRequestTimeout, n, n, n),
		Target: "with the default cap: rotation p99 ≤ 2 s with one PUT each, every new DataSource Ready with p99 ≤ 2 s (as without the slow tenant)",
		Header: []string{"CAP", "WORKERS HELD", "STALLED WRITES", "ROTATED", "ROTATION P50", "ROTATION P99", "PUTS/DS (MIN–MAX)",
			"NEW READY", "NEW P50", "NEW P99"}}
	var data []*slowTenantResult
	for _, uncapped := range []bool{true, false} {
		r, err := b.slowTenant(ctx, n, uncapped)
		if err != nil {
			t.Err, t.Data = err.Error(), data
			return t
		}
		data = append(data, r)
		label := fmt.Sprintf("%d (default)", r.Cap)
		if uncapped {
			label = fmt.Sprintf("%d (= workers, no cap)", r.Cap)
		}
		t.Rows = append(t.Rows, []string{label, fmt.Sprint(r.Held), fmt.Sprint(r.StalledWrites), fmt.Sprint(r.Rotation.Stored),
			dur(r.Rotation.P50), dur(r.Rotation.P99), fmt.Sprintf("%d–%d", r.Rotation.MinPuts, r.Rotation.MaxPuts),
			fmt.Sprint(r.NewReady), dur(r.NewP50), dur(r.NewP99)})
		if uncapped {
			continue
		}
		t.Checks = []check{
			atMost("workers the slow server held", float64(r.Held), float64(r.Cap)),
			exactly("data sources holding the rotated value", float64(r.Rotation.Stored), float64(n)),
			atMost("rotation p99 seconds", r.Rotation.P99, 2),
			exactly("PUTs of the rotation", float64(r.Rotation.Ops[fakeopensearch.OpUpdate]), float64(n)),
			exactly("new DataSources Ready", float64(r.NewReady), float64(n)),
			atMost("new DataSources Ready p99 seconds", r.NewP99, 2),
		}
	}
	t.Data = data
	t.Notes = append(t.Notes, "the first row is the operator without a per-connection cap (--max-requests-per-connection "+
		"set to the worker count): what the cap buys; the checks read the second")
	return t
}

// slowTenant starts the manager on the other tenant's DataSources, lets
// the slow tenant's DataSources take what workers they can, then rotates
// the other tenant's Secret and creates its new DataSources at once.
func (b *bench) slowTenant(ctx context.Context, n int, uncapped bool) (*slowTenantResult, error) {
	spec := fleetSpec{namespace: b.namespace("slow-tenant"), connections: 2, perConnection: n / 2, secrets: sharedSecret}
	r := &slowTenantResult{Workers: b.workers, Cap: max(1, b.workers/2), New: n}
	var extra []string
	if uncapped {
		r.Cap = b.workers
		extra = []string{fmt.Sprintf("--max-requests-per-connection=%d", b.workers)}
	}
	s, err := b.startReady(ctx, spec, extra...)
	if err != nil {
		return nil, err
	}
	defer s.close()
	for _, f := range s.fleet.fakes {
		// Room for the new DataSources too.
		f.SetLimit(2 * n)
	}
	slow, err := b.stallTenant(ctx, spec.namespace, n)
	if err != nil {
		return nil, err
	}
	defer slow.close()
	// The slow DataSources take every worker they may.
	waitFor(ctx, 2*slowRequestTimeout, func() bool { return slow.peakWriting.Load() >= int64(r.Cap) })
	rot, newReady, err := b.rotateAndCreate(ctx, s, n)
	if err != nil {
		return nil, err
	}
	r.Rotation = rot
	r.Held, r.StalledWrites = int(slow.peakWriting.Load()), slow.Count(fakeopensearch.OpCreate)+slow.Count(fakeopensearch.OpUpdate)
	r.NewReady = len(newReady)
	r.NewP50, r.NewP99 = seconds(percentile(newReady, 50)), seconds(percentile(newReady, 99))
	progress("slow tenant (cap %d): %d workers held; rotation p99 %.2fs (%d of %d stored); new DataSources Ready p99 %.2fs (%d of %d)",
		r.Cap, r.Held, rot.P99, rot.Stored, n, r.NewP99, r.NewReady, n)
	return r, nil
}

// stallTenant starts a server that answers probes and lists at once but
// holds every write beyond the requestTimeout of the connection it makes
// to it, and creates n DataSources on that connection.
func (b *bench) stallTenant(ctx context.Context, namespace string, n int) (*fakeServer, error) {
	slow, err := startFake(2 * n)
	if err != nil {
		return nil, err
	}
	for _, op := range []fakeopensearch.Op{fakeopensearch.OpCreate, fakeopensearch.OpUpdate, fakeopensearch.OpPatch} {
		slow.SetOpLatency(op, 10*slowRequestTimeout)
	}
	conn := &v1alpha1.OpenSearchConnection{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "slow"}}
	conn.Spec.Endpoint = slow.url
	conn.Spec.RequestTimeout = &metav1.Duration{Duration: slowRequestTimeout}
	objs := []client.Object{conn}
	f := &fleet{spec: fleetSpec{namespace: namespace}}
	for i := range n {
		ds := f.dataSource(0, i)
		ds.Name = fmt.Sprintf("stalled-%03d", i)
		ds.Spec.ConnectionRef.Name = conn.Name
		objs = append(objs, ds)
	}
	if err := createAll(ctx, b.cl.c, objs); err != nil {
		slow.close()
		return nil, err
	}
	return slow, nil
}

// rotateAndCreate updates the fleet's shared Secret and, at the same time,
// creates n new DataSources on its connections; it returns the rotation
// and, for each new DataSource that became Ready, how long after its
// create.
func (b *bench) rotateAndCreate(ctx context.Context, s *session, n int) (*rotationResult, []time.Duration, error) {
	const rotated = "rotated"
	w := s.watchStores("prometheus.auth.password", rotated)
	secret := &corev1.Secret{}
	key := client.ObjectKey{Namespace: s.fleet.spec.namespace, Name: sharedSecretName}
	if err := b.cl.c.Get(ctx, key, secret); err != nil {
		return nil, nil, err
	}
	secret.Data["password"] = []byte(rotated)
	w.start = time.Now()
	if err := b.cl.c.Update(ctx, secret); err != nil {
		return nil, nil, err
	}
	created, err := b.createNew(ctx, s.fleet, n)
	if err != nil {
		return nil, nil, err
	}
	w.wait(ctx, slowTenantWait)
	waitFor(ctx, slowTenantWait, func() bool { return len(readyAfter(s.tracker, created)) == len(created) })
	settle(ctx, settleTime)
	r := w.result(s.fleet.spec.dataSources())
	r.Ops = countOps(s.fleet.fakes)
	return r, readyAfter(s.tracker, created), nil
}

// createNew creates n DataSources without Secrets on f's connections and
// returns when each create was sent.
func (b *bench) createNew(ctx context.Context, f *fleet, n int) (map[types.NamespacedName]time.Time, error) {
	var mu sync.Mutex
	created := map[types.NamespacedName]time.Time{}
	plain := &fleet{spec: fleetSpec{namespace: f.spec.namespace}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(createWorkers)
	for i := range n {
		ds := plain.dataSource(i%f.spec.connections, i)
		ds.Name = fmt.Sprintf("new-%03d", i)
		g.Go(func() error {
			at := time.Now()
			if err := b.cl.c.Create(gctx, ds); err != nil {
				return fmt.Errorf("creating DataSource %s: %w", ds.Name, err)
			}
			mu.Lock()
			created[client.ObjectKeyFromObject(ds)] = at
			mu.Unlock()
			return nil
		})
	}
	return created, g.Wait()
}

// readyAfter is, for each of created that t has seen Ready, how long after
// its create.
func readyAfter(t *tracker, created map[types.NamespacedName]time.Time) []time.Duration {
	var out []time.Duration
	for nn, at := range created {
		if ready, ok := t.readySince(nn); ok {
			out = append(out, ready.Sub(at))
		}
	}
	return out
}

// waitFor polls cond every 100 ms until it holds, timeout passes or ctx ends.
func waitFor(ctx context.Context, timeout time.Duration, cond func() bool) {
	deadline := time.Now().Add(timeout)
	for !cond() && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}
