//go:build js && wasm

package page

import (
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// embedPage is what a page of another origin adds to a notebook when it
// embeds cells with /embed/v1/embed.js (web/src/embed): there is no
// article, toolbar, saved edits or shared link, only cells, each in a
// shadow root of the host page, which the embed runtime hands over in
// page order. The cells share one kernel and one scope, as a notebook's do.
type embedPage struct {
	// setup are the hidden setup cells: they run, in page order, before
	// the first cell a reader runs, and again after each restart.
	setup []*cell
}

// StartEmbed mounts the cells the embed runtime (web/src/embed/runtime.js)
// put in globalThis.tinytorch.embed: cells (the section.cell elements, in
// page order; a setup cell has data-setup), announcer (an aria-live
// region), status (where the kernel's state is shown) and runAll (whether
// the first cell gets a Run all button). It sets embed.runAll and
// embed.stop for the runtime and calls embed.started() when the cells
// are live.
func StartEmbed() {
	cfg := js.Global().Get("tinytorch").Get("embed")
	nb := &notebook{
		doc:       dom.GetWindow().Document(),
		slug:      "embed",
		byUID:     map[int]*cell{},
		announcer: dom.WrapElement(cfg.Get("announcer")),
		embed:     &embedPage{},
	}
	if s := cfg.Get("status"); s.Truthy() {
		nb.status = dom.WrapElement(s)
	}
	// An embedded cell keeps no edits: the host's page is the document,
	// and a reload shows the author's code again.
	nb.saved = &saver{nb: nb}
	sections := cfg.Get("cells")
	for i := 0; i < sections.Length(); i++ {
		root := dom.WrapElement(sections.Index(i))
		published := strings.TrimSuffix(root.QuerySelector(".cell-source").TextContent(), "\n")
		c := newCell(nb, root, kindCode, i, published)
		nb.addStopButton(c)
		if root.HasAttribute("data-setup") {
			nb.embed.setup = append(nb.embed.setup, c)
			continue
		}
		nb.blocks = append(nb.blocks, &block{c: c})
	}
	// The readers' cells are numbered 1, 2, … as they see them; the hidden
	// setup cells come after them, so an error in one still names a cell.
	nb.syncCells()
	for j, c := range nb.embed.setup {
		c.setIndex(len(nb.cells) + j)
	}
	if cfg.Get("runAll").Truthy() && len(nb.cells) > 0 {
		nb.addRunAllButton(nb.cells[0])
	}
	cfg.Set("runAll", js.FuncOf(func(js.Value, []js.Value) any { nb.runAll(); return nil }))
	cfg.Set("stop", js.FuncOf(func(js.Value, []js.Value) any { nb.stop(); return nil }))
	nb.kernel = newKernelConn(nb)
	nb.kernel.start(false)
	cfg.Call("started")
}

// addStopButton puts a Stop button in a cell's bar; the embed's style
// sheet shows it only while the cell runs (data-state="running"), since
// an embedded page has no toolbar with a Stop of its own.
func (nb *notebook) addStopButton(c *cell) {
	stop := nb.button("■ Stop", "Stop the running cell", nb.stop)
	stop.Class().Add("embed-stop")
	c.root.QuerySelector(".cell-bar").InsertBefore(stop, c.stateLabel)
}

// addRunAllButton gives the first cell a Run all button, which runs every
// cell of the page in order.
func (nb *notebook) addRunAllButton(c *cell) {
	all := nb.button("Run all", "Run all cells on this page, in order", nb.runAll)
	all.Class().SetString("quiet embed-run-all")
	c.root.QuerySelector(".cell-bar").AppendChild(all)
}

// withSetup puts the hidden setup cells before cells about to be queued
// when the kernel has run nothing since it started (or a setup cell
// failed), so that the readers' cells find what setup defines. A nil
// embedPage (a notebook page) changes nothing.
func (e *embedPage) withSetup(nb *notebook, cells []*cell) []*cell {
	if e == nil || len(e.setup) == 0 {
		return cells
	}
	need := nb.execCount == 0
	for _, s := range e.setup {
		need = need || s.state == stateError || s.state == stateIdle
	}
	if !need {
		return cells
	}
	return append(append([]*cell{}, e.setup...), cells...)
}
