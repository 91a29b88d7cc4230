//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWorkerHTTP: through workerd, the worker sends the site's headers, the
// precompressed brotli copy, the 404 page, and clear JSON errors from the
// sharing API.
func TestWorkerHTTP(t *testing.T) {
	url := sharedWorker(t)
	// No redirects followed; a response body is read as sent (Go
	// decompresses only when it asked for gzip itself).
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(method, path, ctype, body string, header ...string) (*http.Response, string) {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, _ := get("GET", "/01-system.html", "", "")
	for k, want := range map[string]string{"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
		"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Server-Timing": "tt-share"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("page: %s = %q, want %q", k, got, want)
		}
	}
	var wasm string
	for _, f := range built.Compressed {
		if strings.HasSuffix(f.Path, ".wasm") && strings.Contains(f.Path, "kernel") {
			wasm = "/" + f.Path
		}
	}
	// The precompressed copies are sent as they are: compressed again on
	// the way, they would not have the copies' sizes.
	for _, enc := range []struct{ accept, want string }{{"br, gzip", "br"}, {"gzip", "gzip"}} {
		res, body := get("GET", wasm, "", "", "Accept-Encoding", enc.accept)
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != enc.want || res.Header.Get("Content-Type") != "application/wasm" ||
			res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s (Accept-Encoding %s): %d %v", wasm, enc.accept, res.StatusCode, res.Header)
		}
		for _, f := range built.Compressed {
			if "/"+f.Path == wasm && ((enc.want == "br" && len(body) != f.Brotli) || (enc.want == "gzip" && len(body) != f.Gzip)) {
				t.Errorf("%s: %d bytes sent in %s, the build's copy has %d (br) / %d (gzip)", wasm, len(body), enc.want, f.Brotli, f.Gzip)
			}
		}
	}
	if res, body := get("GET", "/no-such-page.html", "", ""); res.StatusCode != 404 || !strings.Contains(body, "<h1>Not found</h1>") {
		t.Errorf("missing page: %d %q", res.StatusCode, body)
	}
	for _, tc := range []struct {
		method, path, ctype, body string
		status                    int
		msg                       string
	}{
		{"GET", "/api/share", "", "", 405, "method not allowed"},
		{"POST", "/api/share?page=01-system", "text/markdown", strings.Repeat("x", 300<<10), 413, "more than the 256 KB"},
		{"POST", "/api/share?page=01-system", "text/markdown", "# no front matter\n", 422, "not a notebook: shared.md:1: expected front matter"},
		{"POST", "/api/share?page=01-system", "application/json", "{}", 415, "expected text/markdown"},
		{"GET", "/s/AAAAAAAAAAAAAAAAAAAAAA", "", "", 404, "no shared notebook has the id"},
	} {
		res, body := get(tc.method, tc.path, tc.ctype, tc.body)
		var v struct {
			Error  string
			Status int
		}
		if res.StatusCode != tc.status || json.Unmarshal([]byte(body), &v) != nil || v.Status != tc.status || !strings.Contains(v.Error, tc.msg) {
			t.Errorf("%s %s: %d %q, want %d with %q", tc.method, tc.path, res.StatusCode, body, tc.status, tc.msg)
		}
	}
}

