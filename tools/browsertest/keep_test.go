//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tinytorch/internal/static"
)

func TestEditsSurviveReload(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	typeIntoCell(t, ctx, 1, "'my edit'")
	waitFor(t, ctx, `html[data-saved]`, 5*time.Second)
	reload(t, ctx)
	waitFor(t, ctx, `#cell-1 .cell-bar button.quiet:not([hidden])`, 5*time.Second) // "Reset" shows on an edited cell
	if got := cellCode(t, ctx, 1); got != "'my edit'" {
		t.Fatalf("after a reload cell 1 holds %q", got)
	}
	// Reset the cell to the published code.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-1 .cell-bar button.quiet"))); err != nil {
		t.Fatal(err)
	}
	if got := cellCode(t, ctx, 1); !strings.HasPrefix(got, "const a = tt.tensor") {
		t.Errorf("after Reset cell 1 holds %q", got)
	}
}

func TestBannerWhenPublishedChanged(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, `tinytorch.storage.save("notebook:01-system", {cells: ["'old edit'", "2"], published: "an older version"}).then(() => true)`)
	reload(t, ctx)
	waitFor(t, ctx, `.banner button`, 5*time.Second)
	if got := cellCode(t, ctx, 1); got != "'old edit'" {
		t.Errorf("the saved edit was not restored: %q", got)
	}
	banner := eval[string](t, ctx, `document.querySelector(".banner").innerText`)
	if !strings.Contains(banner, "The published version of this notebook has changed") {
		t.Errorf("banner reads %q", banner)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".banner button"))); err != nil {
		t.Fatal(err)
	}
	if got := cellCode(t, ctx, 2); !strings.HasPrefix(got, "tt.tensor([[1, 2], [3, 4]])") {
		t.Errorf("after reset cell 2 holds %q", got)
	}
}

// TestDownloadAndOpen downloads the edited notebook as Markdown and as
// .ipynb, then opens both files again.
func TestDownloadAndOpen(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	runCode(t, ctx, 1, "console.log('hi'); 40 + 2")
	clickAction(t, ctx, ".md")
	waitFor(t, ctx, `html[data-kernel]`, time.Second)
	md := waitDownload(t, ctx, "01-system.md")
	if !strings.HasPrefix(md, "---\ntitle: The system and its parts\n") || !strings.Contains(md, "```js\nconsole.log('hi'); 40 + 2\n```") {
		t.Errorf("downloaded Markdown:\n%s", md)
	}
	clickAction(t, ctx, ".ipynb")
	ipynb := waitDownload(t, ctx, "01-system.ipynb")
	for _, want := range []string{`"nbformat": 4`, `"output_type": "stream"`, `"hi\n"`, `"42"`, `"language": "javascript"`} {
		if !strings.Contains(ipynb, want) {
			t.Errorf(".ipynb lacks %s", want)
		}
	}
	for _, file := range []struct{ name, text string }{{"mine.ipynb", ipynb}, {"mine.md", md}} {
		eval[bool](t, ctx, `(document.documentElement.removeAttribute("data-document"), true)`)
		clickAction(t, ctx, "Open…")
		eval[bool](t, ctx, fmt.Sprintf(`(() => { const dt = new DataTransfer();
			dt.items.add(new File([%q], %q)); __ttFileInput.files = dt.files;
			__ttFileInput.dispatchEvent(new Event("change")); return true; })()`, file.text, file.name))
		waitFor(t, ctx, `html[data-document="replaced"]`, 10*time.Second)
		waitFor(t, ctx, `#cell-1 .cm-content`, 5*time.Second)
		if got := cellCode(t, ctx, 1); got != "console.log('hi'); 40 + 2" {
			t.Errorf("%s opened with cell 1 = %q", file.name, got)
		}
		if state, out := runCell(t, ctx, 1); state != "done" || out != "hi\n42" {
			t.Errorf("%s: running cell 1 gave %q, %q", file.name, state, out)
		}
	}
}

// waitDownload waits for the page to hand a file to the browser.
func waitDownload(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	expr := fmt.Sprintf(`window.__ttLastDownload && __ttLastDownload.name === %q`, name)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("no download of %s: %v", name, err)
	}
	return eval[string](t, ctx, `(() => { const t = __ttLastDownload.text; window.__ttLastDownload = null; return t; })()`)
}

// TestShareLink opens a copied link in a fresh browser: it shows the edits,
// and the sender's saved edits stay as they were.
func TestShareLink(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	typeIntoCell(t, ctx, 2, "'shared edit'")
	waitFor(t, ctx, `html[data-saved]`, 5*time.Second)
	clickAction(t, ctx, "Copy link")
	waitFor(t, ctx, `html[data-share-link]`, 10*time.Second)
	link := eval[string](t, ctx, `document.documentElement.dataset.shareLink`)
	fmt.Printf("share link for 01-system with one edit: %d characters\n", len(link))

	other := newTab(t) // another browser context: a fresh browser
	if err := chromedp.Do(other, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other, `html[data-document="replaced"]`, 15*time.Second)
	waitFor(t, other, `html[data-kernel="ready"]`, 15*time.Second)
	if got := cellCode(t, other, 2); got != "'shared edit'" {
		t.Errorf("the link opened with cell 2 = %q", got)
	}
	if _, out := runCell(t, other, 2); out != "shared edit" {
		t.Errorf("running the shared cell gave %q", out)
	}
	typeIntoCell(t, other, 2, "'reader edit'")
	time.Sleep(500 * time.Millisecond)
	reload(t, ctx) // the sender's copy is untouched by the reader
	if got := cellCode(t, ctx, 2); got != "'shared edit'" {
		t.Errorf("the sender's cell 2 now holds %q", got)
	}
}

