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
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/secretwatch"
)

// A DataSourceSet creates, updates and deletes its child DataSources, and
// reads their status; it never calls OpenSearch itself.
//
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasourcesets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasourcesets/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasourcesets/finalizers,verbs=update
// +kubebuilder:rbac:groups=opensearch.datasource-operator.io,resources=datasources,verbs=create;delete

// DataSourceSetReconciler keeps one child DataSource per connection a
// DataSourceSet matches, rolls template changes out to them in waves, and
// sums up their status.
type DataSourceSetReconciler struct {
	client.Client
	// Secrets reads the versions of the Secrets a set's template
	// references, and tells the set when one changes.
	Secrets  secretReader
	Recorder events.EventRecorder
	Now      func() time.Time
	// memory keeps each set's last written rollout status, to tell a
	// cache that lags it.
	memory setMemory
}

// kindDataSourceSet names DataSourceSets as Secret owners.
const kindDataSourceSet = "DataSourceSet"

func setEvent(nn types.NamespacedName) event.GenericEvent {
	return event.GenericEvent{Object: &v1alpha1.DataSourceSet{ObjectMeta: metav1.ObjectMeta{Namespace: nn.Namespace, Name: nn.Name}}}
}

func secretOwner(set types.NamespacedName) secretwatch.Owner {
	return secretwatch.Owner{Kind: kindDataSourceSet, NamespacedName: set}
}

// setScope is what one reconcile of a set saw.
type setScope struct {
	set  *v1alpha1.DataSourceSet
	hash string
	// pin is the children's spec.secretVersions: the versions of the
	// template's Secrets, when rotations follow the waves.
	pin      string
	targets  []setTarget
	children map[setTarget]*v1alpha1.DataSource
	// stale are children of no current target, or second children of one.
	stale []*v1alpha1.DataSource
	// why says, for a connection the set no longer uses, why not.
	why map[setTarget]string
}

// Reconcile follows the usual skeleton: deletion, finalizer, then the
// children and one status write.
func (r *DataSourceSetReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	set := &v1alpha1.DataSourceSet{}
	if err := r.Get(ctx, req.NamespacedName, set); err != nil {
		if apierrors.IsNotFound(err) {
			r.Secrets.Retain(secretOwner(req.NamespacedName), nil)
			r.memory.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !set.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, set)
	}
	if r.memory.behind(set, r.Now()) {
		// The newer copy is on its way to the cache; its arrival does
		// not run the set (a status change), so ask for a run.
		logf.FromContext(ctx).V(1).Info("The cached DataSourceSet lags its last status write; running again on the newer copy")
		return ctrl.Result{RequeueAfter: cacheBehindRetry}, nil
	}
	if !controllerutil.ContainsFinalizer(set, v1alpha1.DataSourceSetFinalizer) {
		// Carry on after the patch: it changes no generation, so no
		// event brings the set back.
		patch := client.MergeFromWithOptions(set.DeepCopy(), client.MergeFromWithOptimisticLock{})
		controllerutil.AddFinalizer(set, v1alpha1.DataSourceSetFinalizer)
		if err := r.Patch(ctx, set, patch); err != nil {
			return ctrl.Result{}, err
		}
	}
	orig := set.DeepCopy()
	sel, err := metav1.LabelSelectorAsSelector(&set.Spec.ConnectionSelector)
	if err != nil {
		status := set.Status.DeepCopy()
		r.setConditions(status, set.Generation, setVerdict{Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonInvalidSpec,
			Message: "spec.connectionSelector: " + err.Error(), Stalled: true})
		status.ObservedGeneration = set.Generation
		set.Status = *status
		return ctrl.Result{}, r.patchStatus(ctx, orig, set)
	}
	s, err := r.observe(ctx, set, sel)
	if err != nil {
		return ctrl.Result{}, err
	}
	applyErr := r.reconcileChildren(ctx, s)
	if err := r.patchStatus(ctx, orig, s.set); err != nil {
		return ctrl.Result{}, errors.Join(applyErr, err)
	}
	return ctrl.Result{}, applyErr
}

