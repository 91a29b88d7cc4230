//go:build js && wasm

// Package page is the part of TinyTorch that runs on the page's main
// thread. It turns each pre-rendered cell into an editor with a Run
// button, queues cells for the kernel worker, renders what comes back,
// lets the student add, delete, move and retype cells (code or Markdown),
// keeps the student's edits, and runs the toolbar and the shortcuts. It
// never runs cell code itself, so the page stays responsive.
package page

import (
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// notebook is the live page.
type notebook struct {
	doc       dom.Document
	slug      string
	status    dom.Element // the kernel's state, in the header
	announcer dom.Element // an aria-live region for screen readers
	article   dom.Element
	blocks    []*block // the page's blocks in order: prose and cells
	cells     []*cell  // the cells alone, in order
	byUID     map[int]*cell
	nextUID   int
	// pubLayout is the published notebook's layout and pubHash its
	// checksum (persist.go), both taken when the cells are mounted.
	pubLayout []entry
	pubHash   string
	deleted   []deletedCell // for undo, the last deleted last
	cellTools *cellTools    // the toolbar's cell commands
	pendingD  bool          // D was pressed once in command mode
	kernel    *kernelConn
	queue     []*cell // cells waiting to run, in order
	running   *cell
	execCount int   // Jupyter's execution counter, reset by a restart
	current   *cell // the cell last focused or run, for "Run all above"
	saved     *saver
	// exData is the exercise of each published code cell that is one, by
	// its index (pub), and progress the student's progress on each
	// exercise, by id (exercise.go, progress.go).
	exData   map[int]*exerciseData
	progress map[string]*exerciseProgress
	// milestone is the verdict cell of a milestone notebook and whether
	// it has passed (milestone.go).
	milestone milestoneState
	// documentSource is the Markdown of the notebook shown when it is not
	// the published one (a file opened or a shared link), else "".
	documentSource string
	// embed is set when the cells are embedded in another site's page
	// (embed.go), nil on a notebook page.
	embed *embedPage
}

// Start wires up the page. The loader (main.js) has already started the
// first kernel worker.
func Start() {
	// The start-up budget (the browser suite's first-visit benchmark)
	// reads when the page role began, beside the kernel's times.
	js.Global().Set("__ttPageStartedMs", now())
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
		switch {
		case nb.openShared():
		case solutionsMode():
			nb.saved.enabled = false // a test run: the student's storage stays as it was
			nb.useAllSolutions()
		default:
			nb.saved.restore()
		}
		// Tests (and scripts) wait for this before reading a cell's code:
		// the saved edits or the shared document are in place.
		doc.DocumentElement().SetAttribute("data-edits", "loaded")
	}()
}

// block is a stretch of the article: a cell, or the published prose
// between two published cells (its slot, as in layout.go, and its nodes,
// possibly none).
type block struct {
	c     *cell
	slot  int
	nodes []dom.Node
}

// domNodes are the block's nodes in the article.
func (b *block) domNodes() []dom.Node {
	if b.c != nil {
		return []dom.Node{b.c.root}
	}
	return b.nodes
}

// visible reports whether the block shows anything: moving a cell past
// prose that renders to nothing (a link definition, a comment) would
// look like a move that did nothing.
func (b *block) visible() bool {
	if b.c != nil {
		return true
	}
	for _, n := range b.nodes {
		if n.NodeType() == 1 || strings.TrimSpace(n.TextContent()) != "" {
			return true
		}
	}
	return false
}

// mountCells turns every pre-rendered cell of the article into a live
// cell, and notes the prose between them.
func (nb *notebook) mountCells() {
	nb.article = nb.doc.QuerySelector("article.notebook")
	// byUID outlives a replaced document: the kernel may still answer
	// for a cell of the old one.
	if nb.byUID == nil {
		nb.byUID = map[int]*cell{}
	}
	nb.blocks, nb.cells, nb.deleted = nil, nil, nil
	nb.exData, nb.progress = map[int]*exerciseData{}, nil
	nb.milestone = milestoneState{verdictPub: -1}
	prose := &block{slot: 0}
	afterVerdict := false // the verdict heading was seen, its cell not yet
	for _, n := range nb.article.ChildNodes() {
		if el, ok := n.(dom.Element); ok && el.TagName() == "SECTION" && el.Class().Contains("cell") {
			source := el.QuerySelector(".cell-source")
			published := strings.TrimSuffix(source.TextContent(), "\n")
			pub := len(nb.blocks) / 2
			if d := readExerciseData(el); d != nil {
				nb.exData[pub] = d
			}
			if afterVerdict {
				nb.milestone.verdictPub, afterVerdict = pub, false
			}
			nb.blocks = append(nb.blocks, prose, &block{c: newCell(nb, el, kindCode, pub, published)})
			prose = &block{slot: prose.slot + 1}
			continue
		}
		if isVerdictHeading(n) {
			afterVerdict = true
		}
		prose.nodes = append(prose.nodes, n)
	}
	nb.blocks = append(nb.blocks, prose)
	nb.syncCells()
	nb.pubLayout = nb.layout()
	nb.pubHash = publishedHash(nb.pubLayout)
	nb.current = nil // until a cell is focused or run; see runAbove
}

// syncCells lists the cells in page order and numbers them.
func (nb *notebook) syncCells() {
	nb.cells = nb.cells[:0]
	for _, b := range nb.blocks {
		if b.c != nil {
			b.c.setIndex(len(nb.cells))
			nb.cells = append(nb.cells, b.c)
		}
	}
	if nb.cellTools != nil {
		nb.cellTools.update()
	}
}

// layout is the page as entries (layout.go), for saving and export.
func (nb *notebook) layout() []entry {
	out := make([]entry, 0, len(nb.blocks))
	for _, b := range nb.blocks {
		if b.c == nil {
			out = append(out, entry{Kind: kindProse, Pub: b.slot})
			continue
		}
		kind := kindCode
		if b.c.kind == kindMarkdown {
			kind = kindMarkdown
		}
		out = append(out, entry{Kind: kind, Pub: b.c.pub, Text: b.c.code()})
	}
	return out
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

// cellByIndex returns the cell at place i, or nil.
func (nb *notebook) cellByIndex(i int) *cell {
	if i < 0 || i >= len(nb.cells) {
		return nil
	}
	return nb.cells[i]
}

// focusWithin reports whether el or an element inside it has the focus.
func focusWithin(el dom.Element) bool {
	active := js.Global().Get("document").Get("activeElement")
	return active.Truthy() && el.Underlying().Call("contains", active).Bool()
}

// focused reports whether el itself has the focus.
func focused(el dom.Element) bool {
	return js.Global().Get("document").Get("activeElement").Equal(el.Underlying())
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
