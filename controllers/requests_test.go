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

package controllers_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/pkg/fakeopensearch"
)

var _ = Describe("Requests per change", func() {
	for _, mode := range []fakeopensearch.Mode{fakeopensearch.ModeSQLPlugin, fakeopensearch.ModeDocumented} {
		It("creates a new data source with one write and no read, "+string(mode), func() {
			ns := newNamespace()
			fake := startFake(mode)
			dialect := v1alpha1.DialectSQLPlugin
			if mode == fakeopensearch.ModeDocumented {
				dialect = v1alpha1.DialectDocumented
			}
			f := newFixture(inNamespace(ns), onFake(fake), withDialect(dialect), withResync(time.Hour))
			ds := f.dataSource("metrics")
			if mode == fakeopensearch.ModeDocumented {
				ds.Spec.Connector = "mysql"
			}
			Expect(k8s.Create(ctx, ds)).To(Succeed())
			expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
			Expect(fake.Count(fakeopensearch.OpCreate)).To(Equal(1))
			Expect(fake.Count(fakeopensearch.OpGet)).To(BeZero(), "a read before the write")
			Expect(fake.Count(fakeopensearch.OpUpdate)).To(BeZero(), "a PUT tried before the POST")
		})
	}

	It("applies a rotated Secret with one PUT and no read", func() {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Second))
		fake := f.fake
		secret := f.creds
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		// Wait for a list made after the write: it is what stands in for
		// a read.
		lists := fake.Count(fakeopensearch.OpList)
		Eventually(func() int { return fake.Count(fakeopensearch.OpList) }, timeout, interval).Should(BeNumerically(">=", lists+2))
		gets, puts, posts := fake.Count(fakeopensearch.OpGet), fake.Count(fakeopensearch.OpUpdate), fake.Count(fakeopensearch.OpCreate)
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds)).To(Succeed())
		before := ds.Status.DeepCopy()
		rotated := metav1.NewTime(time.Now().Truncate(time.Second))

		rotatePassword(secret, fake, "metrics", "rotated-pass")
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(Equal(puts+1), "one PUT per rotation")
		Expect(fake.Count(fakeopensearch.OpGet)).To(Equal(gets), "a read before the write")
		Expect(fake.Count(fakeopensearch.OpCreate)).To(Equal(posts))

		By("reporting the rotation's write in status, with no second write")
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds)).To(Succeed())
			g.Expect(ds.Status.Fingerprint).NotTo(Equal(before.Fingerprint))
			g.Expect(ds.Status.Message).To(Equal("Updated DataSource with name metrics"))
			g.Expect(ds.Status.LastSyncTime.Before(&rotated)).To(BeFalse(), "lastSyncTime is older than the rotation")
		}, timeout, interval).Should(Succeed())
		Expect(readyOf(ds).LastTransitionTime).To(Equal(readyOf(&v1alpha1.DataSource{Status: *before}).LastTransitionTime),
			"Ready flipped during the rotation")
		Consistently(func() int { return fake.Count(fakeopensearch.OpUpdate) }, "1s", interval).Should(Equal(puts+1),
			"the report of the rotation wrote again")
	})

	It("applies a rotation soon after the create, before any list shows the data source, with one PUT and no read", func() {
		ns := newNamespace()
		fake := startFake(fakeopensearch.ModeSQLPlugin)
		// The connection's only list is its probe's, made before the create.
		f := newFixture(inNamespace(ns), onFake(fake), withResync(time.Hour))
		secret := f.creds
		ds := f.dataSource("metrics")
		Expect(k8s.Create(ctx, ds)).To(Succeed())
		expectReady(ds, metav1.ConditionTrue, v1alpha1.ReasonSynced)
		gets, puts, posts := fake.Count(fakeopensearch.OpGet), fake.Count(fakeopensearch.OpUpdate), fake.Count(fakeopensearch.OpCreate)

		rotatePassword(secret, fake, "metrics", "rotated-pass")
		Expect(fake.Count(fakeopensearch.OpUpdate)).To(Equal(puts+1), "one PUT per rotation")
		Expect(fake.Count(fakeopensearch.OpGet)).To(Equal(gets), "a read before the write")
		Expect(fake.Count(fakeopensearch.OpCreate)).To(Equal(posts), "a POST: the list older than the create was taken to say it is missing")
	})

	It("keeps DataSources Ready and unwritten when a connection's resyncPeriod is edited", func() {
		ns := newNamespace()
		f := newFixture(inNamespace(ns), withResync(time.Hour))
		fake := f.fake
		conn := f.conn
		ds := f.synced("metrics")
		version := ds.ResourceVersion
		writes := fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)

		Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(conn), conn); err != nil {
				return err
			}
			conn.Spec.ResyncPeriod = &metav1.Duration{Duration: 30 * time.Minute}
			return k8s.Update(ctx, conn)
		}, timeout, interval).Should(Succeed())
		Eventually(func() int64 {
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(conn), conn)).To(Succeed())
			return conn.Status.ObservedGeneration
		}, timeout, interval).Should(Equal(conn.Generation), "the edited connection was not probed again")
		Consistently(func() string {
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds)).To(Succeed())
			return ds.ResourceVersion
		}, 2*time.Second, interval).Should(Equal(version), "the DataSource's status was written: Ready flapped")
		Expect(readyOf(ds).Status).To(Equal(metav1.ConditionTrue))
		Expect(fake.Count(fakeopensearch.OpCreate) + fake.Count(fakeopensearch.OpUpdate)).To(Equal(writes))
	})
})