// observe lists the connections the set matches and its children.
func (r *DataSourceSetReconciler) observe(ctx context.Context, set *v1alpha1.DataSourceSet, sel labels.Selector) (*setScope, error) {
	pin, err := r.secretPin(ctx, set)
	if err != nil {
		return nil, err
	}
	s := &setScope{set: set, hash: templateHash(set, pin), pin: pin, children: map[setTarget]*v1alpha1.DataSource{}, why: map[setTarget]string{}}
	if err := r.matchTargets(ctx, s, sel); err != nil {
		return nil, err
	}
	list, err := r.labelledChildren(ctx, set)
	if err != nil {
		return nil, err
	}
	wanted := make(map[setTarget]bool, len(s.targets))
	for _, t := range s.targets {
		wanted[t] = true
	}
	for i := range list.Items {
		ds := &list.Items[i]
		if !metav1.IsControlledBy(ds, set) {
			continue
		}
		t := setTarget{Kind: connectionKind(ds.Spec.ConnectionRef.Kind), Name: ds.Spec.ConnectionRef.Name}
		// A child under another name than its target's is the second
		// one of a target (names are stable, so only a bug or a person
		// makes one); it goes.
		if !wanted[t] || s.children[t] != nil || ds.Name != childName(set.Name, t) {
			s.stale = append(s.stale, ds)
			continue
		}
		s.children[t] = ds
	}
	return s, nil
}

// secretPin is the pin of the Secrets set's template references, at the
// versions this process's Secret watch knows, and watches them for the set
// from now on; "" (and nothing watched) when rotations are not waved.
func (r *DataSourceSetReconciler) secretPin(ctx context.Context, set *v1alpha1.DataSourceSet) (string, error) {
	owner := secretOwner(client.ObjectKeyFromObject(set))
	if !wavesRotations(set) {
		r.Secrets.Retain(owner, nil)
		return "", nil
	}
	spec := childSpec(set, setTarget{}, "")
	names := referencedSecrets(&spec)
	refs := make([]types.NamespacedName, len(names))
	for i, n := range names {
		refs[i] = types.NamespacedName{Namespace: set.Namespace, Name: n}
	}
	r.Secrets.Retain(owner, refs)
	versions := make(map[string]string, len(refs))
	for _, ref := range refs {
		secret, err := r.Secrets.Get(ctx, owner, ref)
		if err != nil {
			return "", fmt.Errorf("reading Secrets: %w", err)
		}
		if secret != nil {
			versions[ref.Name] = secret.ResourceVersion
		}
	}
	return formatSecretVersions(versions), nil
}

// matchTargets finds the connections the set applies to, in rollout
// order, and why each other connection is not one.
func (r *DataSourceSetReconciler) matchTargets(ctx context.Context, s *setScope, sel labels.Selector) error {
	var local v1alpha1.OpenSearchConnectionList
	if err := r.List(ctx, &local, client.InNamespace(s.set.Namespace)); err != nil {
		return err
	}
	var cluster v1alpha1.ClusterOpenSearchConnectionList
	if err := r.List(ctx, &cluster); err != nil {
		return err
	}
	var ns corev1.Namespace
	if err := r.Get(ctx, types.NamespacedName{Name: s.set.Namespace}, &ns); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	for _, c := range local.Items {
		t := setTarget{Kind: v1alpha1.KindOpenSearchConnection, Name: c.Name}
		if sel.Matches(labels.Set(c.Labels)) {
			s.targets = append(s.targets, t)
		} else {
			s.why[t] = "no longer matches the connectionSelector"
		}
	}
	for _, c := range cluster.Items {
		t := setTarget{Kind: v1alpha1.KindClusterOpenSearchConnection, Name: c.Name}
		switch {
		case !sel.Matches(labels.Set(c.Labels)):
			s.why[t] = "no longer matches the connectionSelector"
		case !namespaceAllows(c.Spec.AllowedNamespaces, &ns):
			s.why[t] = fmt.Sprintf("no longer allows namespace %q", s.set.Namespace)
		default:
			s.targets = append(s.targets, t)
		}
	}
	slices.SortFunc(s.targets, compareTargets)
	return nil
}

