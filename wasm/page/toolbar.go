//go:build js && wasm

package page

import (
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// shortcuts are listed in the help dialog, which opens with "?".
var shortcuts = [][2]string{
	{"Shift+Enter", "Run the cell and move to the next one"},
	{"Ctrl+Enter / ⌘+Enter", "Run the cell and stay in it"},
	{"Tab / Shift+Tab", "Move between buttons and cells (Esc first to leave an editor)"},
	{"Esc", "Leave the editor, or close this dialog"},
	{"?", "Show this help (outside an editor)"},
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
	table := nb.el("table", "", "")
	for _, s := range shortcuts {
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
		table.AppendChild(tr)
	}
	d.AppendChild(table)
	closeBtn := nb.button("Close", "", func() { d.Underlying().Call("close") })
	d.AppendChild(closeBtn)
	return d
}

// installShortcuts listens for the page-wide keys. Keys typed in an
// editor or a field belong to it.
func (nb *notebook) installShortcuts() {
	nb.doc.AddEventListener("keydown", false, func(e dom.Event) {
		ev := e.Underlying()
		if typing(ev.Get("target")) {
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
