//go:build browser

package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// recordAnnouncements keeps every text the page's aria-live announcer
// says from now on in window.__announced (a later one replaces the text).
const recordAnnouncements = `(window.__announced = [], new MutationObserver(() => __announced.push(document.querySelector("body > .visually-hidden[aria-live]").textContent))
	.observe(document.querySelector("body > .visually-hidden[aria-live]"), {childList: true, characterData: true, subtree: true}), true)`

// announcedFirst waits for the first announcement since recordAnnouncements.
func announcedFirst(t *testing.T, ctx context.Context) string {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`__announced.length > 0`, chromedp.WithPollingTimeout(2*time.Second))); err != nil {
		t.Fatalf("nothing was announced: %v", err)
	}
	return eval[string](t, ctx, `__announced.splice(0).at(0)`)
}

// TestRunAbove: Run above runs the cells above the focused one or, when no
// cell was focused or run yet, above the first cell in view, and says so.
func TestRunAbove(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 600)); err != nil {
		t.Fatal(err)
	}
	openNotebook(t, ctx, "01-system")
	counts := func() string {
		return strings.Join(eval[[]string](t, ctx, `[...document.querySelectorAll("section.cell")].map((c) => c.dataset.count || "-")`), " ")
	}
	// At the top, cell 1 is the first cell not above the view: nothing is
	// above it, and the page says so instead of doing nothing silently.
	eval[bool](t, ctx, recordAnnouncements)
	clickAction(t, ctx, "Run above")
	if got := announcedFirst(t, ctx); got != "Run above: there is no cell above cell 1" {
		t.Errorf("at the top, Run above announced %q", got)
	}
	// Scrolled down to cell 2, with no cell focused: cell 1 runs, not cell 2.
	eval[bool](t, ctx, `(document.querySelector("main").style.paddingBottom = "1200px", document.querySelector("#cell-2").scrollIntoView({block: "start"}), true)`)
	clickAction(t, ctx, "Run above")
	waitFor(t, ctx, `#cell-1[data-count="1"][data-state="done"]`, 10*time.Second)
	if got := announcedFirst(t, ctx); got != "Running cell 1, above cell 2" {
		t.Errorf("scrolled to cell 2, Run above announced %q", got)
	}
	if got := counts(); got != "1 -" {
		t.Errorf("execution counts after Run above = %q, want cell 1 run once, cell 2 not", got)
	}
	// A focused cell wins over the view: focus cell 2, scroll to the top.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-2 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, ctx, `(window.scrollTo(0, 0), true)`)
	clickAction(t, ctx, "Run above")
	waitFor(t, ctx, `#cell-1[data-count="2"][data-state="done"]`, 10*time.Second)
	if got := counts(); got != "2 -" {
		t.Errorf("execution counts after Run above from cell 2 = %q, want 2 -", got)
	}
}

// TestChapterLinks follows the links to the next and the previous chapter.
func TestChapterLinks(t *testing.T) {
	t.Parallel()
	if len(built.Notebooks) < 2 {
		t.Skip("one notebook: no chapter links")
	}
	first, second, last := built.Notebooks[0], built.Notebooks[1], built.Notebooks[len(built.Notebooks)-1]
	ctx := newTab(t)
	openNotebook(t, ctx, first.Slug)
	if n := eval[int](t, ctx, `document.querySelectorAll("nav.pager a.prev").length`); n != 0 {
		t.Errorf("the first chapter has %d links to a previous one", n)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("nav.pager a.next")), chromedp.WaitReady(chromedp.CSS(`article[data-notebook="`+second.Slug+`"]`))); err != nil {
		t.Fatalf("following the next-chapter link of %s: %v", first.Slug, err)
	}
	if got := eval[string](t, ctx, `document.title`); got != second.Title+" — TinyTorch" {
		t.Errorf("after Next, the title is %q, want %q", got, second.Title+" — TinyTorch")
	}
	if text := eval[string](t, ctx, `document.querySelector("nav.pager a.prev").textContent`); !strings.Contains(text, first.Title) {
		t.Errorf("the previous-chapter link of %s reads %q, want %q in it", second.Slug, text, first.Title)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("nav.pager a.prev")), chromedp.WaitReady(chromedp.CSS(`article[data-notebook="`+first.Slug+`"]`))); err != nil {
		t.Fatalf("following the previous-chapter link of %s: %v", second.Slug, err)
	}
	openNotebook(t, ctx, last.Slug)
	if n := eval[int](t, ctx, `document.querySelectorAll("nav.pager a.next").length`); n != 0 {
		t.Errorf("the last chapter has %d links to a next one", n)
	}
}

// TestEditorBracketsAndUndo: the cursor beside a bracket marks its match,
// and Ctrl+Z undoes an edit (Ctrl+Shift+Z redoes it).
func TestEditorBracketsAndUndo(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	published := cellCode(t, ctx, 1)
	// End of line 1, "…[3, 4]]);", then one step left: after the ")".
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#cell-1 .cm-content")),
		chromedp.KeyEvent(kb.Home, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.End),
		chromedp.KeyEvent(kb.ArrowLeft),
	); err != nil {
		t.Fatal(err)
	}
	marks := eval[[]string](t, ctx, `[...document.querySelectorAll("#cell-1 .cm-matchingBracket")].map((m) => m.textContent)`)
	if strings.Join(marks, "") != "()" {
		t.Errorf("matching brackets marked: %q, want the ( and the ) of tt.tensor(…)", marks)
	}
	if bg := eval[string](t, ctx, `getComputedStyle(document.querySelector("#cell-1 .cm-matchingBracket")).backgroundColor`); bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("the matching bracket is not highlighted (background %s)", bg)
	}
	typeIntoCell(t, ctx, 1, "'changed'")
	if got := cellCode(t, ctx, 1); got != "'changed'" {
		t.Fatalf("after typing, cell 1 holds %q", got)
	}
	// Typing replaced the code in two steps (delete, insert); CodeMirror
	// may group them, so undo until the code is back, at most twice.
	for i := 0; i < 2 && cellCode(t, ctx, 1) != published; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
			t.Fatal(err)
		}
	}
	if got := cellCode(t, ctx, 1); got != published {
		t.Fatalf("after Ctrl+Z, cell 1 holds %q, want the published code %q", got, published)
	}
	for i := 0; i < 2 && cellCode(t, ctx, 1) != "'changed'"; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl|chromedp.ModifierShift))); err != nil {
			t.Fatal(err)
		}
	}
	if got := cellCode(t, ctx, 1); got != "'changed'" {
		t.Errorf("after Ctrl+Shift+Z, cell 1 holds %q, want the edit back", got)
	}
}
