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

package export

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// Usage is the command's synopsis.
const Usage = `usage: manager export [flags]

Reads the data sources of an OpenSearch cluster and prints DataSource
manifests that reproduce them, with Secret stubs (values left empty) for the
credentials OpenSearch never returns. Nothing is written to OpenSearch or
Kubernetes.

Where to read, one of:
  --url URL [--username U] [--password P] [--ca-file F] [--insecure-skip-verify]
      (or OPENSEARCH_URL, OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD, OPENSEARCH_INSECURE=true)
  --url URL --aws-region R [--aws-service es|aoss] [--aws-role-arn ARN]
      (AWS SigV4, credentials from the AWS default chain)
  --connection NAMESPACE/NAME | --cluster-connection NAME
      (the connection object and its Secrets, read through --kubeconfig)

Flags:
`

// flags are the command line.
type flags struct {
	url, username, password, caFile   string
	awsRegion, awsService, awsRoleARN string
	insecure                          bool
	timeout                           time.Duration

	connection, clusterConnection, kubeconfig string

	observe, noStubs bool
	namespace        string
	connectionRef    string
	includeManaged   bool
}

// Main runs the export with args (the flags after "export") and returns
// the process's exit code: 0 on success, 2 for a usage error, 1 otherwise.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parse(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "export: %v\n", err)
		return 2
	}
	if err := run(ctx, f, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "export: %v\n", err)
		return 1
	}
	return 0
}

func parse(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, Usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&f.url, "url", os.Getenv("OPENSEARCH_URL"), "OpenSearch REST API URL (env OPENSEARCH_URL).")
	fs.StringVar(&f.username, "username", os.Getenv("OPENSEARCH_USERNAME"), "Basic-auth user name (env OPENSEARCH_USERNAME).")
	fs.StringVar(&f.password, "password", "", "Basic-auth password; prefer the environment variable OPENSEARCH_PASSWORD, which process listings do not show.")
	fs.StringVar(&f.awsRegion, "aws-region", "",
		"Sign requests with AWS SigV4 for this region (Amazon OpenSearch Service), with credentials from the AWS default chain.")
	fs.StringVar(&f.awsService, "aws-service", "es", "Service requests are signed for: es (domains) or aoss (Serverless); with --aws-region.")
	fs.StringVar(&f.awsRoleARN, "aws-role-arn", "", "IAM role to assume before signing; with --aws-region.")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM CA bundle that verifies the server; default the system roots.")
	fs.BoolVar(&f.insecure, "insecure-skip-verify", os.Getenv("OPENSEARCH_INSECURE") == "true", "Do not verify the server's certificate (env OPENSEARCH_INSECURE=true).")
	fs.DurationVar(&f.timeout, "request-timeout", 30*time.Second, "Bound on the list request.")
	fs.StringVar(&f.connection, "connection", "", "Read through this OpenSearchConnection, NAMESPACE/NAME.")
	fs.StringVar(&f.clusterConnection, "cluster-connection", "", "Read through this ClusterOpenSearchConnection.")
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "Kubeconfig for --connection and --cluster-connection; default KUBECONFIG, ~/.kube/config, or in-cluster.")
	fs.BoolVar(&f.observe, "observe", false, "Emit managementPolicy: Observe, so that applying the output writes nothing to OpenSearch.")
	fs.BoolVar(&f.noStubs, "no-secret-stubs", false,
		"Name the Secrets and keys to provide in comments instead of printing empty Secret stubs (for Git repositories whose Secrets come from elsewhere).")
	fs.StringVar(&f.namespace, "namespace", "", "Namespace of the generated objects; default the --connection's namespace, else \"default\".")
	fs.StringVar(&f.connectionRef, "connection-ref", "",
		"connectionRef of the generated DataSources, NAME or ClusterOpenSearchConnection/NAME; default the connection read through. Required with --url.")
	fs.BoolVar(&f.includeManaged, "include-managed", false,
		"Also print the data sources a DataSource in the cluster already manages or observes (by its status.name and connection); "+
			"by default they are skipped, as applying them would add a second DataSource for each. "+
			"Generated DataSources never take the name of one already in the namespace.")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if f.password == "" {
		f.password = os.Getenv("OPENSEARCH_PASSWORD")
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, f.check()
}