// namespaceAllows says whether allowed lets ns use a cluster connection,
// as a DataSource's own check does: unset allows every namespace.
func namespaceAllows(allowed *v1alpha1.AllowedNamespaces, ns *corev1.Namespace) bool {
	if allowed == nil {
		return true
	}
	if slices.Contains(allowed.Names, ns.Name) {
		return true
	}
	if allowed.Selector == nil {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(allowed.Selector)
	return err == nil && sel.Matches(labels.Set(ns.Labels))
}

// reconcileChildren deletes stale children, plans the rollout, creates and
// writes children, and records the outcome in s.set's status.
func (r *DataSourceSetReconciler) reconcileChildren(ctx context.Context, s *setScope) error {
	var errs []error
	for _, ds := range s.stale {
		errs = append(errs, r.deleteChild(ctx, s, ds))
	}
	states := make(map[setTarget]childState, len(s.children))
	for t, ds := range s.children {
		states[t] = childStateOf(ds, s.hash, r.desiredChild(s, t))
	}
	plan := planRollout(rolloutInput{
		Targets: s.targets, Children: states, Hash: s.hash, Prev: s.set.Status.Rollout,
		Batch: batchSize(s.set.Spec.Rollout, len(s.targets)), Stop: stopOnFailure(s.set.Spec.Rollout),
		Resume: s.set.Annotations[v1alpha1.AnnotationResumeRollout],
	})
	if plan.Released > 0 {
		r.Recorder.Eventf(s.set, nil, corev1.EventTypeNormal, "WaveReleased", "Rollout",
			"Released wave %d of %d of template %s", plan.Released+1, plan.Status.Waves, s.hash)
	}
	for _, t := range plan.Create {
		errs = append(errs, r.createChild(ctx, s, t, states))
	}
	for _, t := range plan.Write {
		errs = append(errs, r.writeChild(ctx, s, t))
	}
	summary := summarize(s.targets, states)
	verdict := verdictOf(summary, plan)
	prev := findCondition(s.set.Status.Conditions, v1alpha1.ConditionReady)
	if verdict.Reason == v1alpha1.ReasonRolloutHeld && (prev == nil || prev.Reason != v1alpha1.ReasonRolloutHeld) {
		r.Recorder.Eventf(s.set, s.children[plan.Held.Target], corev1.EventTypeWarning, v1alpha1.ReasonRolloutHeld, "Rollout",
			"%s", verdict.Message)
	}
	st := &s.set.Status
	st.Targets, st.Synced, st.Failing = summary.Targets, summary.Synced, summary.Failing
	st.Summary = fmt.Sprintf("%d/%d", summary.Synced, summary.Targets)
	st.FailingChildren = summary.FailingChildren
	st.Rollout = &plan.Status
	r.setConditions(st, s.set.Generation, verdict)
	st.ObservedGeneration = s.set.Generation
	return errors.Join(errs...)
}

// desiredChild is the child of t as the current template makes it.
func (r *DataSourceSetReconciler) desiredChild(s *setScope, t setTarget) *v1alpha1.DataSource {
	return &v1alpha1.DataSource{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: s.set.Namespace, Name: childName(s.set.Name, t),
			Labels: childLabels(s.set, t), Annotations: childAnnotations(s.set, s.hash),
		},
		Spec: childSpec(s.set, t, s.pin),
	}
}

// childMatches says whether ds has want's spec, and want's labels and
// annotations among its own.
func childMatches(ds, want *v1alpha1.DataSource) bool {
	if !equality.Semantic.DeepEqual(ds.Spec, want.Spec) {
		return false
	}
	for k, v := range want.Labels {
		if ds.Labels[k] != v {
			return false
		}
	}
	for k, v := range want.Annotations {
		if ds.Annotations[k] != v {
			return false
		}
	}
	return true
}

func (r *DataSourceSetReconciler) createChild(ctx context.Context, s *setScope, t setTarget, states map[setTarget]childState) error {
	child := r.desiredChild(s, t)
	if err := controllerutil.SetControllerReference(s.set, child, r.Scheme()); err != nil {
		return err
	}
	err := r.Create(ctx, child)
	switch {
	case apierrors.IsAlreadyExists(err):
		// Ours but not listed: not in the cache yet (fine), or someone
		// removed its set label, which writing it puts back. Another
		// object's name is a failing target until it goes.
		var other v1alpha1.DataSource
		if getErr := r.Get(ctx, client.ObjectKeyFromObject(child), &other); getErr != nil {
			return client.IgnoreNotFound(getErr)
		}
		if metav1.IsControlledBy(&other, s.set) {
			if other.Labels[v1alpha1.LabelSet] == child.Labels[v1alpha1.LabelSet] {
				return nil
			}
			s.children[t] = &other
			return r.writeChild(ctx, s, t)
		}
		states[t] = childState{Name: child.Name, Target: t, Settled: true, Stalled: true, Reason: "NameTaken",
			Message: fmt.Sprintf("a DataSource named %s that this set does not own already exists", child.Name)}
		return nil
	case err != nil:
		return fmt.Errorf("creating DataSource %s for %s: %w", child.Name, t, err)
	}
	r.Recorder.Eventf(s.set, child, corev1.EventTypeNormal, "ChildCreated", "Create",
		"Created DataSource %s for %s", child.Name, t)
	return nil
}

