//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Issue 12, part 3: the page can add a cell above or below (code or
// Markdown), delete it with undo and move it, from the keyboard
// (Jupyter's command mode) and from the toolbar; the new structure is
// saved, exported and shared. Chapter 1 has two published cells:
const (
	pubCell1 = "const a = tt.tensor([[1, 2], [3, 4]]);\nconst b = tt.tensor([[5, 6], [7, 8]]);\na.matmul(b)"
	pubCell2 = "tt.tensor([[1, 2], [3, 4]]).matmul(tt.tensor([[1, 2, 3]]))"
)

// cellList is every cell of the page in order, as "kind:code" (kind
// "code" or "md").
func cellList(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...document.querySelectorAll("article.notebook section.cell")].map((s) =>
		s.dataset.kind + ":" + s.querySelector(".cell-editor").ttEditor.code())`)
}

// wantCells fails the test unless the page's cells are want, in order.
func wantCells(t *testing.T, ctx context.Context, step string, want ...string) {
	t.Helper()
	if got := cellList(t, ctx); strings.Join(got, "\n|") != strings.Join(want, "\n|") {
		t.Fatalf("%s: the cells are\n%q\nwant\n%q", step, got, want)
	}
}

// focusedCell is the id of the cell section that has the focus (command
// mode), or "editor of cell-N", or what else has it.
func focusedCell(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `(() => { const a = document.activeElement;
		if (a.matches("section.cell")) return a.id;
		const c = a.closest("section.cell");
		return c && a.closest(".cm-editor") ? "editor of " + c.id : a.outerHTML.slice(0, 80); })()`)
}

// commandMode presses Esc until a cell itself has the focus: the first
// Esc may only close the editor's autocompletion, as in Jupyter.
func commandMode(t *testing.T, ctx context.Context) {
	t.Helper()
	for range 3 {
		key(t, ctx, kb.Escape)
		if eval[bool](t, ctx, `document.activeElement.matches("section.cell")`) {
			return
		}
	}
	t.Fatalf("Esc did not select a cell: the focus is on %s", focusedCell(t, ctx))
}

// insertText types text where the focus is, as a keyboard would.
func insertText(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		t.Fatal(err)
	}
}

// TestCellsFromTheKeyboard drives every cell command with Jupyter's
// command-mode keys: Esc selects the cell, B and A add code cells below
// and above, Enter edits, M makes Markdown, Alt+↑ moves, D D deletes and
// Z brings the cell back, each announced with the cell's new number.
func TestCellsFromTheKeyboard(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, watchAnnouncer)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-1 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, kb.Escape)
	if got := focusedCell(t, ctx); got != "cell-1" {
		t.Fatalf("Esc in cell 1's editor focused %s, want the cell itself (command mode)", got)
	}
	key(t, ctx, "b")
	wantCells(t, ctx, "after B", "code:"+pubCell1, "code:", "code:"+pubCell2)
	if got := focusedCell(t, ctx); got != "cell-2" {
		t.Errorf("after B the focus is on %s, want the new cell 2", got)
	}
	key(t, ctx, "\r")
	if got := focusedCell(t, ctx); got != "editor of cell-2" {
		t.Fatalf("Enter on the selected cell focused %s, want its editor", got)
	}
	insertText(t, ctx, "40 + 2")
	next := nextCount(t, ctx)
	key(t, ctx, "\r", chromedp.ModifierCtrl)
	waitCount(t, ctx, 2, next)
	if state, out := cellResult(t, ctx, 2); state != "done" || out != "42" {
		t.Errorf("the added cell ran to %q, %q; want done, 42", state, out)
	}

	// A adds above; M makes it Markdown; Shift+Enter renders it.
	commandMode(t, ctx)
	key(t, ctx, "a")
	key(t, ctx, "m")
	waitFor(t, ctx, `#cell-2[data-kind="md"]`, 2*time.Second)
	key(t, ctx, "\r")
	insertText(t, ctx, "## My *note*")
	key(t, ctx, "\r", chromedp.ModifierShift)
	waitFor(t, ctx, `#cell-2[data-rendered="true"] .markdown-view h2`, 10*time.Second)
	if got := eval[string](t, ctx, `document.querySelector("#cell-2 .markdown-view h2").innerHTML`); got != "My <em>note</em>" {
		t.Errorf("the rendered Markdown cell reads %q", got)
	}
	wantCells(t, ctx, "after A, M", "code:"+pubCell1, "md:## My *note*", "code:40 + 2", "code:"+pubCell2)

	// Alt+↑ moves the selected cell (the 40 + 2 cell, where Shift+Enter went).
	key(t, ctx, kb.Escape)
	if got := focusedCell(t, ctx); got != "cell-3" {
		t.Fatalf("after Shift+Enter and Esc the focus is on %s, want cell 3", got)
	}
	key(t, ctx, kb.ArrowUp, chromedp.ModifierAlt)
	wantCells(t, ctx, "after Alt+↑", "code:"+pubCell1, "code:40 + 2", "md:## My *note*", "code:"+pubCell2)
	if got := focusedCell(t, ctx); got != "cell-2" {
		t.Errorf("after Alt+↑ the focus is on %s, want the moved cell, now cell 2", got)
	}
	key(t, ctx, kb.ArrowUp, chromedp.ModifierAlt)
	wantCells(t, ctx, "after a second Alt+↑", "code:40 + 2", "code:"+pubCell1, "md:## My *note*", "code:"+pubCell2)

	// ↓ selects the next cell; D D deletes it, Z brings it back with its output.
	key(t, ctx, kb.ArrowDown)
	key(t, ctx, "d")
	wantCells(t, ctx, "after one D", "code:40 + 2", "code:"+pubCell1, "md:## My *note*", "code:"+pubCell2)
	key(t, ctx, "d")
	wantCells(t, ctx, "after D, D", "code:40 + 2", "md:## My *note*", "code:"+pubCell2)
	if got := focusedCell(t, ctx); got != "cell-2" {
		t.Errorf("after deleting cell 2 the focus is on %s, want the cell now in its place", got)
	}
	key(t, ctx, kb.ArrowUp)
	key(t, ctx, "d")
	key(t, ctx, "d")
	wantCells(t, ctx, "after deleting the added cell", "md:## My *note*", "code:"+pubCell2)
	key(t, ctx, "z")
	key(t, ctx, "z")
	wantCells(t, ctx, "after Z, Z", "code:40 + 2", "code:"+pubCell1, "md:## My *note*", "code:"+pubCell2)
	if state, out := cellResult(t, ctx, 1); state != "done" || out != "42" {
		t.Errorf("the cell brought back by Z shows %q, %q; want its output 42", state, out)
	}
	got := announced(t, ctx)
	for _, want := range []string{"Cell 1 selected", "Code cell added below cell 1: it is cell 2", "Code cell added above cell 3: it is cell 2",
		"Cell 2 is now a Markdown cell", "Cell 3 moved up: it is cell 2", "Cell 2 deleted", "Deleted cell restored as cell 1"} {
		if !hasAnnouncement(got, want) {
			t.Errorf("no announcement %q among %q", want, got)
		}
	}
	key(t, ctx, "?")
	waitFor(t, ctx, `dialog#tt-help[open]`, 2*time.Second)
	help := eval[string](t, ctx, `document.querySelector("#tt-help").innerText`)
	for _, want := range []string{"Add a code cell above or below", "Delete the cell", "Undo the last deletion", "Move the cell up or down", "Make the cell Markdown or code"} {
		if !strings.Contains(help, want) {
			t.Errorf("the help dialog does not list %q", want)
		}
	}
	saveScreenshot(t, ctx, "cells-help.png")
}