// check refuses combinations that do not say where to read, or where the
// output should point.
func (f *flags) check() error {
	sources := 0
	for _, s := range []string{f.url, f.connection, f.clusterConnection} {
		if s != "" {
			sources++
		}
	}
	switch {
	case sources != 1:
		return errors.New("give exactly one of --url, --connection and --cluster-connection")
	case f.connection != "" && len(strings.Split(f.connection, "/")) != 2:
		return fmt.Errorf("--connection %q: want NAMESPACE/NAME", f.connection)
	case f.awsRegion != "" && f.url == "":
		return errors.New("--aws-region goes with --url; a connection's own auth.awsSigV4 is read from it")
	case f.awsRegion != "" && (f.username != "" || f.password != ""):
		return errors.New("--aws-region and basic auth (--username, --password) are exclusive")
	case f.url != "" && f.connectionRef == "":
		return errors.New("--connection-ref is required with --url: name the connection the DataSources will use")
	}
	return nil
}

// target is where the generated objects go: their namespace and connectionRef.
func (f *flags) target() (Options, error) {
	opts := Options{Namespace: f.namespace, Observe: f.observe}
	switch {
	case f.connection != "":
		parts := strings.Split(f.connection, "/")
		opts.Connection = v1alpha1.ConnectionReference{Name: parts[1]}
		if opts.Namespace == "" {
			opts.Namespace = parts[0]
		}
	case f.clusterConnection != "":
		opts.Connection = v1alpha1.ConnectionReference{Name: f.clusterConnection, Kind: v1alpha1.KindClusterOpenSearchConnection}
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if f.connectionRef != "" {
		ref, err := parseConnectionRef(f.connectionRef)
		if err != nil {
			return opts, err
		}
		opts.Connection = ref
	}
	return opts, nil
}

func parseConnectionRef(s string) (v1alpha1.ConnectionReference, error) {
	kind, name, found := strings.Cut(s, "/")
	if !found {
		return v1alpha1.ConnectionReference{Name: s}, nil
	}
	switch v1alpha1.ConnectionKind(kind) {
	case v1alpha1.KindOpenSearchConnection, v1alpha1.KindClusterOpenSearchConnection:
		return v1alpha1.ConnectionReference{Name: name, Kind: v1alpha1.ConnectionKind(kind)}, nil
	}
	return v1alpha1.ConnectionReference{}, fmt.Errorf("--connection-ref %q: want NAME, OpenSearchConnection/NAME or ClusterOpenSearchConnection/NAME", s)
}

func run(ctx context.Context, f *flags, stdout, stderr io.Writer) error {
	opts, err := f.target()
	if err != nil {
		return err
	}
	cfg, err := f.clientConfig(ctx)
	if err != nil {
		return err
	}
	api, err := opensearch.New(cfg)
	if err != nil {
		return err
	}
	defer func() { _ = api.Close() }()
	remotes, err := api.List(ctx)
	if err != nil {
		return fmt.Errorf("listing data sources at %s: %w", displayEndpoint(cfg.Endpoint), err)
	}
	existing, err := f.existing(ctx, opts.Namespace)
	if err != nil {
		return err
	}
	managed := Managed(existing, f.cluster(ctx, api, cfg.Endpoint, opts))
	remotes, skippedManaged := f.withoutManaged(remotes, managed, stderr)
	opts.Taken = takenNames(existing, opts.Namespace)
	manifests, skipped := MapAll(remotes, opts)
	skipped = append(skippedManaged, skipped...)
	for _, s := range skipped {
		fmt.Fprintf(stderr, "export: skipped data source %q: %s\n", s.Name, commentText(s.Reason))
	}
	for _, m := range manifests {
		for _, n := range Notes(m) {
			fmt.Fprintf(stderr, "export: %s\n", n)
		}
		if m.Secret != nil {
			fmt.Fprintf(stderr, "export: Secret %s/%s needs its values before data source %q may be written\n",
				m.Secret.Namespace, m.Secret.Name, dataSourceNameOf(m))
		}
	}
	return Write(stdout, displayEndpoint(cfg.Endpoint), manifests, skipped, Style{Observe: opts.Observe, NoStubs: f.noStubs})
}

// clientConfig is the OpenSearch client configuration: from the flags, or
// from the connection object named.
func (f *flags) clientConfig(ctx context.Context) (opensearch.Config, error) {
	if f.url != "" {
		return fromFlags(f)
	}
	c, err := f.kubeClient()
	if err != nil {
		return opensearch.Config{}, err
	}
	var cfg opensearch.Config
	if f.clusterConnection != "" {
		cfg, err = fromConnection(ctx, c, v1alpha1.KindClusterOpenSearchConnection, "", f.clusterConnection)
	} else {
		parts := strings.Split(f.connection, "/")
		cfg, err = fromConnection(ctx, c, v1alpha1.KindOpenSearchConnection, parts[0], parts[1])
	}
	cfg.RequestTimeout = f.timeout
	return cfg, err
}

// kubeClient reads connections and Secrets through the kubeconfig, as
// kubectl finds it, or in-cluster.
func (f *flags) kubeClient() (client.Client, error) {
	c, _, err := KubeClient(f.kubeconfig)
	return c, err
}

// KubeClient is a client for the operator's kinds and the core ones,
// through kubeconfig (empty: KUBECONFIG, ~/.kube/config, or in-cluster, as
// kubectl finds it), and the namespace that kubeconfig's context selects.
func KubeClient(kubeconfig string) (client.Client, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{})
	rest, err := loader.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig: %w", err)
	}
	namespace, _, err := loader.Namespace()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, "", err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return nil, "", err
	}
	c, err := client.New(rest, client.Options{Scheme: scheme})
	return c, namespace, err
}

