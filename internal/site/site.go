// Package site builds TinyTorch's static site into a folder: one HTML page
// per notebook plus an index, the JavaScript and CSS bundled by esbuild,
// the WebAssembly program compiled from wasm/, Go's wasm_exec.js, and
// gzip and brotli copies of the large files.
//
// Assets carry a content hash in their names, so they can be cached
// forever; the HTML pages name the current ones.
//
// It is a library of the commands tools/build, tools/serve (FashionDir)
// and of the browser suite; the CLI (tools/tinytorch) does not link it,
// and finds the repository with internal/repo instead.
package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"tinytorch/internal/notebook"
)

// Options says where the sources are and where the site goes.
type Options struct {
	Root string // repository root: holds notebooks/, web/ and wasm/
	// Out is the output folder, replaced as a whole when the build
	// succeeds. It must not exist, be empty, or be a build's folder (one
	// with the marker file static.SiteFile); anything else is refused.
	Out string
	Log func(format string, args ...any)
	// Context stops the build when it is cancelled (Ctrl+C in
	// tools/build); the temporary folder is removed. Nil means never.
	Context context.Context
	// BrotliLevel trades build time for size: 11 (the default) is
	// smallest but takes seconds per megabyte; tests use a low level.
	BrotliLevel int
	// Extra lists more notebook files (Markdown), built as pages and
	// listed on the index after the notebooks/ ones, but not in
	// Result.Notebooks: the browser suite's fixtures. Their images are
	// not copied.
	Extra []string
	// KeepNames keeps the wasm programs' function names (their name
	// section, about 0.3 MB raw more for the kernel), so that V8's --prof
	// and DevTools' profiler name the engine's Go functions: the browser
	// suite sets it under TT_V8_PROF. A site for readers leaves it off.
	KeepNames bool
}

// Assets are the site-relative URLs of the hashed files a page loads.
type Assets struct {
	Main     string // page loader bundle (ES module)
	Worker   string // kernel worker bootstrap (classic script)
	Style    string
	Progress string // the index page's exercise progress (ES module)
	Kernel   string // the kernel's wasm, run in the worker
	Page     string // the page's wasm, run on the main thread
	Docs     string // the notebook-file wasm, loaded by the page on demand
	WasmExec string

	// DocsWorker is the notebook-file worker's bootstrap (classic script),
	// which runs Docs off the main thread.
	DocsWorker string

	// Embed is the embed script (EmbedPath), which another site's page
	// loads to make its code blocks live cells, and EmbedRuntime the
	// hashed bundle it loads on first use (web/src/embed).
	Embed, EmbedRuntime string
}

// Build renders the whole site. It writes into a fresh folder beside Out
// and swaps it in only when everything succeeded, so a failed build never
// leaves a half-written site, and a failed, cancelled or panicking one
// leaves no temporary folder.
func Build(opt Options) (*Result, error) {
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkOut(opt.Root, opt.Out); err != nil {
		return nil, err
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	if opt.BrotliLevel == 0 {
		opt.BrotliLevel = 11
	}
	start := time.Now()
	nbDir := filepath.Join(opt.Root, "notebooks")
	notebooks, images, err := readNotebooks(nbDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(opt.Out), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(opt.Out), ".build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)                      // runs on every return and on a panic
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
		return nil, err
	}
	res := &Result{Notebooks: notebooks}
	for _, f := range opt.Extra {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		nb, err := notebook.Parse(f, src)
		if err != nil {
			return nil, err
		}
		res.Extra = append(res.Extra, nb)
	}
	wasm := func(name string) (string, error) { return compileWasm(ctx, opt.Root, tmp, name, opt.KeepNames) }
	steps := []struct {
		name string
		run  func() error
	}{
		{"kernel wasm", func() (err error) { res.Assets.Kernel, err = wasm("kernel"); return }},
		{"page wasm", func() (err error) { res.Assets.Page, err = wasm("page"); return }},
		{"docs wasm", func() (err error) { res.Assets.Docs, err = wasm("docs"); return }},
		{"wasm_exec.js", func() (err error) { res.Assets.WasmExec, err = copyWasmExec(tmp); return }},
		{"bundle", func() error { return bundle(opt.Root, tmp, &res.Assets) }},
		{"embed", func() error { return bundleEmbed(opt.Root, tmp, &res.Assets) }},
		{"pages", func() error { return writePages(opt.Root, tmp, res) }},
		{"images", func() error { return copyImages(nbDir, tmp, images) }},
		{"data", func() error { return writeData(ctx, opt, tmp) }},
		{"service worker", func() error { return writeServiceWorker(opt.Root, tmp) }},
		{"compress", func() (err error) { res.Compressed, err = compressTree(ctx, tmp, opt.BrotliLevel); return }},
		{"site file", func() error {
			hashes, err := scriptHashes(tmp)
			if err != nil {
				return err
			}
			return writeSiteFile(tmp, hashes)
		}},
	}
	for _, s := range steps {
		t := time.Now()
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("build stopped before the %s step: %w", s.name, context.Cause(ctx))
		}
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("build %s: %w", s.name, err)
		}
		opt.Log("  %-13s %v", s.name, time.Since(t).Round(time.Millisecond))
	}
	if err := replaceDir(tmp, opt.Out); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// Result describes a finished build.
type Result struct {
	Notebooks  []*notebook.Notebook
	Extra      []*notebook.Notebook // built from Options.Extra
	Assets     Assets
	Compressed []Compressed
	Duration   time.Duration
}

// readNotebooks parses every notebooks/*.md in file-name order and lists
// the image files their prose shows (paths relative to dir).
func readNotebooks(dir string) (nbs []*notebook.Notebook, images []string, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("no notebooks found in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		nb, err := notebook.Parse(f, src)
		if err != nil {
			return nil, nil, err
		}
		imgs, err := notebookImages(dir, f, src)
		if err != nil {
			return nil, nil, err
		}
		nbs = append(nbs, nb)
		images = append(images, imgs...)
	}
	return nbs, images, nil
}
