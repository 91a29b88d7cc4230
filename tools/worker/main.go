//go:build js && wasm

// Command worker is the hosted page: a Cloudflare worker, written in Go
// with github.com/syumai/workers, that serves the built site (dist/)
// through Workers static assets and keeps shared notebooks in Workers KV.
// Everything it answers is decided by internal/hosted, which builds and
// is tested natively; this program only connects that package to the
// worker's bindings (wrangler.jsonc):
//
//   - ASSETS, the site's files (assets.go);
//   - SHARES, the KV namespace of shared notebooks (kv.go).
//
// Build and run it locally with `make worker-dev`; deploy it with
// `make deploy` (README.md, "Deploy your own copy").
package main

import (
	"github.com/syumai/workers"

	"tinytorch/internal/hosted"
)

func main() {
	workers.Serve(hosted.Handler(hosted.Config{
		Assets: assetsBinding{},
		Store:  sharesStore(),
	}))
}
