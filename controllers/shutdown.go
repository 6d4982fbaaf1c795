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
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
)

// GracefulShutdownTimeout is the longest a stopping manager waits for its
// controllers before it releases the leader Lease and exits. A stop
// cancels every reconcile's context, so a reconcile waiting on a slow
// server ends at once instead of running out its ReconcileTimeout; the
// status patch that records a write already made runs on a context
// detached from that cancellation, bounded by statusPatchTimeout, and this
// bounds the wait for it. The Deployment's terminationGracePeriodSeconds must exceed it,
// or the kubelet kills the manager before it hands the Lease over and the
// next leader waits out the lease duration.
const GracefulShutdownTimeout = 30 * time.Second

// statusPatchTimeout bounds the status patch that records a reconcile's
// outcome; it is shorter than GracefulShutdownTimeout so that a stopping
// manager still records the writes it made.
const statusPatchTimeout = 10 * time.Second

// withShutdownTimeout sets GracefulShutdownTimeout unless base has one.
func withShutdownTimeout(base *ctrl.Options) {
	if base.GracefulShutdownTimeout == nil {
		t := GracefulShutdownTimeout
		base.GracefulShutdownTimeout = &t
	}
}
