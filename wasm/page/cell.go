//go:build js && wasm

package page

import (
	"fmt"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// cell is one runnable cell on the page.
type cell struct {
	nb        *notebook
	index     int
	root      dom.Element
	editor    js.Value // {code(), focus()} from editor.js
	runButton *dom.HTMLButtonElement
	state     dom.Element
	output    dom.Element
}

// newCell replaces the cell's static source with an editor and adds a bar
// with the Run button and the cell's state.
func newCell(nb *notebook, index int, root dom.Element) *cell {
	c := &cell{nb: nb, index: index, root: root, output: root.QuerySelector(".cell-output")}
	source := root.QuerySelector(".cell-source")

	bar := nb.doc.CreateElement("div")
	bar.Class().Add("cell-bar")
	c.runButton = nb.doc.CreateElement("button").(*dom.HTMLButtonElement)
	c.runButton.SetTextContent("Run")
	c.runButton.SetAttribute("aria-label", fmt.Sprintf("Run cell %d", index+1))
	c.runButton.SetDisabled(true)
	c.runButton.AddEventListener("click", false, func(dom.Event) { nb.run(c) })
	c.state = nb.doc.CreateElement("span")
	c.state.Class().Add("cell-state")
	c.state.SetTextContent("idle")
	bar.AppendChild(c.runButton)
	bar.AppendChild(c.state)
	root.InsertBefore(bar, source)

	holder := nb.doc.CreateElement("div")
	holder.Class().Add("cell-editor")
	root.InsertBefore(holder, source)
	onRun := js.FuncOf(func(js.Value, []js.Value) any { nb.run(c); return nil })
	code := strings.TrimSuffix(source.TextContent(), "\n")
	c.editor = js.Global().Get("tinytorch").Call("createEditor", holder.Underlying(), code, onRun)
	source.SetAttribute("hidden", "")
	return c
}

// code returns the cell's current source.
func (c *cell) code() string { return c.editor.Call("code").String() }

// start clears the outputs of a cell about to run.
func (c *cell) start() {
	c.output.SetInnerHTML("")
	c.root.SetAttribute("data-state", "running")
	c.state.SetTextContent("running…")
}

// finish records how the run ended.
func (c *cell) finish(ok bool, ms float64) {
	state := "done"
	if !ok {
		state = "error"
	}
	c.root.SetAttribute("data-state", state)
	c.state.SetTextContent(fmt.Sprintf("%s · %.0f ms", state, ms))
}

// appendOutput renders one output from the kernel.
func (c *cell) appendOutput(out js.Value) {
	pre := c.nb.doc.CreateElement("pre")
	switch out.Get("kind").String() {
	case "display":
		pre.SetTextContent(out.Get("data").Get("text/plain").String())
	case "stream":
		pre.Class().Add("stream")
		if out.Get("name").String() == "stderr" {
			pre.Class().Add("error")
		}
		pre.SetTextContent(strings.TrimSuffix(out.Get("text").String(), "\n"))
	case "error":
		pre.Class().Add("error")
		text := out.Get("name").String() + ": " + out.Get("message").String()
		if stack := out.Get("stack").String(); stack != "" {
			text += "\n" + stack
		}
		pre.SetTextContent(text)
	}
	c.output.AppendChild(pre)
}
