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
	"context"
	"encoding/json"
	"fmt"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// runFloor is the ideal controller the operator is measured against: per
// DataSource exactly the three requests any controller needs (add the
// finalizer, POST the data source, patch status Ready), workers at a time,
// with the same Kubernetes client settings and the operator's own
// OpenSearch client. It knows everything in advance: no cache to sync,
// no probe, no Secret to read, no dialect to learn.
func runFloor(ctx context.Context, c client.Client, f *fleet, workers int) error {
	apis := map[string]*opensearch.Client{}
	for name, fake := range f.byConnection {
		api, err := opensearch.New(opensearch.Config{Endpoint: fake.url, Dialect: opensearch.DialectSQLPlugin})
		if err != nil {
			return err
		}
		defer api.Close()
		apis[name] = api
	}
	var list v1alpha1.DataSourceList
	if err := c.List(ctx, &list, client.InNamespace(f.spec.namespace)); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range list.Items {
		ds := &list.Items[i]
		g.Go(func() error { return floorOne(ctx, c, apis[ds.Spec.ConnectionRef.Name], ds) })
	}
	return g.Wait()
}

func floorOne(ctx context.Context, c client.Client, api *opensearch.Client, ds *v1alpha1.DataSource) error {
	patch := client.MergeFromWithOptions(ds.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.AddFinalizer(ds, v1alpha1.DataSourceFinalizer)
	if err := c.Patch(ctx, ds, patch); err != nil {
		return fmt.Errorf("floor: finalizer of %s: %w", ds.Name, err)
	}
	props := map[string]json.RawMessage{}
	for k, v := range ds.Spec.Properties {
		props[k] = v.Raw
	}
	res, err := api.Create(ctx, opensearch.DataSource{Name: ds.Name, Connector: ds.Spec.Connector, Properties: props})
	if err != nil {
		return fmt.Errorf("floor: POST %s: %w", ds.Name, err)
	}
	orig := ds.DeepCopy()
	meta.SetStatusCondition(&ds.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue,
		Reason: v1alpha1.ReasonSynced, Message: res.Message, ObservedGeneration: ds.Generation})
	ds.Status.ObservedGeneration = ds.Generation
	if err := c.Status().Patch(ctx, ds, client.MergeFrom(orig)); err != nil {
		return fmt.Errorf("floor: status of %s: %w", ds.Name, err)
	}
	return nil
}
