//go:build browser

package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
)

// The notebook page's promises to readers who use a screen reader or the
// keyboard alone (issue 3, "Access and looks"): runs are announced, every
// control has a name, the keyboard reaches everything with a visible
// focus ring, and the page's text is readable in both themes.

// watchAnnouncer records every text the page's announcer region shows, so
// a test can read messages that a later one replaced.
const watchAnnouncer = `(() => {
	const a = document.querySelector("#tt-announcer");
	window.__ttAnnounced = [];
	new MutationObserver(() => window.__ttAnnounced.push(a.textContent))
		.observe(a, {childList: true, characterData: true, subtree: true});
	return true;
})()`

// announced returns the texts the announcer has shown since watchAnnouncer.
func announced(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `window.__ttAnnounced`)
}

// hasAnnouncement reports whether some announcement starts with prefix.
func hasAnnouncement(got []string, prefix string) bool {
	for _, a := range got {
		if strings.HasPrefix(a, prefix) {
			return true
		}
	}
	return false
}

// TestAnnouncerRegion: the page's announcer is a live region that screen
// readers hear: aria-live polite or assertive, rendered (hidden from the
// eye with the clip technique only) and present in the accessibility tree.
func TestAnnouncerRegion(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	got := eval[[]string](t, ctx, `(() => { const a = document.querySelector("#tt-announcer");
		if (!a) return ["missing"];
		const s = getComputedStyle(a), r = a.getBoundingClientRect();
		return [a.getAttribute("aria-live") || "", s.display, s.visibility, String(r.width * r.height),
			String(!!a.closest("[aria-hidden=true], [hidden], [inert]"))]; })()`)
	if got[0] == "missing" {
		t.Fatal("the page has no #tt-announcer region")
	}
	if got[0] != "polite" && got[0] != "assertive" {
		t.Errorf("the announcer has aria-live=%q, want polite or assertive", got[0])
	}
	if got[1] == "none" || got[2] == "hidden" || got[3] == "0" || got[4] == "true" {
		t.Errorf("the announcer is hidden from screen readers: display %s, visibility %s, area %s px², inside aria-hidden/hidden/inert: %s", got[1], got[2], got[3], got[4])
	}
	live := 0
	for _, n := range axTree(t, ctx) {
		if !n.Ignored && axString(n.Role) == "status" {
			for _, p := range n.Properties {
				if p.Name == accessibility.PropertyNameLive && (axString(p.Value) == "polite" || axString(p.Value) == "assertive") {
					live++
				}
			}
		}
	}
	// The kernel's status in the header, every cell's output, the announcer.
	cells := eval[int](t, ctx, `document.querySelectorAll(".cell").length`)
	if live < cells+2 {
		t.Errorf("the accessibility tree has %d live status regions, want at least %d (kernel status, announcer, %d outputs)", live, cells+2, cells)
	}
}

