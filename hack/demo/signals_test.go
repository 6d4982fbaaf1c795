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
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalChildEnv makes the test binary play the demo's part in
// TestStopSignalsLeaveTimeToCleanUp.
const signalChildEnv = "DEMO_SIGNALS_CHILD"

// TestStopSignalsLeaveTimeToCleanUp runs a process with its stdout a pipe
// nobody reads any more, as `make demo | tee log` is after Ctrl-C stopped
// tee: writing there must fail with an error instead of killing the process,
// and each stop signal must cancel the context instead of killing it, so
// that the demo's deferred clean-up runs.
func TestStopSignalsLeaveTimeToCleanUp(t *testing.T) {
	if os.Getenv(signalChildEnv) != "" {
		signalChild()
		return
	}
	for _, sig := range stopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			_ = r.Close() // the reader is gone, like tee after Ctrl-C
			var stderr bytes.Buffer
			cmd := exec.Command(os.Args[0], "-test.run=^TestStopSignalsLeaveTimeToCleanUp$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", signalChildEnv, sig.(syscall.Signal)))
			cmd.Stdout, cmd.Stderr = w, &stderr
			err = cmd.Run()
			_ = w.Close()
			if err != nil {
				t.Fatalf("the process did not survive a broken stdout and %v: %v\n%s", sig, err, stderr.String())
			}
			for _, want := range []string{"writing to stdout failed with EPIPE", "stopped by " + sig.String()} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("the process did not report %q:\n%s", want, stderr.String())
				}
			}
		})
	}
}

// signalChild writes to its broken stdout, signals itself and waits for
// the context to end, reporting each on stderr; it exits before the test
// framework would print anything.
func signalChild() {
	var sig syscall.Signal
	if _, err := fmt.Sscan(os.Getenv(signalChildEnv), (*int)(&sig)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := withStopSignals(context.Background())
	defer stop()
	if _, err := fmt.Println("interrupted; stopping"); errors.Is(err, syscall.EPIPE) {
		fmt.Fprintln(os.Stderr, "writing to stdout failed with EPIPE")
	}
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "stopped by", sig)
		os.Exit(0)
	case <-time.After(10 * time.Second):
		fmt.Fprintln(os.Stderr, "the context was not cancelled within 10s")
		os.Exit(1)
	}
}