// TestCellsFromTheToolbar does the same with the toolbar's buttons and
// its cell-type menu, then exports the result as .md and .ipynb.
func TestCellsFromTheToolbar(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, watchAnnouncer)
	// The cell commands keep the toolbar one row high on a laptop's
	// 1280 px: a taller sticky header would cover what the focus scrolls to.
	if rows := eval[float64](t, ctx, `document.querySelector("nav.toolbar").getBoundingClientRect().height /
		document.querySelector("nav.toolbar button").getBoundingClientRect().height`); rows > 1.5 {
		t.Errorf("the toolbar is %.1f buttons high at 1280 px, want one row", rows)
	}
	if !eval[bool](t, ctx, `document.querySelector('nav.toolbar button[data-action="Undo delete"]').disabled`) {
		t.Errorf("Undo delete is enabled with nothing deleted")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-2 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	clickAction(t, ctx, "+ Below")
	if got := focusedCell(t, ctx); got != "editor of cell-3" {
		t.Fatalf("+ Below focused %s, want the new cell's editor", got)
	}
	insertText(t, ctx, "'added by the toolbar'")
	clickAction(t, ctx, "+ Above")
	wantCells(t, ctx, "after + Below, + Above", "code:"+pubCell1, "code:"+pubCell2, "code:", "code:'added by the toolbar'")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`nav.toolbar select[data-action="Cell type"]`), "md")); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, ctx, `document.querySelector('nav.toolbar select[data-action="Cell type"]').dispatchEvent(new Event("change")), true`)
	waitFor(t, ctx, `#cell-3[data-kind="md"]`, 2*time.Second)
	typeIntoCell(t, ctx, 3, "A **toolbar** note")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-3 .cell-bar button"))); err != nil { // Render
		t.Fatal(err)
	}
	waitFor(t, ctx, `#cell-3[data-rendered="true"] .markdown-view strong`, 10*time.Second)
	clickAction(t, ctx, "↑")
	wantCells(t, ctx, "after ↑", "code:"+pubCell1, "md:A **toolbar** note", "code:"+pubCell2, "code:'added by the toolbar'")
	clickAction(t, ctx, "↓")
	clickAction(t, ctx, "↓")
	wantCells(t, ctx, "after ↓, ↓", "code:"+pubCell1, "code:"+pubCell2, "code:'added by the toolbar'", "md:A **toolbar** note")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-1 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	clickAction(t, ctx, "Delete")
	wantCells(t, ctx, "after Delete", "code:"+pubCell2, "code:'added by the toolbar'", "md:A **toolbar** note")
	clickAction(t, ctx, "Undo delete")
	wantCells(t, ctx, "after Undo delete", "code:"+pubCell1, "code:"+pubCell2, "code:'added by the toolbar'", "md:A **toolbar** note")
	clickAction(t, ctx, "Delete") // cell 1 is current again: delete it for good
	got := announced(t, ctx)
	for _, want := range []string{"Code cell added below cell 2: it is cell 3", "Cell 3 is now a Markdown cell", "Cell 3 moved up: it is cell 2",
		"Cell 1 deleted", "Deleted cell restored as cell 1"} {
		if !hasAnnouncement(got, want) {
			t.Errorf("no announcement %q among %q", want, got)
		}
	}

	// Export: the cells in page order, the Markdown cell as prose.
	state, _ := runCell(t, ctx, 2)
	if state != "done" {
		t.Fatalf("running the added cell: %s", state)
	}
	clickAction(t, ctx, ".md")
	md := waitDownload(t, ctx, "01-system.md")
	order := []string{"```js\n" + pubCell2 + "\n```", "```js\n'added by the toolbar'\n```", "A **toolbar** note\n"}
	at := 0
	for _, want := range order {
		i := strings.Index(md[at:], want)
		if i < 0 {
			t.Fatalf("the downloaded Markdown lacks %q after byte %d:\n%s", want, at, md)
		}
		at += i + len(want)
	}
	if strings.Contains(md, "const a = tt.tensor") {
		t.Errorf("the downloaded Markdown still holds the deleted cell 1")
	}
	clickAction(t, ctx, ".ipynb")
	var nb struct {
		Cells []struct {
			Type    string   `json:"cell_type"`
			Source  []string `json:"source"`
			Outputs []struct {
				Data map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal([]byte(waitDownload(t, ctx, "01-system.ipynb")), &nb); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range nb.Cells {
		kinds = append(kinds, c.Type+":"+strings.Join(c.Source, ""))
	}
	n := len(kinds)
	if n < 3 || kinds[n-3] != "code:"+pubCell2 || kinds[n-2] != "code:'added by the toolbar'" || kinds[n-1] != "markdown:A **toolbar** note" {
		t.Errorf(".ipynb cells end with %q", kinds[max(0, n-3):])
	}
	if c := nb.Cells[n-2]; len(c.Outputs) != 1 || fmt.Sprint(c.Outputs[0].Data["text/plain"]) != "[added by the toolbar]" { // a list of lines
		t.Errorf("the added cell's output in .ipynb: %+v", c.Outputs)
	}
	saveScreenshot(t, ctx, "cells-toolbar.png")
}

// TestCellsSurviveReload: added, deleted, moved and Markdown cells come
// back after a reload, also when the page is reloaded 50 ms after the
// change (inside the 300 ms save delay: the pagehide stash keeps it).
func TestCellsSurviveReload(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-2 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, kb.Escape)
	key(t, ctx, "a")
	key(t, ctx, "\r")
	insertText(t, ctx, "'mine'")
	commandMode(t, ctx)
	key(t, ctx, "b")
	key(t, ctx, "m")
	key(t, ctx, "\r")
	insertText(t, ctx, "Some *notes*")
	key(t, ctx, "\r", chromedp.ModifierShift)
	want := []string{"code:" + pubCell1, "code:'mine'", "md:Some *notes*", "code:" + pubCell2}
	wantCells(t, ctx, "before the reload", want...)
	waitFor(t, ctx, `html[data-saved]`, 5*time.Second)
	reload(t, ctx)
	wantCells(t, ctx, "after a reload", want...)
	waitFor(t, ctx, `#cell-3[data-rendered="true"] .markdown-view em`, 10*time.Second)
	if eval[bool](t, ctx, `!!document.querySelector(".banner")`) {
		t.Errorf("added cells alone brought up the banner: %q", eval[string](t, ctx, `document.querySelector(".banner").innerText`))
	}

	// A quick reload: delete, move and add, then reload 50 ms later.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-4 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, kb.Escape)
	key(t, ctx, kb.ArrowUp, chromedp.ModifierAlt)
	key(t, ctx, kb.ArrowUp)
	key(t, ctx, kb.ArrowUp)
	key(t, ctx, kb.ArrowUp)
	key(t, ctx, "d")
	key(t, ctx, "d")
	key(t, ctx, "b")
	want = []string{"code:'mine'", "code:", "code:" + pubCell2, "md:Some *notes*"}
	wantCells(t, ctx, "before the quick reload", want...)
	time.Sleep(50 * time.Millisecond)
	reload(t, ctx)
	wantCells(t, ctx, "after a reload 50 ms after the changes", want...)
	reload(t, ctx) // from IndexedDB this time, with nothing stashed
	wantCells(t, ctx, "after a second reload", want...)
}

// TestCellsShareLink: a share link carries added, moved and deleted
// cells; the Markdown cell arrives as the notebook's prose.
func TestCellsShareLink(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-2 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	clickAction(t, ctx, "+ Below")
	insertText(t, ctx, "'travels in the link'")
	clickAction(t, ctx, "↑")
	clickAction(t, ctx, "+ Below")
	commandMode(t, ctx)
	key(t, ctx, "m")
	key(t, ctx, "\r")
	insertText(t, ctx, "A *shared* note")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-1 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	clickAction(t, ctx, "Delete")
	wantCells(t, ctx, "before sharing", "code:'travels in the link'", "md:A *shared* note", "code:"+pubCell2)
	clickAction(t, ctx, "Copy link")
	waitFor(t, ctx, `html[data-share-link]`, 10*time.Second)
	link := eval[string](t, ctx, `document.documentElement.dataset.shareLink`)
	if !strings.Contains(link, "#nb=2.") {
		t.Errorf("the link is not in share format 2: %s", link)
	}
	other := newTab(t)
	if err := chromedp.Do(other, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, other, `html[data-document="replaced"][data-kernel="ready"]`, 15*time.Second)
	wantCells(t, other, "the shared copy", "code:'travels in the link'", "code:"+pubCell2)
	// The note is prose now, between the two cells.
	between := eval[string](t, other, `(() => { const r = document.createRange();
		r.setStartAfter(document.querySelector("#cell-1")); r.setEndBefore(document.querySelector("#cell-2"));
		return r.cloneContents().textContent.trim(); })()`)
	if !strings.HasSuffix(between, "A shared note") {
		t.Errorf("between the shared cells: %q, want it to end with the note", between)
	}
	if state, out := runCell(t, other, 1); state != "done" || out != "travels in the link" {
		t.Errorf("the shared added cell ran to %q, %q", state, out)
	}
}

// TestCellsBannerWhenPublishedChanged: saved cells from an older version
// of the notebook come back with the banner; its reset removes the added
// cells and brings back the deleted one, and Undo delete brings the
// added cell back.
func TestCellsBannerWhenPublishedChanged(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, `tinytorch.storage.save("notebook:01-system", {v: 2, published: "an older version", publishedCells: 2, savedAt: Date.now(),
		items: [{t: "prose", p: 0}, {t: "code", p: -1, s: "'added earlier'"}, {t: "prose", p: 1}, {t: "code", p: 1, s: "'edited 2'"}, {t: "prose", p: 2}]}).then(() => true)`)
	reload(t, ctx)
	waitFor(t, ctx, `.banner button`, 5*time.Second)
	wantCells(t, ctx, "restored from the older version", "code:'added earlier'", "code:'edited 2'")
	if banner := eval[string](t, ctx, `document.querySelector(".banner").innerText`); !strings.Contains(banner, "The published version of this notebook has changed") {
		t.Errorf("banner reads %q", banner)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".banner button"))); err != nil {
		t.Fatal(err)
	}
	wantCells(t, ctx, "after the banner's reset", "code:"+pubCell1, "code:"+pubCell2)
	clickAction(t, ctx, "Undo delete")
	if got := cellList(t, ctx); len(got) != 3 || !strings.Contains(strings.Join(got, "|"), "code:'added earlier'") {
		t.Errorf("Undo delete after the reset gave %q, want the added cell back", got)
	}
}