// TestRunsAreAnnounced: running a cell is announced when it starts or
// waits, and when it ends, done or failed with the error's message; while
// a cell runs it is aria-busy and its state is its accessible description.
func TestRunsAreAnnounced(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openNotebook(t, ctx, "01-system")
	eval[bool](t, ctx, watchAnnouncer)

	if state, out := runCode(t, ctx, 1, "6 * 7"); state != "done" || out != "42" {
		t.Fatalf("cell 1 gave %q, %q", state, out)
	}
	got := announced(t, ctx)
	if !hasAnnouncement(got, "Cell 1 running") || !hasAnnouncement(got, "Cell 1 done in ") {
		t.Errorf("after cell 1 ran, the announcer said %q; want \"Cell 1 running\" and \"Cell 1 done in …\"", got)
	}
	if state, _ := runCode(t, ctx, 2, `throw new RangeError("no such axis 7")`); state != "error" {
		t.Fatalf("cell 2 ended %q, want error", state)
	}
	if got := announced(t, ctx); !hasAnnouncement(got, "Cell 2 failed: RangeError: no such axis 7") {
		t.Errorf("after cell 2 failed, the announcer said %q; want \"Cell 2 failed: RangeError: no such axis 7\"", got)
	}

	// A slow cell 1 runs while cell 2 waits in the queue.
	eval[bool](t, ctx, `(window.__ttAnnounced.length = 0, true)`)
	typeIntoCell(t, ctx, 1, "await new Promise((r) => setTimeout(r, 1500)); 1")
	typeIntoCell(t, ctx, 2, "2")
	next := nextCount(t, ctx)
	for _, n := range []int{1, 2} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#cell-%d .cell-bar button", n)))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, ctx, `#cell-1[data-state="running"]`, 5*time.Second)
	busy := eval[[]string](t, ctx, `["#cell-1", "#cell-2"].map((s) => document.querySelector(s).getAttribute("aria-busy") || "")`)
	if busy[0] != "true" || busy[1] == "true" {
		t.Errorf("aria-busy of the running cell 1 and the queued cell 2: %q, want true and unset", busy)
	}
	desc := cellDescriptions(t, ctx)
	if !strings.HasPrefix(desc[0], "running") || desc[1] != "queued" {
		t.Errorf("accessible descriptions of cells 1 and 2: %q; want running… and queued", desc[:2])
	}
	if got := announced(t, ctx); !hasAnnouncement(got, "Cell 1 running") || !hasAnnouncement(got, "Cell 2 queued") {
		t.Errorf("the announcer said %q; want \"Cell 1 running\" and \"Cell 2 queued\"", got)
	}
	waitCount(t, ctx, 2, next+1)
	if n := eval[int](t, ctx, `document.querySelectorAll(".cell[aria-busy]").length`); n != 0 {
		t.Errorf("%d cells are still aria-busy after every run ended", n)
	}
	if desc := cellDescriptions(t, ctx); !strings.HasPrefix(desc[0], "done · ") || !strings.HasPrefix(desc[1], "done · ") {
		t.Errorf("accessible descriptions after the runs: %q; want done · …", desc[:2])
	}
	if got := announced(t, ctx); !hasAnnouncement(got, "Cell 1 done in 1.") || !hasAnnouncement(got, "Cell 2 done in ") {
		t.Errorf("the announcer said %q; want \"Cell 1 done in 1.5 s\" and \"Cell 2 done in …\"", got)
	}

	// Run all says how many cells it queued.
	eval[bool](t, ctx, `(window.__ttAnnounced.length = 0, true)`)
	clickAction(t, ctx, "Run all")
	want := fmt.Sprintf("Running all %d cells", eval[int](t, ctx, `document.querySelectorAll(".cell").length`))
	if got := announced(t, ctx); !hasAnnouncement(got, want) {
		t.Errorf("after Run all the announcer said %q; want %q", got, want)
	}
}

// cellDescriptions reads each cell region's accessible description from
// Chrome's accessibility tree, in page order.
func cellDescriptions(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var out []string
	for _, n := range axTree(t, ctx) {
		if !n.Ignored && axString(n.Role) == "region" && strings.HasPrefix(axString(n.Name), "Code cell ") {
			out = append(out, axString(n.Description))
		}
	}
	if len(out) < 2 {
		t.Fatalf("the accessibility tree has %d code cell regions, want at least 2", len(out))
	}
	return out
}

// axTree is Chrome's full accessibility tree of the page.
func axTree(t *testing.T, ctx context.Context) []*accessibility.Node {
	t.Helper()
	res, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatalf("reading the accessibility tree: %v", err)
	}
	return res.Nodes
}

// axString is the text of an accessibility value, "" if it has none.
func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal([]byte(v.Value), &s); err != nil {
		return strings.Trim(string(v.Value), `"`)
	}
	return s
}

// interactiveRoles are the roles a reader can operate, each of which
// needs an accessible name to be told apart.
var interactiveRoles = map[string]bool{
	"button": true, "link": true, "textbox": true, "searchbox": true, "checkbox": true,
	"radio": true, "combobox": true, "listbox": true, "slider": true, "spinbutton": true,
	"switch": true, "menuitem": true, "tab": true, "DisclosureTriangle": true,
}

// unnamedControls lists the controls of the accessibility tree that have
// no accessible name, and counts the controls of each role.
func unnamedControls(t *testing.T, ctx context.Context) (unnamed []string, count map[string]int) {
	t.Helper()
	count = map[string]int{}
	for _, n := range axTree(t, ctx) {
		role := axString(n.Role)
		if n.Ignored || !interactiveRoles[role] {
			continue
		}
		count[role]++
		if strings.TrimSpace(axString(n.Name)) == "" {
			unnamed = append(unnamed, fmt.Sprintf("%s (DOM node %d)", role, n.BackendDOMNodeID))
		}
	}
	return unnamed, count
}

