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

package opensearch

import "testing"

func TestTransportKeepsAnIdleConnectionPerConcurrentRequest(t *testing.T) {
	for _, tc := range []struct {
		concurrency, want int
	}{
		{0, 0}, // Go's default, http.DefaultMaxIdleConnsPerHost
		{16, 16},
	} {
		tr, err := newHTTPTransport(Config{Endpoint: "http://127.0.0.1:9200", Concurrency: tc.concurrency})
		if err != nil {
			t.Fatal(err)
		}
		if tr.MaxIdleConnsPerHost != tc.want {
			t.Errorf("Concurrency %d: MaxIdleConnsPerHost = %d, want %d", tc.concurrency, tr.MaxIdleConnsPerHost, tc.want)
		}
	}
}