// TestOfflineReload visits a notebook, stops the server, and reloads: the
// service worker serves the app and a cell still runs.
func TestOfflineReload(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: static.Handler(filepath.Join(distDir))}
	go srv.Serve(ln)
	url := "http://" + ln.Addr().String() + "/01-system.html"
	ctx := newOfflineTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"]`))); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, ctx, `navigator.serviceWorker.ready.then(() => new Promise((r) => {
		const check = () => navigator.serviceWorker.controller ? r(true) : setTimeout(check, 50); check(); }))`)
	srv.Close()
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`html[data-kernel="ready"]`))); err != nil {
		t.Fatalf("reloading offline: %v", err)
	}
	if state, out := runCell(t, ctx, 1); state != "done" || !strings.Contains(out, "19") {
		t.Errorf("offline, cell 1 gave %q, %q", state, out)
	}
}

// TestKeyboardAndHelp uses the page with the keyboard alone.
func TestKeyboardAndHelp(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, `(document.activeElement.blur(), true)`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("?")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `dialog#tt-help[open]`, 2*time.Second)
	if text := eval[string](t, ctx, `document.querySelector("#tt-help").innerText`); !strings.Contains(text, "Shift+Enter") {
		t.Errorf("help reads %q", text)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\x1b")); err != nil { // Escape
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `!!document.querySelector("dialog#tt-help[open]")`) {
		t.Errorf("Escape did not close the help")
	}
	// Tab to cell 1's Run button and press Enter. The prose before it
	// has stops of its own: Chromium makes a box that scrolls sideways (the
	// CLI transcript, a wide table) keyboard-focusable, so it can be read.
	eval[bool](t, ctx, `(document.querySelector("nav.toolbar button").focus(), true)`)
	for i := 0; i < 40 && !eval[bool](t, ctx, `document.activeElement === document.querySelector("#cell-1 .cell-bar button")`); i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
	}
	next := nextCount(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	waitCount(t, ctx, 1, next)
	if eval[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle`) == "none" {
		t.Errorf("the focused button shows no focus ring")
	}
}

// TestPhoneLayout takes screenshots at a phone's width and checks nothing
// overflows sideways, the contents line up with the text, a wide table
// scrolls in its own box, and the help dialog has room.
func TestPhoneLayout(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	openNotebook(t, ctx, "01-system")
	runCell(t, ctx, 1)
	runCell(t, ctx, 2)
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide on a 390 px screen", w)
	}
	// The table of contents starts where the text does.
	lefts := eval[[]float64](t, ctx, `[document.querySelector("nav.toc summary"), document.querySelector("article.notebook > p")].map((e) => e.getBoundingClientRect().left)`)
	if d := lefts[0] - lefts[1]; d < -2 || d > 2 {
		t.Errorf("the contents start at x = %.0f and the text at x = %.0f: out of line by %.0f px", lefts[0], lefts[1], d)
	}
	// The prose table keeps readable columns and scrolls inside its box.
	table := eval[[]float64](t, ctx, `(() => { const tb = document.querySelector("article.notebook > table");
		const widest = Math.max(...[...tb.querySelectorAll("td")].map((td) => td.getBoundingClientRect().width));
		const narrowest = Math.min(...[...tb.querySelectorAll("td:not(:first-child)")].map((td) => td.getBoundingClientRect().width));
		return [tb.clientWidth, tb.scrollWidth, narrowest, widest, getComputedStyle(tb).overflowX === "auto" ? 1 : 0]; })()`)
	if table[0] > 390-2*12 || table[1] <= table[0] || table[4] != 1 {
		t.Errorf("the prose table is %.0f px wide with %.0f px of content (overflow-x auto: %v); want it to scroll inside the text column", table[0], table[1], table[4] == 1)
	}
	if table[2] < 120 {
		t.Errorf("a prose table column is %.0f px wide: squeezed to a word or two a line", table[2])
	}
	scrollTo(t, ctx, "#cell-1")
	saveScreenshot(t, ctx, "notebook-390.png")
	// The help dialog fits the screen with its text in readable lines.
	eval[bool](t, ctx, `(document.querySelector("nav.toolbar button[aria-label='Keyboard shortcuts']").click(), true)`)
	waitFor(t, ctx, `dialog#tt-help[open]`, 2*time.Second)
	box := eval[[]float64](t, ctx, `(() => { const r = document.querySelector("#tt-help").getBoundingClientRect();
		const td = document.querySelector("#tt-help td").getBoundingClientRect();
		return [r.left, r.right, r.width, td.width]; })()`)
	if box[0] < 0 || box[1] > 390 || box[2] < 330 || box[3] < 140 {
		t.Errorf("help dialog spans x = %.0f…%.0f (%.0f px), its descriptions %.0f px wide; want it inside the screen, at least 330 px, descriptions at least 140 px", box[0], box[1], box[2], box[3])
	}
	saveScreenshot(t, ctx, "help-390.png")
}