// TestControlsHaveNames: every button, link, field, disclosure and code
// editor has an accessible name, as Chrome's accessibility tree computes
// it: on the index, on chapter 1 with run cells, and on chapter 9 after
// Run all, whose outputs add charts with legend toggles, profile tables,
// downloads and "show more" buttons.
func TestControlsHaveNames(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	check := func(page string, min map[string]int) {
		t.Helper()
		unnamed, count := unnamedControls(t, ctx)
		for _, u := range unnamed {
			t.Errorf("%s: a control has no accessible name: %s", page, u)
		}
		for role, n := range min {
			if count[role] < n {
				t.Errorf("%s: the accessibility tree has %d %s controls, want at least %d (counts: %v)", page, count[role], role, n, count)
			}
		}
		fmt.Printf("%s: %v controls, %d without a name\n", page, count, len(unnamed))
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady(chromedp.CSS("ol.chapters"))); err != nil {
		t.Fatal(err)
	}
	chapters := eval[int](t, ctx, `document.querySelectorAll("ol.chapters a").length`)
	check("index", map[string]int{"link": chapters + 1})

	openNotebook(t, ctx, "01-system")
	cells := eval[int](t, ctx, `document.querySelectorAll(".cell").length`)
	runCode(t, ctx, 1, "6 * 7") // an edit shows the cell's Reset button
	runCell(t, ctx, 2)
	// The toolbar's ten commands, a Run button a cell and cell 1's Reset.
	check("01-system", map[string]int{"button": 10 + cells + 1, "textbox": cells, "link": 3, "DisclosureTriangle": 1})
	editors := eval[[]string](t, ctx, `[...document.querySelectorAll(".cm-content")].map((e) => e.getAttribute("aria-label") || "")`)
	for i, name := range editors {
		if want := fmt.Sprintf("Code of cell %d", i+1); name != want {
			t.Errorf("01-system: editor %d is named %q, want %q", i+1, name, want)
		}
	}

	openNotebook(t, ctx, "09-profiling")
	runAllToTheEnd(t, ctx)
	legend := eval[int](t, ctx, `document.querySelectorAll("svg.tt-chart .tt-legend-item").length`)
	downloads := eval[int](t, ctx, `document.querySelectorAll("button[data-download]").length`)
	if legend < 2 || downloads < 1 {
		t.Fatalf("09-profiling shows %d legend toggles and %d downloads; the check needs them", legend, downloads)
	}
	cells = eval[int](t, ctx, `document.querySelectorAll(".cell").length`)
	check("09-profiling", map[string]int{"button": 10 + cells + legend + downloads, "textbox": cells})
}

// focusRing describes the focused element and how its focus shows: what
// it is, whether an outline or a box shadow is drawn, the outline's colour,
// the opaque background the outline is drawn on, and whether the element
// is on screen and not covered (by the sticky header, say). CodeMirror
// draws the ring of a focused editor on the editor's box, not on the
// contenteditable inside it.
const focusRing = `(async () => {
	// CodeMirror marks its editor focused on the next frame after focus.
	await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
	const e = document.activeElement;
	if (!e || e === document.body) return ["nothing focused", "0", "0", "", "", "0"];
	const ring = e.closest(".cm-editor") || e;
	const s = getComputedStyle(ring);
	const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
	const shadow = s.boxShadow !== "none";
	const opaque = (c) => c !== "transparent" && !/rgba\(.*,\s*0(\.\d+)?\)$/.test(c);
	// An outline drawn inside the box lies on the box's own background.
	let bg = "rgb(255, 255, 255)";
	for (let p = parseFloat(s.outlineOffset) < 0 ? ring : ring.parentElement; p; p = p.parentElement) {
		const c = getComputedStyle(p).backgroundColor;
		if (opaque(c)) { bg = c; break; }
	}
	const r = ring.getBoundingClientRect();
	const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), innerHeight - 1);
	const top = document.elementFromPoint(x, y);
	const seen = r.width > 0 && r.height > 0 && r.top >= 0 && r.top < innerHeight - 4 && !!top && (ring.contains(top) || top.contains(ring) || e.contains(top));
	const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : "") +
		" " + JSON.stringify((e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 30));
	return [name, outline ? "1" : "0", shadow ? "1" : "0", s.outlineColor, bg, seen ? "1" : "0"];
})()`

