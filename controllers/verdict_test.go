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
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/datasource-operator/opensearch-datasource-operator/api/v1alpha1"
	"github.com/datasource-operator/opensearch-datasource-operator/internal/opensearch"
)

// TestJudge covers every error the write, delete and probe paths met before
// they shared one verdict: each row is an error, the operation, and what
// it must mean.
func TestJudge(t *testing.T) {
	const resync, maxThrottle = 10 * time.Minute, 5 * time.Minute
	osErr := func(kind opensearch.ErrorKind, msg string) *opensearch.Error {
		return &opensearch.Error{Kind: kind, Message: msg}
	}
	throttled := &opensearch.Error{Kind: opensearch.KindTooManyRequests, Message: "slow down", RetryAfter: 42 * time.Second}
	apiErr := apierrors.NewServiceUnavailable("etcd is down")
	notFoundAPI := apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "x")
	cases := []struct {
		name      string
		err       error
		op        operation
		want      verdict
		msgPrefix string
	}{
		{"missing Secret waits for it", &blocked{v1alpha1.ReasonSecretNotFound, "Secret ns/s does not exist"}, opWrite,
			verdict{reason: v1alpha1.ReasonSecretNotFound}, "Secret ns/s does not exist"},
		{"wrapped spec problem", fmt.Errorf("reading: %w", &blocked{v1alpha1.ReasonNotFound, "gone"}), opWrite,
			verdict{reason: v1alpha1.ReasonNotFound}, "gone"},
		{"invalid spec from the body builder", &opensearch.InvalidSpecError{Message: "nested property"}, opWrite,
			verdict{reason: v1alpha1.ReasonInvalidSpec}, "nested property"},
		{"400 on a write", osErr(opensearch.KindRejected, "bad"), opWrite,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, "OpenSearch rejected the data source: "},
		{"403 on a write", osErr(opensearch.KindForbidden, "no"), opWrite,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, "OpenSearch rejected the data source: "},
		{"409 on a write", osErr(opensearch.KindAlreadyExists, "dup"), opWrite,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, "OpenSearch rejected the data source: "},
		{"404 on a write", osErr(opensearch.KindNotFound, "no API"), opWrite,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, "OpenSearch rejected the data source: "},
		{"400 on a delete", osErr(opensearch.KindRejected, "bad"), opDelete,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, "OpenSearch rejected the deletion: "},
		{"403 on a probe", osErr(opensearch.KindForbidden, "no permissions"), opProbe,
			verdict{reason: v1alpha1.ReasonForbidden, requeueAfter: resync}, "OpenSearch refused the operator: "},
		{"403 on a probe, wrapped", fmt.Errorf("probing: %w", osErr(opensearch.KindForbidden, "401")), opProbe,
			verdict{reason: v1alpha1.ReasonForbidden, requeueAfter: resync}, "OpenSearch refused the operator: "},
		{"404 on a probe", osErr(opensearch.KindNotFound, "no API"), opProbe,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, "OpenSearch rejected the probe: "},
		{"429 with Retry-After on a write", throttled, opWrite,
			verdict{reason: v1alpha1.ReasonUnavailable, requeueAfter: 42 * time.Second, throttle: true},
			"OpenSearch is throttling requests (429); retrying after 42s: "},
		{"429 with Retry-After on a delete", throttled, opDelete,
			verdict{reason: v1alpha1.ReasonUnavailable, requeueAfter: 42 * time.Second, throttle: true},
			"OpenSearch is throttling requests (429); retrying after 42s: "},
		{"429 with Retry-After on a probe", throttled, opProbe,
			verdict{reason: v1alpha1.ReasonUnavailable, requeueAfter: 42 * time.Second, throttle: true},
			"OpenSearch is throttling requests (429); retrying after 42s: "},
		{"429 asking for a year waits at most maxThrottle",
			&opensearch.Error{Kind: opensearch.KindTooManyRequests, Message: "slow down", RetryAfter: 365 * 24 * time.Hour}, opDelete,
			verdict{reason: v1alpha1.ReasonUnavailable, requeueAfter: maxThrottle, throttle: true},
			"OpenSearch is throttling requests (429); retrying after 5m0s: "},
		{"429 without Retry-After", osErr(opensearch.KindTooManyRequests, "slow down"), opWrite,
			verdict{reason: v1alpha1.ReasonUnavailable, requeueAfter: defaultThrottle, throttle: true},
			"OpenSearch is throttling requests (429); retrying after 5s: "},
		{"5xx backs off", osErr(opensearch.KindUnavailable, "503"), opWrite,
			verdict{reason: v1alpha1.ReasonUnavailable, backoff: true}, "OpenSearch is unavailable: "},
		{"5xx with Retry-After still backs off", &opensearch.Error{Kind: opensearch.KindUnavailable, RetryAfter: time.Minute}, opProbe,
			verdict{reason: v1alpha1.ReasonUnavailable, backoff: true}, "OpenSearch is unavailable: "},
		{"Kubernetes API failure", apiErr, opWrite,
			verdict{reason: v1alpha1.ReasonUnavailable, backoff: true}, "the Kubernetes API failed: "},
		{"Kubernetes API failure, wrapped", fmt.Errorf("listing: %w", notFoundAPI), opDelete,
			verdict{reason: v1alpha1.ReasonUnavailable, backoff: true}, "the Kubernetes API failed: "},
		{"an error of the operator's own", errors.New("timed out reading Secret ns/s"), opWrite,
			verdict{reason: v1alpha1.ReasonUnavailable, backoff: true}, "timed out reading Secret ns/s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := judge(tc.err, tc.op, resync, maxThrottle)
			msg := got.message
			got.message = ""
			if got != tc.want {
				t.Errorf("judge = %+v, want %+v", got, tc.want)
			}
			if !strings.HasPrefix(msg, tc.msgPrefix) {
				t.Errorf("message = %q, want it to start with %q", msg, tc.msgPrefix)
			}
			if tc.want.reason == v1alpha1.ReasonUnavailable || tc.want.reason == v1alpha1.ReasonRejected || tc.want.reason == v1alpha1.ReasonForbidden {
				var osErr *opensearch.Error
				if errors.As(tc.err, &osErr) && !strings.HasSuffix(msg, tc.err.Error()) {
					t.Errorf("message = %q, want OpenSearch's own text %q at its end", msg, tc.err.Error())
				}
			}
		})
	}
}

