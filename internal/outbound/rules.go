package outbound

import "net/netip"

// rule is a network refused by default and the words that say why.
type rule struct {
	net netip.Prefix
	why string
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// v4Rules are IPv4 networks no receiver qalam should talk to lives on
// (IANA's special-purpose registry, RFC 6890, less the globally reachable).
var v4Rules = []rule{
	{mustPrefix("0.0.0.0/8"), `"this network" (0.0.0.0/8), which reaches the local host`},
	{mustPrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{mustPrefix("100.64.0.0/10"), "a carrier-grade NAT address (100.64.0.0/10)"},
	{mustPrefix("127.0.0.0/8"), "a loopback address"},
	{mustPrefix("169.254.0.0/16"), "a link-local address (169.254.0.0/16, where cloud metadata services live)"},
	{mustPrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{mustPrefix("192.0.0.0/24"), "an IETF protocol address (192.0.0.0/24)"},
	{mustPrefix("192.0.2.0/24"), "a documentation address"},
	{mustPrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{mustPrefix("198.18.0.0/15"), "a benchmarking address (198.18.0.0/15)"},
	{mustPrefix("198.51.100.0/24"), "a documentation address"},
	{mustPrefix("203.0.113.0/24"), "a documentation address"},
	{mustPrefix("224.0.0.0/4"), "a multicast address"},
	{mustPrefix("240.0.0.0/4"), "a reserved address (240.0.0.0/4, broadcast included)"},
}

// v6Rules are the IPv6 ones; forms that embed an IPv4 address are judged
// by it in Refused.
var v6Rules = []rule{
	{mustPrefix("::1/128"), "a loopback address"},
	{mustPrefix("::/128"), "the unspecified address"},
	{mustPrefix("64:ff9b:1::/48"), "a local-use NAT64 address"},
	{mustPrefix("100::/64"), "a discard-only address"},
	{mustPrefix("2001:db8::/32"), "a documentation address"},
	{mustPrefix("fc00::/7"), "a private (unique local) address"},
	{mustPrefix("fe80::/10"), "a link-local address"},
	{mustPrefix("fec0::/10"), "a site-local address"},
	{mustPrefix("ff00::/8"), "a multicast address"},
}

var (
	nat64  = mustPrefix("64:ff9b::/96")
	compat = mustPrefix("::/96")
	sixTo4 = mustPrefix("2002::/16")
)

// Refused returns why addr is refused by default, or "" when it is a
// public address. IPv6 forms that carry an IPv4 address (mapped,
// compatible, NAT64, 6to4) are refused when that address is.
func Refused(addr netip.Addr) string {
	if !addr.IsValid() {
		return "not an IP address"
	}
	addr = addr.WithZone("")
	if addr.Is4In6() {
		if why := Refused(addr.Unmap()); why != "" {
			return why + ", written as IPv4-mapped IPv6"
		}
		return ""
	}
	if addr.Is4() {
		for _, r := range v4Rules {
			if r.net.Contains(addr) {
				return r.why
			}
		}
		return ""
	}
	for _, r := range v6Rules {
		if r.net.Contains(addr) {
			return r.why
		}
	}
	b := addr.As16()
	var embedded netip.Addr
	switch {
	case nat64.Contains(addr), compat.Contains(addr):
		embedded = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case sixTo4.Contains(addr):
		embedded = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	default:
		return ""
	}
	if why := Refused(embedded); why != "" {
		return why + ", embedded in IPv6 " + addr.String()
	}
	if compat.Contains(addr) {
		return "an IPv4-compatible IPv6 address (deprecated)"
	}
	return ""
}