// checkFocusRing fails the test if the focused element shows no focus
// ring of at least 3:1 contrast with what is around it (WCAG 1.4.11), or
// is off screen or covered; it returns the element's description.
func checkFocusRing(t *testing.T, ctx context.Context, step string) string {
	t.Helper()
	f := eval[[]string](t, ctx, focusRing)
	// An editor draws its ring from the class CodeMirror sets a frame
	// after the focus moves: give it a moment before calling it missing.
	for wait := time.Now(); f[1] == "0" && f[2] == "0" && time.Since(wait) < time.Second; {
		time.Sleep(50 * time.Millisecond)
		f = eval[[]string](t, ctx, focusRing)
	}
	switch {
	case f[1] == "0" && f[2] == "0":
		t.Errorf("%s: the focused %s shows no focus ring (no outline, no box shadow)", step, f[0])
	case f[1] == "1":
		if c := contrast(over(parseColor(t, f[3]), parseColor(t, f[4])), parseColor(t, f[4])); c < 3 {
			t.Errorf("%s: the focus ring of %s is %s on %s, contrast %.2f:1, want at least 3:1", step, f[0], f[3], f[4], c)
		}
	}
	if f[5] != "1" {
		t.Errorf("%s: the focused %s is off screen or covered by another element", step, f[0])
	}
	return f[0]
}

// tabUntil presses Tab (Shift+Tab if back) until the focused element
// matches sel, checking the focus ring at each step; it returns the
// elements it passed through.
func tabUntil(t *testing.T, ctx context.Context, sel string, back bool, limit int) []string {
	t.Helper()
	var mods []chromedp.Modifier
	if back {
		mods = append(mods, chromedp.ModifierShift)
	}
	var path []string
	for i := 0; i < limit; i++ {
		key(t, ctx, "\t", mods...)
		path = append(path, checkFocusRing(t, ctx, fmt.Sprintf("Tab %d towards %s", i+1, sel)))
		if eval[bool](t, ctx, fmt.Sprintf(`document.activeElement.matches(%q)`, sel)) {
			return path
		}
	}
	t.Fatalf("%d presses of Tab did not reach %s; focus went through %q", limit, sel, path)
	return nil
}

// TestKeyboardOnlyPath uses a notebook with the keyboard alone, from the
// page's load, in the light and the dark theme: the skip link, the first
// cell's editor, typing and running code, the help dialog, and back up to
// Run all in the toolbar. Every element focused on the way shows a ring.
func TestKeyboardOnlyPath(t *testing.T) {
	t.Parallel()
	inBothThemes(t, "01-system", func(t *testing.T, ctx context.Context, scheme string) {
		// The first Tab reaches the skip link, which jumps past the
		// header and the contents to the notebook.
		key(t, ctx, "\t")
		if first := checkFocusRing(t, ctx, "first Tab"); !strings.Contains(first, "skip") {
			t.Errorf("the first Tab focused %s, want the skip link", first)
		}
		if scheme == "light" {
			saveScreenshot(t, ctx, "a11y-skip-link.png")
		}
		key(t, ctx, "\r")
		key(t, ctx, "\t")
		if after := checkFocusRing(t, ctx, "Tab after the skip link"); !eval[bool](t, ctx, `!!document.activeElement.closest("main#content")`) {
			t.Errorf("the Tab after the skip link focused %s, outside the notebook: the link did not skip the header and the contents", after)
		}
		if !eval[bool](t, ctx, `document.activeElement.matches("#cell-1 .cm-content")`) {
			tabUntil(t, ctx, "#cell-1 .cm-content", false, 40)
		}
		saveScreenshot(t, ctx, "a11y-editor-focus-"+scheme+".png")

		// Type code and run it with Shift+Enter, which moves to cell 2.
		key(t, ctx, "a", chromedp.ModifierCtrl)
		key(t, ctx, "\b")
		for _, r := range "6 * 7 + 0.5" {
			key(t, ctx, string(r))
		}
		next := nextCount(t, ctx)
		key(t, ctx, "\r", chromedp.ModifierShift)
		waitCount(t, ctx, 1, next)
		if state, out := cellResult(t, ctx, 1); state != "done" || out != "42.5" {
			t.Errorf("cell 1 typed with the keys gave %q, %q; want done, 42.5", state, out)
		}
		if !eval[bool](t, ctx, `document.activeElement.matches("#cell-2 .cm-content")`) {
			t.Errorf("Shift+Enter left the focus on %s, want cell 2's editor", checkFocusRing(t, ctx, "after Shift+Enter"))
		}
		checkFocusRing(t, ctx, "cell 2's editor")
		// The key that ran cell 1 must not also type into cell 2.
		if code, published := cellCode(t, ctx, 2), eval[string](t, ctx, `document.querySelector("#cell-2 .cell-source").textContent.replace(/\n$/, "")`); code != published {
			t.Errorf("after Shift+Enter in cell 1, cell 2's code is %q, want the published %q", code, published)
		}
		saveScreenshot(t, ctx, "a11y-shift-enter-"+scheme+".png")

		// Esc and Tab leave the editor; ? opens the help, Esc closes it.
		key(t, ctx, "\x1b")
		key(t, ctx, "\t")
		left := checkFocusRing(t, ctx, "Tab out of cell 2's editor")
		if eval[bool](t, ctx, `!!document.activeElement.closest(".cm-editor")`) {
			t.Fatalf("Esc, Tab did not leave cell 2's editor")
		}
		key(t, ctx, "?")
		waitFor(t, ctx, `dialog#tt-help[open]`, 2*time.Second)
		if !eval[bool](t, ctx, `document.querySelector("#tt-help").contains(document.activeElement)`) {
			t.Errorf("the help dialog opened without the focus in it")
		}
		checkFocusRing(t, ctx, "help dialog")
		saveScreenshot(t, ctx, "a11y-help-"+scheme+".png")
		key(t, ctx, "\x1b")
		if eval[bool](t, ctx, `!!document.querySelector("dialog#tt-help[open]")`) {
			t.Fatalf("Esc did not close the help")
		}
		if back := checkFocusRing(t, ctx, "after closing the help"); back != left {
			t.Errorf("closing the help put the focus on %s, want it back on %s", back, left)
		}

		// Back up to the toolbar and press Run all.
		tabUntil(t, ctx, `nav.toolbar button[data-action="Run all"]`, true, 150)
		saveScreenshot(t, ctx, "a11y-toolbar-focus-"+scheme+".png")
		next = nextCount(t, ctx)
		key(t, ctx, "\r")
		// Chapter 1's last cell fails on purpose, to show an error.
		cells := eval[int](t, ctx, `document.querySelectorAll(".cell").length`)
		waitCount(t, ctx, cells, next+cells-1)
		if state, out := cellResult(t, ctx, 1); state != "done" || out != "42.5" {
			t.Errorf("after Run all, cell 1 gave %q, %q; want done, 42.5", state, out)
		}
	})
}

