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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// tinyProperties is a list reply of one data source per 1,000 properties,
// each property as short as JSON allows, up to n properties: the cheapest
// way to make a server's reply cost the operator memory.
func tinyProperties(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for item := 0; item*1000 < n; item++ {
		if item > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"d%d","connector":"PROMETHEUS","properties":{`, item)
		for p := item * 1000; p < min(n, (item+1)*1000); p++ {
			if p > item*1000 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"%x":""`, p-item*1000)
		}
		b.WriteString("}}")
	}
	b.WriteString("]")
	return b.String()
}

// retainedBy is the live heap that what decode returns keeps.
func retainedBy(decode func() any) (uint64, any) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := decode()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc < before.HeapAlloc {
		return 0, kept
	}
	return after.HeapAlloc - before.HeapAlloc, kept
}

// A hostile server fits some 424,000 properties into the 4 MiB body cap.
// The reply is refused, and what is left after the attempt is small.
func TestListOfTinyPropertiesIsRefused(t *testing.T) {
	body := []byte(tinyProperties(424_000))
	if len(body) > maxListBody {
		t.Fatalf("the reply is %d bytes, over the body cap; the test would not reach the decoder", len(body))
	}
	var err error
	retained, kept := retainedBy(func() any {
		var l []RemoteDataSource
		l, err = parseRemoteList(body)
		return l
	})
	runtime.KeepAlive(kept)
	var over *overLimitError
	if !errors.As(err, &over) {
		t.Fatalf("a reply of 424,000 properties decoded (error %v); it keeps %d bytes", err, retained)
	}
	if retained > 1<<20 {
		t.Fatalf("the refused reply left %d bytes behind", retained)
	}
}

// The largest reply the limits allow is kept in a few MiB whatever its
// shape.
func TestListWithinLimitsIsKeptSmall(t *testing.T) {
	for name, body := range worstListReplies() {
		t.Run(name, func(t *testing.T) {
			if len(body) > maxListBody {
				t.Fatalf("the reply is %d bytes, over the body cap", len(body))
			}
			var err error
			retained, kept := retainedBy(func() any {
				var l []RemoteDataSource
				l, err = parseRemoteList([]byte(body))
				return l
			})
			runtime.KeepAlive(kept)
			if err != nil {
				t.Fatalf("a reply within the limits was refused: %v", err)
			}
			if retained > 8<<20 {
				t.Fatalf("the reply is kept in %d bytes", retained)
			}
		})
	}
}

