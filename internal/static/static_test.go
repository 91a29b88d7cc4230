package static

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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
		"embed/v1/embed.js":           "embed",
		"data/manifest.json":          "{}",
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

// Every response, errors included, carries the isolation and security
// headers; the 405 once lacked them.
func TestHeadersOnEveryResponse(t *testing.T) {
	h := LoopbackOnly(Handler(site(t)))
	for _, tc := range []struct {
		method, path, host string
		status             int
	}{
		{"GET", "/", "127.0.0.1:8080", 200},
		{"GET", "/assets/main.cd.js", "localhost:8080", 200},
		{"GET", "/embed/v1/embed.js", "localhost:8080", 200},
		{"GET", "/missing.html", "127.0.0.1:8080", 404},
		{"POST", "/", "127.0.0.1:8080", 405},
		{"GET", "/", "evil.example:8080", 403},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Host = tc.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, rec.Code, tc.status)
		}
		corp := "same-origin"
		if rec.Code == 200 && Shared(tc.path) {
			corp = "cross-origin" // TestEmbeddingHeaders
		}
		for header, want := range map[string]string{
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Embedder-Policy": "require-corp",
			"Cross-Origin-Resource-Policy": corp,
			"X-Content-Type-Options":       "nosniff",
			"X-Frame-Options":              "SAMEORIGIN",
			"Referrer-Policy":              "no-referrer",
		} {
			if got := rec.Header().Get(header); got != want {
				t.Errorf("%s %s (%d): %s = %q, want %q", tc.method, tc.path, rec.Code, header, got, want)
			}
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") || !strings.Contains(csp, "default-src") {
			t.Errorf("%s %s (%d): Content-Security-Policy %q", tc.method, tc.path, rec.Code, csp)
		}
	}
}

