package config

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

const testBotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

func TestTelegramFlags(t *testing.T) {
	t.Setenv("QALAM_TELEGRAM", "")
	t.Setenv("QALAM_TELEGRAM_TOKEN", "")
	o, err := ParseServe(nil, io.Discard)
	if err != nil || o.Telegram.Enabled() || o.Telegram.API != "https://api.telegram.org" {
		t.Fatalf("defaults: %+v, %v", o.Telegram, err)
	}
	t.Setenv("QALAM_TELEGRAM_TOKEN", testBotToken)
	o, err = ParseServe([]string{"--telegram", " kk=@zhasyl_aula_kk, ru=-1001234567890 ", "--telegram-api", "http://127.0.0.1:8081/"}, io.Discard)
	if err != nil || !o.Telegram.Enabled() || o.Telegram.Chats["kk"] != "@zhasyl_aula_kk" || o.Telegram.Chats["ru"] != "-1001234567890" ||
		len(o.Telegram.Chats) != 2 || o.Telegram.API != "http://127.0.0.1:8081" || o.Telegram.Token.Reveal() != testBotToken {
		t.Fatalf("configured: %+v, %v", o.Telegram, err)
	}
	// From the environment too.
	t.Setenv("QALAM_TELEGRAM", "en=@news_en")
	if o, err := ParseServe(nil, io.Discard); err != nil || o.Telegram.Chats["en"] != "@news_en" {
		t.Fatalf("from env: %+v, %v", o.Telegram, err)
	}
	for _, bad := range [][]string{
		{"--telegram", "kk"},
		{"--telegram", "kk=channel"},
		{"--telegram", "kk=@a"},
		{"--telegram", "=@news_kk"},
		{"--telegram", "kk=@news_kk,kk=@other_kk"},
		{"--telegram", "kk=@news_kk", "--telegram-api", "http://api.example.org"},
		{"--telegram", "kk=@news_kk", "--telegram-api", "ftp://127.0.0.1"},
	} {
		if _, err := ParseServe(bad, io.Discard); err == nil {
			t.Errorf("ParseServe(%q) accepted", bad)
		}
	}
	t.Setenv("QALAM_TELEGRAM_TOKEN", "")
	if _, err := ParseServe([]string{"--telegram", "kk=@news_kk"}, io.Discard); err == nil || !strings.Contains(err.Error(), "QALAM_TELEGRAM_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	t.Setenv("QALAM_TELEGRAM_TOKEN", "not a token "+testBotToken)
	_, err = ParseServe([]string{"--telegram", "kk=@news_kk"}, io.Discard)
	if err == nil || strings.Contains(err.Error(), testBotToken) {
		t.Errorf("malformed token: %v", err)
	}
}

func TestTelegramTokenNeverPrinted(t *testing.T) {
	t.Setenv("QALAM_TELEGRAM", "kk=@news_kk")
	t.Setenv("QALAM_TELEGRAM_TOKEN", testBotToken)
	o, err := ParseServe(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%+v", o), fmt.Sprintf("%#v", o)} {
		if strings.Contains(s, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") {
			t.Fatalf("token printed: %s", s)
		}
	}
	var help strings.Builder
	ParseServe([]string{"--help"}, &help)
	if strings.Contains(help.String(), "AAHdqTcv") || !strings.Contains(help.String(), "-telegram channel") {
		t.Fatalf("help:\n%s", help.String())
	}
}