// writeChild writes the current template to t's child, keeping labels and
// annotations others added.
func (r *DataSourceSetReconciler) writeChild(ctx context.Context, s *setScope, t setTarget) error {
	ds, want := s.children[t].DeepCopy(), r.desiredChild(s, t)
	ds.Spec = want.Spec
	if ds.Labels == nil {
		ds.Labels = map[string]string{}
	}
	if ds.Annotations == nil {
		ds.Annotations = map[string]string{}
	}
	for k, v := range want.Labels {
		ds.Labels[k] = v
	}
	for k, v := range want.Annotations {
		ds.Annotations[k] = v
	}
	if err := r.Update(ctx, ds); err != nil {
		return fmt.Errorf("writing DataSource %s for %s: %w", ds.Name, t, err)
	}
	logf.FromContext(ctx).V(1).Info("Wrote child DataSource", "dataSource", ds.Name, "connection", t.String(), "template", s.hash)
	return nil
}

// deleteChild deletes a child whose connection the set no longer uses; its
// own finalizer applies its deletionPolicy on that cluster.
func (r *DataSourceSetReconciler) deleteChild(ctx context.Context, s *setScope, ds *v1alpha1.DataSource) error {
	if !ds.DeletionTimestamp.IsZero() {
		return nil
	}
	t := setTarget{Kind: connectionKind(ds.Spec.ConnectionRef.Kind), Name: ds.Spec.ConnectionRef.Name}
	why, known := s.why[t]
	if !known {
		why = "was deleted"
	}
	if err := r.Delete(ctx, ds); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting DataSource %s: %w", ds.Name, err)
	}
	r.Recorder.Eventf(s.set, ds, corev1.EventTypeNormal, "ChildDeleted", "Delete",
		"Deleted DataSource %s: %s %s (deletionPolicy %s applies on that cluster)", ds.Name, t, why, ds.Spec.DeletionPolicy)
	return nil
}

// labelledChildren lists, from the cache, the DataSources labelled as set's
// children; callers keep those set controls.
func (r *DataSourceSetReconciler) labelledChildren(ctx context.Context, set *v1alpha1.DataSourceSet) (*v1alpha1.DataSourceList, error) {
	var list v1alpha1.DataSourceList
	err := r.List(ctx, &list, client.InNamespace(set.Namespace), client.MatchingLabels{v1alpha1.LabelSet: labelValue(set.Name)})
	return &list, err
}

// reconcileDelete deletes every child, each under its own deletionPolicy,
// and lets the set go once they are gone: an API server's garbage
// collector would do the same through the owner references, but only
// after the set has gone, and not at all where none runs.
func (r *DataSourceSetReconciler) reconcileDelete(ctx context.Context, set *v1alpha1.DataSourceSet) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(set, v1alpha1.DataSourceSetFinalizer) {
		return ctrl.Result{}, nil
	}
	list, err := r.labelledChildren(ctx, set)
	if err != nil {
		return ctrl.Result{}, err
	}
	s := &setScope{set: set, why: map[setTarget]string{}}
	remaining := 0
	var errs []error
	for i := range list.Items {
		ds := &list.Items[i]
		if !metav1.IsControlledBy(ds, set) {
			continue
		}
		remaining++
		t := setTarget{Kind: connectionKind(ds.Spec.ConnectionRef.Kind), Name: ds.Spec.ConnectionRef.Name}
		s.why[t] = "belongs to a DataSourceSet being deleted"
		errs = append(errs, r.deleteChild(ctx, s, ds))
	}
	if err := errors.Join(errs...); err != nil {
		return ctrl.Result{}, err
	}
	if remaining > 0 {
		// The children's deletion events requeue the set; this only
		// bounds a wait on a cache that missed one.
		return ctrl.Result{RequeueAfter: 10 * time.Second}, nil
	}
	r.Secrets.Retain(secretOwner(client.ObjectKeyFromObject(set)), nil)
	r.memory.forget(client.ObjectKeyFromObject(set))
	patch := client.MergeFromWithOptions(set.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(set, v1alpha1.DataSourceSetFinalizer)
	return ctrl.Result{}, client.IgnoreNotFound(r.Patch(ctx, set, patch))
}

