//go:build js && wasm

package page

import (
	"fmt"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// A cell's state, shown in its bar and set as data-state on its section.
const (
	stateIdle    = "idle"
	stateQueued  = "queued"
	stateRunning = "running"
	stateDone    = "done"
	stateError   = "error"
)

// cell is one cell on the page: a runnable code cell, or a Markdown cell
// the student writes (markdown.go).
type cell struct {
	nb    *notebook
	uid   int    // names the cell to the kernel; never changes
	index int    // its place among the page's cells, from 0
	kind  string // kindCode or kindMarkdown
	// pub is the index of the published code cell this cell was, or -1
	// for a cell the student added; published is that cell's code.
	pub        int
	published  string
	root       dom.Element
	editor     js.Value // the handle from editor.js
	runButton  *dom.HTMLButtonElement
	resetBtn   *dom.HTMLButtonElement
	counter    dom.Element // "[3]", as Jupyter's execution count
	stateLabel dom.Element
	out        *outputArea
	state      string
	md         *markdownView // a Markdown cell's rendered text, else nil
	ex         *exercise     // a published exercise's UI, else nil
}

// newCell replaces the cell's static source with an editor and adds a bar
// with the Run button, the execution counter and the state. The source's
// text is the cell's code; pub and published are as in cell.
func newCell(nb *notebook, root dom.Element, kind string, pub int, published string) *cell {
	nb.nextUID++
	c := &cell{nb: nb, uid: nb.nextUID, index: -1, kind: kind, pub: pub, published: published, root: root, state: stateIdle}
	nb.byUID[c.uid] = c
	source := root.QuerySelector(".cell-source")
	text := strings.TrimSuffix(source.TextContent(), "\n")
	c.out = newOutputArea(c, root.QuerySelector(".cell-output"))

	bar := nb.el("div", "cell-bar", "")
	c.runButton = nb.button("▶ Run", "", func() {
		if c.md != nil {
			c.md.toggle()
		} else {
			nb.runOne(c)
		}
	})
	c.counter = nb.el("span", "cell-counter", "[ ]")
	c.stateLabel = nb.el("span", "cell-state", "")
	c.resetBtn = nb.button("Reset", "", c.reset)
	c.resetBtn.Class().Add("quiet")
	for _, e := range []dom.Node{c.runButton, c.counter, c.stateLabel, c.resetBtn} {
		bar.AppendChild(e)
	}
	root.InsertBefore(bar, source)

	holder := nb.el("div", "cell-editor", "")
	root.InsertBefore(holder, source)
	// A cell can be selected without editing it (Jupyter's command mode):
	// focusable from script, not a Tab stop of its own.
	root.SetAttribute("tabindex", "-1")
	hooks := c.editorHooks()
	if kind == kindMarkdown {
		hooks["markdown"] = true
		c.md = newMarkdownView(c, holder)
	}
	c.editor = js.Global().Get("tinytorch").Call("createEditor", holder.Underlying(), text, hooks)
	source.SetAttribute("hidden", "")
	root.SetAttribute("data-state", stateIdle)
	root.SetAttribute("data-kind", kind)
	if d := nb.exData[pub]; d != nil && pub >= 0 && kind == kindCode {
		c.ex = newExercise(c, d)
	}
	c.updateReset()
	return c
}

// setIndex numbers the cell: its id (cell-3), its names for screen
// readers and its buttons' labels follow its place on the page.
func (c *cell) setIndex(i int) {
	if c.index == i {
		return
	}
	c.index = i
	n := i + 1
	c.root.SetID(fmt.Sprintf("cell-%d", n))
	c.root.SetAttribute("data-cell", fmt.Sprint(i))
	c.root.SetAttribute("aria-label", fmt.Sprintf("%s cell %d", c.kindName(), n))
	if c.ex != nil {
		c.root.SetAttribute("aria-label", fmt.Sprintf("%s, code cell %d", c.ex.name(), n))
		c.ex.label(n)
	}
	// The state ("queued", "running…", "done · 12 ms") is the cell's
	// accessible description, read when a screen reader enters the cell.
	stateID := fmt.Sprintf("cell-%d-state", n)
	c.stateLabel.SetID(stateID)
	c.root.SetAttribute("aria-describedby", stateID)
	c.labelRunButton()
	label := fmt.Sprintf("Reset cell %d to the published code", n)
	c.resetBtn.SetAttribute("aria-label", label)
	c.resetBtn.SetAttribute("title", label)
	what := "Code"
	if c.kind == kindMarkdown {
		what = "Markdown"
	}
	c.editor.Call("setLabel", fmt.Sprintf("%s of cell %d", what, n))
}

// labelRunButton names the first button of the bar after what it does.
func (c *cell) labelRunButton() {
	text, label := "▶ Run", fmt.Sprintf("Run cell %d (Shift+Enter)", c.index+1)
	if c.md != nil {
		text, label = c.md.buttonText(c.index + 1)
	}
	c.runButton.SetTextContent(text)
	c.runButton.SetAttribute("aria-label", label)
	c.runButton.SetAttribute("title", label)
}

// kindName is "Code" or "Markdown".
func (c *cell) kindName() string {
	if c.kind == kindMarkdown {
		return "Markdown"
	}
	return "Code"
}

// editorHooks are the callbacks editor.js calls.
func (c *cell) editorHooks() map[string]any {
	return map[string]any{
		"run": js.FuncOf(func(_ js.Value, args []js.Value) any {
			if len(args) > 0 && args[0].Bool() {
				c.nb.runAndAdvance(c, true) // Shift+Enter
			} else {
				c.nb.runOne(c)
			}
			return nil
		}),
		"change": js.FuncOf(func(js.Value, []js.Value) any {
			c.updateReset()
			c.nb.saved.schedule()
			return nil
		}),
		"focus": js.FuncOf(func(js.Value, []js.Value) any {
			c.nb.setCurrent(c)
			return nil
		}),
		"escape": js.FuncOf(func(js.Value, []js.Value) any {
			c.nb.selectCell(c, true)
			return nil
		}),
	}
}

// code returns the cell's current source.
func (c *cell) code() string { return c.editor.Call("code").String() }

// setCode replaces the cell's source.
func (c *cell) setCode(text string) {
	if text != c.code() {
		c.editor.Call("setCode", text)
	}
	c.updateReset()
}

// updateReset shows the Reset button on a published cell that differs
// from its published code.
func (c *cell) updateReset() {
	// An exercise has its own "Reset to starter" (exercise.go).
	setHidden(c.resetBtn, c.pub < 0 || c.ex != nil || (c.kind == kindCode && c.code() == c.published))
}

// reset puts back the published code (and makes the cell code again).
func (c *cell) reset() {
	if c.kind != kindCode {
		c = c.nb.setKind(c, kindCode, false)
	}
	c.setCode(c.published)
	c.nb.saved.schedule()
	c.nb.announce(c.describe() + " reset to the published code")
}

// setState shows a state and an optional detail such as a duration.
func (c *cell) setState(state, label string) {
	c.state = state
	c.root.SetAttribute("data-state", state)
	c.stateLabel.SetTextContent(label)
	// aria-busy tells screen readers the cell's output is still changing,
	// so they wait for the run to end before reading it.
	if state == stateRunning {
		c.root.SetAttribute("aria-busy", "true")
	} else {
		c.root.RemoveAttribute("aria-busy")
	}
}

// begin marks the cell as running with its execution count.
func (c *cell) begin(count int) {
	c.out.clear()
	c.editor.Call("highlightLine", 0)
	c.counter.SetTextContent(fmt.Sprintf("[%d]", count))
	c.root.SetAttribute("data-count", fmt.Sprint(count))
	c.setState(stateRunning, "running…")
}

// finish records how the run ended and announces it.
func (c *cell) finish(ok, interrupted bool, ms float64) {
	took := formatDuration(ms)
	switch {
	case ok:
		c.setState(stateDone, "done · "+took)
		c.nb.announce(c.describe() + " done in " + took)
		c.nb.verdictPassed(c)
	case interrupted:
		c.setState(stateError, "stopped")
		c.nb.announce(c.describe() + " stopped")
	default:
		c.setState(stateError, "error · "+took)
		c.nb.announce(c.describe() + " failed: " + c.out.lastError)
	}
}

// formatDuration writes milliseconds as "12 ms" or "3.4 s".
func formatDuration(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}

// focusCell moves the keyboard focus to a cell's editor, if it exists,
// and scrolls the editor to the middle of the window: Shift+Enter moves
// here while the cell above is still running, and that cell's output,
// which arrives afterwards, grows the page above this editor. At the
// window's bottom edge ("nearest") the editor would be pushed out of
// sight. An editor too tall for that goes to the top instead.
func (nb *notebook) focusCell(i int) {
	c := nb.cellByIndex(i)
	if c == nil {
		return
	}
	if c.md != nil && c.md.rendered {
		nb.selectCell(c, false) // a rendered Markdown cell is read, not edited
		return
	}
	c.editor.Call("focus")
	target, block := c.root.QuerySelector(".cell-editor"), "center"
	if target == nil || target.GetBoundingClientRect().Height() > js.Global().Get("innerHeight").Float()/2 {
		target, block = c.root, "start"
	}
	target.Underlying().Call("scrollIntoView", map[string]any{"block": block})
	nb.setCurrent(c)
}
