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
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// server is an OpenSearch the demo's DataSources are written to: the demo
// reads what it holds and edits it behind the operator's back.
type server interface {
	// Label names the server in the narration.
	Label() string
	// URL is the REST endpoint the connections point at.
	URL() string
	// View reports what the server holds for a data source (names only).
	View(ctx context.Context, name string) (remoteView, error)
	// SetDescription changes a data source's description out of band.
	SetDescription(ctx context.Context, name, description string) error
	// Close stops what the demo started for this server.
	Close(ctx context.Context)
}

// fakeServer is the project's fake OpenSearch, read and edited through its
// test hooks.
type fakeServer struct {
	*fakeopensearch.Server
	label string
}

func startFake(mode fakeopensearch.Mode, label, username, password string) (*fakeServer, error) {
	s, err := fakeopensearch.Start(fakeopensearch.Options{Mode: mode, Username: username, Password: password})
	if err != nil {
		return nil, fmt.Errorf("starting the %s fake: %w", mode, err)
	}
	return &fakeServer{Server: s, label: label}, nil
}

func (f *fakeServer) Label() string { return f.label }

func (f *fakeServer) View(_ context.Context, name string) (remoteView, error) {
	doc, ok := f.Stored(name)
	if !ok {
		return remoteView{}, nil
	}
	v := remoteView{Found: true, Status: doc.Status, Description: doc.Description, PropertyKeys: sortedKeys(doc.Properties)}
	if c := doc.Configuration; c != nil {
		v.ConfigurationKeys = []string{"credentials", "endpoint"}
	}
	return v, nil
}

func (f *fakeServer) SetDescription(_ context.Context, name, description string) error {
	if !f.Mutate(name, func(d *fakeopensearch.Document) { d.Description = description }) {
		return fmt.Errorf("%s holds no data source %q", f.label, name)
	}
	return nil
}

func (f *fakeServer) Close(context.Context) { f.Server.Close() }

// holdsPassword reports whether the stored documented-API credentials carry
// password, without handing the stored value to the caller.
func (f *fakeServer) holdsPassword(name, password string) bool {
	doc, ok := f.Stored(name)
	return ok && doc.Configuration != nil && doc.Configuration.Password == password
}

// realServer is an OpenSearch cluster given by OPENSEARCH_URL, read and
// edited through its data source API.
type realServer struct {
	base               string
	username, password string
	http               *http.Client
	// retained are data sources the tour leaves behind on purpose
	// (deletionPolicy Retain); Close removes them from the user's cluster.
	retained []string
}

const datasourcesPath = "/_plugins/_query/_datasources"

func newRealServer(base, username, password string, insecure bool) *realServer {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: insecure} // #nosec G402 -- the user's explicit OPENSEARCH_INSECURE=true
	return &realServer{
		base: strings.TrimRight(base, "/"), username: username, password: password,
		http: &http.Client{Transport: tr, Timeout: 10 * time.Second},
	}
}

func (r *realServer) Label() string { return "the OpenSearch cluster of OPENSEARCH_URL" }

func (r *realServer) URL() string { return r.base }

func (r *realServer) do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.SetBasicAuth(r.username, r.password)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (r *realServer) View(ctx context.Context, name string) (remoteView, error) {
	code, body, err := r.do(ctx, http.MethodGet, datasourcesPath+"/"+url.PathEscape(name), nil)
	switch {
	case err != nil:
		return remoteView{}, err
	case code == http.StatusNotFound:
		return remoteView{}, nil
	case code != http.StatusOK:
		return remoteView{}, fmt.Errorf("GET %s answered %d", name, code)
	}
	var got struct {
		Status      string         `json:"status"`
		Description string         `json:"description"`
		Properties  map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return remoteView{}, fmt.Errorf("GET %s: %w", name, err)
	}
	return remoteView{Found: true, Status: got.Status, Description: got.Description, PropertyKeys: sortedKeys(got.Properties)}, nil
}

func (r *realServer) SetDescription(ctx context.Context, name, description string) error {
	code, _, err := r.do(ctx, http.MethodPatch, datasourcesPath, map[string]string{"name": name, "description": description})
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("PATCH %s answered %d", name, code)
	}
	return nil
}

func (r *realServer) Close(ctx context.Context) {
	for _, name := range r.retained {
		_, _, _ = r.do(ctx, http.MethodDelete, datasourcesPath+"/"+url.PathEscape(name), nil)
	}
}
