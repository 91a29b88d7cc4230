package hosted

import (
	"encoding/json"
	"net/http"

	"tinytorch/internal/static"
)

// HealthPath answers whether the worker runs.
const HealthPath = "/healthz"

// health answers GET /healthz: {"ok":true,"sharing":…}. It touches
// neither the files nor the store, so it measures the worker alone.
func health(w http.ResponseWriter, r *http.Request, cfg Config) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD", HealthPath+" is read with GET")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "service": "tinytorch", "sharing": cfg.Store != nil})
}

// setAPIHeaders sets the headers of an API answer: the site's security
// headers for a response that is not a file, and no caching.
func setAPIHeaders(h http.Header) {
	static.SetHeaders(h, "", nil)
	h.Set("Cache-Control", "no-store")
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	if h.Get("Cache-Control") == "" {
		setAPIHeaders(h)
	} else {
		static.SetHeaders(h, "", nil)
	}
	h.Set("Content-Type", "application/json")
	b, _ := json.Marshal(v)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// jsonError answers status with {"error": msg, "status": status}.
func jsonError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]any{"error": msg, "status": status})
}

// methodNotAllowed answers 405 with the methods allowed.
func methodNotAllowed(w http.ResponseWriter, allow, msg string) {
	w.Header().Set("Allow", allow)
	jsonError(w, http.StatusMethodNotAllowed, "method not allowed: "+msg)
}
