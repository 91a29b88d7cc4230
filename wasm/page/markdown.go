//go:build js && wasm

package page

import (
	"fmt"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// markdownView is the rendered side of a Markdown cell. As in Jupyter,
// the cell shows either its editor or its rendered text: running it
// (Shift+Enter, Ctrl+Enter, the Render button) renders it, Enter in
// command mode, a double click or the Edit button edits it again. The
// Markdown is rendered by the notebook-file worker (wasm/docs, goldmark),
// with raw HTML left out, like the notebook's own prose.
type markdownView struct {
	c        *cell
	holder   dom.Element // the editor
	view     dom.Element // the rendered HTML
	rendered bool
	renders  int // renders asked for, so that a late answer is dropped
}

func newMarkdownView(c *cell, holder dom.Element) *markdownView {
	m := &markdownView{c: c, holder: holder, view: c.nb.el("div", "markdown-view", "")}
	setHidden(m.view, true)
	m.view.AddEventListener("dblclick", false, func(dom.Event) { m.edit(); c.editor.Call("focus") })
	holder.ParentNode().InsertBefore(m.view, holder.NextSibling())
	c.root.Class().Add("markdown")
	setHidden(c.counter, true)
	setHidden(c.out.root, true)
	return m
}

// buttonText is the bar's first button: Render while editing, Edit once
// rendered.
func (m *markdownView) buttonText(n int) (text, label string) {
	if m.rendered {
		return "✎ Edit", fmt.Sprintf("Edit Markdown cell %d (Enter)", n)
	}
	return "▶ Render", fmt.Sprintf("Render Markdown cell %d (Shift+Enter)", n)
}

// toggle is the first button's action.
func (m *markdownView) toggle() {
	if m.rendered {
		m.edit()
		m.c.editor.Call("focus")
		return
	}
	m.render()
}

// render shows the cell's text as HTML. It returns at once; the HTML
// comes from the worker.
func (m *markdownView) render() {
	m.renders++
	ticket, text := m.renders, m.c.code()
	m.rendered = true
	m.c.labelRunButton()
	m.c.root.SetAttribute("data-rendered", "pending")
	go func() {
		html, err := docsCall("renderProse", text)
		if ticket != m.renders {
			return // edited or rendered again since
		}
		switch {
		case err != nil:
			m.view.SetTextContent("This Markdown could not be shown: " + err.Error())
		case html.String() == "":
			m.view.SetInnerHTML(`<p class="markdown-empty">Empty Markdown cell: press Edit, or Enter in command mode, to write in it.</p>`)
		default:
			m.view.SetInnerHTML(html.String())
			js.Global().Get("tinytorch").Call("typesetMath", m.view.Underlying())
		}
		wasFocused := focusWithin(m.holder)
		setHidden(m.holder, true)
		setHidden(m.view, false)
		m.c.root.SetAttribute("data-rendered", "true")
		if wasFocused {
			m.c.nb.selectCell(m.c, false) // the editor is gone: keep the focus on the cell
		}
	}()
}

// edit shows the editor again.
func (m *markdownView) edit() {
	m.renders++
	m.rendered = false
	setHidden(m.view, true)
	setHidden(m.holder, false)
	m.c.root.RemoveAttribute("data-rendered")
	m.c.labelRunButton()
}
