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
	"errors"
	"fmt"
	"log/slog"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/resource"
)

// defaultMemoryLimitRatio leaves a tenth of the container's limit to what
// the Go runtime does not count (the binary, thread stacks outside the
// heap's accounting) and to the garbage collector's lag.
const defaultMemoryLimitRatio = 0.9

// memoryLimitProvider is where the limit --memory-limit-ratio applies to
// comes from: --memory-limit when given (a manager run outside a
// container, or the bench playing the chart's limit), else the container's
// own, from its cgroup.
func memoryLimitProvider(limit string) (memlimit.Provider, error) {
	if limit == "" {
		return memlimit.FromCgroup, nil
	}
	q, err := resource.ParseQuantity(limit)
	if err != nil {
		return nil, fmt.Errorf("--memory-limit: %w", err)
	}
	if q.Sign() <= 0 {
		return nil, fmt.Errorf("--memory-limit must be positive, not %s", limit)
	}
	return memlimit.Limit(uint64(q.Value())), nil
}

// setMemoryLimit sets the Go runtime's soft memory limit (GOMEMLIMIT) to
// ratio of the manager's memory limit. Without it the garbage collector
// lets the heap grow to twice what is live: a fleet whose live heap fits
// well within the container's limit could still be killed at its peak.
// GOMEMLIMIT set in the environment wins; a ratio of 0, or no limit to
// apply it to, leaves the runtime as it is.
func setMemoryLimit(ratio float64, limit string, log logr.Logger) error {
	if ratio == 0 {
		return nil
	}
	provider, err := memoryLimitProvider(limit)
	if err != nil {
		return err
	}
	set, err := memlimit.Set(memlimit.WithRatio(ratio), memlimit.WithProvider(provider),
		memlimit.WithLogger(slog.New(logr.ToSlogHandler(log))))
	switch {
	case errors.Is(err, memlimit.ErrNoCgroup), errors.Is(err, memlimit.ErrCgroupsNotSupported):
		log.Info("No container memory limit found; the Go runtime's memory limit is left as it is")
		return nil
	case err != nil:
		return fmt.Errorf("setting the Go runtime's memory limit: %w", err)
	}
	log.V(1).Info("Go runtime memory limit", "bytes", set)
	return nil
}
