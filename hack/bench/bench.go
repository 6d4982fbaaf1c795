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
	"path/filepath"
	"slices"
	"time"
)

// bench is one run of the scenarios on one control plane.
type bench struct {
	cl          *cluster
	managerBin  string
	managerArgs []string
	// baselineBin, when set, is the manager built from baselineRev, which
	// the large scenario runs too, for a comparison in the same run.
	baselineBin, baselineRev string
	// workers is the manager's --max-concurrent-reconciles, which the
	// floor matches.
	workers int
	sz      sizes
	logDir  string
	seq     int
	// cold holds the cold starts' results by connection count, for the
	// memory table.
	cold map[int]*coldResult
}

// namespace names the next measurement's namespace.
func (b *bench) namespace(what string) string {
	b.seq++
	return fmt.Sprintf("bench-%02d-%s", b.seq, what)
}

// session is the manager running on a fleet, watched by a tracker.
type session struct {
	fleet   *fleet
	tracker *tracker
	mgr     *managerProcess
	started time.Time
	stop    context.CancelFunc
}

// readyTimeout bounds a cold start of n DataSources: generous, because on
// two cores shared with other work 10,000 took from 150 s to over 360 s.
func readyTimeout(n int) time.Duration { return 60*time.Second + time.Duration(n)*80*time.Millisecond }

// startSession creates spec's fleet, watches it, and starts the manager on
// its namespace with extra flags after the bench's.
func (b *bench) startSession(ctx context.Context, spec fleetSpec, extra ...string) (*session, error) {
	return b.startSessionOf(ctx, b.managerBin, spec, extra...)
}

// startReady is startSession followed by the fleet's cold start: every
// DataSource Ready. The caller closes the session.
func (b *bench) startReady(ctx context.Context, spec fleetSpec, extra ...string) (*session, error) {
	s, err := b.startSession(ctx, spec, extra...)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.coldStart(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// argsFor is the command line every manager built from bin starts with:
// the bench's -manager-args, and the chart's memory limit, which in its
// container the manager reads from its cgroup. A baseline from before
// --memory-limit runs without it.
func (b *bench) argsFor(bin string) []string {
	args := slices.Clone(b.managerArgs)
	if bin == b.managerBin {
		args = append([]string{"--memory-limit=" + chartMemoryLimit}, args...)
	}
	return args
}

// startSessionOf is startSession with the manager binary bin.
func (b *bench) startSessionOf(ctx context.Context, bin string, spec fleetSpec, extra ...string) (*session, error) {
	f, err := newFleet(ctx, b.cl.c, spec)
	if err != nil {
		return nil, err
	}
	tctx, stop := context.WithCancel(ctx)
	s := &session{fleet: f, stop: stop}
	if s.tracker, err = startTracker(tctx, b.cl.cfg, spec.namespace, spec.dataSources()); err != nil {
		s.close()
		return nil, err
	}
	s.started = time.Now()
	s.mgr, err = startManager(bin, b.cl.kubeconfig, spec.namespace,
		filepath.Join(b.logDir, spec.namespace+".log"), append(b.argsFor(bin), extra...))
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// coldStart is how long the manager took from its start until the first
// and until every DataSource was Ready.
func (s *session) coldStart(ctx context.Context) (first, all time.Duration, err error) {
	f, l, err := s.tracker.waitAllReady(ctx, readyTimeout(s.fleet.spec.dataSources()))
	if err != nil {
		if dead := s.mgr.alive(); dead != nil {
			return 0, 0, dead
		}
		return 0, 0, err
	}
	return f.Sub(s.started), l.Sub(s.started), nil
}

func (s *session) close() {
	if s.mgr != nil {
		s.mgr.stop()
	}
	s.stop()
	s.fleet.close()
}

// settle waits for the last status writes of a burst to land before a
// measurement that must see none.
func settle(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