// TestJudgeCauses: the SQL plugin answers 400 for each of its settings;
// each gets its own reason, and the message names the setting (or field)
// and the fix, followed by OpenSearch's own words.
func TestJudgeCauses(t *testing.T) {
	const resync = 10 * time.Minute
	caused := func(c opensearch.Cause, msg string) *opensearch.Error {
		return &opensearch.Error{Kind: opensearch.KindRejected, Cause: c, StatusCode: 400, Operation: "create", Message: msg}
	}
	cases := []struct {
		name  string
		err   error
		op    operation
		want  verdict
		names []string
	}{
		{"master key", caused(opensearch.CauseMasterKeyMissing, "Master key is a required config"), opWrite,
			verdict{reason: v1alpha1.ReasonMasterKeyMissing, requeueAfter: resync},
			[]string{"plugins.query.datasources.encryption.masterkey", "opensearch.yml", "every node"}},
		{"host that does not resolve backs off", caused(opensearch.CauseHostUnresolvable, "Invalid flint host in properties."), opWrite,
			verdict{reason: v1alpha1.ReasonHostUnresolvable, backoff: true},
			[]string{"prometheus.uri", "glue.indexstore.opensearch.uri", "retrying with backoff"}},
		{"denylisted host", caused(opensearch.CauseHostDenied, "Disallowed hostname in the uri."), opWrite,
			verdict{reason: v1alpha1.ReasonHostDenied, requeueAfter: resync},
			[]string{"plugins.query.datasources.uri.hosts.denylist"}},
		{"limit", caused(opensearch.CauseLimitReached, "domain concurrent datasources can not exceed 20"), opWrite,
			verdict{reason: v1alpha1.ReasonLimitReached, requeueAfter: resync},
			[]string{"plugins.query.datasources.limit", "delete"}},
		{"API switched off, on a write", caused(opensearch.CauseAPIDisabled, "plugins.query.datasources.enabled setting is false"), opWrite,
			verdict{reason: v1alpha1.ReasonAPIDisabled, requeueAfter: resync},
			[]string{"plugins.query.datasources.enabled", "true"}},
		{"API switched off, on a probe", caused(opensearch.CauseAPIDisabled, "plugins.query.datasources.enabled setting is false"), opProbe,
			verdict{reason: v1alpha1.ReasonAPIDisabled, requeueAfter: resync},
			[]string{"plugins.query.datasources.enabled"}},
		{"a duplicate stays a refusal", caused(opensearch.CauseDuplicate, "A datasource already exists with name: x"), opWrite,
			verdict{reason: v1alpha1.ReasonRejected, requeueAfter: resync}, nil},
		{"re-create refused", fmt.Errorf("writing: %w", &opensearch.RecreateRefusedError{Stale: []string{"glue.x", "glue.y"}}), opWrite,
			verdict{reason: v1alpha1.ReasonRecreateRequired, requeueAfter: resync},
			[]string{"glue.x, glue.y", "spec.recreatePolicy", "Allow", "Flint"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := judge(tc.err, tc.op, resync, time.Minute)
			msg := got.message
			got.message = ""
			if got != tc.want {
				t.Errorf("judge = %+v, want %+v", got, tc.want)
			}
			for _, n := range tc.names {
				if !strings.Contains(msg, n) {
					t.Errorf("message %q does not name %q", msg, n)
				}
			}
			var osErr *opensearch.Error
			if errors.As(tc.err, &osErr) && !strings.HasSuffix(msg, tc.err.Error()) {
				t.Errorf("message = %q, want OpenSearch's own text %q at its end", msg, tc.err.Error())
			}
		})
	}
}

// TestFailedKeepsErrorOnlyForBackoff checks that only a backoff verdict
// hands the error to the controller (which then retries with backoff);
// every other verdict requeues after its delay or waits for a change.
func TestFailedKeepsErrorOnlyForBackoff(t *testing.T) {
	err := errors.New("boom")
	if out := failed(verdict{reason: v1alpha1.ReasonUnavailable, backoff: true}, err); out.err != err || out.result.RequeueAfter != 0 {
		t.Errorf("backoff outcome = %+v, want the error and no delay", out)
	}
	if out := failed(verdict{reason: v1alpha1.ReasonRejected, requeueAfter: time.Minute}, err); out.err != nil || out.result.RequeueAfter != time.Minute {
		t.Errorf("refused outcome = %+v, want no error and a one-minute requeue", out)
	}
}

func TestJitteredStaysWithinATenth(t *testing.T) {
	for range 1000 {
		if got := jittered(time.Minute); got < time.Minute || got > time.Minute+6*time.Second {
			t.Fatalf("jittered(1m) = %s, want within [1m, 1m6s]", got)
		}
	}
	if got := jittered(0); got != 0 {
		t.Errorf("jittered(0) = %s", got)
	}
}
