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

import (
	"net/http"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

// withUserAgent makes every request name the operator and its release
// (version.Info.UserAgent), so that OpenSearch's audit log tells the
// operator's requests from other clients'. opensearchtransport overwrites
// any User-Agent with its own, so the header is set below it, on the way
// out. That comes after SigV4 signing, which is safe: SigV4 leaves
// User-Agent out of the signed headers, as proxies rewrite it.
func withUserAgent(next http.RoundTripper) http.RoundTripper {
	return userAgentTransport{next: next, agent: version.Get().UserAgent()}
}

type userAgentTransport struct {
	next  http.RoundTripper
	agent string
}

func (t userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A RoundTripper must not change the caller's request: change a copy.
	req = req.Clone(req.Context())
	req.Header.Set("User-Agent", t.agent)
	return t.next.RoundTrip(req)
}
