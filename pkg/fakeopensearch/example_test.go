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

package fakeopensearch_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// A test starts a fake, lets the code under test talk to its URL, then
// inspects what was stored — secrets included, which a real GET never shows.
func Example() {
	srv, err := fakeopensearch.Start(fakeopensearch.Options{Username: "admin", Password: "admin-password"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// The code under test would do this; the fake answers like the SQL plugin.
	body := `{"name":"my_prometheus","connector":"prometheus",` +
		`"properties":{"prometheus.uri":"http://prometheus.monitoring:9090",` +
		`"prometheus.auth.type":"basicauth","prometheus.auth.username":"reader",` +
		`"prometheus.auth.password":"s3cr3t"}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/_plugins/_query/_datasources", strings.NewReader(body))
	req.SetBasicAuth("admin", "admin-password")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	fmt.Println(resp.StatusCode, string(answer))

	doc, _ := srv.Stored("my_prometheus")
	fmt.Println(doc.Connector, doc.Properties["prometheus.auth.password"])
	fmt.Println("creates:", srv.Count(fakeopensearch.OpCreate))
	// Output:
	// 201 "Created DataSource with name my_prometheus"
	// PROMETHEUS s3cr3t
	// creates: 1
}

// Faults are injected per request: here the next write fails the way an
// overloaded cluster answers, then the server recovers.
func ExampleServer_FailNext() {
	srv, err := fakeopensearch.Start(fakeopensearch.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	srv.FailNext(1, fakeopensearch.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30e9})
	for i := 0; i < 2; i++ {
		resp, err := http.Get(srv.URL() + "/_plugins/_query/_datasources")
		if err != nil {
			log.Fatal(err)
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Output:
	// 429 30
	// 200
}

// An outage fails every request, the probe of GET / included, until it is
// lifted.
func ExampleServer_SetOutage() {
	srv, err := fakeopensearch.Start(fakeopensearch.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	srv.SetOutage(&fakeopensearch.Fault{Status: http.StatusBadGateway, Body: "<html>502 Bad Gateway</html>"})
	resp, err := http.Get(srv.URL() + "/")
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"), string(page))

	srv.SetOutage(nil)
	resp, err = http.Get(srv.URL() + "/")
	if err != nil {
		log.Fatal(err)
	}
	_ = resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 502 text/html; charset=utf-8 <html>502 Bad Gateway</html>
	// 200
}
