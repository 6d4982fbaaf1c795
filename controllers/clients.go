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

package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/netip"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connconfig"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/connsecrets"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/registry"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// connectionClients turns a connection into its OpenSearch client: it reads
// the connection's Secrets (watching them from then on) and reuses the
// registry's client while nothing it was built from has changed.
type connectionClients struct {
	registry *registry.Registry[OpenSearchAPI]
	secrets  secretReader
	factory  ClientFactory
	metrics  *operatorMetrics
	// concurrency is how many reconciles may call one server at once: every
	// worker of the DataSource controller, when all its DataSources share
	// one connection.
	concurrency int
	// deniedEgress lists the networks no client connects to.
	deniedEgress []netip.Prefix
	// limits bound the settings of namespaced connections.
	limits connectionLimits
}

// connection reads the connection id names (nil when it does not exist),
// noting the registry's epoch first: clientFor refuses a view read before
// the connection's deletion was cleaned up (see forget).
func (c *connectionClients) connection(ctx context.Context, reader client.Reader, id registry.ID,
	defaultResync time.Duration) (*connectionView, error) {
	epoch := c.registry.Epoch(id)
	v, err := getConnection(ctx, reader, id, defaultResync)
	switch {
	case v != nil:
		v.epoch = epoch
		c.limits.clamp(v)
	case err == nil:
		c.registry.Release(id, epoch)
	}
	return v, err
}

// forget drops what this process holds for a deleted connection: its
// client, throttle and list, its metric series and its Secret watches.
// A reconcile that read the connection before and is still running finds
// its epoch ended and re-adds none of them.
func (c *connectionClients) forget(id registry.ID) {
	c.registry.Forget(id)
	c.metrics.forgetConnection(id.String())
	c.secrets.Retain(secretwatch.Owner{Kind: id.Kind, NamespacedName: connectionKey(id)}, nil)
}

// reportReady records in the metrics whether v is Ready, unless v was
// deleted (and its series dropped) since it was read.
func (c *connectionClients) reportReady(v *connectionView, ready bool) {
	c.metrics.connectionReady(v.ID.String(), ready, func() bool { return c.registry.Live(v.ID, v.epoch) })
}

// clientFor returns v's client. A missing Secret or key is *blocked, and
// so is a connection deleted since v was read (ReasonConnectionNotFound).
func (c *connectionClients) clientFor(ctx context.Context, v *connectionView) (OpenSearchAPI, error) {
	api, err := c.build(ctx, v)
	if errors.Is(err, registry.ErrForgotten) {
		// forget ran while the Secrets were read: undo the watches
		// this call added, which forget could not see.
		c.secrets.Retain(secretwatch.Owner{Kind: v.ID.Kind, NamespacedName: connectionKey(v.ID)}, nil)
		return nil, &blocked{v1alpha1.ReasonConnectionNotFound, v.ID.String() + " was deleted"}
	}
	return api, err
}

func (c *connectionClients) build(ctx context.Context, v *connectionView) (OpenSearchAPI, error) {
	if !c.registry.Live(v.ID, v.epoch) {
		return nil, registry.ErrForgotten
	}
	owner := secretwatch.Owner{Kind: v.ID.Kind, NamespacedName: connectionKey(v.ID)}
	c.secrets.Retain(owner, v.secretRefs())
	// Everything the client is built from joins its hash, so that an edit
	// or a rotated Secret rebuilds the client (and, with it, an AWS
	// signer's cached credentials); the signer otherwise lives as long as
	// the client. Secret versions join it as they are read, never values.
	sum := sha256.New()
	fmt.Fprintf(sum, "%s|%s|%s|%t\n", v.Endpoint, v.Dialect, v.RequestTimeout, v.InsecureSkipVerify)
	if a := v.AWSSigV4; a != nil {
		fmt.Fprintf(sum, "aws|%s|%s|%s\n", a.Region, a.Service, a.RoleARN)
	}
	conn := connconfig.Connection{Kind: v1alpha1.ConnectionKind(v.ID.Kind), Endpoint: v.Endpoint, Dialect: v.Dialect,
		RequestTimeout: v.RequestTimeout, Secrets: v.Refs}
	cfg, err := connconfig.Resolve(conn, func(ref *connsecrets.Ref, field string) ([][]byte, error) {
		return c.readKeys(ctx, owner, ref, field, sum)
	})
	if err != nil {
		return nil, blockedBy(err)
	}
	if cfg.AWSSigV4 != nil {
		// A cluster connection signs as the operator or as its
		// administrators: the tenants whose DataSources repeat its
		// messages own neither, so its signing failures are concealed.
		cfg.AWSSigV4.Conceal = v.ID.Kind == string(v1alpha1.KindClusterOpenSearchConnection)
	}
	cfg.Concurrency, cfg.DeniedEgress = c.concurrency, c.deniedEgress
	v.reach = hex.EncodeToString(sum.Sum(nil))
	return c.registry.Client(v.ID, v.epoch, v.reach, func(previous *OpenSearchAPI) (OpenSearchAPI, error) {
		cfg.Dialect = knownDialect(cfg.Dialect, previous, v)
		cfg.Observer = c.metrics.observer(v.ID.String(), func() bool { return c.registry.Live(v.ID, v.epoch) })
		api, err := c.factory(cfg)
		if err != nil {
			return nil, &blocked{v1alpha1.ReasonInvalidSpec, "cannot build a client for " + v.ID.String() + ": " + err.Error()}
		}
		carryVersion(api, previous, v)
		return api, nil
	})
}