// TestCellsStackNamesPageNumber: after a cell is added above, an error's
// stack names the cells by their numbers on the page now, not by the
// order in which the page made them.
func TestCellsStackNamesPageNumber(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#cell-1 .cm-content"))); err != nil {
		t.Fatal(err)
	}
	clickAction(t, ctx, "+ Above")
	wantCells(t, ctx, "after + Above", "code:", "code:"+pubCell1, "code:"+pubCell2)
	state, out := runCode(t, ctx, 2, "function boom() {\n  throw new Error('boom');\n}\nboom()")
	if state != "error" || !strings.Contains(out, "at boom (cell 2, line 2)") || strings.Contains(out, "cell 1,") {
		t.Errorf("state %q, output %q; want the stack to name cell 2, line 2", state, out)
	}
}

// TestCellsShiftEnterOnLastCell: Shift+Enter on the last cell runs it and
// adds an empty code cell below, whose editor gets the focus, as in
// Jupyter; from the editor and from command mode alike. The added cells
// are saved (a reload keeps them) and deleted with undo like any other.
func TestCellsShiftEnterOnLastCell(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, watchAnnouncer)
	typeIntoCell(t, ctx, 2, "40 + 2")
	next := nextCount(t, ctx)
	key(t, ctx, "\r", chromedp.ModifierShift)
	waitCount(t, ctx, 2, next)
	if state, out := cellResult(t, ctx, 2); state != "done" || out != "42" {
		t.Errorf("Shift+Enter on the last cell ran it to %q, %q; want done, 42", state, out)
	}
	wantCells(t, ctx, "after Shift+Enter in the last cell's editor", "code:"+pubCell1, "code:40 + 2", "code:")
	if got := focusedCell(t, ctx); got != "editor of cell-3" {
		t.Fatalf("after Shift+Enter on the last cell the focus is on %s, want the new cell 3's editor", got)
	}
	if a := strings.Join(announced(t, ctx), " / "); !strings.Contains(a, "Code cell added below cell 2: it is cell 3") {
		t.Errorf("the page announced %q; want the added cell", a)
	}
	// The new cell is ready for typing; Shift+Enter there adds the next.
	insertText(t, ctx, "1 + 2")
	next = nextCount(t, ctx)
	key(t, ctx, "\r", chromedp.ModifierShift)
	waitCount(t, ctx, 3, next)
	if state, out := cellResult(t, ctx, 3); state != "done" || out != "3" {
		t.Errorf("the added cell ran to %q, %q; want done, 3", state, out)
	}
	wantCells(t, ctx, "after Shift+Enter in the added cell", "code:"+pubCell1, "code:40 + 2", "code:1 + 2", "code:")
	// From command mode too: Esc, then Shift+Enter on the (empty) last cell.
	commandMode(t, ctx)
	key(t, ctx, "\r", chromedp.ModifierShift)
	wantCells(t, ctx, "after Shift+Enter in command mode", "code:"+pubCell1, "code:40 + 2", "code:1 + 2", "code:", "code:")
	if got := focusedCell(t, ctx); got != "editor of cell-5" {
		t.Fatalf("after Shift+Enter on the selected last cell the focus is on %s, want the new cell 5's editor", got)
	}
	// Deleted and brought back like any added cell.
	commandMode(t, ctx)
	key(t, ctx, "d")
	key(t, ctx, "d")
	wantCells(t, ctx, "after D, D", "code:"+pubCell1, "code:40 + 2", "code:1 + 2", "code:")
	key(t, ctx, "z")
	wantCells(t, ctx, "after Z", "code:"+pubCell1, "code:40 + 2", "code:1 + 2", "code:", "code:")
	waitFor(t, ctx, `html[data-saved]`, 5*time.Second)
	reload(t, ctx)
	wantCells(t, ctx, "after a reload", "code:"+pubCell1, "code:40 + 2", "code:1 + 2", "code:", "code:")
}
