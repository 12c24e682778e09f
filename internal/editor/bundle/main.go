// Command bundle builds the story editor's browser code: it bundles
// web/editor/src (ProseMirror from web/editor/node_modules) with esbuild,
// used as a Go library, into assets/static/editor.js and editor.css. The
// output is committed, so building qalam needs neither Node nor npm; after
// changing web/editor, run from the repository root:
//
//	(cd web/editor && npm ci) && go run ./internal/editor/bundle
//
// The package's test rebuilds the bundle and fails when the committed files
// differ.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

func main() {
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	out, err := Build(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
	for name, data := range out {
		p := filepath.Join(*root, "assets", "static", name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bundle:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d bytes\n", p, len(data))
	}
}

// Build bundles and minifies the editor from root/web/editor and returns
// the files by name ("editor.js", "editor.css"). The output depends only on
// the sources and the installed packages, not on the machine or directory.
func Build(root string) (map[string][]byte, error) {
	abs, err := filepath.Abs(filepath.Join(root, "web", "editor"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "node_modules", "prosemirror-view")); err != nil {
		return nil, fmt.Errorf("%s/node_modules is missing: run npm ci in web/editor first", abs)
	}
	res := api.Build(api.BuildOptions{
		AbsWorkingDir: abs,
		EntryPointsAdvanced: []api.EntryPoint{
			{InputPath: "src/main.js", OutputPath: "editor"},
			{InputPath: "src/editor.css", OutputPath: "editor"},
		},
		Outdir:            "out", // nothing is written: Write is false
		Bundle:            true,
		Write:             false,
		Format:            api.FormatIIFE,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsEndOfFile,
		Charset:           api.CharsetUTF8,
		Sourcemap:         api.SourceMapNone,
		LogLevel:          api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range res.Errors {
			loc := ""
			if m.Location != nil {
				loc = fmt.Sprintf("%s:%d:%d: ", m.Location.File, m.Location.Line, m.Location.Column)
			}
			msgs = append(msgs, loc+m.Text)
		}
		return nil, errors.New(strings.Join(msgs, "\n"))
	}
	out := map[string][]byte{}
	for _, f := range res.OutputFiles {
		out[filepath.Base(f.Path)] = f.Contents
	}
	if out["editor.js"] == nil || out["editor.css"] == nil {
		return nil, fmt.Errorf("esbuild wrote %d files, not editor.js and editor.css", len(res.OutputFiles))
	}
	return out, nil
}
