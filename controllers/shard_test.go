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
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
)

// TestWatchLabelSelector pins which kinds a shard's selector filters, that
// what the caller set for a kind is kept, and that a selector that does not
// parse is refused naming the flag.
func TestWatchLabelSelector(t *testing.T) {
	keepTransform := func(obj any) (any, error) { return obj, nil }
	base := func() ctrl.Options {
		return ctrl.Options{Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&v1alpha1.DataSource{}: {Transform: keepTransform},
			&corev1.Secret{}:       {Transform: keepTransform},
		}}}
	}
	cases := []struct {
		name     string
		selector string
		wantErr  string
		// wantLabels maps each kind's type name to the selector its cache
		// filters by ("" none).
		wantLabels map[string]string
	}{
		{name: "empty: options unchanged", wantLabels: map[string]string{"DataSource": "", "Secret": ""}},
		{name: "the three kinds filtered, Secrets not", selector: "shard=a", wantLabels: map[string]string{
			"DataSource": "shard=a", "OpenSearchConnection": "shard=a", "ClusterOpenSearchConnection": "shard=a", "Secret": ""}},
		{name: "set-based", selector: "shard in (a,b),!legacy", wantLabels: map[string]string{
			"DataSource": "!legacy,shard in (a,b)", "OpenSearchConnection": "!legacy,shard in (a,b)"}},
		{name: "does not parse", selector: "shard in (a", wantErr: `--watch-label-selector "shard in (a"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := WatchLabelSelector(base(), tc.selector)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]cache.ByObject{}
			for obj, c := range opts.Cache.ByObject {
				got[reflect.TypeOf(obj).Elem().Name()] = c
			}
			for kind, want := range tc.wantLabels {
				c, ok := got[kind]
				label := ""
				if ok && c.Label != nil {
					label = c.Label.String()
				}
				if label != want {
					t.Errorf("%s filtered by %q, want %q", kind, label, want)
				}
			}
			for _, kind := range []string{"DataSource", "Secret"} {
				if got[kind].Transform == nil {
					t.Errorf("%s lost the transform the caller set", kind)
				}
			}
		})
	}
}
