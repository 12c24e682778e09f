package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"qalam/internal/translit"
)

func runTranslit(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = translitCmd(args, stdin, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestTranslitKkLatn(t *testing.T) {
	in := "Бұрыңғы өткен заманда, бір данышпан кісі\nҚАЗАҚСТАН — Цой, iOS-қа\n\nсоңғы жол жаңа жолсыз"
	want := "Būryñğy ötken zamanda, bır danyşpan kısı\nQAZAQSTAN — Tsoi, iOS-qa\n\nsoñğy jol jaña jolsyz"
	out, errOut, err := runTranslit(t, strings.NewReader(in), "kk-latn")
	if err != nil || out != want || errOut != "" {
		t.Errorf("translit kk-latn: err %v, stderr %q\n got %q\nwant %q", err, errOut, out, want)
	}
}

// Invalid UTF-8 is copied byte for byte, like any text that is not Kazakh.
func TestTranslitInvalidUTF8PassesThrough(t *testing.T) {
	in := "бір\xff\xfeқ\xd0\nLatin \x80 text\n\xd0"
	want := "bır\xff\xfeq\xd0\nLatin \x80 text\n\xd0"
	out, _, err := runTranslit(t, strings.NewReader(in), "kk-latn")
	if err != nil || out != want {
		t.Errorf("err %v\n got %+q\nwant %+q", err, out, want)
	}
}

// Large input, long lines, lines without spaces and input that arrives a
// byte at a time convert exactly as translit.Latin converts the whole.
func TestTranslitStreams(t *testing.T) {
	line := "Қазақстан Республикасының Чемпионаты, ЦСКА мен Щучинск; бiр iшкi.\n"
	for name, in := range map[string]string{
		"many lines":          strings.Repeat(line, 5000),
		"one long line":       strings.Repeat(strings.TrimSuffix(line, "\n")+" ", 5000),
		"letters only":        strings.Repeat("щЩжәі", 30000) + "\n" + strings.Repeat("қ", 100000),
		"punctuation only":    strings.Repeat("«—»", 40000),
		"no newline at end":   strings.Repeat(line, 100) + "соңы",
		"empty":               "",
		"letters then a mark": strings.Repeat("ә", translitBuf/2-1) + "и\u0306 ЦОЙ",
	} {
		// "letters only" is cut between letters every 64 KB; no two-letter
		// capital sits before a cut there, so even that is exact.
		want := translit.Latin(in)
		for rname, r := range map[string]io.Reader{
			"whole":      strings.NewReader(in),
			"byte-wise":  iotest.OneByteReader(strings.NewReader(in)),
			"half-reads": iotest.HalfReader(strings.NewReader(in)),
			"data+EOF":   iotest.DataErrReader(strings.NewReader(in)),
		} {
			if rname == "byte-wise" && len(in) > 200000 {
				continue
			}
			out, _, err := runTranslit(t, r, "kk-latn")
			if err != nil || out != want {
				t.Errorf("%s, %s: err %v, output differs from translit.Latin (%d bytes, want %d)", name, rname, err, len(out), len(want))
			}
		}
	}
}

// Lines are written as they are read, not when the input ends.
func TestTranslitWritesLinesAsTheyCome(t *testing.T) {
	pr, pw := io.Pipe()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- translitCmd([]string{"kk-latn"}, pr, &out, io.Discard) }()
	if _, err := io.WriteString(pw, "бірінші жол\nекін"); err != nil {
		t.Fatal(err)
	}
	// The pipe hands the write over only when translitCmd has read it; the
	// line is then converted before the next read.
	if _, err := io.WriteString(pw, "ші"); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "bırınşı jol\n" {
		t.Errorf("after one line: %q", got)
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "bırınşı jol\nekınşı" {
		t.Errorf("at the end: %q", got)
	}
}

func TestTranslitErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"ru-latn"}, {"latn-kk"}, {"kk-latn", "file.txt"}} {
		out, errOut, err := runTranslit(t, strings.NewReader("бір"), args...)
		if err == nil {
			t.Errorf("translit %q succeeded", args)
		}
		if out != "" || !strings.Contains(errOut, "Usage: qalam translit kk-latn") {
			t.Errorf("translit %q: stdout %q, stderr %q; want usage on stderr only", args, out, errOut)
		}
	}
	out, _, err := runTranslit(t, strings.NewReader(""), "--help")
	if err != nil || !strings.Contains(out, "kk-latn") {
		t.Errorf("translit --help: %v, %q", err, out)
	}

	failing := io.MultiReader(strings.NewReader("бір\nекі"), iotest.ErrReader(errors.New("disk on fire")))
	out, _, err = runTranslit(t, failing, "kk-latn")
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || out != "bır\nekı" {
		t.Errorf("a read error: err %v, output %q; want the error and everything read before it", err, out)
	}
}

// The command is reachable from run, and without a direction it fails
// before reading anything.
func TestRunTranslit(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, []string{"translit"}, &out, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "Usage: qalam translit") {
		t.Errorf("qalam translit: err %v, stderr %q", err, errOut.String())
	}
	out.Reset()
	if err := run(context.Background(), nil, []string{"help"}, &out, &errOut); err != nil || !strings.Contains(out.String(), "qalam translit kk-latn") {
		t.Errorf("qalam help does not list translit: %v %q", err, out.String())
	}
}