// existing lists the DataSources already in the cluster, in every
// namespace, or in namespace alone when the user may not list them all.
// It reads only when the export talks to a cluster anyway: through a
// connection object, or with --url when --kubeconfig is given.
func (f *flags) existing(ctx context.Context, namespace string) ([]v1alpha1.DataSource, error) {
	if f.url != "" && f.kubeconfig == "" {
		return nil, nil
	}
	c, err := f.kubeClient()
	if err != nil {
		return nil, err
	}
	var list v1alpha1.DataSourceList
	err = c.List(ctx, &list)
	if apierrors.IsForbidden(err) {
		err = c.List(ctx, &list, client.InNamespace(namespace))
	}
	if err != nil {
		return nil, fmt.Errorf("listing the DataSources already in the cluster: %w", err)
	}
	return list.Items, nil
}

// cluster identifies what is exported: the cluster_uuid the server
// reports (when it answers), the URL, the connection read through and
// the one the output points to.
func (f *flags) cluster(ctx context.Context, api *opensearch.Client, endpoint string, opts Options) Cluster {
	c := Cluster{Endpoint: endpoint}
	if info, err := api.Info(ctx); err == nil {
		c.UUID = info.ClusterUUID
	}
	switch {
	case f.connection != "":
		ns, name, _ := strings.Cut(f.connection, "/")
		c.Connections = append(c.Connections, ConnectionID{Kind: v1alpha1.KindOpenSearchConnection, Namespace: ns, Name: name})
	case f.clusterConnection != "":
		c.Connections = append(c.Connections, ConnectionID{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: f.clusterConnection})
	}
	target := ConnectionID{Kind: opts.Connection.Kind, Namespace: opts.Namespace, Name: opts.Connection.Name}
	if target.Kind == v1alpha1.KindClusterOpenSearchConnection {
		target.Namespace = ""
	}
	c.Connections = append(c.Connections, target)
	return c
}

// withoutManaged takes the data sources a DataSource already manages or
// observes out of remotes, as skipped, unless --include-managed asks for
// them; then each is only warned about.
func (f *flags) withoutManaged(remotes []opensearch.RemoteDataSource, managed map[string]string,
	stderr io.Writer) ([]opensearch.RemoteDataSource, []Skipped) {
	var kept []opensearch.RemoteDataSource
	var skipped []Skipped
	for _, r := range remotes {
		who, ok := managed[r.Name]
		switch {
		case !ok:
			kept = append(kept, r)
		case f.includeManaged:
			fmt.Fprintf(stderr, "export: data source %q is already managed or observed by DataSource %s; "+
				"applying its manifest adds a second DataSource for it\n", r.Name, who)
			kept = append(kept, r)
		default:
			skipped = append(skipped, Skipped{Name: r.Name, Reason: fmt.Sprintf(
				"DataSource %s already manages or observes it; --include-managed prints it anyway", who)})
		}
	}
	return kept, skipped
}

// takenNames are the metadata.names of existing's DataSources in namespace.
func takenNames(existing []v1alpha1.DataSource, namespace string) []string {
	var names []string
	for _, ds := range existing {
		if ds.Namespace == namespace {
			names = append(names, ds.Name)
		}
	}
	return names
}
