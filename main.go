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

// Command manager runs the OpenSearch data source operator; "manager
// export" prints a cluster's data sources as DataSource manifests,
// "manager diagnose" explains one DataSource or connection, and "manager
// version" prints what the build stamped (internal/version).
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"net/netip"
	"os"
	"strings"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/datasource-operator/opensearch-datasource-operator/controllers"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/diagnose"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/export"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/version"
)

// flags are the manager's command line.
type flags struct {
	metricsAddr, probeAddr, namespaces string
	pprofAddr                          string
	watchLabelSelector                 string
	leaderElectionNamespace            string
	leaderElectionID                   string
	leaderElect                        bool
	metricsSecure, enableHTTP2         bool
	metricsCertPath, metricsCertName   string
	metricsCertKey                     string
	maxConcurrent, maxPerConnection    int
	defaultResync, maxRetryAfter       time.Duration
	reconcileTimeout                   time.Duration
	deniedEgress                       []netip.Prefix
	minResync, maxRequestTimeout       time.Duration
	zap                                zap.Options
	version                            bool
	memoryLimitRatio                   float64
	memoryLimit                        string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "export" {
		os.Exit(export.Main(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "diagnose" {
		os.Exit(diagnose.Main(context.Background(), "manager", os.Args[2:], os.Stdout, os.Stderr))
	}
	listThenWatch(os.LookupEnv)
	f := parseFlags()
	if code, done := command(flag.CommandLine, f.version, os.Stdout, os.Stderr); done {
		os.Exit(code)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&f.zap)))
	if err := run(f); err != nil {
		ctrl.Log.WithName("setup").Error(err, "manager stopped")
		os.Exit(1)
	}
}

func parseFlags() *flags {
	f := &flags{}
	flag.StringVar(&f.metricsAddr, "metrics-bind-address", ":8443", "Address the Prometheus metrics endpoint binds to; 0 disables it.")
	flag.BoolVar(&f.metricsSecure, "metrics-secure", true,
		"Serve metrics over HTTPS and only to callers the API server authenticates (TokenReview) and authorises for GET /metrics "+
			"(SubjectAccessReview); false serves plain HTTP to anyone, for local runs.")
	flag.StringVar(&f.metricsCertPath, "metrics-cert-path", "",
		"Directory holding the metrics serving certificate (reloaded when it changes); empty means a self-signed one.")
	flag.StringVar(&f.metricsCertName, "metrics-cert-name", "tls.crt", "File name of the metrics serving certificate in --metrics-cert-path.")
	flag.StringVar(&f.metricsCertKey, "metrics-cert-key", "tls.key", "File name of the metrics serving key in --metrics-cert-path.")
	flag.BoolVar(&f.enableHTTP2, "enable-http2", false,
		"Allow HTTP/2 on the metrics endpoint; off by default because of the HTTP/2 Rapid Reset and Stream Cancellation vulnerabilities (CVE-2023-44487, CVE-2023-39325).")
	flag.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "Address the /healthz and /readyz probes bind to.")
	flag.StringVar(&f.pprofAddr, "pprof-bind-address", "",
		"Address Go's /debug/pprof profiles are served on, for measuring the manager; empty (the default) serves none.")
	flag.BoolVar(&f.leaderElect, "leader-elect", false, "Elect a leader so that only one replica reconciles at a time.")
	flag.StringVar(&f.leaderElectionNamespace, "leader-election-namespace", "",
		"Namespace of the leader-election Lease; empty means the manager's own namespace when it runs in a cluster.")
	flag.StringVar(&f.leaderElectionID, "leader-election-id", "opensearch-datasource-operator.datasource-operator.io",
		"Name of the leader-election Lease; each shard (--watch-label-selector) needs its own.")
	flag.StringVar(&f.namespaces, "namespaces", "", "Comma-separated namespaces to watch; empty watches all namespaces.")
	flag.StringVar(&f.watchLabelSelector, "watch-label-selector", "",
		"Reconcile only the DataSources and connections whose labels match this selector (e.g. sharding.datasource-operator.io/key=shard1); "+
			"managers with disjoint selectors split a fleet. A DataSource and its connection must both match. Empty reconciles all.")
	flag.IntVar(&f.maxConcurrent, "max-concurrent-reconciles", controllers.DefaultMaxConcurrentReconciles, "Reconciles each controller runs at once.")
	flag.DurationVar(&f.defaultResync, "default-resync-period", 10*time.Minute, "Resync period of connections that do not set spec.resyncPeriod.")
	flag.DurationVar(&f.maxRetryAfter, "max-retry-after", 5*time.Minute,
		"Longest a server's 429 Retry-After holds a connection's requests; longer asks are cut to this.")
	flag.DurationVar(&f.reconcileTimeout, "reconcile-timeout", 5*time.Minute, "Longest one reconcile may take, whatever the servers do.")
	bindDeniedEgress(flag.CommandLine, &f.deniedEgress)
	flag.IntVar(&f.maxPerConnection, "max-requests-per-connection", 0,
		"DataSource reconciles that may work on one connection at once; the others wait in the queue. 0 means half of --max-concurrent-reconciles.")
	flag.DurationVar(&f.minResync, "min-resync-period", 10*time.Second,
		"Shortest spec.resyncPeriod a namespaced OpenSearchConnection may set; a shorter one is raised to it. 0 allows any.")
	flag.DurationVar(&f.maxRequestTimeout, "max-request-timeout", 30*time.Second,
		"Longest spec.requestTimeout a namespaced OpenSearchConnection may set; a longer one is cut to it. 0 allows any.")
	flag.Float64Var(&f.memoryLimitRatio, "memory-limit-ratio", defaultMemoryLimitRatio,
		"Share of the container's memory limit (its cgroup's) the Go runtime keeps the manager within (GOMEMLIMIT), "+
			"so that the garbage collector works harder before the kernel kills it; 0 turns this off. GOMEMLIMIT in the environment wins; AUTOMEMLIMIT (a ratio, or off) overrides this flag.")
	flag.StringVar(&f.memoryLimit, "memory-limit", "",
		"Memory limit --memory-limit-ratio applies to, as a quantity (256Mi), for a manager run outside a container; "+
			"empty reads the container's limit from its cgroup.")
	f.zap.BindFlags(flag.CommandLine) // --zap-log-level, --zap-devel, --zap-encoder, ...
	flag.BoolVar(&f.version, "version", false, "Print the version, commit and build date, and exit.")
	flag.CommandLine.Usage = func() { printUsage(flag.CommandLine) }
	flag.Parse()
	return f
}

