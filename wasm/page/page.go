//go:build js && wasm

// Package page is the part of TinyTorch that runs on the page's main
// thread. It turns each pre-rendered cell into an editor with a Run
// button, sends code to the kernel worker and renders what comes back.
// It never runs cell code itself, so the page stays responsive.
package page

import (
	"fmt"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// notebook is the live page: its cells and the kernel worker.
type notebook struct {
	doc    dom.Document
	status dom.Element
	cells  []*cell
	worker js.Value
	ready  bool
}

// Start wires up the page. The loader (main.js) has already started the
// worker; attach hands over its messages.
func Start() {
	doc := dom.GetWindow().Document()
	nb := &notebook{doc: doc, status: doc.GetElementByID("kernel-status")}
	for i, el := range doc.QuerySelectorAll("section.cell") {
		nb.cells = append(nb.cells, newCell(nb, i, el))
	}
	loader := js.Global().Get("tinytorch")
	nb.worker = loader.Call("attach", js.FuncOf(func(_ js.Value, args []js.Value) any {
		nb.onMessage(args[0])
		return nil
	}))
}

// onMessage routes a kernel message to the cell it is about.
func (nb *notebook) onMessage(msg js.Value) {
	switch msg.Get("type").String() {
	case "ready":
		nb.setReady(msg.Get("version").String())
	case "output":
		if c := nb.cell(msg.Get("id").Int()); c != nil {
			c.appendOutput(msg.Get("output"))
		}
	case "done":
		if c := nb.cell(msg.Get("id").Int()); c != nil {
			c.finish(msg.Get("ok").Bool(), msg.Get("ms").Float())
		}
	case "fatal":
		nb.setStatus("The kernel stopped: " + msg.Get("message").String())
	}
}

// setReady enables the Run buttons and marks the page for tests, with
// the time since navigation at which the first cell became runnable.
func (nb *notebook) setReady(version string) {
	nb.ready = true
	for _, c := range nb.cells {
		c.runButton.SetDisabled(false)
	}
	ms := js.Global().Get("performance").Call("now").Float()
	js.Global().Set("__ttReadyMs", ms)
	nb.doc.DocumentElement().SetAttribute("data-kernel", "ready")
	nb.setStatus(fmt.Sprintf("Kernel ready · TinyTorch %s", version))
}

func (nb *notebook) setStatus(text string) {
	if nb.status != nil {
		nb.status.SetTextContent(text)
	}
}

// cell returns the cell with index id, or nil.
func (nb *notebook) cell(id int) *cell {
	if id < 0 || id >= len(nb.cells) {
		return nil
	}
	return nb.cells[id]
}

// run sends a cell's code to the kernel.
func (nb *notebook) run(c *cell) {
	if !nb.ready {
		return
	}
	c.start()
	nb.worker.Call("postMessage", map[string]any{"type": "run", "id": c.index, "code": c.code()})
}
