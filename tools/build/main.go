// Command build renders TinyTorch's site into dist/: the notebooks as
// HTML, the bundled JavaScript and CSS, the wasm program and compressed
// copies. It is what `make build` runs.
//
// The output folder is replaced as a whole, so the build refuses one that
// it did not write (see site.Options.Out). Ctrl+C stops it and removes
// its temporary folder; a second Ctrl+C kills it at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"tinytorch/internal/repo"
	"tinytorch/internal/site"
)

func main() {
	out := flag.String("out", "dist", "output folder, relative to the repository root; replaced as a whole, so it must be new, empty or an earlier build's")
	level := flag.Int("brotli", 11, "brotli level of the compressed copies (1-11; 11 is smallest and slowest)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // from now on a second Ctrl+C kills the build at once
	}()
	err := run(ctx, *out, *level)
	if err != nil && ctx.Err() != nil {
		fmt.Fprintln(os.Stderr, "build: interrupted; the temporary folder was removed and the previous site, if any, is untouched")
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string, brotliLevel int) error {
	if out == "" {
		return errors.New("-out is empty: name a folder for the site, such as dist")
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	logf := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	fmt.Println("building the site into", out)
	res, err := site.Build(site.Options{Context: ctx, Root: root, Out: out, Log: logf, BrotliLevel: brotliLevel})
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
