//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tinytorch/internal/repo"
	"tinytorch/internal/site"
	"tinytorch/internal/static"
)

// The suite shares one build, one server and one browser; each test opens
// its own tab.
var (
	baseURL    string
	browserCtx context.Context
	built      *site.Result
	distDir    string // the built site
)

func TestMain(m *testing.M) {
	code, err := setUp(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser suite:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setUp(m *testing.M) (int, error) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		return 0, fmt.Errorf("chromium is not installed: run `sudo apt-get install -y chromium` (make test does it when run as root)")
	}
	tmp, err := os.MkdirTemp("", "tinytorch-browser-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)

	root, err := repo.Root()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	// A low brotli level keeps the build quick; sizes are reported at the
	// level `make build` uses by tools/build.
	built, err = site.Build(site.Options{Root: root, Out: filepath.Join(tmp, "dist"), BrotliLevel: 5})
	if err != nil {
		return 0, err
	}
	fmt.Printf("built the site in %v\n", time.Since(start).Round(time.Millisecond))
	for _, c := range built.Compressed {
		if strings.HasSuffix(c.Path, ".wasm") {
			fmt.Printf("%s: %.2f MB raw, %.2f MB gzip, %.2f MB brotli (brotli level 5 in this test build)\n", c.Path, mb(c.Raw), mb(c.Gzip), mb(c.Brotli))
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	distDir = filepath.Join(tmp, "dist")
	srv := &http.Server{Handler: static.Handler(distDir)}
	go srv.Serve(ln)
	defer srv.Close()
	baseURL = "http://" + ln.Addr().String()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Env("XDG_CONFIG_HOME="+filepath.Join(tmp, "config")),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // start the browser with no timeout
		return 0, fmt.Errorf("starting chromium: %v", err)
	}
	browserCtx = ctx
	return m.Run(), nil
}

func mb(n int) float64 { return float64(n) / 1e6 }

// newTab opens a tab in the shared browser with a time limit for the test.
// Each tab has a browser context of its own, like a fresh profile, so the
// edits one test saves in IndexedDB never reach another.
func newTab(t *testing.T) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

// openNotebook navigates to a notebook page and waits until its kernel
// is ready; it returns the time from navigation to ready, in milliseconds.
func openNotebook(t *testing.T, ctx context.Context, slug string) float64 {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(baseURL+"/"+slug+".html"),
		chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"][data-edits]`)),
	); err != nil {
		t.Fatalf("opening %s: %v", slug, err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__ttReadyMs`))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// runCell clicks a cell's Run button and waits for that run to finish; it
// returns the cell's final state ("done" or "error") and its output text.
func runCell(t *testing.T, ctx context.Context, n int) (state, output string) {
	t.Helper()
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#cell-%d .cell-bar button", n)))); err != nil {
		t.Fatalf("running cell %d: %v", n, err)
	}
	waitCount(t, ctx, n, next)
	return cellResult(t, ctx, n)
}

// runCode replaces a cell's code by typing, runs it with Ctrl+Enter and
// waits for the run to finish.
func runCode(t *testing.T, ctx context.Context, n int, code string) (state, output string) {
	t.Helper()
	return runCodeWithin(t, ctx, n, code, 20*time.Second)
}

// runCodeWithin is runCode with a time limit of its own, for long cells
// such as the benchmarks.
func runCodeWithin(t *testing.T, ctx context.Context, n int, code string, limit time.Duration) (state, output string) {
	t.Helper()
	typeIntoCell(t, ctx, n, code)
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d[data-count="%d"]:is([data-state="done"], [data-state="error"])`, n, next), limit)
	return cellResult(t, ctx, n)
}

// nextCount is the execution count the next run will get.
func nextCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`+(document.documentElement.dataset.execCount || 0) + 1`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitCount waits until cell n has run with execution count count and finished.
func waitCount(t *testing.T, ctx context.Context, n, count int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`#cell-%d[data-count="%d"]:is([data-state="done"], [data-state="error"])`, n, count), 20*time.Second)
}

