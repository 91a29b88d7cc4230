// Command build renders TinyTorch's site into dist/: the notebooks as
// HTML, the bundled JavaScript and CSS, the wasm program and compressed
// copies. It is what `make build` runs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"tinytorch/tools/internal/site"
)

func main() {
	out := flag.String("out", "dist", "output folder, relative to the repository root")
	level := flag.Int("brotli", 11, "brotli level of the compressed copies (1-11; 11 is smallest and slowest)")
	flag.Parse()
	if err := run(*out, *level); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(out string, brotliLevel int) error {
	root, err := site.FindRoot()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	logf := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	fmt.Println("building the site into", out)
	res, err := site.Build(site.Options{Root: root, Out: out, Log: logf, BrotliLevel: brotliLevel})
	if err != nil {
		return err
	}
	for _, c := range res.Compressed {
		if filepath.Ext(c.Path) == ".wasm" {
			fmt.Printf("  %s: %.2f MB raw, %.2f MB gzip, %.2f MB brotli\n", c.Path,
				float64(c.Raw)/1e6, float64(c.Gzip)/1e6, float64(c.Brotli)/1e6)
		}
	}
	fmt.Printf("built %d notebooks in %v\n", len(res.Notebooks), res.Duration.Round(1e6))
	return nil
}
