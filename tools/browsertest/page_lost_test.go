//go:build browser

package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	nbformat "tinytorch/internal/notebook"
)

// TestEditJustBeforeReload types into a cell and reloads 50 ms later, well
// inside the 300 ms save delay: the page writes the pending edit as it is
// hidden, and the reloaded page shows it.
func TestEditJustBeforeReload(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	typeIntoCell(t, ctx, 1, "'typed just before the reload'")
	time.Sleep(50 * time.Millisecond)
	reload(t, ctx)
	if got := cellCode(t, ctx, 1); got != "'typed just before the reload'" {
		t.Fatalf("after a reload 50 ms after typing, cell 1 holds %q", got)
	}
	// The edit reached IndexedDB too: a second reload, with nothing
	// pending, shows it again.
	reload(t, ctx)
	if got := cellCode(t, ctx, 1); got != "'typed just before the reload'" {
		t.Errorf("after a second reload cell 1 holds %q", got)
	}
}

// openFileJS chooses a file through the Open… button, as the file chooser
// would, in one step of the page's own event loop.
func openFileJS(name, text string) string {
	return openFileExprJS(name, fmt.Sprintf("%q", text))
}

// openFileExprJS is openFileJS with the file's contents given by a
// JavaScript expression.
func openFileExprJS(name, contents string) string {
	return fmt.Sprintf(`document.querySelector('nav.toolbar button[data-action="Open…"]').click();
		{ const dt = new DataTransfer(); dt.items.add(new File([%s], %q));
		  __ttFileInput.files = dt.files; __ttFileInput.dispatchEvent(new Event("change")); }`, contents, name)
}

// TestOpenFileKeepsSavedEdits opens a file while an edit of the published
// notebook is still waiting for its save, and again at once after a reload
// restored the saved edits: the edits belong to the published notebook and
// survive, and the file's cells never replace them.
func TestOpenFileKeepsSavedEdits(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	typeIntoCell(t, ctx, 2, "'saved edit of cell 2'")
	waitFor(t, ctx, `html[data-saved]`, 5*time.Second)
	// Load the file program first (a download), so that the file opens
	// well inside the 300 ms save delay of the edit made next.
	clickAction(t, ctx, ".md")
	waitDownload(t, ctx, "01-system.md")
	file := "---\ntitle: Other\nchapter: \"9\"\nsummary: A file\n---\n\n```js\n'from the file 1'\n```\n\n```js\n'from the file 2'\n```\n"
	eval[bool](t, ctx, `document.querySelector("#cell-1 .cell-editor").ttEditor.setCode("'typed, then a file opened'");`+
		openFileJS("other.md", file)+`; true`)
	waitFor(t, ctx, `html[data-document="replaced"]`, 10*time.Second)
	if got := cellCode(t, ctx, 1); got != "'from the file 1'" {
		t.Fatalf("the opened file shows cell 1 = %q", got)
	}
	time.Sleep(600 * time.Millisecond) // past the save delay of the edit
	openNotebook(t, ctx, "01-system")
	if got := []string{cellCode(t, ctx, 1), cellCode(t, ctx, 2)}; got[0] != "'typed, then a file opened'" || got[1] != "'saved edit of cell 2'" {
		t.Fatalf("after opening a file within 300 ms of an edit, the notebook has cells 1, 2 = %q, want the edits", got)
	}

	// Again, with the file chosen the moment the page has restored the
	// saved edits (which sets off a save of its own).
	// (The script runs before the page has an <html> element to observe.)
	script := `new MutationObserver((_, obs) => {
		if (!document.documentElement?.hasAttribute("data-edits")) return;
		obs.disconnect(); ` + openFileJS("other.md", file) + ` }).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-edits"]});`
	remove := onNewDocument(t, ctx, script)
	reload(t, ctx)
	waitFor(t, ctx, `html[data-document="replaced"]`, 10*time.Second)
	remove()
	time.Sleep(600 * time.Millisecond)
	openNotebook(t, ctx, "01-system")
	if got := []string{cellCode(t, ctx, 1), cellCode(t, ctx, 2)}; got[0] != "'typed, then a file opened'" || got[1] != "'saved edit of cell 2'" {
		t.Errorf("after opening a file right after load, the notebook has cells 1, 2 = %q, want the saved edits", got)
	}
}

// gapProbe measures the page's responsiveness: window.__ttGaps lists each
// task that kept the main thread busy for over 50 ms, as [start, length]
// in ms (Chromium's longtask entries: a busy machine stretches tasks, but
// a page whose main thread only passes messages has no long ones).
const gapProbe = `window.__ttGaps = []; new PerformanceObserver((list) => {
	for (const e of list.getEntries()) __ttGaps.push([e.startTime, e.duration]); }).observe({type: "longtask"});`

// longestPauseSince is the longest pause gapProbe saw after the time
// that the JavaScript expression since gives (the part after it), in ms.
func longestPauseSince(t *testing.T, ctx context.Context, since string) float64 {
	t.Helper()
	return eval[float64](t, ctx, `(() => { const t0 = `+since+`;
		return Math.max(0, ...__ttGaps.map(([start, length]) => Math.min(length, start + length - t0))); })()`)
}

// The longest the main thread may be busy while a slow notebook is read:
// 200 ms on a page otherwise idle, 1 s while the page also starts (its own
// start-up tasks reached 600 ms on a busy 2-core machine). The pauses
// measured are printed; with the file program on the main thread they
// last many seconds.
const (
	maxPauseIdle     = 200
	maxPauseStarting = 1000
)

