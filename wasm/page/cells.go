//go:build js && wasm

package page

import (
	"fmt"
	"html"

	"honnef.co/go/js/dom/v2"
)

// This file changes the notebook's structure: add a cell above or below,
// delete it (with undo), move it up or down, make it code or Markdown.
// Every change renumbers the cells, is saved like an edit (persist.go)
// and is announced to screen readers with the cell's new number.

// deletedCell is a deleted cell kept for undo, with the place it had.
type deletedCell struct {
	c   *cell
	pos int // its index in nb.blocks
}

// setCurrent makes c the cell the toolbar's cell commands act on, and
// marks it.
func (nb *notebook) setCurrent(c *cell) {
	if nb.current == c {
		return
	}
	if nb.current != nil {
		nb.current.root.Class().Remove("current")
	}
	nb.current = c
	if c != nil {
		c.root.Class().Add("current")
	}
	if nb.cellTools != nil {
		nb.cellTools.update()
	}
}

// selectCell selects c without editing it (Jupyter's command mode): the
// focus goes to the cell itself, where the command keys work
// (commands.go). With announce, screen readers hear which cell it is and
// that the keys changed meaning.
func (nb *notebook) selectCell(c *cell, announce bool) {
	nb.setCurrent(c)
	c.root.Underlying().Call("focus", map[string]any{"preventScroll": true})
	c.root.Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	if announce {
		nb.announce(c.describe() + " selected. Enter edits it; press ? for the keys")
	}
}

// target is the cell the toolbar's cell commands act on: the current
// cell, else the first cell in view, else nil when there is none.
func (nb *notebook) target() *cell {
	if nb.current != nil && nb.blockIndex(nb.current) >= 0 {
		return nb.current
	}
	return nb.cellByIndex(min(nb.cellIndexInView(), len(nb.cells)-1))
}

// blockIndex is the index of c's block, or -1 when c is not on the page.
func (nb *notebook) blockIndex(c *cell) int {
	for i, b := range nb.blocks {
		if b.c == c {
			return i
		}
	}
	return -1
}

// place puts the nodes of block i into the article, before the nodes of
// the blocks after it.
func (nb *notebook) place(i int) {
	var anchor dom.Node
	for _, b := range nb.blocks[i+1:] {
		if ns := b.domNodes(); len(ns) > 0 {
			anchor = ns[0]
			break
		}
	}
	for _, n := range nb.blocks[i].domNodes() {
		if anchor != nil {
			nb.article.InsertBefore(n, anchor)
		} else {
			nb.article.AppendChild(n)
		}
	}
}

// insertBlock adds b at index i of the blocks and of the article.
func (nb *notebook) insertBlock(i int, b *block) {
	nb.blocks = append(nb.blocks[:i], append([]*block{b}, nb.blocks[i:]...)...)
	nb.place(i)
}

// removeBlock takes block i out of the blocks and of the article.
func (nb *notebook) removeBlock(i int) *block {
	b := nb.blocks[i]
	nb.blocks = append(nb.blocks[:i], nb.blocks[i+1:]...)
	for _, n := range b.domNodes() {
		nb.article.RemoveChild(n)
	}
	return b
}

// makeCell builds a cell that is not on the page yet.
func (nb *notebook) makeCell(kind, text string, pub int, published string) *cell {
	root := nb.el("section", "cell", "")
	root.SetInnerHTML(`<pre class="cell-source"><code class="language-js">` + html.EscapeString(text) +
		`</code></pre><div class="cell-output" role="status" aria-live="polite"></div>`)
	return newCell(nb, root, kind, pub, published)
}

// structureChanged renumbers the cells and saves the new structure.
func (nb *notebook) structureChanged() {
	nb.syncCells()
	nb.saved.schedule()
}

// addCell adds an empty cell of the given kind above or below the target
// cell (at the end when there is none). From the keys the new cell is
// selected (command mode, as in Jupyter); from a button its editor gets
// the focus, ready for typing.
func (nb *notebook) addCell(kind string, below, fromKeys bool) {
	pos, from := len(nb.blocks), nb.target()
	if from != nil {
		pos = nb.blockIndex(from)
		if below {
			pos++
		}
	}
	c := nb.makeCell(kind, "", -1, "")
	nb.insertBlock(pos, &block{c: c})
	nb.structureChanged()
	where := "at the end"
	if from != nil { // in the numbers after the change
		where = fmt.Sprintf("above cell %d", from.index+1)
		if below {
			where = fmt.Sprintf("below cell %d", from.index+1)
		}
	}
	if fromKeys {
		nb.selectCell(c, false)
	} else {
		nb.focusCell(c.index)
	}
	nb.announce(fmt.Sprintf("%s cell added %s: it is cell %d", c.kindName(), where, c.index+1))
}

