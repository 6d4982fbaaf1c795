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

package rbac

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/datasource-operator/opensearch-datasource-operator/internal/testenv"
)

// clusterWideRBAC returns the manager's ServiceAccount, its bindings and
// the roles they bind, exactly as dist/install.yaml renders them from
// config/rbac (`make verify` keeps that file fresh). Roles nothing binds to
// the manager (metrics-reader, the aggregated admin/editor/viewer roles)
// are left out: they grant it nothing.
func clusterWideRBAC(t *testing.T) ([]client.Object, account) {
	t.Helper()
	var sa account
	var bindings []client.Object
	roles := map[string]client.Object{}
	for _, u := range testenv.DecodeFile(t, filepath.Join(root, "dist", "install.yaml")) {
		switch u.GetKind() {
		case "ServiceAccount":
			sa = account{namespace: u.GetNamespace(), name: u.GetName()}
		case "ClusterRoleBinding", "RoleBinding":
			bindings = append(bindings, typed(t, u))
		case "ClusterRole", "Role":
			roles[u.GetKind()+"/"+u.GetNamespace()+"/"+u.GetName()] = typed(t, u)
		}
	}
	objs := []client.Object{&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: sa.namespace, Name: sa.name}}}
	for _, b := range bindings {
		ref, subjects := bindingOf(b)
		if !bindsAccount(subjects, sa) {
			continue
		}
		ns := b.GetNamespace()
		if ref.Kind == "ClusterRole" {
			ns = ""
		}
		role, ok := roles[ref.Kind+"/"+ns+"/"+ref.Name]
		if !ok {
			t.Fatalf("%s binds %s %s, which dist/install.yaml does not define", b.GetName(), ref.Kind, ref.Name)
		}
		objs = append(objs, role, b)
	}
	if sa.name == "" || len(objs) < 4 {
		t.Fatalf("dist/install.yaml has no ServiceAccount with its bindings (found %d objects)", len(objs))
	}
	return objs, sa
}

func bindingOf(obj client.Object) (rbacv1.RoleRef, []rbacv1.Subject) {
	if b, ok := obj.(*rbacv1.ClusterRoleBinding); ok {
		return b.RoleRef, b.Subjects
	}
	b := obj.(*rbacv1.RoleBinding)
	return b.RoleRef, b.Subjects
}

func bindsAccount(subjects []rbacv1.Subject, sa account) bool {
	for _, s := range subjects {
		if s.Kind == "ServiceAccount" && s.Namespace == sa.namespace && s.Name == sa.name {
			return true
		}
	}
	return false
}

// namespacedRBAC builds what the chart renders with watchNamespaces set to
// watched (templates/rbac.yaml): a ClusterRole with only the cluster-scoped
// rules, a Role with the namespaced rules in the watched namespace, a
// Secret-reader Role in the operator's namespace (for
// ClusterOpenSearchConnection credentials kept there) and the
// leader-election Role. The rules come from the chart's
// templates/_manager-rules.tpl, which `make manifests` generates from
// config/rbac/role.yaml and `make verify` keeps fresh. The metrics-auth role
// is left out: this manager serves no metrics.
func namespacedRBAC(t *testing.T, operatorNS, watched string) ([]client.Object, account) {
	t.Helper()
	sa := account{namespace: operatorNS, name: "manager"}
	clusterRules, namespacedRules := chartRules(t)
	var election rbacv1.Role
	unmarshalFile(t, filepath.Join(root, "config", "rbac", "leader_election_role.yaml"), &election)
	secretReader := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list", "watch"}}}
	objs := []client.Object{&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: sa.namespace, Name: sa.name}}}
	objs = append(objs, clusterRoleWithBinding("rbac-namespaced-manager", clusterRules, sa)...)
	objs = append(objs, roleWithBinding(watched, "rbac-manager", namespacedRules, sa)...)
	objs = append(objs, roleWithBinding(operatorNS, "rbac-secret-reader", secretReader, sa)...)
	objs = append(objs, roleWithBinding(operatorNS, "rbac-leader-election", election.Rules, sa)...)
	return objs, sa
}

// chartRules reads the two rule lists the chart splits the manager's
// rules into.
func chartRules(t *testing.T) (cluster, namespaced []rbacv1.PolicyRule) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "charts", "opensearch-datasource-operator", "templates", "_manager-rules.tpl"))
	if err != nil {
		t.Fatal(err)
	}
	block := func(name string) []rbacv1.PolicyRule {
		start := `{{- define "opensearch-datasource-operator.` + name + `" }}`
		i := strings.Index(string(data), start)
		if i < 0 {
			t.Fatalf("_manager-rules.tpl has no %s block", name)
		}
		body := string(data)[i+len(start):]
		body = body[:strings.Index(body, "{{- end }}")]
		var rules []rbacv1.PolicyRule
		if err := yaml.UnmarshalStrict([]byte(body), &rules); err != nil || len(rules) == 0 {
			t.Fatalf("%s rules: %v (%d rules)", name, err, len(rules))
		}
		return rules
	}
	return block("clusterRules"), block("namespacedRules")
}

func clusterRoleWithBinding(name string, rules []rbacv1.PolicyRule, sa account) []client.Object {
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
	return []client.Object{
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, RoleRef: ref, Subjects: subjects(sa)},
	}
}

func roleWithBinding(ns, name string, rules []rbacv1.PolicyRule, sa account) []client.Object {
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}
	return []client.Object{
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, RoleRef: ref, Subjects: subjects(sa)},
	}
}

func subjects(sa account) []rbacv1.Subject {
	return []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: sa.namespace, Name: sa.name}}
}

// typed converts an RBAC object read from YAML to its Go type.
func typed(t *testing.T, u *unstructured.Unstructured) client.Object {
	t.Helper()
	var obj client.Object
	switch u.GetKind() {
	case "ClusterRole":
		obj = &rbacv1.ClusterRole{}
	case "Role":
		obj = &rbacv1.Role{}
	case "ClusterRoleBinding":
		obj = &rbacv1.ClusterRoleBinding{}
	case "RoleBinding":
		obj = &rbacv1.RoleBinding{}
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func unmarshalFile(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
