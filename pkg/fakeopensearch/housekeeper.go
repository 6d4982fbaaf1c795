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

package fakeopensearch

import (
	"sort"
	"strings"
	"time"
)

// DefaultHousekeeperInterval is the default of
// plugins.query.executionengine.spark.streamingjobs.housekeeper.interval.
const DefaultHousekeeperInterval = 15 * time.Minute

// FlintIndex is an index the Spark engine keeps for queries of an S3GLUE or
// SECURITY_LAKE data source (a skipping or covering index, a materialized
// view). The data source API never shows them; what it does to them is the
// reason deleting or disabling such a data source destroys work.
type FlintIndex struct {
	// Name is the index name, for example flint_mys3_default_http_logs_skipping_index.
	Name string
	// DataSource is the data source whose tables the index covers.
	DataSource string
	// AutoRefresh is true while a streaming job keeps the index up to date.
	AutoRefresh bool
}

// AddFlintIndex records an auto-refreshing Flint index of dataSource, as a
// query such as CREATE SKIPPING INDEX ... WITH (auto_refresh = true) makes
// one. It replaces an index of the same name.
func (s *Server) AddFlintIndex(dataSource, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flint[name] = &FlintIndex{Name: name, DataSource: dataSource, AutoRefresh: true}
}

// FlintIndices returns the Flint indices of dataSource, sorted by name.
func (s *Server) FlintIndices(dataSource string) []FlintIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []FlintIndex
	for _, fi := range s.flint {
		if fi.DataSource == dataSource {
			out = append(out, *fi)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RunHousekeeper runs FlintStreamingJobHouseKeeperTask once, as the plugin
// does every plugins.query.executionengine.spark.streamingjobs.housekeeper.interval
// from 2.13 on: the auto-refresh indices of a data source that no longer
// exists are dropped, and those of a DISABLED data source stop refreshing.
// Nothing turns auto-refresh on again when the data source is set back to
// ACTIVE, or when a deleted one is created again: the data source then
// exists without the indices users built on it. Before 2.13 it does
// nothing.
func (s *Server) RunHousekeeper() {
	if !s.release.hasHousekeeper() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, fi := range s.flint {
		if !fi.AutoRefresh {
			continue
		}
		d, ok := s.docs[fi.DataSource]
		switch {
		case !ok:
			delete(s.flint, name)
		case strings.EqualFold(d.Status, "DISABLED"):
			fi.AutoRefresh = false
		}
	}
}

// runHousekeeperEvery runs RunHousekeeper every interval until stop closes.
func (s *Server) runHousekeeperEvery(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.RunHousekeeper()
		case <-stop:
			return
		}
	}
}
