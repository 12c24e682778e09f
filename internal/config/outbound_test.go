package config

import (
	"io"
	"net/netip"
	"slices"
	"testing"
)

func TestOutboundAllow(t *testing.T) {
	o, err := ParseServe(nil, io.Discard)
	if err != nil || len(o.OutboundAllow) != 0 {
		t.Fatalf("default: %v, %v; want nothing allowed", o.OutboundAllow, err)
	}
	o, err = ParseServe([]string{"--outbound-allow", "127.0.0.1, 10.20.3.4/16,fd00::/8"}, io.Discard)
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("fd00::/8")}
	if err != nil || !slices.Equal(o.OutboundAllow, want) {
		t.Errorf("allow = %v, %v; want %v", o.OutboundAllow, err, want)
	}
	t.Setenv("QALAM_OUTBOUND_ALLOW", "192.168.0.0/24")
	if o, err = ParseServe(nil, io.Discard); err != nil || len(o.OutboundAllow) != 1 {
		t.Errorf("from the environment: %v, %v", o.OutboundAllow, err)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "http://10.0.0.1/"} {
		if _, err := ParseServe([]string{"--outbound-allow", bad}, io.Discard); err == nil {
			t.Errorf("--outbound-allow %q accepted", bad)
		}
	}
}
