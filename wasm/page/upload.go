//go:build js && wasm

package page

import (
	"fmt"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// uploadMIME is the display of tt.upload: {id, accept, label, maxBytes}.
// The kernel (a worker) cannot open a file picker, so the page shows a
// button that does, reads the chosen file and posts its bytes back as
// {type: "upload", id, name, bytes}, or {type: "upload", id, error} when
// the picker was cancelled or the file is over maxBytes. The kernel then
// replaces the button with what happened (wasm/kernel/upload.go).
const uploadMIME = "application/vnd.tinytorch.upload+json"

// renderUpload shows an upload display: a labelled button that opens a
// file picker (an <input type=file>, hidden, which the button clicks),
// and a status line read out as it changes.
func (o *outputArea) renderUpload(d js.Value) dom.Element {
	nb := o.c.nb
	id, accept, label := d.Get("id").String(), d.Get("accept").String(), d.Get("label").String()
	maxBytes := 0
	if m := d.Get("maxBytes"); m.Type() == js.TypeNumber {
		maxBytes = m.Int()
	}
	div := nb.el("div", "output-display output-upload", "")
	input := nb.doc.CreateElement("input")
	input.SetAttribute("type", "file")
	if d.Get("accept").Type() == js.TypeString && accept != "" {
		input.SetAttribute("accept", accept)
	}
	input.SetAttribute("hidden", "")
	input.SetAttribute("data-upload-input", id)
	status := nb.el("span", "upload-status", "")
	status.SetAttribute("role", "status")
	b := nb.button("⬆ "+label, fmt.Sprintf("%s, at most %s: opens a file picker", label, sizeText(maxBytes)), func() {
		input.Underlying().Call("click")
	})
	b.SetAttribute("data-upload", id)
	answer := func(msg map[string]any, note string, transfer ...any) {
		b.SetDisabled(true)
		status.SetTextContent(note)
		msg["type"], msg["id"] = "upload", id
		nb.kernel.post(msg, transfer...)
	}
	input.AddEventListener("cancel", false, func(dom.Event) {
		answer(map[string]any{"error": "cancelled: no file was chosen"}, "Cancelled.")
	})
	input.AddEventListener("change", false, func(dom.Event) {
		files := input.Underlying().Get("files")
		if files.Length() == 0 {
			answer(map[string]any{"error": "cancelled: no file was chosen"}, "Cancelled.")
			return
		}
		file := files.Index(0)
		name, size := file.Get("name").String(), file.Get("size").Int()
		if maxBytes > 0 && size > maxBytes {
			// Not read at all: a huge file would fill the page's memory.
			msg := fmt.Sprintf("%s is %s, more than the limit of %s (tt.upload's maxBytes)", name, sizeText(size), sizeText(maxBytes))
			answer(map[string]any{"error": msg}, msg)
			return
		}
		b.SetDisabled(true)
		status.SetTextContent("Reading " + name + "…")
		readFile(file, func(buf js.Value, err error) {
			if err != nil {
				answer(map[string]any{"error": fmt.Sprintf("could not read %s: %v", name, err)}, "Could not read "+name+".")
				return
			}
			answer(map[string]any{"name": name, "bytes": buf}, fmt.Sprintf("Sent %s (%s) to the kernel.", name, sizeText(size)), buf)
		})
	})
	div.AppendChild(b)
	div.AppendChild(input)
	div.AppendChild(status)
	return div
}

// readFile reads a File into an ArrayBuffer and calls done with it.
func readFile(file js.Value, done func(js.Value, error)) {
	var ok, fail js.Func
	release := func() { ok.Release(); fail.Release() }
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		done(args[0], nil)
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		release()
		done(js.Undefined(), fmt.Errorf("%s", js.Global().Call("String", args[0]).String()))
		return nil
	})
	file.Call("arrayBuffer").Call("then", ok, fail)
}
