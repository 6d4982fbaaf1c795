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

// Command fake-opensearch runs the fake OpenSearch data source API on its own,
// for demos, manual testing and CI pipelines that test their own manifests
// against the operator without an OpenSearch cluster:
//
//	go run ./cmd/fake-opensearch --addr 127.0.0.1:9200 --dialect sqlplugin
//	go install github.com/datasource-operator/opensearch-datasource-operator/cmd/fake-opensearch@latest
//
// --seed loads data sources that exist before the operator starts (a JSON
// array of create bodies), for testing adoption, Observe and export.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9200", "listen address")
	dialect := flag.String("dialect", "sqlplugin", "API dialect: sqlplugin or documented")
	username := flag.String("username", "", "basic auth user name (enables authentication with --password)")
	password := flag.String("password", "", "basic auth password")
	limit := flag.Int("limit", fakeopensearch.DefaultLimit, "plugins.query.datasources.limit")
	version := flag.String("version", fakeopensearch.DefaultVersion, "OpenSearch version reported by GET /; before 2.13 also that release's behaviour (fields it refuses, no PATCH, ...)")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a self-signed certificate")
	caFile := flag.String("ca-file", "", "with --tls: write the self-signed certificate (PEM) to this file")
	deny := flag.String("denylist", "", "comma-separated IPs/CIDRs for plugins.query.datasources.uri.hosts.denylist")
	bare := flag.Bool("bare-text-bodies", false, "emulate 2.7-2.10 unquoted success bodies")
	seed := flag.String("seed", "", "JSON file: an array of data source create bodies stored before serving")
	sigv4Region := flag.String("sigv4-region", "", "require AWS SigV4 signatures scoped to this region instead of basic auth (Amazon OpenSearch Service)")
	sigv4Service := flag.String("sigv4-service", "es", "with --sigv4-region: the signing service, es or aoss")
	flag.Parse()

	mode := fakeopensearch.Mode(strings.ToLower(*dialect))
	if mode != fakeopensearch.ModeSQLPlugin && mode != fakeopensearch.ModeDocumented {
		fmt.Fprintf(os.Stderr, "unknown --dialect %q (want sqlplugin or documented)\n", *dialect)
		os.Exit(2)
	}
	opts := fakeopensearch.Options{
		Mode:           mode,
		Version:        *version,
		Limit:          *limit,
		Username:       *username,
		Password:       *password,
		TLS:            *useTLS,
		BareTextBodies: *bare,
	}
	if *deny != "" {
		opts.DenyList = strings.Split(*deny, ",")
	}
	if *sigv4Region != "" {
		opts.SigV4 = sigV4FromEnv(*sigv4Region, *sigv4Service)
	}
	var seeded []fakeopensearch.Document
	if *seed != "" {
		docs, err := readSeed(*seed)
		if err != nil {
			log.Fatalf("fake-opensearch: %v", err)
		}
		seeded = docs
	}
	srv, err := fakeopensearch.StartOn(*addr, opts)
	if err != nil {
		log.Fatalf("fake-opensearch: %v", err)
	}
	for _, d := range seeded {
		srv.Seed(d)
	}
	if *useTLS && *caFile != "" {
		if err := os.WriteFile(*caFile, srv.CACertPEM(), 0o644); err != nil {
			srv.Close()
			log.Fatalf("fake-opensearch: writing CA file: %v", err)
		}
		log.Printf("fake-opensearch: wrote CA certificate to %s", *caFile)
	}
	log.Printf("fake-opensearch (%s dialect, version %s) listening on %s with %d seeded data sources", mode, *version, srv.URL(), len(seeded))

	if opts.SigV4 != nil {
		log.Printf("fake-opensearch: requiring SigV4 (region %s, service %s) with the key pair from AWS_ACCESS_KEY_ID", opts.SigV4.Region, opts.SigV4.Service)
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	s := <-sig
	log.Printf("fake-opensearch: received %s, shutting down", s)
	srv.Close()
}

// sigV4FromEnv takes the one known key pair from the standard AWS
// variables, so that the same environment configures the fake and the
// client under test, and no key appears on a command line.
func sigV4FromEnv(region, service string) *fakeopensearch.SigV4 {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		log.Fatal("fake-opensearch: --sigv4-region needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
	}
	return &fakeopensearch.SigV4{
		Region: region, Service: service,
		AccessKeyID: id, SecretAccessKey: secret,
		SessionToken: os.Getenv("AWS_SESSION_TOKEN"),
	}
}
