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

	"github.com/chromedp/chromedp"

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
	// TT_V8_PROF=1 profiles the suite's tabs with V8's sampling profiler:
	// the wasm keeps its function names, and every page and worker writes
	// tools/browsertest/isolate-*-v8.log (node --prof-process reads one;
	// the kernel worker's is the largest).
	v8prof := os.Getenv("TT_V8_PROF") != ""
	built, err = site.Build(site.Options{Root: root, Out: filepath.Join(tmp, "dist"), BrotliLevel: 5, KeepNames: v8prof,
		// The suite's own notebooks, built beside the chapters
		// (exercises_test.go).
		Extra: []string{filepath.Join(root, "tools", "browsertest", "testdata", fixtureFile)}})
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
		// gc() in every page and worker: TestMemoryStaysBounded collects
		// before it counts, rather than depend on when V8 collects.
		chromedp.Flag("js-flags", jsFlags(v8prof)),
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
	defer stopWorkers() // the worker tests' wrangler dev (worker_setup_test.go)
	return m.Run(), nil
}

func mb(n int) float64 { return float64(n) / 1e6 }

// jsFlags are V8's flags for the suite's Chromium: gc() in every page and
// worker, and with v8prof its sampling profiler (--prof), which writes a
// log per isolate into the working directory.
func jsFlags(v8prof bool) string {
	if v8prof {
		return "--expose-gc --prof"
	}
	return "--expose-gc"
}
