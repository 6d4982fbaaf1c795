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

package helm

import (
	"fmt"
	"os"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// apiServer is the envtest API server every dry run goes to; nil when
// KUBEBUILDER_ASSETS is unset (the tests that need it then fail, saying so).
var apiServer *rest.Config

func TestMain(m *testing.M) {
	var env *envtest.Environment
	if os.Getenv("KUBEBUILDER_ASSETS") != "" {
		env = &envtest.Environment{}
		cfg, err := env.Start()
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting envtest:", err)
			os.Exit(1)
		}
		apiServer = cfg
	}
	code := m.Run()
	if env != nil {
		_ = env.Stop()
	}
	os.Exit(code)
}
