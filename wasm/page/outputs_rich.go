//go:build js && wasm

package page

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// renderTensor shows a small 1-D or 2-D tensor as a table, with a button
// that switches to the text PyTorch would print.
func (o *outputArea) renderTensor(t js.Value) dom.Element {
	nb := o.c.nb
	shape := t.Get("shape")
	rows, cols := 1, shape.Index(0).Int()
	if shape.Length() == 2 {
		rows, cols = shape.Index(0).Int(), shape.Index(1).Int()
	}
	values := t.Get("values")
	format := tableFormat(values)
	div := nb.el("div", "output-display output-tensor", "")
	table := nb.el("table", "tensor-table", "")
	caption := nb.el("caption", "", fmt.Sprintf("tensor · shape %s · float32", shapeText(shape)))
	table.AppendChild(caption)
	head := nb.el("tr", "", "")
	head.AppendChild(nb.el("th", "", ""))
	for j := 0; j < cols; j++ {
		th := nb.el("th", "", strconv.Itoa(j))
		th.SetAttribute("scope", "col")
		head.AppendChild(th)
	}
	table.AppendChild(head)
	for i := 0; i < rows; i++ {
		tr := nb.el("tr", "", "")
		th := nb.el("th", "", strconv.Itoa(i))
		th.SetAttribute("scope", "row")
		tr.AppendChild(th)
		for j := 0; j < cols; j++ {
			tr.AppendChild(nb.el("td", "", format(values.Index(i*cols+j).Float())))
		}
		table.AppendChild(tr)
	}
	text := nb.el("pre", "tensor-text", t.Get("text").String())
	setHidden(text, true)
	var toggle *dom.HTMLButtonElement
	toggle = nb.button("Show as text", "Switch between the table and the printed tensor", func() {
		asText := text.HasAttribute("hidden")
		setHidden(text, !asText)
		setHidden(table, asText)
		toggle.SetTextContent(map[bool]string{true: "Show as table", false: "Show as text"}[asText])
	})
	toggle.Class().Add("quiet")
	div.AppendChild(table)
	div.AppendChild(text)
	div.AppendChild(toggle)
	return div
}

// shapeText writes a shape as [2, 3].
func shapeText(shape js.Value) string {
	s := "["
	for i := 0; i < shape.Length(); i++ {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(shape.Index(i).Int())
	}
	return s + "]"
}

// tableFormat picks one number format for a whole table, as PyTorch does
// for a printed tensor: whole numbers without decimals, otherwise four
// decimals, or scientific notation when magnitudes span a wide range.
func tableFormat(values js.Value) func(float64) string {
	whole, lo, hi := true, math.Inf(1), 0.0
	for i := 0; i < values.Length(); i++ {
		v := values.Index(i).Float()
		if v != math.Trunc(v) {
			whole = false
		}
		if a := math.Abs(v); a != 0 && !math.IsInf(a, 0) {
			lo, hi = math.Min(lo, a), math.Max(hi, a)
		}
	}
	switch {
	case whole && hi < 1e9:
		return func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	case hi > 0 && (hi/lo > 1000 || hi >= 1e8 || lo < 1e-4):
		return func(v float64) string { return strconv.FormatFloat(v, 'e', 3, 64) }
	}
	return func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
}

// tree shows a JSON value as an expandable tree: objects and arrays are
// <details> elements, open at the first level.
func (o *outputArea) tree(v js.Value, depth int) dom.Element {
	nb := o.c.nb
	if v.Type() != js.TypeObject || v.IsNull() {
		return nb.el("span", "tree-leaf tree-"+v.Type().String(), leafText(v))
	}
	isArray := js.Global().Get("Array").Call("isArray", v).Bool()
	keys := js.Global().Get("Object").Call("keys", v)
	n := keys.Length()
	details := nb.el("details", "tree-node", "")
	if depth == 0 {
		details.SetAttribute("open", "")
	}
	summary := fmt.Sprintf("Object {%d}", n)
	if isArray {
		summary = fmt.Sprintf("Array(%d)", n)
	}
	details.AppendChild(nb.el("summary", "", summary))
	list := nb.el("ul", "", "")
	o.fillTree(list, v, keys, 0, depth)
	details.AppendChild(list)
	return details
}

// fillTree adds entries from start on, at most maxTreeItems, then a button
// for the next ones.
func (o *outputArea) fillTree(list dom.Element, v, keys js.Value, start, depth int) {
	nb := o.c.nb
	n := keys.Length()
	end := min(n, start+maxTreeItems)
	for i := start; i < end; i++ {
		key := keys.Index(i).String()
		li := nb.el("li", "", "")
		li.AppendChild(nb.el("span", "tree-key", key+": "))
		li.AppendChild(o.tree(v.Get(key), depth+1))
		list.AppendChild(li)
	}
	if end < n {
		li := nb.el("li", "", "")
		li.AppendChild(nb.button(fmt.Sprintf("… %d more", n-end), "", func() {
			li.Remove()
			o.fillTree(list, v, keys, end, depth)
		}))
		list.AppendChild(li)
	}
}

// leafText writes a JSON scalar.
func leafText(v js.Value) string {
	switch v.Type() {
	case js.TypeString:
		return strconv.Quote(v.String())
	case js.TypeNull:
		return "null"
	}
	return js.Global().Call("String", v).String()
}

// renderProgress shows a progress bar with the rate and the time left.
func (o *outputArea) renderProgress(out js.Value) dom.Element {
	nb := o.c.nb
	done, total := out.Get("done").Float(), out.Get("total").Float()
	div := nb.el("div", "output-progress", "")
	label := out.Get("label").String()
	bar := nb.doc.CreateElement("progress")
	bar.SetAttribute("max", fmt.Sprint(total))
	bar.SetAttribute("value", fmt.Sprint(done))
	if label != "" {
		bar.SetAttribute("aria-label", label)
		div.AppendChild(nb.el("span", "progress-label", label))
	}
	div.AppendChild(bar)
	text := fmt.Sprintf("%s/%s", trimFloat(done), trimFloat(total))
	if rate := out.Get("rate").Float(); rate > 0 {
		unit := "it" // iterations, as tqdm says, when the kernel names no unit
		if u := out.Get("unit"); u.Type() == js.TypeString && u.String() != "" {
			unit = u.String()
		}
		text += fmt.Sprintf(" · %s %s/s", trimFloat(math.Round(rate*10)/10), unit)
	}
	if left := out.Get("left").Float(); left >= 0 && done < total {
		text += " · " + formatDuration(left*1000) + " left"
	} else if done >= total {
		text += " · " + formatDuration(out.Get("elapsed").Float()*1000)
	}
	div.AppendChild(nb.el("span", "progress-text", text))
	return div
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