// waitFor waits until an element matches sel; on a time-out it fails the
// test with the state of every cell, to show what happened instead.
func waitFor(t *testing.T, ctx context.Context, sel string, timeout time.Duration) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
		states, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.documentElement.outerHTML.slice(0, 300),
			...[...document.querySelectorAll(".cell")].map((c) => c.id + " " + c.dataset.state + " [" + c.dataset.count + "] " + c.querySelector(".cell-output").innerText.slice(0, 200))]`))
		t.Fatalf("waiting for %s: %v\npage: %q", sel, err, states)
	}
}

// cellResult reads a cell's state and output text.
func cellResult(t *testing.T, ctx context.Context, n int) (state, output string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const c = document.querySelector("#cell-%d");
		return [c.dataset.state || "", c.querySelector(".cell-output").innerText.trim()]; })()`, n)
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		t.Fatal(err)
	}
	return res[0], res[1]
}

// typeIntoCell replaces a cell's code by selecting all and typing.
func typeIntoCell(t *testing.T, ctx context.Context, n int, code string) {
	t.Helper()
	content := chromedp.CSS(fmt.Sprintf("#cell-%d .cm-content", n))
	if err := chromedp.Do(ctx,
		chromedp.Click(content),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent("\b"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: code}); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates JavaScript in the page and decodes the result.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// saveScreenshot writes a PNG of what the window shows now (the viewport,
// as a reader sees it: a full-page capture would draw the sticky header in
// the middle of the page) under the folder named by TT_SCREENSHOTS
// (default: the system's temporary folder) and prints where.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("TT_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("saving screenshot: %v", err)
		return
	}
	fmt.Printf("screenshot: %s\n", path)
}

// scrollTo scrolls the page so that the element sel is in the middle of
// the window, and waits a frame for the page to paint.
func scrollTo(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`new Promise((r) => { document.querySelector(%q).scrollIntoView({block: "center"});
		requestAnimationFrame(() => requestAnimationFrame(() => r(true))); })`, sel))
}

// emulateColorScheme makes the tab prefer a light or dark colour scheme,
// as the system setting would.
func emulateColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	features := []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
}

// inBothThemes runs test twice, as subtests "light" and "dark", each in a
// new tab that prefers that colour scheme and shows the notebook slug.
func inBothThemes(t *testing.T, slug string, test func(t *testing.T, ctx context.Context, scheme string)) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			ctx := newTab(t)
			emulateColorScheme(t, ctx, scheme)
			openNotebook(t, ctx, slug)
			test(t, ctx, scheme)
		})
	}
}

// key presses one key, with modifiers if given, as a keyboard does: a
// printable key's keydown carries its text, so the browser types it only
// if no handler cancelled the keydown. (chromedp.KeyEvent sends the text
// as a separate char event, which types even then: after Shift+Enter has
// moved the focus to the next cell, a line break would land there.)
func key(t *testing.T, ctx context.Context, k string, mods ...chromedp.Modifier) {
	t.Helper()
	r := []rune(k)[0]
	v, ok := kb.Keys[r]
	if !ok || len([]rune(k)) != 1 {
		t.Fatalf("key: no key for %q", k)
	}
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: v.Key, Code: v.Code,
		WindowsVirtualKeyCode: v.Windows, NativeVirtualKeyCode: v.Native}
	if v.Shift {
		down.Modifiers |= int64(chromedp.ModifierShift)
	}
	for _, m := range mods {
		down.Modifiers |= int64(m)
	}
	// With Ctrl or Alt held a key types nothing.
	if v.Print && down.Modifiers&int64(chromedp.ModifierCtrl|chromedp.ModifierAlt) == 0 {
		down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, v.Text, v.Unmodified
	}
	up := down
	up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	for _, e := range []input.DispatchKeyEventParams{down, up} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, e); err != nil {
			t.Fatalf("pressing %q: %v", k, err)
		}
	}
}
