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
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestReasonsSince(t *testing.T) {
	// A step starts at t, with nanoseconds an event's time cannot hold.
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	event := func(name, reason string, at time.Time) eventsv1.Event {
		return eventsv1.Event{
			Regarding: corev1.ObjectReference{Name: name},
			Reason:    reason,
			EventTime: metav1.NewMicroTime(at.Truncate(time.Microsecond)),
		}
	}
	repeated := func(e eventsv1.Event, last time.Time) eventsv1.Event {
		e.Series = &eventsv1.EventSeries{Count: 2, LastObservedTime: metav1.NewMicroTime(last.Truncate(time.Microsecond))}
		return e
	}
	cases := []struct {
		name   string
		events []eventsv1.Event
		want   []string
	}{
		{
			name: "recorded in the same microsecond as the start",
			events: []eventsv1.Event{
				event("analytics", "Recreating", t0),
				event("analytics", "Recreated", t0.Add(2*time.Millisecond)),
			},
			want: []string{"Recreating", "Recreated"},
		},
		{
			name:   "a repeat of an event first seen before the start",
			events: []eventsv1.Event{repeated(event("analytics", "Recreated", t0.Add(-time.Minute)), t0.Add(time.Second))},
			want:   []string{"Recreated"},
		},
		{
			name: "oldest first, whatever the list order",
			events: []eventsv1.Event{
				event("analytics", "Recreated", t0.Add(2*time.Second)),
				repeated(event("analytics", "Recreating", t0.Add(-time.Hour)), t0.Add(time.Second)),
			},
			want: []string{"Recreating", "Recreated"},
		},
		{
			name: "before the start, or about another object",
			events: []eventsv1.Event{
				event("analytics", "Matched", t0.Add(-time.Microsecond)),
				event("prometheus", "Recreated", t0.Add(time.Second)),
			},
			want: []string{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := reasonsSince(tc.events, "analytics", t0); !slices.Equal(got, tc.want) {
				t.Errorf("reasonsSince = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestContainsAll(t *testing.T) {
	cases := []struct {
		have, want []string
		ok         bool
	}{
		{[]string{"Recreating", "Recreated"}, []string{"Recreated", "Recreating"}, true},
		{[]string{"Recreating"}, []string{"Recreating", "Recreated"}, false},
		{nil, nil, true},
	}
	for _, tc := range cases {
		if got := containsAll(tc.have, tc.want); got != tc.ok {
			t.Errorf("containsAll(%q, %q) = %v, want %v", tc.have, tc.want, got, tc.ok)
		}
	}
}
