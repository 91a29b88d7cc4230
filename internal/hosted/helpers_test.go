package hosted

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirAssets serves a folder as the worker's ASSETS binding does: exact
// files only, 404 (fs.ErrNotExist) for the rest, with an ETag made from
// the content.
type dirAssets string

func (d dirAssets) Open(_ context.Context, name string) (*File, error) {
	b, err := os.ReadFile(filepath.Join(string(d), filepath.FromSlash(strings.TrimPrefix(name, "/"))))
	if err != nil {
		return nil, fs.ErrNotExist
	}
	sum := sha256.Sum256(b)
	return &File{Body: io.NopCloser(bytes.NewReader(b)), Size: int64(len(b)), ETag: `"` + hex.EncodeToString(sum[:8]) + `"`}, nil
}

// writeSite writes files (slash path → content) under a new folder.
func writeSite(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// testSite is a small built site: pages, hashed assets with precompressed
// copies, the build's marker with an inline script's hash, a manifest.
func testSite(t testing.TB) string {
	return writeSite(t, map[string]string{
		"index.html":                  "<h1>index</h1>",
		"01-system.html":              "<h1>nb</h1>",
		"01-system.html.br":           "br-page",
		"sw.js":                       "self.x=1",
		"manifest.webmanifest":        "{}",
		"assets/kernel.ab12.wasm":     "raw-wasm",
		"assets/kernel.ab12.wasm.br":  "br-wasm",
		"assets/kernel.ab12.wasm.gz":  "gz-wasm",
		"assets/main.cd34.js":         "js",
		"data/mnist.bin":              "bytes",
		".tinytorch-site.json":        `{"note":"x","scriptHashes":["'sha256-abc='"]}`,
		"figures/system-parts.svg":    "<svg/>",
		"assets/style.ef56.css":       "body{}",
		"assets/style.ef56.css.gz":    "gz-css",
		"notebooks/01-system.md":      "---\n",
		"deep/folder/index.html":      "deep",
		"deep/folder/index.html.br":   "deep-br",
		"assets/tinytorch.ab.wasm.br": "x",
	})
}
