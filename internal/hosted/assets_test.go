package hosted

import (
	"net/http/httptest"
	"strings"
	"testing"

	"tinytorch/internal/static"
)

// TestSameHeadersAsServe: every file, in every encoding the browser may
// accept, gets from the worker the same status, body and headers as from
// `make serve` (static.Handler), apart from the validators each host makes
// its own way (Last-Modified there, ETag here) and their by-products.
func TestSameHeadersAsServe(t *testing.T) {
	dir := testSite(t)
	serve := static.Handler(dir)
	worker := Handler(Config{Assets: dirAssets(dir)})
	ignore := map[string]bool{"Last-Modified": true, "Etag": true, "Accept-Ranges": true, "Content-Length": true, "Date": true}
	paths := []string{"/", "/index.html", "/01-system.html", "/sw.js", "/manifest.webmanifest", "/assets/kernel.ab12.wasm",
		"/assets/main.cd34.js", "/data/mnist.bin", "/figures/system-parts.svg", "/assets/style.ef56.css", "/notebooks/01-system.md",
		"/deep/folder/index.html", "/deep/../index.html"}
	for _, p := range paths {
		for _, accept := range []string{"", "gzip", "br", "gzip, deflate, br", "br;q=0, gzip"} {
			t.Run(p+" "+accept, func(t *testing.T) {
				want, got := httptest.NewRecorder(), httptest.NewRecorder()
				for _, rec := range []*httptest.ResponseRecorder{want, got} {
					req := httptest.NewRequest("GET", p, nil)
					req.Header.Set("Accept-Encoding", accept)
					if rec == want {
						serve.ServeHTTP(rec, req)
					} else {
						worker.ServeHTTP(rec, req)
					}
				}
				if got.Code != want.Code || got.Body.String() != want.Body.String() {
					t.Fatalf("worker: %d %q; serve: %d %q", got.Code, got.Body, want.Code, want.Body)
				}
				for k := range want.Header() {
					if !ignore[k] && got.Header().Get(k) != want.Header().Get(k) {
						t.Errorf("%s: worker %q, serve %q", k, got.Header().Get(k), want.Header().Get(k))
					}
				}
				for k := range got.Header() {
					if !ignore[k] && len(want.Header().Values(k)) == 0 {
						t.Errorf("the worker sends %s: %q, serve does not", k, got.Header().Get(k))
					}
				}
			})
		}
	}
}

func TestServeFile(t *testing.T) {
	h := Handler(Config{Assets: dirAssets(testSite(t))})
	tests := []struct {
		name, method, path, accept string
		status                     int
		body, ctype, encoding      string
	}{
		{"page", "GET", "/01-system.html", "br", 200, "br-page", "text/html; charset=utf-8", "br"},
		{"hashed asset, brotli", "GET", "/assets/kernel.ab12.wasm", "gzip, br", 200, "br-wasm", "application/wasm", "br"},
		{"HEAD has no body", "HEAD", "/assets/kernel.ab12.wasm", "br", 200, "", "application/wasm", "br"},
		{"missing file: the 404 page", "GET", "/nope.html", "", 404, notFoundPage, "text/html; charset=utf-8", ""},
		{"the build's marker is never served", "GET", "/.tinytorch-site.json", "", 404, notFoundPage, "text/html; charset=utf-8", ""},
		{"nor any dotfile under a folder", "GET", "/assets/.hidden", "", 404, notFoundPage, "text/html; charset=utf-8", ""},
		{"escaping the site", "GET", "/../../etc/passwd", "", 404, notFoundPage, "text/html; charset=utf-8", ""},
		{"POST to a file", "POST", "/index.html", "", 405, "method not allowed\n", "text/plain; charset=utf-8", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			req.Header.Set("Accept-Encoding", tc.accept)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || rec.Body.String() != tc.body {
				t.Fatalf("%d %q, want %d %q", rec.Code, rec.Body, tc.status, tc.body)
			}
			for k, want := range map[string]string{"Content-Type": tc.ctype, "Content-Encoding": tc.encoding,
				"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestNotModified: a browser revalidating a no-cache page with the ETag
// it has gets 304 and no body; another ETag gets the page.
func TestNotModified(t *testing.T) {
	h := Handler(Config{Assets: dirAssets(testSite(t))})
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest("GET", "/index.html", nil))
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, first.Header().Get("Cache-Control"))
	}
	for header, want := range map[string]int{etag: 304, "W/" + etag: 304, `"other", ` + etag: 304, `"other"`: 200, "*": 304} {
		req := httptest.NewRequest("GET", "/index.html", nil)
		req.Header.Set("If-None-Match", header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("If-None-Match %s: %d, want %d", header, rec.Code, want)
		}
		if want == 304 && rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: a 304 with a body %q", header, rec.Body)
		}
	}
}

func TestHealth(t *testing.T) {
	for _, tc := range []struct {
		method string
		store  Store
		status int
		body   string
	}{
		{"GET", &MemoryStore{}, 200, `{"ok":true,"service":"tinytorch","sharing":true}`},
		{"GET", nil, 200, `{"ok":true,"service":"tinytorch","sharing":false}`},
		{"POST", nil, 405, `{"error":"method not allowed: /healthz is read with GET","status":405}`},
	} {
		rec := httptest.NewRecorder()
		Handler(Config{Assets: dirAssets(t.TempDir()), Store: tc.store}).ServeHTTP(rec, httptest.NewRequest(tc.method, "/healthz", nil))
		if rec.Code != tc.status || strings.TrimSpace(rec.Body.String()) != tc.body {
			t.Errorf("%s: %d %s, want %d %s", tc.method, rec.Code, rec.Body, tc.status, tc.body)
		}
		if rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", tc.method, rec.Header())
		}
		if rec.Header().Get("Cross-Origin-Embedder-Policy") != "require-corp" {
			t.Errorf("%s: no COEP", tc.method)
		}
	}
}