// The policy of a page allows the build's inline scripts by hash and
// wasm, never eval; a JavaScript file's policy (it applies when the file
// runs as the kernel worker) allows eval, which compiles the cells.
func TestContentSecurityPolicy(t *testing.T) {
	dir := site(t)
	os.WriteFile(filepath.Join(dir, SiteFile), []byte(`{"scriptHashes": ["'sha256-abc='"]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "figure.svg"), []byte("<svg/>"), 0o644)
	h := Handler(dir)
	policy := func(path string) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Header().Get("Content-Security-Policy")
	}
	page := policy("/01-system.html")
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='", "worker-src 'self'", "object-src 'none'", "frame-ancestors 'self'"} {
		if !strings.Contains(page, want) {
			t.Errorf("page policy %q lacks %q", page, want)
		}
	}
	if strings.Contains(page, "'unsafe-eval'") || strings.Contains(page, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("page policy %q allows eval or inline scripts", page)
	}
	if svg := policy("/figure.svg"); strings.Contains(svg, "sha256") || strings.Contains(svg, "'unsafe-eval'") {
		t.Errorf("SVG policy %q", svg)
	}
	if js := policy("/assets/main.cd.js"); !strings.Contains(js, "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'") {
		t.Errorf("JavaScript (worker) policy %q", js)
	}
}

// Nothing outside the folder is served, through a symbolic link either;
// a link that stays inside is followed.
func TestSymlinksStayInside(t *testing.T) {
	dir := site(t)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644)
	for link, target := range map[string]string{
		"leak.txt":     filepath.Join(outside, "secret.txt"),
		"leakdir":      outside,
		"rel.txt":      "../" + filepath.Base(outside) + "/secret.txt",
		"assets/up.js": "../../" + filepath.Base(outside) + "/secret.txt",
		"inside.html":  "01-system.html",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	h := Handler(dir)
	for path, want := range map[string]int{"/leak.txt": 404, "/leakdir/secret.txt": 404, "/rel.txt": 404, "/assets/up.js": 404, "/inside.html": 200} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want || strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("%s: status %d, body %q; want %d", path, rec.Code, rec.Body.String(), want)
		}
	}
}

// Dotfiles and dot-folders are never served (the build's marker, .git, an
// editor's files), and a file of no known type is sent as bytes, never
// sniffed into HTML.
func TestNoDotfilesNoSniffing(t *testing.T) {
	dir := site(t)
	for name, body := range map[string]string{
		SiteFile:               "{}",
		".git/config":          "[core]",
		"assets/.main.js.swp":  "swap",
		".hidden/index.html":   "<h1>hidden</h1>",
		"NOTES":                "<html><script>alert(1)</script>",
		"data/set.unknownext1": "<html>",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	h := Handler(dir)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	for _, path := range []string{"/" + SiteFile, "/.git/config", "/assets/.main.js.swp", "/.hidden/", "/.hidden/index.html", "/assets/%2e%2e/.git/config"} {
		if rec := get(path); rec.Code != 404 {
			t.Errorf("%s: status %d, want 404", path, rec.Code)
		}
	}
	for _, path := range []string{"/NOTES", "/data/set.unknownext1"} {
		if rec := get(path); rec.Code != 200 || rec.Header().Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%s: status %d, Content-Type %q; want 200 application/octet-stream", path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// Only loopback names are answered by default: a page whose name an
// attacker points at 127.0.0.1 (DNS rebinding) still sends its own name.
func TestLoopbackOnly(t *testing.T) {
	dir := site(t)
	for _, tc := range []struct {
		host  string
		extra []string
		want  int
	}{
		{"localhost:8080", nil, 200},
		{"LOCALHOST", nil, 200},
		{"127.0.0.1:8080", nil, 200},
		{"127.0.0.1", nil, 200},
		{"[::1]:8080", nil, 200},
		{"localhost.:8080", nil, 200},
		{"evil.example:8080", nil, 403},
		{"evil.example", nil, 403},
		{"127.0.0.1.evil.example", nil, 403},
		{"localhost.evil.example:8080", nil, 403},
		{"192.168.1.5:8080", nil, 403},
		{"", nil, 403},
		{"laptop.lan:8080", []string{"laptop.lan"}, 200},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = tc.host
		rec := httptest.NewRecorder()
		LoopbackOnly(Handler(dir), tc.extra...).ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("Host %q (extra %v): status %d, want %d", tc.host, tc.extra, rec.Code, tc.want)
		}
		if tc.want == 403 && !strings.Contains(rec.Body.String(), "DNS rebinding") {
			t.Errorf("Host %q: body %q does not say why", tc.host, rec.Body.String())
		}
	}
}

// A page of another origin, cross-origin isolated or not, loads the embed
// script, the assets it needs and the datasets: they carry CORS and
// cross-origin CORP. The site's pages, errors and files outside those
// folders stay same-origin and send no CORS header.
func TestEmbeddingHeaders(t *testing.T) {
	h := Handler(site(t))
	for _, tc := range []struct {
		path   string
		status int
		shared bool
	}{
		{"/embed/v1/embed.js", 200, true},
		{"/assets/main.cd.js", 200, true},
		{"/assets/tinytorch.ab.wasm", 200, true},
		{"/data/manifest.json", 200, true},
		{"/01-system.html", 200, false},
		{"/", 200, false},
		{"/embed/v1/missing.js", 404, false},
		{"/embedded.html", 404, false},
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		req.Header.Set("Origin", "http://textbook.example")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, rec.Code, tc.status)
		}
		want := map[string]string{"Cross-Origin-Resource-Policy": "same-origin", "Access-Control-Allow-Origin": "", "Timing-Allow-Origin": ""}
		if tc.shared {
			want = map[string]string{"Cross-Origin-Resource-Policy": "cross-origin", "Access-Control-Allow-Origin": "*", "Timing-Allow-Origin": "*"}
		}
		for header, v := range want {
			if got := rec.Header().Get(header); got != v {
				t.Errorf("%s (%d): %s = %q, want %q", tc.path, rec.Code, header, got, v)
			}
		}
	}
}

// SetHeaders alone, as the Cloudflare worker calls it, gives a file the
// same headers as the handler does.
func TestSetHeadersMatchesHandler(t *testing.T) {
	h := Handler(site(t))
	for _, name := range []string{"/assets/main.cd.js", "/embed/v1/embed.js", "/01-system.html", "/assets/tinytorch.ab.wasm"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", name, nil))
		got := http.Header{}
		SetHeaders(got, name, nil)
		for k := range got {
			if rec.Header().Get(k) != got.Get(k) {
				t.Errorf("%s: %s: handler %q, SetHeaders %q", name, k, rec.Header().Get(k), got.Get(k))
			}
		}
	}
}