// bindDeniedEgress defines --deny-egress-cidrs on fs, filling dst with the
// default list until the flag is given.
func bindDeniedEgress(fs *flag.FlagSet, dst *[]netip.Prefix) {
	*dst, _ = opensearch.ParsePrefixes(opensearch.DefaultDeniedEgress)
	fs.Func("deny-egress-cidrs", "Comma-separated CIDRs or addresses no connection's endpoint may reach, checked on the "+
		"address its host name resolves to; empty allows all. Applies to both connection kinds. Default: "+
		"link-local and cloud metadata addresses ("+opensearch.DefaultDeniedEgress+").",
		func(v string) (err error) {
			*dst, err = opensearch.ParsePrefixes(v)
			return err
		})
}

// run builds the manager from f and runs it until a signal stops it.
func run(f *flags) error {
	if err := setMemoryLimit(f.memoryLimitRatio, f.memoryLimit, ctrl.Log.WithName("setup")); err != nil {
		return err
	}
	opts, err := controllers.WatchLabelSelector(controllers.ManagerOptions(ctrl.Options{
		Cache:                   cacheOptions(f.namespaces),
		Metrics:                 metricsOptions(f),
		HealthProbeBindAddress:  f.probeAddr,
		PprofBindAddress:        f.pprofAddr,
		LeaderElection:          f.leaderElect,
		LeaderElectionID:        f.leaderElectionID,
		LeaderElectionNamespace: f.leaderElectionNamespace,
		// A stopping leader hands over at once instead of making the next
		// one wait out the lease; safe because run returns right after.
		LeaderElectionReleaseOnCancel: true,
	}), f.watchLabelSelector)
	if err != nil {
		return err
	}
	cfg := ctrl.GetConfigOrDie()
	// The API server's request logs, audit events and managedFields name
	// the operator and its release rather than the binary's file name.
	cfg.UserAgent = version.Get().UserAgent()
	mgr, err := ctrl.NewManager(cfg, opts)
	if err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	if err := controllers.Setup(ctx, mgr, controllers.Options{
		MaxConcurrentReconciles:  f.maxConcurrent,
		DefaultResyncPeriod:      f.defaultResync,
		MaxRetryAfter:            f.maxRetryAfter,
		ReconcileTimeout:         f.reconcileTimeout,
		DeniedEgress:             f.deniedEgress,
		MaxRequestsPerConnection: f.maxPerConnection,
		MinResyncPeriod:          offWhenZero(f.minResync),
		MaxRequestTimeout:        offWhenZero(f.maxRequestTimeout),
	}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	ctrl.Log.WithName("setup").Info("starting manager")
	return mgr.Start(ctx)
}

// cacheOptions limits the cache to the given namespaces (comma-separated;
// empty watches all).
func cacheOptions(namespaces string) cache.Options {
	opts := cache.Options{}
	for _, ns := range strings.Split(namespaces, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			if opts.DefaultNamespaces == nil {
				opts.DefaultNamespaces = map[string]cache.Config{}
			}
			opts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	return opts
}

// metricsOptions configures the metrics endpoint. Secure serving puts
// controller-runtime's authentication and authorisation filter in front of
// /metrics: a caller's bearer token is checked with a TokenReview and its
// right to GET /metrics with a SubjectAccessReview, so the manager's
// ServiceAccount needs create on both (config/rbac/metrics_auth_role.yaml)
// and a scraper needs the metrics-reader ClusterRole.
func metricsOptions(f *flags) metricsserver.Options {
	opts := metricsserver.Options{BindAddress: f.metricsAddr, SecureServing: f.metricsSecure}
	if !f.enableHTTP2 {
		opts.TLSOpts = append(opts.TLSOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	if f.metricsSecure {
		opts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	if f.metricsCertPath != "" {
		opts.CertDir, opts.CertName, opts.KeyName = f.metricsCertPath, f.metricsCertName, f.metricsCertKey
	}
	return opts
}

// offWhenZero maps a limit flag's 0 ("no limit") to the negative value
// controllers.Options reads that way (its 0 means the default).
func offWhenZero(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
