//go:build js && wasm

package page

import (
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// shortcut is a row of the help dialog: keys (alternatives separated by
// " / ") and what they do.
type shortcut [2]string

// shortcutGroups are listed in the help dialog, which opens with "?".
var shortcutGroups = []struct {
	title string
	keys  []shortcut
}{
	{"In a cell's editor", []shortcut{
		{"Shift+Enter", "Run the cell (render a Markdown cell) and move to the next one; on the last cell, add a new one"},
		{"Ctrl+Enter / ⌘+Enter", "Run the cell and stay in it"},
		{"Esc", "Leave the editor and select the cell (command mode)"},
	}},
	{"Command mode: a cell is selected, not edited", []shortcut{
		{"Enter", "Edit the selected cell"},
		{"↑ / ↓ / K / J", "Select the cell above or below"},
		{"A / B", "Add a code cell above or below"},
		{"M / Y", "Make the cell Markdown or code"},
		{"D, D", "Delete the cell (press D twice)"},
		{"Z", "Undo the last deletion"},
		{"Alt+↑ / Alt+↓", "Move the cell up or down"},
		{"Shift+Enter / Ctrl+Enter", "Run the cell, then select the next one (on the last cell, add one and edit it) or stay"},
	}},
	{"Anywhere outside an editor", []shortcut{
		{"Tab / Shift+Tab", "Move between buttons and cells (Esc first to leave an editor)"},
		{"?", "Show this help"},
		{"Esc", "Close this dialog"},
	}},
}

// buildToolbar adds the notebook's commands to the page header.
func (nb *notebook) buildToolbar() {
	bar := nb.el("nav", "toolbar", "")
	bar.SetAttribute("aria-label", "Notebook")
	items := []struct {
		text, label string
		fn          func()
	}{
		{"Run all", "Run every cell, in order", nb.runAll},
		{"Run above", "Run every cell above the current one", nb.runAbove},
		{"■ Stop", "Stop the running cell", nb.stop},
		{"Restart", "Restart the kernel, forgetting every variable", func() { nb.restart("") }},
		{"Clear", "Clear every output", nb.clearOutputs},
	}
	for _, it := range items {
		b := nb.button(it.text, it.label, it.fn)
		b.SetAttribute("data-action", it.text)
		bar.AppendChild(b)
	}
	nb.cellTools = newCellTools(nb)
	bar.AppendChild(nb.cellTools.group)
	nb.cellTools.update()
	nb.addFileMenu(bar)
	help := nb.button("?", "Keyboard shortcuts", nb.showHelp)
	bar.AppendChild(help)
	header := nb.doc.QuerySelector("header.site")
	header.InsertBefore(bar, nb.status)
}

// addFileMenu adds the commands that move the notebook in and out of the
// page; they are filled in by share.go.
func (nb *notebook) addFileMenu(bar dom.Element) {
	for _, it := range nb.fileCommands() {
		b := nb.button(it.text, it.label, it.fn)
		b.SetAttribute("data-action", it.text)
		bar.AppendChild(b)
	}
}

// showHelp opens the dialog listing the shortcuts.
func (nb *notebook) showHelp() {
	dialog := nb.doc.GetElementByID("tt-help")
	if dialog == nil {
		dialog = nb.helpDialog()
		nb.doc.QuerySelector("body").AppendChild(dialog)
	}
	dialog.Underlying().Call("showModal")
}

func (nb *notebook) helpDialog() dom.Element {
	d := nb.el("dialog", "help", "")
	d.SetID("tt-help")
	d.SetAttribute("aria-labelledby", "tt-help-title")
	title := nb.el("h2", "", "Keyboard shortcuts")
	title.SetID("tt-help-title")
	d.AppendChild(title)
	// Close comes first: the dialog opens with the focus on it, and a
	// button at the end would scroll a tall dialog past its title.
	closeBtn := nb.button("Close", "", func() { d.Underlying().Call("close") })
	closeBtn.Class().Add("close")
	d.InsertBefore(closeBtn, title)
	for _, g := range shortcutGroups {
		d.AppendChild(nb.el("h3", "", g.title))
		table := nb.el("table", "", "")
		for _, s := range g.keys {
			table.AppendChild(nb.shortcutRow(s))
		}
		d.AppendChild(table)
	}
	return d
}

// shortcutRow is one row of the help: the keys, then what they do.
func (nb *notebook) shortcutRow(s shortcut) dom.Element {
	tr := nb.el("tr", "", "")
	key := nb.el("th", "", "")
	// Each alternative is a key of its own: "Ctrl+Enter / ⌘+Enter"
	// wraps between the keys, never inside one.
	for i, k := range strings.Split(s[0], " / ") {
		if i > 0 {
			key.AppendChild(nb.doc.CreateTextNode(" / "))
		}
		key.AppendChild(nb.el("kbd", "", k))
	}
	tr.AppendChild(key)
	tr.AppendChild(nb.el("td", "", s[1]))
	return tr
}

// installShortcuts listens for the page-wide keys. Keys typed in an
// editor or a field belong to it.
func (nb *notebook) installShortcuts() {
	nb.doc.AddEventListener("keydown", false, func(e dom.Event) {
		ev := e.Underlying()
		target := ev.Get("target")
		if c := nb.selectedCell(target); c != nil && nb.commandKey(c, e) {
			e.PreventDefault()
			return
		}
		if typing(target) {
			return
		}
		if ev.Get("key").String() == "?" {
			e.PreventDefault()
			nb.showHelp()
		}
	})
}

// typing reports whether an event target is an editor or form field.
func typing(target js.Value) bool {
	if !target.Truthy() || target.Get("closest").Type() != js.TypeFunction {
		return false
	}
	return target.Call("closest", ".cm-editor, input, textarea, select, [contenteditable]").Truthy()
}
