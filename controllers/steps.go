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

import "context"

// step is one step of a reconcile's pipeline over the scope S its steps
// share: nil lets the next step run, an end stops the pipeline with it.
// The lifecycle, Observe and deletion pipelines are all made of steps, so
// each reads as the list of what it checks, in order.
type step[S, E any] func(ctx context.Context, s S) *E

// runSteps runs steps in order until one ends the pipeline, and returns
// that end, or nil when every step let the next run.
func runSteps[S, E any](ctx context.Context, s S, steps []step[S, E]) *E {
	for _, st := range steps {
		if end := st(ctx, s); end != nil {
			return end
		}
	}
	return nil
}
