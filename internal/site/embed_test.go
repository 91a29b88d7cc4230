package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tinytorch/internal/repo"
)

// embedBudget is the most embed script a host page may load before a
// reader uses a cell (issue 16): 30 KB of brotli.
const embedBudget = 30 * 1024

// The embed script a host page loads at once stays within its budget at
// the brotli level a deploy uses, and names this build's hashed runtime,
// wasm and worker (relative to the site's root, so any base path works).
// The figure is printed; the browser suite measures the bytes a page
// really fetched before its first Run (TestEmbedCrossOrigin).
func TestEmbedScriptSize(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(root, "web", "node_modules", "codemirror")); err != nil {
		t.Skip("web/node_modules is not installed (npm ci in web/): the embed runtime bundles CodeMirror")
	}
	out := t.TempDir()
	assets := &Assets{Page: "/assets/page.aa.wasm", Kernel: "/assets/kernel.bb.wasm", Worker: "/assets/worker.cc.js", WasmExec: "/assets/wasm_exec.dd.js"}
	write(t, filepath.Join(out, "assets", "page.aa.wasm"), strings.Repeat("p", 1000))
	write(t, filepath.Join(out, "assets", "kernel.bb.wasm"), strings.Repeat("k", 3000))
	if err := bundleEmbed(root, out, assets); err != nil {
		t.Fatal(err)
	}
	if assets.Embed != EmbedPath || !strings.HasPrefix(assets.EmbedRuntime, "/assets/embed-runtime.") {
		t.Fatalf("outputs %q and %q", assets.Embed, assets.EmbedRuntime)
	}
	script, err := os.ReadFile(filepath.Join(out, "embed", "v1", "embed.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"assets/embed-runtime.`, `"assets/page.aa.wasm"`, `"assets/kernel.bb.wasm"`, `"assets/worker.cc.js"`, "prefers-color-scheme"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("embed.js lacks %s", want)
		}
	}
	br, err := brotliBytes(context.Background(), script, 11)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("embed.js: %d bytes raw, %d bytes brotli (budget %d)", len(script), len(br), embedBudget)
	if len(br) > embedBudget {
		t.Errorf("embed.js is %d bytes of brotli, over the budget of %d", len(br), embedBudget)
	}
}
