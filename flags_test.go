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
	"flag"
	"fmt"
	"io"
	"net/netip"
	"testing"
)

// TestDenyEgressFlag: the manager denies the metadata networks unless told
// otherwise, takes a list in their place, and an empty value denies none.
func TestDenyEgressFlag(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{nil, "[169.254.0.0/16 fe80::/10 fd00:ec2::254/128 fd00:ec2::23/128 100.100.100.200/32 168.63.129.16/32 192.0.0.192/32]", false},
		{[]string{"--deny-egress-cidrs=10.0.0.0/8,169.254.169.254"}, "[10.0.0.0/8 169.254.169.254/32]", false},
		{[]string{"--deny-egress-cidrs="}, "[]", false},
		{[]string{"--deny-egress-cidrs=metadata.internal"}, "", true},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("manager", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var got []netip.Prefix
		bindDeniedEgress(fs, &got)
		err := fs.Parse(tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: error %v", tt.args, err)
			continue
		}
		if !tt.wantErr && fmt.Sprint(got) != tt.want {
			t.Errorf("%v: %v, want %s", tt.args, got, tt.want)
		}
	}
}
