//go:build browser

package browsertest

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/internal/static"
)

// serve serves handler on a free loopback port until the test ends.
func serve(t *testing.T, handler http.Handler) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), func() { srv.Close() }
}

// withoutIsolation drops the headers that make the page cross-origin
// isolated, as a host that cannot send them would.
type withoutIsolation struct{ http.ResponseWriter }

func (w withoutIsolation) WriteHeader(code int) {
	w.Header().Del("Cross-Origin-Opener-Policy")
	w.Header().Del("Cross-Origin-Embedder-Policy")
	w.ResponseWriter.WriteHeader(code)
}

func (w withoutIsolation) Write(b []byte) (int, error) {
	w.Header().Del("Cross-Origin-Opener-Policy")
	w.Header().Del("Cross-Origin-Embedder-Policy")
	return w.ResponseWriter.Write(b)
}

// TestStopWithoutIsolation: with no shared memory, Stop restarts the
// kernel and says that the state was lost.
func TestStopWithoutIsolation(t *testing.T) {
	t.Parallel()
	files := static.Handler(distDir)
	url, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		files.ServeHTTP(withoutIsolation{w}, r)
	}))
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/01-system.html"), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"]`))); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `crossOriginIsolated`) {
		t.Fatal("the page is isolated although the headers were dropped")
	}
	startCode(t, ctx, 1, "let i = 0; while (true) { tt.tensor([1]).add(1); i++ }")
	clickAction(t, ctx, "■ Stop")
	waitFor(t, ctx, `#cell-1[data-state="error"]`, 5*time.Second)
	if _, out := cellResult(t, ctx, 1); !strings.Contains(out, "not cross-origin isolated, so Stop restarts the kernel: variables from earlier cells are lost") {
		t.Errorf("cell 1 output %q", out)
	}
	waitFor(t, ctx, `html[data-kernel="ready"]`, 10*time.Second)
	if state, out := runCode(t, ctx, 1, "1 + 1"); state != "done" || out != "2" {
		t.Errorf("after the restart: %q, %q", state, out)
	}
}

// TestNewDeployIsPickedUp: after a visit, a new build shows on the next
// visit, and it is the new build that is then kept for offline use.
func TestNewDeployIsPickedUp(t *testing.T) {
	newDir := t.TempDir()
	if err := os.CopyFS(newDir, os.DirFS(distDir)); err != nil {
		t.Fatal(err)
	}
	rewrite := func(name, old, new string) {
		path := filepath.Join(newDir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s lacks %q", name, old)
		}
		os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
		os.Remove(path + ".gz")
		os.Remove(path + ".br")
	}
	rewrite("01-system.html", "<h1 id=\"the-system-and-its-parts\">The system and its parts</h1>", "<h1 id=\"the-system-and-its-parts\">The system and its parts, second edition</h1>")
	rewrite("sw.js", `"version":"`, `"version":"next-`)

	var current atomic.Pointer[http.Handler]
	oldSite, newSite := static.Handler(distDir), static.Handler(newDir)
	current.Store(&oldSite)
	url, stop := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) }))
	ctx := newOfflineTab(t)
	page := url + "/01-system.html"
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"]`))); err != nil {
		t.Fatal(err)
	}
	waitController := `navigator.serviceWorker.ready.then(() => new Promise((r) => {
		const check = () => navigator.serviceWorker.controller ? r(true) : setTimeout(check, 50); check(); }))`
	eval[bool](t, ctx, waitController)

	current.Store(&newSite) // deploy
	reload(t, ctx)
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "The system and its parts, second edition" {
		t.Fatalf("after the deploy the page shows %q", h1)
	}
	// Let the new worker install and take over (its cache is named after the
	// new version), then go offline.
	eval[bool](t, ctx, `(async () => {
		for (let i = 0; i < 100; i++) {
			const names = await caches.keys();
			if (names.some((n) => n.includes("next-"))) return true;
			await new Promise((r) => setTimeout(r, 50));
		}
		return false; })()`)
	stop()
	reload(t, ctx)
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "The system and its parts, second edition" {
		t.Errorf("offline after the deploy the page shows %q", h1)
	}
}
