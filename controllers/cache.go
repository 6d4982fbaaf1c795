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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
)

// cacheTransform keeps in the manager's cache only what the reconciles
// read, for every kind the manager caches (DataSources, both connection
// kinds, Namespaces; Secrets and Events are not cached). The cache holds
// every object of a fleet for the manager's lifetime, so what it need not
// keep costs memory per object:
//
//   - managedFields: the API server's record of who set which field, one
//     entry per writer (the author, the operator's finalizer patch, its
//     status patches), as JSON that is often larger than the spec. Nothing
//     reads it; patches are computed from two copies that both lack it,
//     so they never touch it.
//   - the last-applied annotation of a client-side kubectl apply, which
//     holds the whole object again. The operator never updates an object
//     whole (only merge patches of what it changes), so dropping the
//     annotation from its copy cannot drop it on the server.
//   - a Namespace's spec and status: a DataSource on a cluster connection
//     only looks its namespace up for the labels an allowedNamespaces
//     selector matches, so the cache keeps the Namespace's metadata only.
//
// Tombstones and anything without object metadata pass unchanged.
func cacheTransform(in any) (any, error) {
	obj, err := meta.Accessor(in)
	if err != nil {
		return in, nil
	}
	if obj.GetManagedFields() != nil {
		obj.SetManagedFields(nil)
	}
	if a := obj.GetAnnotations(); a != nil {
		if _, ok := a[corev1.LastAppliedConfigAnnotation]; ok {
			delete(a, corev1.LastAppliedConfigAnnotation)
			if len(a) == 0 {
				a = nil
			}
			obj.SetAnnotations(a)
		}
	}
	if ns, ok := in.(*corev1.Namespace); ok {
		ns.Spec, ns.Status = corev1.NamespaceSpec{}, corev1.NamespaceStatus{}
	}
	return in, nil
}
