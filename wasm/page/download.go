//go:build js && wasm

package page

import (
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
	b := nb.button("⬇ Download "+name, fmt.Sprintf("Download %s (%s)", name, sizeText(len(text))), func() { download(name, mime, text) })
	b.SetAttribute("data-download", name)
	div.AppendChild(b)
	if note := d.Get("note"); note.Type() == js.TypeString && note.String() != "" {
		div.AppendChild(nb.el("span", "download-note", note.String()))
	}
	return div
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
