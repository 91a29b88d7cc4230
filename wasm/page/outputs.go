//go:build js && wasm

package page

import (
	"fmt"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// Limits above which an output is cut, with a control to show the rest.
const (
	maxTextLines  = 200
	maxTextChars  = 20000
	maxTreeItems  = 100
	tensorMIME    = "application/vnd.tinytorch.tensor+json"
	errorLineNote = "line %d"
)

// outputArea is the output region of one cell. It keeps the raw outputs
// too, for downloading the notebook with them.
type outputArea struct {
	c         *cell
	root      dom.Element
	raw       []js.Value
	lastError string
}

func newOutputArea(c *cell, root dom.Element) *outputArea {
	return &outputArea{c: c, root: root}
}

// clear removes every output.
func (o *outputArea) clear() {
	o.root.SetInnerHTML("")
	o.raw = nil
	o.lastError = ""
}

// add renders one output from the kernel. An output with update set
// replaces the earlier one with the same displayId.
func (o *outputArea) add(out js.Value) {
	kind := out.Get("kind").String()
	if kind == "stream" && o.appendStream(out) {
		o.raw = append(o.raw, out)
		return
	}
	el := o.render(kind, out)
	if id := out.Get("displayId"); id.Type() == js.TypeNumber {
		el.SetAttribute("data-display-id", fmt.Sprint(id.Int()))
		if out.Get("update").Truthy() {
			if old := o.root.QuerySelector(fmt.Sprintf(`[data-display-id="%d"]`, id.Int())); old != nil {
				o.root.ReplaceChild(el, old)
				o.replaceRaw(id.Int(), out)
				return
			}
		}
	}
	o.raw = append(o.raw, out)
	o.root.AppendChild(el)
}

// replaceRaw keeps only the latest version of an updated display.
func (o *outputArea) replaceRaw(id int, out js.Value) {
	for i, r := range o.raw {
		if d := r.Get("displayId"); d.Type() == js.TypeNumber && d.Int() == id {
			o.raw[i] = out
			return
		}
	}
}

// addNote shows a message from the page itself, such as a restart.
func (o *outputArea) addNote(text string) {
	o.root.AppendChild(o.c.nb.el("p", "output-note", text))
}

// render builds the element for one output.
func (o *outputArea) render(kind string, out js.Value) dom.Element {
	switch kind {
	case "display":
		return o.renderDisplay(out.Get("data"))
	case "stream":
		return o.textBlock("output-stream "+out.Get("name").String(), strings.TrimSuffix(out.Get("text").String(), "\n"))
	case "error":
		return o.renderError(out)
	case "progress":
		return o.renderProgress(out)
	}
	return o.textBlock("output-text", fmt.Sprintf("(unknown output kind %q)", kind))
}

// appendStream adds console text to the previous output when it is the
// same stream, so a loop's lines read as one block.
func (o *outputArea) appendStream(out js.Value) bool {
	last := o.root.LastChild()
	if last == nil {
		return false
	}
	prev, ok := last.(dom.Element)
	name := out.Get("name").String()
	if !ok || !prev.Class().Contains("output-stream") || !prev.Class().Contains(name) || prev.GetAttribute("data-truncated") != "" {
		return false
	}
	pre := prev.QuerySelector("pre")
	o.setText(prev, pre.TextContent()+"\n"+strings.TrimSuffix(out.Get("text").String(), "\n"))
	return true
}

// renderDisplay picks the richest representation the page knows.
func (o *outputArea) renderDisplay(data js.Value) dom.Element {
	nb := o.c.nb
	switch {
	case data.Get(tensorMIME).Truthy():
		return o.renderTensor(data.Get(tensorMIME))
	case data.Get(downloadMIME).Truthy():
		return o.renderDownload(data.Get(downloadMIME))
	case data.Get(uploadMIME).Truthy():
		return o.renderUpload(data.Get(uploadMIME))
	case data.Get("image/png").Truthy():
		img := nb.doc.CreateElement("img")
		img.SetAttribute("src", "data:image/png;base64,"+data.Get("image/png").String())
		img.SetAttribute("alt", data.Get("text/plain").String())
		img.Class().SetString("output-image")
		if w := data.Get("metadata").Get("width"); w.Type() == js.TypeNumber {
			img.SetAttribute("width", fmt.Sprint(w.Int()))
		}
		return wrap(nb, "output-display", img)
	case data.Get("image/svg+xml").Truthy():
		div := nb.el("div", "output-display output-svg", "")
		div.SetInnerHTML(data.Get("image/svg+xml").String())
		enhanceCharts(o.c, div)
		return div
	case data.Get("text/html").Truthy():
		div := nb.el("div", "output-display output-html", "")
		div.SetInnerHTML(data.Get("text/html").String())
		enhanceCharts(o.c, div) // charts in HTML, such as the training charts
		return div
	case data.Get("application/json").Type() == js.TypeObject:
		div := nb.el("div", "output-display output-tree", "")
		div.AppendChild(o.tree(data.Get("application/json"), 0))
		return div
	}
	return o.textBlock("output-text", data.Get("text/plain").String())
}

// textBlock shows text in a <pre>, cut at maxTextLines or maxTextChars
// with a button that shows the rest.
func (o *outputArea) textBlock(class, text string) dom.Element {
	div := o.c.nb.el("div", class, "")
	div.AppendChild(o.c.nb.el("pre", "", ""))
	o.setText(div, text)
	return div
}

// setText fills a text block, truncating long text.
func (o *outputArea) setText(div dom.Element, text string) {
	pre := div.QuerySelector("pre")
	if old := div.QuerySelector("button.show-more"); old != nil {
		old.Remove()
	}
	div.RemoveAttribute("data-truncated")
	lines := strings.Count(text, "\n") + 1
	if lines <= maxTextLines && len(text) <= maxTextChars {
		pre.SetTextContent(text)
		return
	}
	cut := text
	if lines > maxTextLines {
		cut = strings.Join(strings.SplitN(text, "\n", maxTextLines+1)[:maxTextLines], "\n")
	}
	if len(cut) > maxTextChars {
		cut = cut[:maxTextChars]
	}
	pre.SetTextContent(cut + "\n…")
	div.SetAttribute("data-truncated", "true")
	label := fmt.Sprintf("Show all %d lines", lines)
	if lines <= maxTextLines {
		label = fmt.Sprintf("Show all %d characters", len(text))
	}
	var more *dom.HTMLButtonElement
	more = o.c.nb.button(label, "", func() {
		pre.SetTextContent(text)
		more.Remove()
	})
	more.Class().Add("show-more")
	div.AppendChild(more)
}

// renderError shows an error's name, message, the line of the cell where
// it happened (also highlighted in the editor) and the stack within cells.
func (o *outputArea) renderError(out js.Value) dom.Element {
	text := out.Get("name").String() + ": " + out.Get("message").String()
	o.lastError = text
	if line := out.Get("line"); line.Type() == js.TypeNumber && line.Int() > 0 {
		o.c.editor.Call("highlightLine", line.Int())
		text += fmt.Sprintf("\n  at "+errorLineNote+" of cell %d", line.Int(), o.c.index+1)
	}
	if stack := out.Get("stack").String(); stack != "" && out.Get("stack").Type() == js.TypeString {
		text += "\n" + indent(stack)
	}
	el := o.textBlock("output-error", text)
	el.SetAttribute("role", "alert")
	return el
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// wrap puts an element in a div of the given class.
func wrap(nb *notebook, class string, child dom.Element) dom.Element {
	div := nb.el("div", class, "")
	div.AppendChild(child)
	return div
}
