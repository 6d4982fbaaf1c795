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
//
// The basic-auth password comes from $FAKE_OPENSEARCH_PASSWORD or from the
// file --password-file names, never from the command line, which every
// user of the machine can read in ps.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

// flags are the command line, parsed.
type flags struct {
	addr, dialect, username, password, version, caFile, deny, seed string
	passwordFile, sigv4Region, sigv4Service                        string
	limit                                                          int
	useTLS, bare, noMasterKey                                      bool
	housekeeper                                                    time.Duration
}

func parseFlags() flags {
	var f flags
	flag.StringVar(&f.addr, "addr", "127.0.0.1:9200", "listen address")
	flag.StringVar(&f.dialect, "dialect", "sqlplugin", "API dialect: sqlplugin or documented")
	flag.StringVar(&f.username, "username", "",
		"basic auth user name; enables authentication with the password from $"+passwordEnv+" or --password-file")
	flag.StringVar(&f.passwordFile, "password-file", "", "file holding the basic auth password (one trailing newline is dropped); overrides $"+passwordEnv)
	flag.StringVar(&f.password, "password", "", "deprecated: visible in ps; use $"+passwordEnv+" or --password-file")
	flag.IntVar(&f.limit, "limit", fakeopensearch.DefaultLimit, "plugins.query.datasources.limit")
	flag.StringVar(&f.version, "version", fakeopensearch.DefaultVersion, "OpenSearch version reported by GET /; before 2.13 also that release's behaviour (fields it refuses, no PATCH, ...)")
	flag.BoolVar(&f.useTLS, "tls", false, "serve HTTPS with a self-signed certificate")
	flag.StringVar(&f.caFile, "ca-file", "", "with --tls: write the self-signed certificate (PEM) to this file")
	flag.StringVar(&f.deny, "denylist", "", "comma-separated IPs/CIDRs for plugins.query.datasources.uri.hosts.denylist")
	flag.BoolVar(&f.noMasterKey, "no-master-key", false,
		"play a cluster without plugins.query.datasources.encryption.masterkey: from 2.9, writes carrying credentials fail with 400")
	flag.DurationVar(&f.housekeeper, "housekeeper-interval", 0,
		"run the Flint streaming-job housekeeper on this period (the plugin's default is 15m); 0 never runs it")
	flag.BoolVar(&f.bare, "bare-text-bodies", false, "emulate 2.7-2.10 unquoted success bodies")
	flag.StringVar(&f.seed, "seed", "", "JSON file: an array of data source create bodies stored before serving")
	flag.StringVar(&f.sigv4Region, "sigv4-region", "", "require AWS SigV4 signatures scoped to this region instead of basic auth (Amazon OpenSearch Service)")
	flag.StringVar(&f.sigv4Service, "sigv4-service", "es", "with --sigv4-region: the signing service, es or aoss")
	flag.Parse()
	return f
}

// passwordEnv names the variable that holds the basic-auth password.
const passwordEnv = "FAKE_OPENSEARCH_PASSWORD"

// resolvePassword takes the password from --password-file, else from the
// environment, else from the deprecated --password, which it warns about.
func (f *flags) resolvePassword(getenv func(string) string, warn func(string)) error {
	switch {
	case f.passwordFile != "":
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return fmt.Errorf("reading --password-file: %w", err)
		}
		f.password = strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	case getenv(passwordEnv) != "":
		f.password = getenv(passwordEnv)
	case f.password != "":
		warn("--password is deprecated: every user of this machine can read it in ps; use $" + passwordEnv + " or --password-file")
	}
	return nil
}

// options turns the flags into the fake's options.
func (f flags) options() (fakeopensearch.Options, error) {
	mode := fakeopensearch.Mode(strings.ToLower(f.dialect))
	if mode != fakeopensearch.ModeSQLPlugin && mode != fakeopensearch.ModeDocumented {
		return fakeopensearch.Options{}, fmt.Errorf("unknown --dialect %q (want sqlplugin or documented)", f.dialect)
	}
	opts := fakeopensearch.Options{
		Mode: mode, Version: f.version, Limit: f.limit,
		Username: f.username, Password: f.password,
		TLS: f.useTLS, BareTextBodies: f.bare,
		NoMasterKey: f.noMasterKey, HousekeeperInterval: f.housekeeper,
	}
	if f.deny != "" {
		opts.DenyList = strings.Split(f.deny, ",")
	}
	if f.sigv4Region != "" {
		opts.SigV4 = sigV4FromEnv(f.sigv4Region, f.sigv4Service)
	}
	return opts, nil
}

func main() {
	f := parseFlags()
	if err := f.resolvePassword(os.Getenv, func(msg string) { log.Printf("fake-opensearch: %s", msg) }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	opts, err := f.options()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var seeded []fakeopensearch.Document
	if f.seed != "" {
		if seeded, err = readSeed(f.seed); err != nil {
			log.Fatalf("fake-opensearch: %v", err)
		}
	}
	srv, err := fakeopensearch.StartOn(f.addr, opts)
	if err != nil {
		log.Fatalf("fake-opensearch: %v", err)
	}
	for _, d := range seeded {
		srv.Seed(d)
	}
	if f.useTLS && f.caFile != "" {
		if err := os.WriteFile(f.caFile, srv.CACertPEM(), 0o644); err != nil {
			srv.Close()
			log.Fatalf("fake-opensearch: writing CA file: %v", err)
		}
		log.Printf("fake-opensearch: wrote CA certificate to %s", f.caFile)
	}
	log.Printf("fake-opensearch (%s dialect, version %s) listening on %s with %d seeded data sources", opts.Mode, f.version, srv.URL(), len(seeded))
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
