// Package static serves a built TinyTorch site: the right MIME types,
// precompressed copies when the browser accepts them, the headers that
// make the page cross-origin isolated, a Content-Security-Policy and the
// other security headers, and cache headers that let hashed assets be
// kept forever while pages are revalidated. It serves nothing outside the
// site's folder and no dotfile; LoopbackOnly guards a local server against
// DNS rebinding.
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

// Encodings are the content codings of the build's precompressed copies,
// best first: the copy of file F in coding Encodings[i].Name is F +
// Encodings[i].Ext.
var Encodings = []struct{ Name, Ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// Handler serves the files under dir, a built site. It serves only what
// is inside dir: a symbolic link that leads out of it is refused (the
// folder is opened as an os.Root for each request, so a rebuild that
// replaces dir is served at once), and so is any dotfile or dot-folder
// (the build's marker, an editor's swap file, .git). Every response,
// errors included, carries the isolation and security headers.
func Handler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetHeaders(w.Header(), "", nil)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		if Hidden(name) {
			http.NotFound(w, r)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer root.Close()
		rel := filepath.FromSlash(strings.TrimPrefix(name, "/"))
		f, info, err := openFile(root, rel)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		var hashes []string
		if strings.EqualFold(path.Ext(name), ".html") {
			hashes = readSiteInfo(dir).ScriptHashes
		}
		SetHeaders(w.Header(), name, hashes)
		w.Header().Add("Vary", "Accept-Encoding")
		if enc, cf, cinfo := pickEncoding(r, root, rel); cf != nil {
			defer cf.Close()
			w.Header().Set("Content-Encoding", enc)
			f, info = cf, cinfo
		}
		http.ServeContent(w, r, name, info.ModTime(), f)
	})
}

// Hidden reports whether a clean slash path has a segment that starts
// with a dot: such a file (the build's marker, an editor's swap file,
// .git) is never served.
func Hidden(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// openFile opens a regular file inside root; os.Root refuses a path, or a
// symbolic link on it, that leads outside.
func openFile(root *os.Root, rel string) (*os.File, os.FileInfo, error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, os.ErrNotExist
	}
	return f, info, nil
}

// setPolicy sends the Content-Security-Policy for what is served: the
// worker's policy for JavaScript, the page's (with the build's inline
// script hashes) for HTML, the page's without inline scripts for the rest.
func setPolicy(h http.Header, name string, scriptHashes []string) {
	switch strings.ToLower(path.Ext(name)) {
	case ".js", ".mjs":
		h.Set("Content-Security-Policy", workerPolicy)
	case ".html":
		h.Set("Content-Security-Policy", pagePolicy(scriptHashes))
	default:
		h.Set("Content-Security-Policy", pagePolicy(nil))
	}
}

func setType(h http.Header, name string) {
	ext := strings.ToLower(path.Ext(name))
	t, ok := types[ext]
	if !ok {
		t = mime.TypeByExtension(ext)
	}
	if t == "" {
		// Never let the content decide: an unknown file is only bytes.
		t = "application/octet-stream"
	}
	h.Set("Content-Type", t)
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

// pickEncoding opens the best precompressed copy of rel that the request
// accepts, or returns a nil file to send rel as it is. Range requests get
// the plain file, since ranges of a compressed body would not match.
func pickEncoding(r *http.Request, root *os.Root, rel string) (string, *os.File, os.FileInfo) {
	if r.Header.Get("Range") != "" {
		return "", nil, nil
	}
	accept := r.Header.Get("Accept-Encoding")
	for _, e := range Encodings {
		if Accepts(accept, e.Name) {
			if f, info, err := openFile(root, rel+e.Ext); err == nil {
				return e.Name, f, info
			}
		}
	}
	return "", nil, nil
}

// Accepts reports whether an Accept-Encoding header allows coding, ignoring
// entries with q=0.
func Accepts(header, coding string) bool {
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