// TestWorkerStopAndShare opens a chapter from the worker: the page is
// cross-origin isolated, a cell runs, and Stop interrupts a loop while
// keeping the earlier cells' variables. Then, on the same page, Copy link
// stores the edited notebook through the API and copies a short /s/{id}
// link; a fresh profile (a new browser context: no storage, no service
// worker) opens it and sees the sender's edit.
func TestWorkerStopAndShare(t *testing.T) {
	url := sharedWorker(t)
	ctx := newTab(t)
	navigateReady(t, ctx, url+"/01-system.html")
	if !eval[bool](t, ctx, `crossOriginIsolated`) {
		t.Fatal("the page from the worker is not cross-origin isolated")
	}
	if state, out := runCode(t, ctx, 1, "const kept = 7; tt.tensor([1, 2]).add(1).toString()"); state != "done" || !strings.Contains(out, "2") {
		t.Fatalf("cell 1: %q, %q", state, out)
	}
	startCode(t, ctx, 2, "let n = 0;\nwhile (true) { tt.tensor([1, 2]).add(1); n++ }")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	clickAction(t, ctx, "■ Stop")
	waitFor(t, ctx, `#cell-2[data-state="error"]`, stopLimit)
	fmt.Printf("worker: stop of a tt loop took %v\n", time.Since(start).Round(time.Millisecond))
	if _, out := cellResult(t, ctx, 2); !strings.HasPrefix(out, "KeyboardInterrupt: the cell was stopped") {
		t.Errorf("cell 2 output %q", out)
	}
	if state, out := runCode(t, ctx, 1, "kept * 6"); state != "done" || out != "42" {
		t.Errorf("after the stop: %q, %q; want the kept variable", state, out)
	}

	typeIntoCell(t, ctx, 2, "'sent through the worker'")
	clickAction(t, ctx, "Copy link")
	waitFor(t, ctx, `html[data-share-link]`, 30*time.Second)
	link := eval[string](t, ctx, `document.documentElement.dataset.shareLink`)
	if !strings.HasPrefix(link, url+"/s/") || len(link) != len(url)+len("/s/")+22 {
		t.Fatalf("the link is %q, want %s/s/ and a 22-character id; banner: %q", link, url,
			eval[string](t, ctx, `document.querySelector(".banner")?.innerText ?? ""`))
	}
	reader := newTab(t)
	if err := chromedp.Do(reader, chromedp.Navigate(link), chromedp.WaitReady(chromedp.CSS(`html[data-edits][data-kernel="ready"]`))); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, reader, `document.documentElement.dataset.document === "replaced"`) {
		t.Fatalf("the link %s led to %s, which shows the published notebook; banner: %q", link,
			eval[string](t, reader, `location.href`), eval[string](t, reader, `document.querySelector(".banner")?.innerText ?? ""`))
	}
	if got := cellCode(t, reader, 2); got != "'sent through the worker'" {
		t.Errorf("the link opened with cell 2 = %q, want the sender's edit", got)
	}
	if loc := eval[string](t, reader, `location.pathname + location.hash`); loc != "/01-system.html#s="+strings.TrimPrefix(link, url+"/s/") {
		t.Errorf("the link led to %q", loc)
	}
	if state, out := runCell(t, reader, 2); state != "done" || out != "sent through the worker" {
		t.Errorf("running the shared cell: %q, %q", state, out)
	}
}

// TestWorkerOfflineMNIST loads MNIST from the worker, stops the worker
// and reloads: the page comes from the service worker and the digits from
// the kernel's cache. It comes last: the next worker test would start a
// new instance.
func TestWorkerOfflineMNIST(t *testing.T) {
	url := sharedWorker(t)
	ctx := newOfflineTab(t)
	navigateReady(t, ctx, url+"/06-data.html")
	load := "const m = await tt.data.mnist();\nJSON.stringify([m.source, m.train.length, m.test.length, m.train.get(0).y.item()])"
	state, online := lastOutput(t, ctx, 1, load)
	if state != "done" || !strings.HasPrefix(online, `["network",`) {
		t.Fatalf("online: %q, %q; want MNIST from the network", state, online)
	}
	eval[bool](t, ctx, `navigator.serviceWorker.ready.then(() => new Promise((r) => {
		const check = () => navigator.serviceWorker.controller ? r(true) : setTimeout(check, 50); check(); }))`)
	stopSharedWorker()
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("the worker still answers after its stop")
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`))); err != nil {
		t.Fatalf("reloading offline: %v", err)
	}
	state, offline := lastOutput(t, ctx, 1, load)
	if want := `["cache",` + strings.TrimPrefix(online, `["network",`); state != "done" || offline != want {
		t.Errorf("offline: %q, %q; want %q (the same digits, from the cache)", state, offline, want)
	}
}

// navigateReady opens a URL and waits for the page's kernel and edits.
func navigateReady(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`))); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}
