package config

import (
	"flag"
	"fmt"
	"net/netip"
	"strings"
)

// outboundFlags registers --outbound-allow and returns the check that
// parses it into *allow once the flags are parsed. Outbound requests
// (webhooks, fetched thumbnails) refuse loopback, private and link-local
// addresses (package outbound) unless a network is listed here.
func outboundFlags(fs *flag.FlagSet, allow *[]netip.Prefix) func() error {
	v := fs.String("outbound-allow", env("QALAM_OUTBOUND_ALLOW", ""), "comma-separated `CIDRs` that webhooks and other outbound requests may reach although they are loopback, private or link-local, e.g. 10.20.0.0/16 for an intranet receiver; refused by default (env QALAM_OUTBOUND_ALLOW)")
	return func() error {
		var out []netip.Prefix
		for _, p := range strings.Split(*v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if !strings.Contains(p, "/") {
				a, err := netip.ParseAddr(p)
				if err != nil {
					return fmt.Errorf("serve: --outbound-allow %q: give CIDRs such as 10.20.0.0/16 or single addresses", p)
				}
				out = append(out, netip.PrefixFrom(a, a.BitLen()))
				continue
			}
			pr, err := netip.ParsePrefix(p)
			if err != nil {
				return fmt.Errorf("serve: --outbound-allow %q: give CIDRs such as 10.20.0.0/16 or single addresses", p)
			}
			out = append(out, pr.Masked())
		}
		*allow = out
		return nil
	}
}