// worstListReplies are the replies that come closest to each limit within
// the body cap.
func worstListReplies() map[string]string {
	lim := defaultListLimits
	items := func(n int, each func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = each(i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return map[string]string{
		// As many data sources as allowed, each with one property.
		"items": items(lim.items, func(i int) string {
			return fmt.Sprintf(`{"name":"d%d","connector":"PROMETHEUS","allowedRoles":["r"],"properties":{"prometheus.uri":"http://p:9090"}}`, i)
		}),
		// As many properties as allowed, as tiny as they come.
		"properties": tinyProperties(lim.properties),
		// Values as long as allowed, filling the body cap.
		"values": items(maxListBody/(lim.valueBytes+64)-1, func(i int) string {
			return fmt.Sprintf(`{"name":"d%d","properties":{"k":"%s"}}`, i, strings.Repeat("v", lim.valueBytes-2))
		}),
	}
}

func TestListLimits(t *testing.T) {
	lim := listLimits{items: 2, itemProperties: 2, properties: 3, roles: 2, keyBytes: 12, valueBytes: 10}
	for _, tc := range []struct {
		name, body, refused string
	}{
		{"items at the limit", `[{"name":"a"},{"name":"b"}]`, ""},
		{"one item too many", `[{"name":"a"},{"name":"b"},{"name":"c"}]`, "more data sources"},
		{"properties of an item", `[{"name":"a","properties":{"k1":"","k2":"","k3":""}}]`, "more properties"},
		{"properties repeated", `[{"name":"a","properties":{"k1":""},"properties":{"k2":"","k3":""}}]`, "more properties"},
		{"null values count", `[{"name":"a","properties":{"k1":null,"k2":null,"k3":null}}]`, "more properties"},
		{"properties of the reply", `[{"name":"a","properties":{"k1":"","k2":""}},{"name":"b","properties":{"k1":"","k2":""}}]`, "more properties"},
		{"a long key", `[{"name":"a","properties":{"k123456789012":""}}]`, "a key of more bytes"},
		{"a long unknown key", `[{"name":"a","other":1,"abcdefghijklm":1}]`, "a key of more bytes"},
		{"a long value", `[{"name":"a","properties":{"k":"0123456789"}}]`, "a value of more bytes"},
		{"a long name", `[{"name":"0123456789a"}]`, "a value of more bytes"},
		{"a long unknown field", `[{"name":"a","x":[1,2,3,4,5,6]}]`, "a value of more bytes"},
		{"roles", `[{"name":"a","allowedRoles":["r","s","t"]}]`, "more allowed roles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeList([]byte(tc.body), lim, nil)
			var over *overLimitError
			switch {
			case tc.refused == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.refused == "":
			case !errors.As(err, &over):
				t.Fatalf("got %v, want the limit on %s", err, tc.refused)
			case !strings.Contains(err.Error(), tc.refused):
				t.Fatalf("got %q, want the limit on %s", err, tc.refused)
			}
		})
	}
}

// The stream decoder reads every reply the way the reply's JSON says, as
// encoding/json's Unmarshal into the data source's shape did.
func TestListDecodesBothDialects(t *testing.T) {
	body := `[
	 {"name":"p","connector":"PROMETHEUS","allowedRoles":["a","b"],"status":"ACTIVE","resultIndex":"r",
	  "properties":{"prometheus.uri":"http://p:9090","port":9090,"tls":true,"gone":null,"nested":{"a":[1]}},
	  "unknown":{"deep":[{"x":1}]}},
	 {"dataSourceId":"gx1","NAME":"d","description":"x","configuration":{"endpoint":"http://e","other":1},"allowedRoles":null},
	 {"id":"legacy","name":"l","name":null,"properties":null}
	]`
	got, err := parseRemoteList([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []RemoteDataSource{
		{Name: "p", Connector: "PROMETHEUS", AllowedRoles: []string{"a", "b"}, Status: "ACTIVE", ResultIndex: "r",
			Properties: map[string]string{"prometheus.uri": "http://p:9090", "port": "9090", "tls": "true", "nested": `{"a":[1]}`}},
		{DataSourceID: "gx1", Name: "d", Description: "x", ConfigurationEndpoint: "http://e", AllowedRoles: []string{}, Properties: map[string]string{}},
		{DataSourceID: "legacy", Name: "l", AllowedRoles: []string{}, Properties: map[string]string{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	for _, bad := range []string{
		`null`, `{}`, `[null]`, `[{}]`, `[{"name":5}]`, `[{"name":"a","properties":[]}]`, `[{"name":"a","allowedRoles":[1]}]`,
		`[{"name":"a"}] []`, `[{"name":"a"}] x`, `[{"name":"a"}`, `[{"name":"a",}]`, `[1]`,
	} {
		if l, err := parseRemoteList([]byte(bad)); err == nil {
			t.Errorf("%s decoded to %v", bad, l)
		}
	}
}

// A reply over a limit comes back as Unavailable with the operator's own
// words only: no part of the hostile body reaches a status.
func TestListOverLimitRepeatsNoBody(t *testing.T) {
	srv, _ := newServer(t, reply(http.StatusOK, jsonType, `[{"name":"planted text","properties":{`+
		strings.Repeat(`"k":"planted text",`, 2000)+`"z":""}}]`))
	_, err := newClient(t, srv.URL).List(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindUnavailable {
		t.Fatalf("got %v, want Unavailable", err)
	}
	if strings.Contains(err.Error(), "planted") || !strings.Contains(err.Error(), "limit of 1024") {
		t.Fatalf("got %q", err)
	}
}

// Decodes wait for a slot: with every slot taken, a list gives up when its
// request timeout runs out rather than decode alongside the others.
func TestListDecodesAreBounded(t *testing.T) {
	srv, _ := newServer(t, reply(http.StatusOK, jsonType, `[{"name":"a"}]`))
	c := newClient(t, srv.URL, func(c *Config) { c.RequestTimeout = 200 * time.Millisecond })
	for range cap(listDecodes) {
		listDecodes <- struct{}{}
	}
	_, err := c.List(context.Background())
	for range cap(listDecodes) {
		<-listDecodes
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindUnavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the request timeout", err)
	}
	if _, err := c.List(context.Background()); err != nil {
		t.Fatalf("with a slot free: %v", err)
	}
}

// BenchmarkListDecode reports, for the largest replies, what a decode
// allocates (B/op) and what its result keeps (retained-B).
func BenchmarkListDecode(b *testing.B) {
	replies := worstListReplies()
	replies["424k-tiny-properties"] = tinyProperties(424_000)
	for name, body := range replies {
		b.Run(name, func(b *testing.B) {
			data := []byte(body)
			b.ReportAllocs()
			var retained uint64
			for b.Loop() {
				n, kept := retainedBy(func() any {
					l, _ := parseRemoteList(data)
					return l
				})
				runtime.KeepAlive(kept)
				retained = max(retained, n)
			}
			b.ReportMetric(float64(retained), "retained-B")
		})
	}
}

// unmarshalList is how list replies were decoded before the stream
// decoder: the reference the fuzz target holds the decoder to.
func unmarshalList(body []byte) ([]RemoteDataSource, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, errors.New("not an array")
	}
	var bs []remoteBody
	if err := json.Unmarshal(trimmed, &bs); err != nil {
		return nil, err
	}
	out := make([]RemoteDataSource, 0, len(bs))
	for _, b := range bs {
		if b.Name == "" {
			return nil, errors.New("no name")
		}
		out = append(out, b.normalise())
	}
	return out, nil
}

// FuzzListDecoder: within the limits, the stream decoder accepts what
// Unmarshal accepts and decodes it to the same data sources.
func FuzzListDecoder(f *testing.F) {
	for _, seed := range []string{
		"[" + pluginGet + "]",
		`[{"name":"a","properties":{"k":1,"n":null,"o":{"x":"y"}},"allowedRoles":["r"]}]`,
		`[{"dataSourceId":"x","Name":"b","configuration":{"endpoint":"e"},"extra":[1,{"a":null}]}]`,
		`[{"name":"a\u00e9\"","properties":{"k":"v\n\ud800"}}]`, `[]`, `[null]`, `[{"name":"a"}]x`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, werr := unmarshalList(body)
		got, gerr := parseRemoteList(body)
		var over *overLimitError
		switch {
		case errors.As(gerr, &over):
		case (werr == nil) != (gerr == nil):
			t.Fatalf("Unmarshal: %v; stream: %v", werr, gerr)
		case werr == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("Unmarshal: %#v\nstream:    %#v", want, got)
		}
	})
}

// BenchmarkEightHostileConnections lists through eight clients at once,
// each from a server that returns the same large reply, and keeps what
// they return, as eight connections' snapshots would: it reports the
// highest heap seen while they decode (peak-heap-B) and what the eight
// lists keep (retained-B).
func BenchmarkEightHostileConnections(b *testing.B) {
	replies := worstListReplies()
	for _, name := range []string{"items", "424k-tiny-properties"} {
		body := replies[name]
		if name == "424k-tiny-properties" {
			body = tinyProperties(424_000)
		}
		b.Run(name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", jsonType)
				_, _ = io.WriteString(w, body)
			}))
			defer srv.Close()
			clients := make([]*Client, 8)
			for i := range clients {
				c, err := New(Config{Endpoint: srv.URL, RequestTimeout: time.Minute})
				if err != nil {
					b.Fatal(err)
				}
				defer func() { _ = c.Close() }()
				clients[i] = c
			}
			var peak, retained uint64
			for b.Loop() {
				p, r := listAtOnce(clients)
				peak, retained = max(peak, p), max(retained, r)
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
			b.ReportMetric(float64(retained), "retained-B")
		})
	}
}

// listAtOnce lists through every client at once and returns the highest
// heap seen meanwhile, above the heap before, and what the lists keep.
func listAtOnce(clients []*Client) (peak, retained uint64) {
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	stop := make(chan struct{})
	sampled := make(chan uint64)
	go func() {
		var top uint64
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			top = max(top, m.HeapAlloc)
			select {
			case <-stop:
				sampled <- top
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	lists := make([][]RemoteDataSource, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() { lists[i], _ = c.List(context.Background()) })
	}
	wg.Wait()
	close(stop)
	top := <-sampled
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(lists)
	if top > before.HeapAlloc {
		peak = top - before.HeapAlloc
	}
	if after.HeapAlloc > before.HeapAlloc {
		retained = after.HeapAlloc - before.HeapAlloc
	}
	return peak, retained
}

func TestDecodeListKeepsDetailsOfNamedOnly(t *testing.T) {
	body := `[{"name":"ours","connector":"PROMETHEUS","properties":{"prometheus.uri":"http://p:9090"}},
		{"properties":{"k":"v"},"name":"theirs","connector":"S3GLUE"},
		{"name":"ours2","connector":"PROMETHEUS"}]`
	only := func(names ...string) func(string) bool {
		return func(n string) bool { return slices.Contains(names, n) }
	}
	for _, tc := range []struct {
		name      string
		keep      func(string) bool
		wantItems []string
	}{
		{"nil keeps every one", nil, []string{"ours", "theirs", "ours2"}},
		{"a rule keeps what it names, in server order", only("ours2", "ours"), []string{"ours", "ours2"}},
		{"a name given after the properties", only("theirs"), []string{"theirs"}},
		{"nothing kept", only(), []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := decodeList([]byte(body), defaultListLimits, tc.keep)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, it := range l.Items {
				got = append(got, it.Name)
			}
			if !slices.Equal(got, tc.wantItems) {
				t.Errorf("items = %v, want %v", got, tc.wantItems)
			}
			if want := []string{"ours", "theirs", "ours2"}; !slices.Equal(l.Names, want) {
				t.Errorf("names = %v, want %v", l.Names, want)
			}
		})
	}
	t.Run("the item limit counts what is not kept", func(t *testing.T) {
		lim := defaultListLimits
		lim.items = 2
		_, err := decodeList([]byte(body), lim, only())
		var over *overLimitError
		if !errors.As(err, &over) {
			t.Fatalf("got %v, want the limit on data sources", err)
		}
	})
}
