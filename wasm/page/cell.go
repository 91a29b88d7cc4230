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

// cell is one runnable cell on the page.
type cell struct {
	nb         *notebook
	index      int
	root       dom.Element
	editor     js.Value // the handle from editor.js
	published  string   // the source as published, for "reset"
	runButton  *dom.HTMLButtonElement
	resetBtn   *dom.HTMLButtonElement
	counter    dom.Element // "[3]", as Jupyter's execution count
	stateLabel dom.Element
	out        *outputArea
	state      string
}

// newCell replaces the cell's static source with an editor and adds a bar
// with the Run button, the execution counter and the state.
func newCell(nb *notebook, index int, root dom.Element) *cell {
	c := &cell{nb: nb, index: index, root: root, state: stateIdle}
	source := root.QuerySelector(".cell-source")
	c.published = strings.TrimSuffix(source.TextContent(), "\n")
	c.out = newOutputArea(c, root.QuerySelector(".cell-output"))

	bar := nb.el("div", "cell-bar", "")
	c.runButton = nb.button("▶ Run", fmt.Sprintf("Run cell %d (Shift+Enter)", index+1), func() { nb.runOne(c) })
	c.counter = nb.el("span", "cell-counter", "[ ]")
	c.stateLabel = nb.el("span", "cell-state", "")
	// The state ("queued", "running…", "done · 12 ms") is the cell's
	// accessible description, read when a screen reader enters the cell.
	stateID := fmt.Sprintf("cell-%d-state", index+1)
	c.stateLabel.SetID(stateID)
	root.SetAttribute("aria-describedby", stateID)
	c.resetBtn = nb.button("Reset", fmt.Sprintf("Reset cell %d to the published code", index+1), c.reset)
	c.resetBtn.Class().Add("quiet")
	setHidden(c.resetBtn, true)
	for _, e := range []dom.Node{c.runButton, c.counter, c.stateLabel, c.resetBtn} {
		bar.AppendChild(e)
	}
	root.InsertBefore(bar, source)

	holder := nb.el("div", "cell-editor", "")
	holder.SetAttribute("aria-label", fmt.Sprintf("Code of cell %d", index+1))
	root.InsertBefore(holder, source)
	c.editor = js.Global().Get("tinytorch").Call("createEditor", holder.Underlying(), c.published, c.editorHooks())
	source.SetAttribute("hidden", "")
	root.SetAttribute("data-state", stateIdle)
	return c
}

// editorHooks are the callbacks editor.js calls.
func (c *cell) editorHooks() map[string]any {
	return map[string]any{
		"run": js.FuncOf(func(_ js.Value, args []js.Value) any {
			c.nb.runOne(c)
			if len(args) > 0 && args[0].Bool() {
				c.nb.focusCell(c.index + 1)
			}
			return nil
		}),
		"change": js.FuncOf(func(js.Value, []js.Value) any {
			setHidden(c.resetBtn, c.code() == c.published)
			c.nb.saved.schedule()
			return nil
		}),
		"focus": js.FuncOf(func(js.Value, []js.Value) any {
			c.nb.current = c
			return nil
		}),
	}
}

// code returns the cell's current source.
func (c *cell) code() string { return c.editor.Call("code").String() }

// setCode replaces the cell's source.
func (c *cell) setCode(text string) {
	c.editor.Call("setCode", text)
	setHidden(c.resetBtn, text == c.published)
}

// reset puts back the published code.
func (c *cell) reset() {
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
	c := nb.cellByID(i)
	if c == nil {
		return
	}
	c.editor.Call("focus")
	target, block := c.root.QuerySelector(".cell-editor"), "center"
	if target == nil || target.GetBoundingClientRect().Height() > js.Global().Get("innerHeight").Float()/2 {
		target, block = c.root, "start"
	}
	target.Underlying().Call("scrollIntoView", map[string]any{"block": block})
	nb.current = c
}