// chromeColours lists, for each visible element matching the selectors
// that has text of its own: the selector, the text, its colour, the
// opacity it is drawn with, the first opaque background behind it and the
// translucent backgrounds above that, innermost last.
const chromeColours = `((selectors) => {
	const out = [];
	const clear = (c) => c === "transparent" || /rgba\(.*,\s*0\)$/.test(c);
	const opaque = (c) => !clear(c) && !/rgba\(.*,\s*0?\.\d+\)$/.test(c);
	for (const sel of selectors) {
		for (const el of document.querySelectorAll(sel)) {
			const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
			const r = el.getBoundingClientRect(), s = getComputedStyle(el);
			if (!own || r.width === 0 || s.visibility !== "visible" || el.disabled || el.closest("[hidden]")) continue;
			const layers = [];
			let bg = "rgb(255, 255, 255)", alpha = 1;
			for (let e = el; e; e = e.parentElement) alpha *= parseFloat(getComputedStyle(e).opacity);
			for (let e = el; e; e = e.parentElement) {
				const c = getComputedStyle(e).backgroundColor;
				if (opaque(c)) { bg = c; break; }
				if (!clear(c)) layers.unshift(c);
			}
			out.push([sel, own.slice(0, 30), s.color, String(alpha), bg, ...layers]);
		}
	}
	return out;
})`

// checkTextContrast samples the text of the elements matching selectors
// and fails the test for any below 4.5:1 (WCAG AA for normal text); every
// selector must match some text, so a renamed class cannot pass unseen.
func checkTextContrast(t *testing.T, ctx context.Context, page string, selectors []string) {
	t.Helper()
	sel, _ := json.Marshal(selectors)
	samples := eval[[][]string](t, ctx, chromeColours+"("+string(sel)+")")
	seen := map[string]int{}
	worst := map[string]float64{}
	for _, s := range samples {
		back := parseColor(t, s[4])
		for _, layer := range s[5:] {
			back = over(parseColor(t, layer), back)
		}
		fg := parseColor(t, s[2])
		var alpha float64
		fmt.Sscan(s[3], &alpha)
		fg.a *= alpha
		ratio := contrast(over(fg, back), back)
		seen[s[0]]++
		if w, ok := worst[s[0]]; !ok || ratio < w {
			worst[s[0]] = ratio
		}
		if ratio < 4.5 {
			t.Errorf("%s: %s %q: colour %s (opacity %s) on %v has contrast %.2f:1, want at least 4.5:1", page, s[0], s[1], s[2], s[3], back, ratio)
		}
	}
	for _, s := range selectors {
		if seen[s] == 0 {
			t.Errorf("%s: no visible text matches %s", page, s)
		}
	}
	fmt.Printf("%s: lowest contrast by element: %s\n", page, formatWorst(selectors, worst))
}

