// Package hosted is the HTTP side of the hosted page: the Cloudflare
// worker (tools/worker) serves the built site and the sharing API through
// it. It builds natively and knows nothing of Cloudflare: the site's files
// come through Assets (the worker's static-assets binding; a folder in
// tests) and shared notebooks through Store (the worker's KV namespace; a
// map in tests), so every rule here is tested with go test.
//
// Routes:
//
//	GET  /healthz            health: {"ok":true,...}
//	POST /api/share?page=P   store a notebook (Markdown), answer its id
//	GET  /api/share/{id}     the stored notebook, as JSON
//	GET  /s/{id}             open it: a redirect to /P.html#s={id}
//	GET  /anything-else      a file of the site, with static.SetHeaders
package hosted

import (
	"net/http"
	"strings"
	"time"
)

// Config is what the handler needs from its host.
type Config struct {
	// Assets are the built site's files.
	Assets Assets
	// Store keeps the shared notebooks and the rate limiter's counters;
	// nil turns sharing off (its routes answer 503).
	Store Store
	// Limit is the number of notebooks one client may share per Window.
	Limit int
	// Window is the rate limiter's window.
	Window time.Duration
	// Now is the clock (time.Now when nil); tests set it.
	Now func() time.Time
}

// DefaultLimit and DefaultWindow: 20 notebooks an hour per client, far
// more than a student shares, far less than a script filling the store.
const (
	DefaultLimit  = 20
	DefaultWindow = time.Hour
)

// Handler answers every request of the hosted page.
func Handler(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Limit == 0 {
		cfg.Limit = DefaultLimit
	}
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == HealthPath:
			health(w, r, cfg)
		case p == SharePath || strings.HasPrefix(p, SharePath+"/"):
			shareAPI(w, r, cfg)
		case strings.HasPrefix(p, OpenPrefix):
			openShared(w, r, cfg)
		default:
			serveFile(w, r, cfg)
		}
	})
}
