package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"qalam/internal/translit"
)

const translitUsage = `Usage: qalam translit kk-latn < cyrillic.txt > latin.txt

Converts Cyrillic Kazakh on standard input to the 2021 Kazakh Latin alphabet
on standard output, line by line, by the same rules as the site's Latin
pages (go doc qalam/internal/translit). Text that is not Cyrillic Kazakh
is copied unchanged, and so are bytes that are not valid UTF-8.

Directions:
  kk-latn   Kazakh, Cyrillic to the 2021 Latin alphabet
`

func init() {
	register("translit", 10, "qalam translit kk-latn    Cyrillic Kazakh on stdin to the 2021 Latin alphabet on stdout",
		func(_ context.Context, args []string, e env) error {
			return translitCmd(args, e.stdin, e.stdout, e.stderr)
		})
}

// translitBuf bounds memory however long a line is: a line longer than
// this is converted in pieces (see translitCut).
const translitBuf = 64 << 10

// translitCmd converts standard input as it arrives: every complete line is
// written as soon as it is read, so the command works on input of any size
// and interactively.
func translitCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0:
		fmt.Fprint(stderr, translitUsage)
		return errors.New("translit: no direction given")
	case args[0] == "help" || args[0] == "-h" || args[0] == "--help":
		fmt.Fprint(stdout, translitUsage)
		return nil
	case args[0] != "kk-latn":
		fmt.Fprint(stderr, translitUsage)
		return fmt.Errorf("translit: unknown direction %q", args[0])
	case len(args) > 1:
		fmt.Fprint(stderr, translitUsage)
		return fmt.Errorf("translit: unexpected argument %q (the text comes on standard input)", args[1])
	}

	buf := make([]byte, translitBuf)
	n := 0 // bytes read and not yet converted
	for {
		m, rerr := stdin.Read(buf[n:])
		n += m
		cut := n // at the end of input everything left goes out
		if rerr == nil {
			cut = translitCut(buf[:n], n == len(buf))
		}
		if cut > 0 {
			if _, err := io.WriteString(stdout, translit.Latin(string(buf[:cut]))); err != nil {
				return fmt.Errorf("translit: %w", err)
			}
			n = copy(buf, buf[cut:n])
		}
		switch {
		case rerr == io.EOF:
			return nil
		case rerr != nil:
			return fmt.Errorf("translit: reading standard input: %w", rerr)
		}
	}
}

// translitCut returns how much of b can be converted now: up to the last
// newline; if the buffer is full without one, up to the last ASCII byte
// that is not a letter (the conversion never looks across one, so the
// pieces convert exactly as the whole line would); failing that, in 64 KB
// of letters, up to the last whole character.
func translitCut(b []byte, full bool) int {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return i + 1
	}
	if !full {
		return 0
	}
	for i := len(b) - 1; i >= 0; i-- {
		if c := b[i]; c < utf8.RuneSelf && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return i + 1
		}
	}
	for i := len(b) - 1; i > 0; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b)
}
