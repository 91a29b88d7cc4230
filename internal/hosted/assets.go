package hosted

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"tinytorch/internal/static"
)

// File is one file of the site, opened.
type File struct {
	Body io.ReadCloser
	// Size is the body's length in bytes, or -1 when unknown.
	Size int64
	// ETag is the host's validator for the file ("" when it has none),
	// quoted as in the ETag header.
	ETag string
}

// Assets opens the built site's files by clean slash path ("/index.html",
// "/assets/tinytorch.1a2b.wasm.br"). A file that is not there is
// fs.ErrNotExist.
type Assets interface {
	Open(ctx context.Context, name string) (*File, error)
}

// ShareMarker is the Server-Timing entry that a page served with sharing
// on carries: the page reads it (wasm/page/share_api.go) to know that it
// may store notebooks here, without a request of its own.
const ShareMarker = "tt-share"

// serveFile sends the site's file for the request, as static.Handler does
// for `make serve`: the same headers (static.SetHeaders), the best
// precompressed copy the browser accepts, 304 when the browser's copy is
// current, and the 404 page for anything else.
func serveFile(w http.ResponseWriter, r *http.Request, cfg Config) {
	assets := cfg.Assets
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		static.SetHeaders(w.Header(), "", nil)
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if static.Hidden(name) {
		notFound(w, r)
		return
	}
	f, encoding, err := openBest(r, assets, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			notFound(w, r)
		} else {
			static.SetHeaders(w.Header(), "", nil)
			http.Error(w, "reading the site's files: "+err.Error(), http.StatusBadGateway)
		}
		return
	}
	defer f.Body.Close()
	var hashes []string
	if strings.HasSuffix(name, ".html") {
		hashes = siteInfo(r.Context(), assets).ScriptHashes
	}
	h := w.Header()
	static.SetHeaders(h, name, hashes)
	h.Add("Vary", "Accept-Encoding")
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	if cfg.Store != nil && strings.HasSuffix(name, ".html") {
		// The page reads this entry to know that Copy link may store the
		// notebook here (wasm/page/share_api.go).
		h.Set("Server-Timing", ShareMarker)
	}
	if f.ETag != "" {
		h.Set("ETag", f.ETag)
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, f.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if f.Size >= 0 {
		h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	if r.Method == http.MethodHead {
		return
	}
	io.Copy(w, f.Body)
}

// openBest opens the best precompressed copy of name that the request
// accepts (static.Encodings), or name itself, and says which coding it is
// in ("" for none). Range requests get the plain file, as in
// static.Handler.
func openBest(r *http.Request, assets Assets, name string) (*File, string, error) {
	if r.Header.Get("Range") == "" {
		accept := r.Header.Get("Accept-Encoding")
		for _, e := range static.Encodings {
			if !static.Accepts(accept, e.Name) {
				continue
			}
			f, err := assets.Open(r.Context(), name+e.Ext)
			if err == nil {
				return f, e.Name, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, "", err
			}
		}
	}
	f, err := assets.Open(r.Context(), name)
	return f, "", err
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatches(header, etag string) bool {
	if strings.TrimSpace(header) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}

// siteInfo reads the build's marker file (static.SiteFile), which holds
// the hashes of the pages' inline scripts. A site without one gets none,
// so its inline scripts are refused, as with static.Handler.
func siteInfo(ctx context.Context, assets Assets) static.SiteInfo {
	var info static.SiteInfo
	f, err := assets.Open(ctx, "/"+static.SiteFile)
	if err != nil {
		return info
	}
	defer f.Body.Close()
	b, err := io.ReadAll(io.LimitReader(f.Body, 1<<20))
	if err != nil || json.Unmarshal(b, &info) != nil {
		return static.SiteInfo{}
	}
	return info
}

// notFoundPage is the 404 page. It is plain HTML, without scripts or
// styles, since an error response carries the strictest
// Content-Security-Policy (static.SetHeaders with no file name).
const notFoundPage = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not found · TinyTorch</title>
<h1>Not found</h1>
<p>There is no page at this address. It may have been renamed in a newer version of the course.</p>
<p><a href="/">Go to the list of chapters</a></p>
`

// notFound answers 404 with the 404 page.
func notFound(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	static.SetHeaders(h, "", nil)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		io.WriteString(w, notFoundPage)
	}
}
