//go:build js && wasm

package page

import (
	"encoding/base64"
	"fmt"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// downloadMIME is a display that offers a file to download, such as a
// profile's Chrome trace: {name, mime, text}. The kernel (a worker) cannot
// start a download itself, so the page shows a button that does.
const downloadMIME = "application/vnd.tinytorch.download+json"

// renderDownload shows a download display as a button named after the
// file, with its size; pressing it saves the file.
func (o *outputArea) renderDownload(d js.Value) dom.Element {
	nb := o.c.nb
	name, mime, text := d.Get("name").String(), d.Get("mime").String(), d.Get("text").String()
	if d.Get("mime").Type() != js.TypeString {
		mime = "application/octet-stream"
	}
	div := nb.el("div", "output-display output-download", "")
	size, save := len(text), func() { download(name, mime, text) }
	if b64 := d.Get("base64"); b64.Type() == js.TypeString {
		// A binary file (a zip, a checkpoint) comes in base64.
		size, save = base64.StdEncoding.DecodedLen(len(b64.String())), func() { downloadBase64(name, mime, b64.String()) }
	}
	b := nb.button("⬇ Download "+name, fmt.Sprintf("Download %s (%s)", name, sizeText(size)), save)
	b.SetAttribute("data-download", name)
	div.AppendChild(b)
	if note := d.Get("note"); note.Type() == js.TypeString && note.String() != "" {
		div.AppendChild(nb.el("span", "download-note", note.String()))
	}
	return div
}

// downloadBase64 hands a binary file, given in base64, to the browser as
// a download.
func downloadBase64(name, mime, b64 string) {
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return // the kernel encodes it: cannot happen
	}
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	blob := js.Global().Get("Blob").New([]any{arr}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := js.Global().Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	js.Global().Set("__ttLastDownload", map[string]any{"name": name, "base64": b64})
	a.Call("click")
	js.Global().Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 1000)
}

// sizeText writes a size in bytes for people: 12.3 kB.
func sizeText(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
