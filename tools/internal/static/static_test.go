package static

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func site(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                  "<h1>index</h1>",
		"01-system.html":              "<h1>nb</h1>",
		"assets/tinytorch.ab.wasm":    "raw-wasm",
		"assets/tinytorch.ab.wasm.br": "br-wasm",
		"assets/tinytorch.ab.wasm.gz": "gz-wasm",
		"assets/main.cd.js":           "js",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandler(t *testing.T) {
	h := Handler(site(t))
	tests := []struct {
		path, accept                 string
		status                       int
		body, ctype, encoding, cache string
	}{
		{"/", "", 200, "<h1>index</h1>", "text/html; charset=utf-8", "", "no-cache"},
		{"/01-system.html", "gzip", 200, "<h1>nb</h1>", "text/html; charset=utf-8", "", "no-cache"},
		{"/assets/tinytorch.ab.wasm", "gzip, deflate, br", 200, "br-wasm", "application/wasm", "br", "public, max-age=31536000, immutable"},
		{"/assets/tinytorch.ab.wasm", "gzip", 200, "gz-wasm", "application/wasm", "gzip", "public, max-age=31536000, immutable"},
		{"/assets/tinytorch.ab.wasm", "br;q=0, gzip", 200, "gz-wasm", "application/wasm", "gzip", "public, max-age=31536000, immutable"},
		{"/assets/tinytorch.ab.wasm", "", 200, "raw-wasm", "application/wasm", "", "public, max-age=31536000, immutable"},
		{"/assets/main.cd.js", "br", 200, "js", "text/javascript; charset=utf-8", "", "public, max-age=31536000, immutable"},
		{"/missing.html", "", 404, "", "", "", ""},
		{"/../../etc/passwd", "", 404, "", "", "", ""},
		{"/assets", "", 404, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.path+" "+tc.accept, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			req.Header.Set("Accept-Encoding", tc.accept)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.status)
			}
			if got := res.Header.Get("Cross-Origin-Embedder-Policy"); got != "require-corp" {
				t.Errorf("COEP = %q", got)
			}
			if got := res.Header.Get("Cross-Origin-Opener-Policy"); got != "same-origin" {
				t.Errorf("COOP = %q", got)
			}
			if tc.status != 200 {
				return
			}
			if got := rec.Body.String(); got != tc.body {
				t.Errorf("body = %q, want %q", got, tc.body)
			}
			for header, want := range map[string]string{"Content-Type": tc.ctype, "Content-Encoding": tc.encoding, "Cache-Control": tc.cache} {
				if got := res.Header.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
		})
	}
}

func TestRejectsPost(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(site(t)).ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d", rec.Code)
	}
}
