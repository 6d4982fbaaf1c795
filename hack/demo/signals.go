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
	"os"
	"os/signal"
	"syscall"
)

// stopSignals stop the demo. Each is caught rather than left to kill the
// process, so that the demo stops kube-apiserver, etcd and the servers it
// started and removes their files: Ctrl-C (SIGINT), kill (SIGTERM), a
// closed terminal (SIGHUP) and Ctrl-\ (SIGQUIT).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// withStopSignals returns a context cancelled by the first stop signal, and
// the function that hands the signals back to their default behaviour.
//
// It also keeps a broken stdout from killing the demo. With `make demo 2>&1
// | tee log`, Ctrl-C stops tee as well; a Go program that has not asked for
// SIGPIPE dies of it on its next line to stdout, which is the line saying it
// is stopping, before anything is cleaned up. Asking for SIGPIPE (and never
// reading it) turns that write into an EPIPE error the demo ignores.
func withStopSignals(parent context.Context) (context.Context, context.CancelFunc) {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	return signal.NotifyContext(parent, stopSignals...)
}
