//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// watchViolations records, in the page, every Content-Security-Policy
// violation the document reports. It is added through DevTools before the
// page's own scripts run, so the page's policy does not apply to it.
const watchViolations = `window.__ttCSP = [];
document.addEventListener("securitypolicyviolation", (e) =>
	window.__ttCSP.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`

// TestContentSecurityPolicy opens every notebook under the server's
// Content-Security-Policy and runs its first cell, or all its cells with
// TT_CSP_RUN_ALL=1 (about four minutes: run it when the policy or the
// page's scripts change), and checks that the cells ran and that neither
// the document nor the console reports a violation. The kernel worker's
// policy is checked by its working: a worker whose policy refused eval or
// wasm would not start or would fail every cell. A cell may fail on
// purpose (chapter 1 shows a shape error), but never for the policy.
func TestContentSecurityPolicy(t *testing.T) {
	res, err := http.Get(baseURL + "/01-system.html")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval' 'sha256-") || strings.Contains(csp, "'unsafe-eval'") {
		t.Fatalf("the page's policy %q lacks the boot script's hash or allows eval", csp)
	}
	runAll := os.Getenv("TT_CSP_RUN_ALL") != ""
	for _, nb := range built.Notebooks {
		t.Run(nb.Slug, func(t *testing.T) {
			ctx := newTab(t)
			ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
			defer cancel()
			console := chromedp.Console(ctx)
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchViolations}); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/"+nb.Slug+".html")); err != nil {
				t.Fatal(err)
			}
			// A refused boot script or wasm leaves the kernel unready: say
			// what the policy refused rather than only that it timed out.
			ready := `document.documentElement.matches('html[data-kernel="ready"][data-edits]')`
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](ready, chromedp.WithPollingTimeout(40*time.Second))); err != nil {
				t.Fatalf("the notebook's kernel is not ready after 40 s (%v); violations the document saw: %v (a worker reports its own in its console)", err, eval[[]string](t, ctx, `window.__ttCSP`))
			}
			cells := 1
			if runAll {
				cells = eval[int](t, ctx, `document.querySelectorAll("section.cell").length`)
				clickAction(t, ctx, "Run all")
				expr := `(() => { const s = [...document.querySelectorAll(".cell")].map((c) => c.dataset.state || "");
					return !s.some((x) => x === "queued" || x === "running" || x === "idle"); })()`
				if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
					t.Fatalf("the cells did not all run: %v", err)
				}
			} else {
				runCell(t, ctx, 1)
			}
			for n := 1; n <= cells; n++ {
				state, out := cellResult(t, ctx, n)
				if state != "done" && (state != "error" || blockedByPolicy(out)) {
					t.Errorf("cell %d: state %q, output %.300q", n, state, out)
				}
			}
			for _, v := range eval[[]string](t, ctx, `window.__ttCSP`) {
				t.Errorf("CSP violation in the document: %s", v)
			}
			cancel() // ends the console subscription, so the loop below ends
			for m, err := range console {
				if err != nil {
					break
				}
				if blockedByPolicy(m.Text) {
					t.Errorf("console: %s", m.Text)
				}
			}
			fmt.Printf("CSP: %s: %d cells ran in %v\n", nb.Slug, cells, time.Since(start).Round(time.Millisecond))
		})
	}
}

// blockedByPolicy reports whether a message is Chromium's about a
// Content-Security-Policy refusal.
func blockedByPolicy(text string) bool {
	for _, s := range []string{"Content Security Policy", "Content-Security-Policy", "EvalError", "unsafe-eval", "Refused to"} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}
