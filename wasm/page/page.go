//go:build js && wasm

// Package page is the part of TinyTorch that runs on the page's main
// thread. It turns each pre-rendered cell into an editor with a Run
// button, queues cells for the kernel worker, renders what comes back,
// keeps the student's edits, and runs the toolbar and the shortcuts. It
// never runs cell code itself, so the page stays responsive.
package page

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// notebook is the live page.
type notebook struct {
	doc       dom.Document
	slug      string
	status    dom.Element // the kernel's state, in the header
	announcer dom.Element // an aria-live region for screen readers
	cells     []*cell
	kernel    *kernelConn
	queue     []*cell // cells waiting to run, in order
	running   *cell
	execCount int   // Jupyter's execution counter, reset by a restart
	current   *cell // the cell last focused or run, for "Run all above"
	saved     *saver
	// documentSource is the Markdown of the notebook shown when it is not
	// the published one (a file opened or a shared link), else "".
	documentSource string
}

// Start wires up the page. The loader (main.js) has already started the
// first kernel worker.
func Start() {
	doc := dom.GetWindow().Document()
	article := doc.QuerySelector("article.notebook")
	if article == nil {
		return // the index page has no cells
	}
	nb := &notebook{
		doc:    doc,
		slug:   article.GetAttribute("data-notebook"),
		status: doc.GetElementByID("kernel-status"),
	}
	// The announcer is visually hidden with the clip technique, never with
	// display: none, which would also hide it from screen readers.
	nb.announcer = nb.el("div", "visually-hidden", "")
	nb.announcer.SetID("tt-announcer")
	nb.announcer.SetAttribute("role", "status")
	nb.announcer.SetAttribute("aria-live", "polite")
	doc.QuerySelector("body").AppendChild(nb.announcer)
	nb.saved = newSaver(nb)
	nb.mountCells()
	nb.buildToolbar()
	nb.installShortcuts()
	nb.kernel = newKernelConn(nb)
	nb.kernel.start(false)
	go func() {
		if !nb.openShared() {
			nb.saved.restore()
		}
		// Tests (and scripts) wait for this before reading a cell's code:
		// the saved edits or the shared document are in place.
		doc.DocumentElement().SetAttribute("data-edits", "loaded")
	}()
}

// mountCells turns every pre-rendered cell of the article into a live cell.
func (nb *notebook) mountCells() {
	nb.cells = nil
	for i, el := range nb.doc.QuerySelectorAll("article.notebook section.cell") {
		nb.cells = append(nb.cells, newCell(nb, i, el))
	}
	nb.current = nil // until a cell is focused or run; see runAbove
}

// el makes an element with a class and text.
func (nb *notebook) el(tag, class, text string) dom.Element {
	e := nb.doc.CreateElement(tag)
	if class != "" {
		e.Class().SetString(class)
	}
	if text != "" {
		e.SetTextContent(text)
	}
	return e
}

// button makes a labelled button that calls fn when pressed.
func (nb *notebook) button(text, label string, fn func()) *dom.HTMLButtonElement {
	b := nb.doc.CreateElement("button").(*dom.HTMLButtonElement)
	b.SetType("button")
	b.SetTextContent(text)
	if label != "" {
		b.SetAttribute("aria-label", label)
		b.SetAttribute("title", label)
	}
	b.AddEventListener("click", false, func(dom.Event) { fn() })
	return b
}

// setStatus shows the kernel's state in the header.
func (nb *notebook) setStatus(text string) {
	if nb.status != nil {
		nb.status.SetTextContent(text)
	}
}

// announce tells screen readers about a change that has no focus.
func (nb *notebook) announce(text string) {
	nb.announcer.SetTextContent(text)
}

// cellByID returns the cell with index id, or nil.
func (nb *notebook) cellByID(id int) *cell {
	if id < 0 || id >= len(nb.cells) {
		return nil
	}
	return nb.cells[id]
}

// now is performance.now(), in milliseconds since navigation.
func now() float64 { return js.Global().Get("performance").Call("now").Float() }

// setHidden shows or hides an element with the hidden attribute.
func setHidden(e dom.Element, hidden bool) {
	if hidden {
		e.SetAttribute("hidden", "")
	} else {
		e.RemoveAttribute("hidden")
	}
}