// readKeys reads ref's keys and adds the Secret's version (never its
// values) to the client's hash.
func (c *connectionClients) readKeys(ctx context.Context, owner secretwatch.Owner, ref *connsecrets.Ref, field string,
	sum hash.Hash) ([][]byte, error) {
	s, err := c.secrets.Get(ctx, owner, ref.NamespacedName)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, &blocked{v1alpha1.ReasonSecretNotFound, fmt.Sprintf("Secret %s (%s) does not exist", ref.NamespacedName, field)}
	}
	out := make([][]byte, len(ref.Keys))
	for i, k := range ref.Keys {
		val, ok := s.Data[k]
		if !ok {
			return nil, &blocked{v1alpha1.ReasonSecretKeyNotFound,
				fmt.Sprintf("Secret %s (%s) has no key %q; it has keys %s", ref.NamespacedName, field, k, keysOf(s))}
		}
		out[i] = val
	}
	fmt.Fprintf(sum, "%s|%s|%s\n", ref.NamespacedName, s.UID, s.ResourceVersion)
	return out, nil
}

// patcher is a client that can change a data source without resending
// its credentials (PATCH, SQL plugin 2.12+); the production client is one.
type patcher interface {
	SupportsPatch() bool
	Patch(ctx context.Context, ds opensearch.DataSource) (opensearch.WriteResult, error)
}

// versioned is a client that shapes its bodies to the server's release; the
// production client is one. The version is learned by the connection's
// probe.
type versioned interface {
	SetServerVersion(version string)
	ServerVersion() string
}

// blockedBy is the reconcilers' reading of a connection the shared rules
// refuse: an empty key is its Secret owner's to fill in, anything else a
// fault of the connection's spec. Other errors (a Secret that cannot be
// read) pass through as they are.
func blockedBy(err error) error {
	var refused *connconfig.RefusedError
	switch {
	case errors.As(err, &refused) && refused.EmptyKey:
		return &blocked{v1alpha1.ReasonSecretKeyNotFound, refused.Message}
	case errors.As(err, &refused):
		return &blocked{v1alpha1.ReasonInvalidSpec, refused.Message}
	}
	return err
}

// carryVersion tells a rebuilt client (a rotated password) the server
// version the client it replaces learned, or the one status recorded, so
// that an old server gets only the fields it knows from the first write.
func carryVersion(api OpenSearchAPI, previous *OpenSearchAPI, v *connectionView) {
	next, ok := api.(versioned)
	if !ok {
		return
	}
	if previous != nil {
		if prev, ok := (*previous).(versioned); ok && prev.ServerVersion() != "" {
			next.SetServerVersion(prev.ServerVersion())
			return
		}
	}
	if v.Status != nil && v.Status.Version != "" {
		next.SetServerVersion(v.Status.Version)
	}
}

// knownDialect is the dialect to build a client with. What Auto detected
// is kept across client rebuilds (a rotated password) and, through status,
// across restarts: detection costs a rejected request, and comparing remote
// data sources needs the dialect.
func knownDialect(configured opensearch.Dialect, previous *OpenSearchAPI, v *connectionView) opensearch.Dialect {
	if configured != opensearch.DialectAuto {
		return configured
	}
	if previous != nil && (*previous).Dialect() != opensearch.DialectAuto {
		return (*previous).Dialect()
	}
	if v.Status != nil && v.Status.ObservedGeneration == v.Generation &&
		(v.Status.Dialect == v1alpha1.DialectDocumented || v.Status.Dialect == v1alpha1.DialectSQLPlugin) {
		return opensearch.Dialect(v.Status.Dialect)
	}
	return configured
}