// pathological is a notebook whose prose takes goldmark many seconds to
// parse: 20,000 unclosed links.
func pathological() *nbformat.Notebook {
	return &nbformat.Notebook{Title: "Slow", Chapter: "1", Summary: "Slow to parse", Blocks: []nbformat.Block{
		{Kind: nbformat.Prose, Source: strings.Repeat("[a](", 20000) + "\n"},
		{Kind: nbformat.Code, Source: "1 + 1\n"},
	}}
}

// TestSlowFileKeepsPageResponsive opens a .md file that takes the
// Markdown parser many seconds, from a page that is otherwise idle: the
// page keeps answering (the file program runs in a worker) and within its
// time budget shows either the notebook or an error.
func TestSlowFileKeepsPageResponsive(t *testing.T) {
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	// The file's 80 kB are put in the page first: compiling the script
	// that carries them is the test's work, not the page's.
	eval[bool](t, ctx, fmt.Sprintf(`window.__ttSlowMd = %q; true`, pathological().Markdown()))
	start := time.Now()
	eval[bool](t, ctx, gapProbe+openFileExprJS("slow.md", "__ttSlowMd")+`; true`)
	waitFor(t, ctx, `html[data-document="replaced"], .banner`, 30*time.Second)
	took := time.Since(start)
	banner := eval[string](t, ctx, `[...document.querySelectorAll(".banner")].map((b) => b.innerText).join("\n")`)
	gap := longestPauseSince(t, ctx, "0")
	fmt.Printf("slow .md: answered after %v, longest main-thread pause %.0f ms; %q\n", took.Round(time.Millisecond), gap, banner)
	if gap > maxPauseIdle {
		t.Errorf("opening a slow .md paused the page for %.0f ms; want under %d ms", gap, maxPauseIdle)
	}
	if !eval[bool](t, ctx, `document.documentElement.dataset.document === "replaced"`) && !strings.Contains(banner, "Could not open slow.md: ") {
		t.Errorf("the slow file neither opened nor gave an error; banner %q", banner)
	}
	// 5 s of budget, after the file program's start (seconds, on a busy
	// machine); with no budget goldmark would take far longer.
	if took > 20*time.Second {
		t.Errorf("the slow file took %v to give an answer; the budget is 5 s", took)
	}
	if state, out := runCell(t, ctx, 1); state != "done" || out == "" {
		t.Errorf("after the slow file, cell 1 gave %q, %q", state, out)
	}
}

// TestSlowShareLinkKeepsPageResponsive opens a share link whose notebook
// takes the Markdown parser many seconds, as the page starts: the page
// keeps answering and shows either the notebook or an error.
func TestSlowShareLinkKeepsPageResponsive(t *testing.T) {
	link, err := nbformat.EncodeShare(pathological())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("slow share link: %d characters\n", len(link))
	other := newTab(t)
	remove := onNewDocument(t, other, gapProbe)
	defer remove()
	start := time.Now()
	if err := chromedp.Do(other, chromedp.Navigate(baseURL+"/01-system.html#nb="+link)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other, `html[data-edits]`, 60*time.Second) // a busy machine starts the page slowly
	took := time.Since(start)
	banner := eval[string](t, other, `[...document.querySelectorAll(".banner")].map((b) => b.innerText).join("\n")`)
	// The page's own start can pause it on a busy machine: count only the
	// pauses after the page asked for the file program.
	gap := longestPauseSince(t, other, `performance.getEntriesByType("resource").find((e) => e.name.includes("/assets/docs")).startTime`)
	fmt.Printf("slow share link: answered after %v, longest main-thread pause once the link was being read %.0f ms; %q\n", took.Round(time.Millisecond), gap, banner)
	if gap > maxPauseStarting {
		t.Errorf("opening a slow share link paused the page for %.0f ms; want under %d ms", gap, maxPauseStarting)
	}
	if !eval[bool](t, other, `document.documentElement.dataset.document === "replaced"`) && !strings.Contains(banner, "This link's notebook could not be read: ") {
		t.Errorf("the slow link neither opened nor gave an error; banner %q", banner)
	}
}

// TestOpenRefusesNonUTF8FrontMatter opens a .md whose front matter is in
// Latin-1: the Go parser refuses it, and so does the page, with its error,
// instead of opening the file with the bytes replaced.
func TestOpenRefusesNonUTF8FrontMatter(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	src := "---\ntitle: Caf\xe9\nchapter: \"1\"\nsummary: Latin-1\n---\n\n```js\n1 + 1\n```\n"
	_, parseErr := nbformat.Parse("latin1.md", []byte(src))
	if parseErr == nil {
		t.Fatal("the Go parser accepts Latin-1 front matter")
	}
	bytes := make([]string, len(src))
	for i := range src {
		bytes[i] = fmt.Sprint(src[i])
	}
	eval[bool](t, ctx, `document.querySelector('nav.toolbar button[data-action="Open…"]').click();
		{ const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array([`+strings.Join(bytes, ",")+`])], "latin1.md"));
		  __ttFileInput.files = dt.files; __ttFileInput.dispatchEvent(new Event("change")); } true`)
	waitFor(t, ctx, `html[data-document="replaced"], .banner`, 10*time.Second)
	if eval[bool](t, ctx, `document.documentElement.dataset.document === "replaced"`) {
		t.Fatalf("the page opened a file the parser refuses (%v)", parseErr)
	}
	banner := eval[string](t, ctx, `document.querySelector(".banner").innerText`)
	if want := "Could not open latin1.md: " + parseErr.Error(); !strings.Contains(banner, want) {
		t.Errorf("banner reads %q, want %q", banner, want)
	}
}
