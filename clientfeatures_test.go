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
	"testing"

	clientfeatures "k8s.io/client-go/features"
)

// TestListThenWatch changes process-wide state, so its steps run in order
// in one test: first with the variable set (nothing replaced), then
// without it.
func TestListThenWatch(t *testing.T) {
	gates := clientfeatures.FeatureGates()
	if !gates.Enabled(clientfeatures.WatchListClient) {
		t.Skip("this client-go release has streaming lists off already")
	}
	other := clientfeatures.InOrderInformers
	before := gates.Enabled(other)

	listThenWatch(func(key string) (string, bool) { return "true", key == watchListEnv })
	if !clientfeatures.FeatureGates().Enabled(clientfeatures.WatchListClient) {
		t.Fatalf("%s was set, yet streaming lists were turned off", watchListEnv)
	}

	listThenWatch(func(string) (string, bool) { return "", false })
	if clientfeatures.FeatureGates().Enabled(clientfeatures.WatchListClient) {
		t.Fatal("streaming lists are still on")
	}
	if got := clientfeatures.FeatureGates().Enabled(other); got != before {
		t.Fatalf("%s changed from %v to %v", other, before, got)
	}
}
