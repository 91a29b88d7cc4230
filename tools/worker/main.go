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

// main registers the handler and then waits for ever: entry.mjs keeps
// one Go program per worker isolate and sends it every request, instead
// of starting a program per request as workers.Serve expects (it returns
// after the first response). The KV binding is looked up once (a worker's
// bindings are the same for all its requests), the assets binding on each
// use.
func main() {
	workers.ServeNonBlock(hosted.Handler(hosted.Config{
		Assets: assetsBinding{},
		Store:  sharesStore(),
	}))
	workers.Ready()
	select {}
}
