// Package static serves a built TinyTorch site: the right MIME types,
// precompressed copies when the browser accepts them, the headers that
// make the page cross-origin isolated, and cache headers that let hashed
// assets be kept forever while pages are revalidated.
package static

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// types fixes the MIME types that matter, whatever the system's mime table says.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".map":  "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".md":   "text/markdown; charset=utf-8",
	".bin":  "application/octet-stream",
}

// encodings are the precompressed variants, best first.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// Handler serves the files under dir.
func Handler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		setIsolation(w.Header())
		name := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		file := filepath.Join(dir, filepath.FromSlash(name))
		if info, err := os.Stat(file); err != nil || info.IsDir() {
			http.NotFound(w, r)
			return
		}
		setType(w.Header(), name)
		setCache(w.Header(), name)
		w.Header().Add("Vary", "Accept-Encoding")
		if enc, ext := pickEncoding(r, file); enc != "" {
			w.Header().Set("Content-Encoding", enc)
			file += ext
		}
		http.ServeFile(w, r, file)
	})
}

// setIsolation sends the headers that make the page cross-origin isolated,
// which SharedArrayBuffer (used to interrupt a running cell) needs.
func setIsolation(h http.Header) {
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
}

func setType(h http.Header, name string) {
	ext := strings.ToLower(path.Ext(name))
	t, ok := types[ext]
	if !ok {
		t = mime.TypeByExtension(ext)
	}
	if t != "" {
		h.Set("Content-Type", t)
	}
}

// setCache lets content-hashed assets be cached for a year and makes the
// browser revalidate everything else, so a new build shows at once.
func setCache(h http.Header, name string) {
	if strings.HasPrefix(name, "/assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		return
	}
	h.Set("Cache-Control", "no-cache")
}

// pickEncoding returns the best precompressed copy of file that the
// request accepts, or "" to send the file as it is. Range requests get
// the plain file, since ranges of a compressed body would not match.
func pickEncoding(r *http.Request, file string) (enc, ext string) {
	if r.Header.Get("Range") != "" {
		return "", ""
	}
	accept := r.Header.Get("Accept-Encoding")
	for _, e := range encodings {
		if accepts(accept, e.name) {
			if _, err := os.Stat(file + e.ext); err == nil {
				return e.name, e.ext
			}
		}
	}
	return "", ""
}

// accepts reports whether an Accept-Encoding header allows coding, ignoring
// entries with q=0.
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), coding) {
			continue
		}
		for _, p := range fields[1:] {
			if q := strings.TrimSpace(p); q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
				return false
			}
		}
		return true
	}
	return false
}
