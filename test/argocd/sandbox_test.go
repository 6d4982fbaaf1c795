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

// Package argocd tests the Argo CD health checks in config/argocd: every
// case of each health_test.yaml runs in the sandbox Argo CD gives checks
// installed through argocd-cm, and the testdata are objects the operator
// itself wrote in envtest (TestCaptureTestdata).
package argocd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// health is what a health.lua returns.
type health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// validStatuses are the statuses Argo CD accepts from a script; anything
// else becomes Unknown there, so a test must reject it here.
var validStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true,
	"Suspended": true, "Missing": true, "Unknown": true,
}

// runHealth evaluates script against obj the way Argo CD evaluates a check
// from argocd-cm: the standard libraries stay closed and only base and
// table are opened (Argo CD adds package and a trimmed os, which these
// scripts do not need, so passing here implies passing there), the object
// is the global `obj` with numbers as Lua numbers, and the run is cut off
// after one second.
func runHealth(script string, obj map[string]any) (health, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for name, open := range map[string]lua.LGFunction{lua.BaseLibName: lua.OpenBase, lua.TabLibName: lua.OpenTable} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(open), NRet: 0, Protect: true}, lua.LString(name)); err != nil {
			return health{}, fmt.Errorf("opening the %q library: %w", name, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return health{}, err
	}
	ret, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return health{}, fmt.Errorf("the script returned %s, not a table", l.Get(-1).Type())
	}
	var h health
	var bad error
	ret.ForEach(func(k, v lua.LValue) {
		s, isString := v.(lua.LString)
		switch {
		case k.String() != "status" && k.String() != "message":
			bad = errors.Join(bad, fmt.Errorf("unexpected key %q in the result", k.String()))
		case !isString:
			bad = errors.Join(bad, fmt.Errorf("%s is a %s, not a string", k.String(), v.Type()))
		case k.String() == "status":
			h.Status = string(s)
		default:
			h.Message = string(s)
		}
	})
	if bad != nil {
		return health{}, bad
	}
	if !validStatuses[h.Status] {
		return health{}, fmt.Errorf("invalid health status %q (Argo CD would show Unknown)", h.Status)
	}
	return h, nil
}

// toLua converts a decoded Kubernetes object to Lua values as Argo CD does:
// maps become tables with string keys, lists become sequences, integers and
// floats become numbers. Map keys are visited in order so that a failing
// run is reproducible.
func toLua(l *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case int64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.RawSetString(k, toLua(l, v[k]))
		}
		return t
	default:
		panic(fmt.Sprintf("unexpected %T in a decoded object", v))
	}
}
