//go:build js && wasm

package page

import (
	"fmt"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// This file gives the cell commands of cells.go their keys (Jupyter's
// command mode: Esc in an editor selects its cell, and single keys act
// on the selected cell) and their toolbar buttons.

// selectedCell is the cell whose section is target, the element that has
// the focus in command mode, or nil.
func (nb *notebook) selectedCell(target js.Value) *cell {
	if !target.Truthy() {
		return nil
	}
	for _, c := range nb.cells {
		if c.root.Underlying().Equal(target) {
			return c
		}
	}
	return nil
}

// commandKey runs the command-mode key of a keydown on the selected cell
// c, and reports whether it was one.
func (nb *notebook) commandKey(c *cell, e dom.Event) bool {
	ev := e.Underlying()
	key := ev.Get("key").String()
	alt, shift := ev.Get("altKey").Bool(), ev.Get("shiftKey").Bool()
	ctrl := ev.Get("ctrlKey").Bool() || ev.Get("metaKey").Bool()
	pendingD := nb.pendingD
	nb.pendingD = false
	switch {
	case key == "Enter" && shift:
		nb.runAndAdvance(c, false)
	case key == "Enter" && ctrl:
		nb.runOne(c)
	case key == "Enter":
		if c.md != nil {
			c.md.edit()
		}
		c.editor.Call("focus")
	case ctrl || ev.Get("repeat").Bool() && key != "ArrowUp" && key != "ArrowDown":
		return false
	case alt && (key == "ArrowUp" || key == "ArrowDown"):
		nb.moveCell(key == "ArrowUp")
	case alt:
		return false
	case key == "ArrowUp" || key == "k" || key == "ArrowDown" || key == "j":
		step := 1
		if key == "ArrowUp" || key == "k" {
			step = -1
		}
		if next := nb.cellByIndex(c.index + step); next != nil {
			nb.selectCell(next, true)
		}
	case key == "a" || key == "b":
		nb.addCell(kindCode, key == "b", true)
	case key == "m":
		nb.setKind(c, kindMarkdown, true)
	case key == "y":
		nb.setKind(c, kindCode, true)
	case key == "d" && pendingD:
		nb.deleteCell(true)
	case key == "d":
		nb.pendingD = true
		nb.announce("Press D again to delete " + c.describe())
	case key == "z":
		nb.undoDelete(true)
	default:
		return false
	}
	return true
}

// runAndAdvance is Shift+Enter: it runs c and moves to the next cell,
// whose editor gets the focus when the key came from c's editor (edit)
// and which is selected otherwise. On the last cell it adds an empty code
// cell below and puts the focus in its editor, as Jupyter does, so that
// a student can go on writing; the added cell is saved, and deleted (with
// undo) like any other. Cells embedded in another page (embed.go) are the
// host's: none is added there.
func (nb *notebook) runAndAdvance(c *cell, edit bool) {
	nb.runOne(c)
	next := nb.cellByIndex(c.index + 1)
	switch {
	case next == nil && nb.embed == nil:
		nb.setCurrent(c) // addCell adds below the current cell
		nb.addCell(kindCode, true, false)
	case next == nil:
	case edit:
		nb.focusCell(next.index)
	default:
		nb.selectCell(next, false)
	}
}

// cellTools are the toolbar's cell commands. They act on the current
// cell (the one last focused, selected or run), which the page marks.
type cellTools struct {
	nb    *notebook
	group dom.Element
	undo  *dom.HTMLButtonElement
	kind  *dom.HTMLSelectElement
	shown int // the number of deletions the Undo button shows
}

func newCellTools(nb *notebook) *cellTools {
	t := &cellTools{nb: nb, group: nb.el("div", "cell-tools", ""), shown: -1}
	t.group.SetAttribute("role", "group")
	t.group.SetAttribute("aria-label", "Current cell")
	items := []command{
		{"+ Above", "Add a code cell above the current cell (A)", func() { nb.addCell(kindCode, false, false) }},
		{"+ Below", "Add a code cell below the current cell (B)", func() { nb.addCell(kindCode, true, false) }},
		{"↑", "Move the current cell up (Alt+↑)", func() { nb.moveCell(true) }},
		{"↓", "Move the current cell down (Alt+↓)", func() { nb.moveCell(false) }},
		{"Delete", "Delete the current cell (D, D)", func() { nb.deleteCell(false) }},
		{"Undo delete", "Undo delete: bring back the cell deleted last (Z)", func() { nb.undoDelete(false) }},
	}
	for _, it := range items {
		b := nb.button(it.text, it.label, it.fn)
		b.SetAttribute("data-action", it.text)
		if it.text == "Undo delete" {
			b.SetTextContent("↶ Undo") // short, so that the toolbar stays one row on a laptop
		}
		t.group.AppendChild(b)
		if it.text == "Undo delete" {
			t.undo = b
		}
	}
	t.kind = nb.doc.CreateElement("select").(*dom.HTMLSelectElement)
	t.kind.SetAttribute("aria-label", "Type of the current cell (M, Y)")
	t.kind.SetAttribute("title", "Type of the current cell (M, Y)")
	t.kind.SetAttribute("data-action", "Cell type")
	for _, o := range [][2]string{{kindCode, "Code"}, {kindMarkdown, "Markdown"}} {
		opt := nb.el("option", "", o[1])
		opt.SetAttribute("value", o[0])
		t.kind.AppendChild(opt)
	}
	t.kind.AddEventListener("change", false, func(dom.Event) {
		nb.setKind(nb.target(), t.kind.Value(), false)
	})
	t.group.AppendChild(t.kind)
	return t
}

// update shows the current cell's type and whether there is a deletion
// to undo. It runs whenever an editor gets the focus, so it writes to the
// page only what changed.
func (t *cellTools) update() {
	if n := len(t.nb.deleted); n != t.shown {
		t.shown = n
		t.undo.SetDisabled(n == 0)
		label := "Undo delete: bring back the cell deleted last (Z)"
		if n > 0 {
			label = fmt.Sprintf("Undo delete: bring back the cell deleted last (Z; %d to undo)", n)
		}
		t.undo.SetAttribute("aria-label", label)
	}
	if c := t.nb.target(); c != nil && t.kind.Value() != c.kind {
		t.kind.SetValue(c.kind)
	}
}
