package config

import (
	"io"
	"strings"
	"testing"
)

func TestHosts(t *testing.T) {
	got, err := Hosts("127.0.0.1:8080", "https://News.Example.org, mirror.example.net:8443")
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, o := range got {
		s = append(s, o.String())
	}
	want := "http://127.0.0.1:8080 http://localhost:8080 https://news.example.org http://mirror.example.net:8443"
	if strings.Join(s, " ") != want {
		t.Errorf("Hosts = %v, want %s", s, want)
	}
	if _, err := Hosts("127.0.0.1:8080", "https://x.org/path"); err == nil {
		t.Error("an origin with a path was accepted")
	}
	if _, err := Hosts("nonsense", ""); err == nil {
		t.Error("a bad listen address was accepted")
	}
}

func TestParseServeEnvAndFlags(t *testing.T) {
	t.Setenv("QALAM_ADDR", "127.0.0.1:9999")
	t.Setenv("QALAM_DATA", "/tmp/x")
	t.Setenv("QALAM_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
	o, err := ParseServe([]string{"--demo", "--cache-mb", "8"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != "127.0.0.1:9999" || o.Data != "/tmp/x" || !o.Demo || o.CacheBytes != 8<<20 || len(o.TrustedProxies) != 2 {
		t.Errorf("unexpected options %+v", o)
	}
	if _, err := ParseServe([]string{"--trusted-proxies", "nope"}, io.Discard); err == nil {
		t.Error("bad proxy accepted")
	}
	if _, err := ParseServe([]string{"--poll", "5s"}, io.Discard); err == nil {
		t.Error("a poll interval over a second was accepted")
	}
}

func TestPrimaryAndAdminOrigin(t *testing.T) {
	o, err := ParseServe([]string{"--addr", "127.0.0.1:8080"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Primary.String() != "http://127.0.0.1:8080" || o.AdminOrigin != o.Primary {
		t.Errorf("defaults: primary %s admin %s", o.Primary, o.AdminOrigin)
	}
	o, err = ParseServe([]string{"--addr", "127.0.0.1:8080", "--hosts", "https://News.Example.org,mirror.example.net"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Primary.String() != "https://news.example.org" {
		t.Errorf("primary defaults to the first --hosts entry: %s", o.Primary)
	}
	o, err = ParseServe([]string{"--hosts", "https://news.example.org,http://abc.onion", "--primary", "news.example.org", "--admin-origin", "http://abc.onion"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Primary.String() != "https://news.example.org" || o.AdminOrigin.String() != "http://abc.onion" {
		t.Errorf("primary %s admin %s", o.Primary, o.AdminOrigin)
	}
	for _, bad := range [][]string{
		{"--primary", "https://elsewhere.example.org"},
		{"--admin-origin", "https://elsewhere.example.org"},
		{"--primary", "a.example.org,b.example.org"},
		{"--country-header", "CF-IPCountry"},
		{"--country-header", "CF-IPCountry", "--geoip-db", "/x.mmdb", "--trusted-proxies", "10.0.0.0/8"},
	} {
		if _, err := ParseServe(bad, io.Discard); err == nil {
			t.Errorf("%v was accepted", bad)
		}
	}
	if _, err := ParseServe([]string{"--country-header", "CF-IPCountry", "--trusted-proxies", "10.0.0.0/8"}, io.Discard); err != nil {
		t.Errorf("country header behind a proxy: %v", err)
	}
}

func TestRequire2FA(t *testing.T) {
	o, err := ParseServe(nil, io.Discard)
	if err != nil || strings.Join(o.Require2FA, ",") != "editor,chief,admin" {
		t.Fatalf("default %v %v", o.Require2FA, err)
	}
	o, err = ParseServe([]string{"--require-2fa", " Reporter, editor ,chief,admin"}, io.Discard)
	if err != nil || strings.Join(o.Require2FA, ",") != "reporter,editor,chief,admin" {
		t.Errorf("list %v %v", o.Require2FA, err)
	}
	if _, err := ParseServe([]string{"--require-2fa", "editor,chief"}, io.Discard); err == nil {
		t.Error("a list without admin was accepted")
	}
}