// setConditions writes verdict as Ready and the kstatus conditions.
func (r *DataSourceSetReconciler) setConditions(st *v1alpha1.DataSourceSetStatus, generation int64, v setVerdict) {
	now := metav1.NewTime(r.Now())
	setCondition(&st.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady, Status: v.Status, Reason: v.Reason,
		Message: v.Message, ObservedGeneration: generation}, now)
	for _, c := range []struct {
		typ string
		on  bool
	}{{v1alpha1.ConditionReconciling, v.Reconciling}, {v1alpha1.ConditionStalled, v.Stalled}} {
		if !c.on {
			removeCondition(&st.Conditions, c.typ)
			continue
		}
		setCondition(&st.Conditions, metav1.Condition{Type: c.typ, Status: metav1.ConditionTrue, Reason: v.Reason,
			Message: v.Message, ObservedGeneration: generation}, now)
	}
}

func removeCondition(conds *[]metav1.Condition, typ string) {
	*conds = slices.DeleteFunc(*conds, func(c metav1.Condition) bool { return c.Type == typ })
}

func (r *DataSourceSetReconciler) patchStatus(ctx context.Context, orig, set *v1alpha1.DataSourceSet) error {
	if equality.Semantic.DeepEqual(orig.Status, set.Status) {
		return nil
	}
	// The resourceVersion read goes with the patch: a status computed
	// from an older copy than the API server's (another process's write)
	// is refused rather than merged over a newer rollout.
	err := r.Status().Patch(ctx, set, client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{}))
	switch {
	case err == nil:
		r.memory.wrote(set, r.Now())
	case !apierrors.IsNotFound(err):
		return err
	}
	return nil
}

// SetupWithManager registers the DataSourceSet controller. It watches its
// children (any change, status included: their status is the set's), both
// connection kinds (labels decide membership; allowedNamespaces is spec),
// namespaces' labels (allowedNamespaces selectors read them), and, through
// secretChanged, the Secrets its template references.
func (r *DataSourceSetReconciler) SetupWithManager(mgr ctrl.Manager, opts Options, secretChanged <-chan event.GenericEvent) error {
	resumed := predicate.NewPredicateFuncs(func(client.Object) bool { return true })
	resumed.UpdateFunc = func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetAnnotations()[v1alpha1.AnnotationResumeRollout] != e.ObjectNew.GetAnnotations()[v1alpha1.AnnotationResumeRollout]
	}
	membership := predicate.Or(predicate.LabelChangedPredicate{}, predicate.GenerationChangedPredicate{})
	return ctrl.NewControllerManagedBy(mgr).
		Named(opts.controllerName("datasourceset")).
		For(&v1alpha1.DataSourceSet{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, resumed,
			predicate.NewPredicateFuncs(func(o client.Object) bool { return !o.GetDeletionTimestamp().IsZero() })))).
		Owns(&v1alpha1.DataSource{}).
		Watches(&v1alpha1.OpenSearchConnection{}, r.setsIn(func(o client.Object) string { return o.GetNamespace() }),
			builder.WithPredicates(membership)).
		Watches(&v1alpha1.ClusterOpenSearchConnection{}, r.setsIn(func(client.Object) string { return "" }),
			builder.WithPredicates(membership)).
		Watches(&corev1.Namespace{}, r.setsIn(func(o client.Object) string { return o.GetName() }),
			builder.WithPredicates(labelsChanged())).
		WatchesRawSource(source.Channel(secretChanged, &handler.EnqueueRequestForObject{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: opts.MaxConcurrentReconciles}).
		Complete(r)
}

// setsIn maps an object to the sets of the namespace namespaceOf names
// ("" for every namespace).
func (r *DataSourceSetReconciler) setsIn(namespaceOf func(client.Object) string) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var list v1alpha1.DataSourceSetList
		if err := r.List(ctx, &list, client.InNamespace(namespaceOf(o))); err != nil {
			return nil
		}
		out := make([]reconcile.Request, len(list.Items))
		for i, set := range list.Items {
			out[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&set)}
		}
		return out
	})
}