// formatWorst writes the lowest contrast of each selector, in order.
func formatWorst(selectors []string, worst map[string]float64) string {
	var parts []string
	for _, s := range selectors {
		parts = append(parts, fmt.Sprintf("%s %.1f", s, worst[s]))
	}
	return strings.Join(parts, ", ")
}

// TestChromeContrast checks the contrast of the page's own text, around
// the notebook's content, in the light and the dark theme: the toolbar,
// the cells' bars with their counters, states and durations (done and
// failed), the contents, the pager, and the index's chapter list.
func TestChromeContrast(t *testing.T) {
	t.Parallel()
	inBothThemes(t, "01-system", func(t *testing.T, ctx context.Context, scheme string) {
		runCode(t, ctx, 1, "6 * 7") // edited, so its Reset button shows
		if state, _ := runCode(t, ctx, 2, `throw new Error("a failed cell")`); state != "error" {
			t.Fatalf("cell 2 ended %q, want error", state)
		}
		checkTextContrast(t, ctx, "01-system", []string{
			"nav.toolbar button", "#kernel-status", "header.site .brand", "header.site .where",
			".cell-bar button", ".cell-bar button.quiet", ".cell-counter",
			`.cell[data-state="done"] .cell-state`, `.cell[data-state="error"] .cell-state`,
			".output-error pre", "nav.toc summary", "nav.toc a", "nav.pager a",
		})
		scrollTo(t, ctx, "#cell-2")
		saveScreenshot(t, ctx, "a11y-cells-"+scheme+".png")

		if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady(chromedp.CSS("ol.chapters"))); err != nil {
			t.Fatal(err)
		}
		checkTextContrast(t, ctx, "index", []string{
			"header.site .brand", "main > p", "ol.chapters .chapter", "ol.chapters strong", "ol.chapters p",
		})
	})
}

// TestFocusRingsOnOutputs tabs through every focusable element of chapter
// 9 after Run all, outputs included (chart legend toggles, downloads,
// tables' switches, disclosure of trees), in the light and the dark
// theme: each shows a focus ring of at least 3:1 contrast, on screen.
func TestFocusRingsOnOutputs(t *testing.T) {
	t.Parallel()
	inBothThemes(t, "09-profiling", func(t *testing.T, ctx context.Context, scheme string) {
		runAllToTheEnd(t, ctx)
		eval[bool](t, ctx, `(document.activeElement.blur(), window.scrollTo(0, 0), true)`)
		const last = `nav.pager a:last-of-type`
		kinds := map[string]int{}
		shot := false
		for i := 0; i < 600 && !eval[bool](t, ctx, `document.activeElement.matches(`+"`"+last+"`"+`)`); i++ {
			key(t, ctx, "\t")
			checkFocusRing(t, ctx, fmt.Sprintf("Tab %d", i+1))
			kind := eval[string](t, ctx, `(() => { const e = document.activeElement;
				return e.matches(".tt-legend-item") ? "legend" : e.matches("[data-download]") ? "download" :
					e.closest(".cell-output") ? "output " + e.tagName.toLowerCase() : e.closest(".cm-editor") ? "editor" : e.tagName.toLowerCase(); })()`)
			kinds[kind]++
			if kind == "legend" && !shot {
				shot = true
				saveScreenshot(t, ctx, "a11y-legend-focus-"+scheme+".png")
			}
			if t.Failed() {
				t.FailNow() // one element's report is enough; the rest would repeat it
			}
		}
		fmt.Printf("09-profiling, %s: focused %v\n", scheme, kinds)
		if kinds["legend"] < 2 || kinds["download"] < 1 || kinds["editor"] < 10 {
			t.Errorf("tabbing through chapter 9 focused %v; want legend toggles, downloads and every editor", kinds)
		}
	})
}