// deleteCell deletes the target cell, keeping it for undo. The focus
// stays with the cells: on the one now in its place, else the one above.
func (nb *notebook) deleteCell(fromKeys bool) {
	c := nb.target()
	if c == nil {
		nb.announce("There is no cell to delete")
		return
	}
	if c == nb.running {
		nb.announce(c.describe() + " is running: stop it before deleting it")
		return
	}
	nb.dequeue(c)
	n, pos := c.index, nb.blockIndex(c)
	nb.removeBlock(pos)
	nb.deleted = append(nb.deleted, deletedCell{c: c, pos: pos})
	nb.setCurrent(nil)
	nb.structureChanged()
	if next := nb.cellByIndex(min(n, len(nb.cells)-1)); next != nil {
		if fromKeys {
			nb.selectCell(next, false)
		} else {
			nb.setCurrent(next)
		}
	}
	nb.announce(fmt.Sprintf("Cell %d deleted. Undo delete, or Z in command mode, brings it back", n+1))
}

// undoDelete puts back the cell deleted last, where it was.
func (nb *notebook) undoDelete(fromKeys bool) {
	if len(nb.deleted) == 0 {
		nb.announce("There is no deleted cell to bring back")
		return
	}
	d := nb.deleted[len(nb.deleted)-1]
	nb.deleted = nb.deleted[:len(nb.deleted)-1]
	nb.insertBlock(min(d.pos, len(nb.blocks)), &block{c: d.c})
	nb.structureChanged()
	if fromKeys {
		nb.selectCell(d.c, false)
	} else {
		nb.setCurrent(d.c)
		d.c.root.Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
	nb.announce(fmt.Sprintf("Deleted cell restored as cell %d", d.c.index+1))
}

// moveCell moves the target cell up or down past the block next to it:
// the cell or the stretch of prose there. The focus stays where it was.
func (nb *notebook) moveCell(up bool) {
	c := nb.target()
	if c == nil {
		nb.announce("There is no cell to move")
		return
	}
	i, step := nb.blockIndex(c), 1
	if up {
		step = -1
	}
	j := i + step
	for j >= 0 && j < len(nb.blocks) && !nb.blocks[j].visible() {
		j += step
	}
	if j < 0 || j >= len(nb.blocks) {
		where := "bottom"
		if up {
			where = "top"
		}
		nb.announce(fmt.Sprintf("%s is already at the %s", c.describe(), where))
		return
	}
	selected, editing := focused(c.root), focusWithin(c.root.QuerySelector(".cell-editor"))
	n := c.index
	b := nb.removeBlock(i)
	nb.insertBlock(j, b) // up: before block j; down: after it, which moved to j-1
	nb.structureChanged()
	switch {
	case selected:
		nb.selectCell(c, false)
	case editing:
		c.editor.Call("focus")
	}
	c.root.Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	dir := "down"
	if up {
		dir = "up"
	}
	nb.announce(fmt.Sprintf("Cell %d moved %s: it is cell %d", n+1, dir, c.index+1))
}

// setKind makes c a code or a Markdown cell with the same text, and
// returns the cell that replaced it (a new editor), or c when nothing
// changed.
func (nb *notebook) setKind(c *cell, kind string, fromKeys bool) *cell {
	if c == nil || c.kind == kind {
		return c
	}
	if c == nb.running || c.state == stateQueued {
		nb.announce(c.describe() + " is running or queued: its type cannot change now")
		return c
	}
	i := nb.blockIndex(c)
	if i < 0 {
		return c
	}
	selected := focusWithin(c.root)
	fresh := nb.makeCell(kind, c.code(), c.pub, c.published)
	nb.article.ReplaceChild(fresh.root, c.root)
	nb.blocks[i].c = fresh
	c.editor.Call("destroy")
	delete(nb.byUID, c.uid)
	if nb.current == c {
		nb.current = nil
	}
	nb.structureChanged()
	nb.setCurrent(fresh)
	if selected || fromKeys {
		nb.selectCell(fresh, false)
	}
	nb.announce(fmt.Sprintf("Cell %d is now a %s cell", fresh.index+1, map[string]string{kindCode: "code", kindMarkdown: "Markdown"}[kind]))
	return fresh
}

// dequeue takes c out of the run queue.
func (nb *notebook) dequeue(c *cell) {
	for i, q := range nb.queue {
		if q == c {
			nb.queue = append(nb.queue[:i], nb.queue[i+1:]...)
			c.setState(stateIdle, "not run")
			if c.ex != nil {
				c.ex.abort("")
			}
			return
		}
	}
}
