// Package geotest writes small MaxMind-format country databases for tests,
// with the real writer, in both record layouts qalam reads.
package geotest

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Layout is the shape of a record.
type Layout int

const (
	// IPLocationDB records are {"country_code": "RU"} (the npm
	// @ip-location-db packages).
	IPLocationDB Layout = iota
	// GeoLite2 records are {"country": {"iso_code": "RU"}}.
	GeoLite2
)

// WriteDB writes a database mapping each CIDR to its country into the
// test's temporary directory and returns its path.
func WriteDB(t testing.TB, layout Layout, networks map[string]string) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "qalam-test-country", RecordSize: 24, IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, cc := range networks {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		var rec mmdbtype.Map
		switch layout {
		case GeoLite2:
			rec = mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(cc)}}
		default:
			rec = mmdbtype.Map{"country_code": mmdbtype.String(cc)}
		}
		if err := w.Insert(n, rec); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "country.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
