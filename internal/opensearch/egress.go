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

package opensearch

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// DefaultDeniedEgress lists the networks the manager refuses to connect to
// unless told otherwise: the link-local ranges and the cloud metadata and
// platform addresses outside them. Behind each one sits a service that
// hands out the node's or the pod's credentials or configuration to
// whoever can open a connection from the node; no OpenSearch endpoint
// lives there.
//
//   - 169.254.0.0/16: IPv4 link-local. Instance metadata of AWS, Google
//     Cloud, Azure, OpenStack, DigitalOcean and Oracle Cloud
//     (169.254.169.254), the ECS task and EKS Pod Identity credential
//     agents (169.254.170.2, 169.254.170.23).
//   - fe80::/10: IPv6 link-local, the same role for IPv6.
//   - fd00:ec2::254/128 and fd00:ec2::23/128: AWS's instance metadata and
//     EKS Pod Identity agent over IPv6, which are not link-local.
//   - 100.100.100.200/32: Alibaba Cloud's instance metadata.
//   - 168.63.129.16/32: Azure's WireServer, which serves a VM's extension
//     settings and certificates.
//   - 192.0.0.192/32: Oracle Cloud Classic's instance metadata.
const DefaultDeniedEgress = "169.254.0.0/16,fe80::/10,fd00:ec2::254/128,fd00:ec2::23/128," +
	"100.100.100.200/32,168.63.129.16/32,192.0.0.192/32"

// ParsePrefixes reads a comma-separated list of CIDRs; a bare address
// stands for itself alone (/32 or /128). An empty list denies nothing.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is neither a CIDR nor an IP address", item)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// EgressDeniedError is a connection refused before it was opened: the
// address the endpoint's host resolved to lies in a denied network.
type EgressDeniedError struct {
	// Addr is the address that was about to be dialled.
	Addr netip.Addr
	// Network is the denied network holding it.
	Network netip.Prefix
}

func (e *EgressDeniedError) Error() string {
	return fmt.Sprintf("the operator does not connect to %s: it is in %s, a network the operator denies (--deny-egress-cidrs)",
		e.Addr, e.Network)
}

// nat64 is the well-known NAT64 prefix: an address in it reaches the IPv4
// address in its last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// deniedNetwork returns the network of denied that holds addr, checking
// what addr really reaches: an IPv4-mapped IPv6 address is its IPv4
// address, a NAT64 address also its embedded IPv4 address, and the
// unspecified address (which Linux dials as the host itself) also the
// loopback address.
func deniedNetwork(denied []netip.Prefix, addr netip.Addr) (netip.Prefix, bool) {
	addr = addr.WithZone("").Unmap()
	reaches := []netip.Addr{addr}
	switch {
	case addr.IsUnspecified() && addr.Is4():
		reaches = append(reaches, netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	case addr.IsUnspecified():
		reaches = append(reaches, netip.IPv6Loopback())
	case nat64.Contains(addr):
		b := addr.As16()
		reaches = append(reaches, netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	for _, p := range denied {
		for _, a := range reaches {
			if p.Contains(a) {
				return p, true
			}
		}
	}
	return netip.Prefix{}, false
}

// denyControl is a net.Dialer Control function refusing denied networks.
// It runs for every address the dialer tries, after the host name was
// resolved and before the socket connects, so a name that resolves (or is
// rebound) to a denied address is refused just as the literal address is.
func denyControl(denied []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("the operator does not connect to %q: not an IP address and port", address)
		}
		if p, denied := deniedNetwork(denied, ap.Addr()); denied {
			return &EgressDeniedError{Addr: ap.Addr().WithZone("").Unmap(), Network: p}
		}
		return nil
	}
}

// newDialer is the dialer of every connection's transport: Go's default
// settings, plus the check of denied networks when there are any.
func newDialer(denied []netip.Prefix) *net.Dialer {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if len(denied) > 0 {
		d.Control = denyControl(denied)
	}
	return d
}
