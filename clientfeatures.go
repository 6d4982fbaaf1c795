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
	clientfeatures "k8s.io/client-go/features"
)

// watchListEnv is the variable client-go reads to turn streaming lists on
// or off.
const watchListEnv = "KUBE_FEATURE_" + string(clientfeatures.WatchListClient)

// listThenWatch makes the manager's informers fill their caches with a
// list and then watch, rather than with a streaming watch list (client-go's
// WatchListClient, on by default). A streaming list waits until the API
// server's watch cache is known to be as fresh as etcd, which measured
// about one second at every start and every leader change before the
// first reconcile (make bench, 200 DataSources: workers started 1.1 s
// after the manager, against 0.3 s). What the streaming list saves, the
// API server's memory for one large list, is small for the objects this
// operator caches. Setting KUBE_FEATURE_WatchListClient still decides.
func listThenWatch(lookupEnv func(string) (string, bool)) {
	if _, set := lookupEnv(watchListEnv); set {
		return
	}
	clientfeatures.ReplaceFeatureGates(withoutWatchList{clientfeatures.FeatureGates()})
}

// withoutWatchList is client-go's feature gates with WatchListClient off.
type withoutWatchList struct{ clientfeatures.Gates }

func (g withoutWatchList) Enabled(f clientfeatures.Feature) bool {
	return f != clientfeatures.WatchListClient && g.Gates.Enabled(f)
}
