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
