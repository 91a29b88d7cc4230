//go:build js && wasm

package page

import (
	"fmt"
	"strings"
	"syscall/js"
)

// command is a toolbar entry.
type command struct {
	text, label string
	fn          func()
}

// fileCommands are the toolbar entries that move the notebook in and out
// of the page: download it (Markdown as in notebooks/, or Jupyter's
// .ipynb), open a file, or share it as a link. The file formats live in a
// separate wasm program (wasm/docs) that runs in a worker, started on
// first use, so that reading a notebook never blocks the page.
func (nb *notebook) fileCommands() []command {
	return []command{
		{".md", "Download the notebook, with your edits, as Markdown", func() { go nb.downloadMarkdown() }},
		{".ipynb", "Download the notebook, with your edits and outputs, for Jupyter", func() { go nb.downloadIPynb() }},
		{"Open…", "Open a notebook file (.md or .ipynb)", nb.openFile},
		{"Copy link", "Copy a link that carries this notebook with your edits", func() { go nb.copyLink() }},
	}
}

// docsCall calls a function of the docs program, which runs in a worker
// of its own (web/src/docs.js starts it on first use and stops a call that
// runs past its time budget). It must run on a goroutine, since it waits
// for a promise.
func docsCall(name string, args ...any) (js.Value, error) {
	res, err := awaitPromise(js.Global().Get("tinytorch").Call("docs", append([]any{name}, args...)...))
	if err != nil {
		return js.Undefined(), errorText(err)
	}
	if res.Type() != js.TypeObject {
		return js.Undefined(), fmt.Errorf("%s: no answer from the notebook file program", name)
	}
	if e := res.Get("error"); e.Type() == js.TypeString {
		return js.Undefined(), fmt.Errorf("%s", e.String())
	}
	return res.Get("value"), nil
}

// errorText is a JavaScript error's message alone, without the "JavaScript
// error:" that js.Error puts in front, which says nothing to a reader.
func errorText(err error) error {
	if e, ok := err.(js.Error); ok && e.Get("message").Type() == js.TypeString {
		return fmt.Errorf("%s", e.Get("message").String())
	}
	return err
}

// source is the Markdown of the notebook shown: the published one, which
// the build put in the page, or a file or link opened since.
func (nb *notebook) source() (string, error) {
	if nb.documentSource != "" {
		return nb.documentSource, nil
	}
	el := nb.doc.GetElementByID("tt-source")
	if el == nil {
		return "", fmt.Errorf("this page has no notebook source")
	}
	src, err := parseJSON(el.TextContent())
	if err != nil || src.Type() != js.TypeString {
		return "", fmt.Errorf("reading the notebook source: %v", err)
	}
	return src.String(), nil
}

// editedArgs are the arguments every docs function starts with: the file
// name, the Markdown source and the page's layout (layout.go) as JSON:
// the prose and the cells in the order shown, each cell with its code and
// kind, so added, deleted, moved and Markdown cells are exported as shown.
func (nb *notebook) editedArgs() ([]any, error) {
	src, err := nb.source()
	if err != nil {
		return nil, err
	}
	items := []any{}
	for _, e := range nb.layout() {
		items = append(items, map[string]any{"t": e.Kind, "p": e.Pub, "s": e.Text})
	}
	return []any{nb.slug + ".md", src, stringify(items)}, nil
}

// fail reports a failed file command in a banner.
func (nb *notebook) fail(what string, err error) {
	nb.showBanner(what+": "+err.Error(), "", nil)
}

// downloadMarkdown saves the notebook as a .md file.
func (nb *notebook) downloadMarkdown() {
	args, err := nb.editedArgs()
	if err != nil {
		nb.fail("Download failed", err)
		return
	}
	md, err := docsCall("markdown", args...)
	if err != nil {
		nb.fail("Download failed", err)
		return
	}
	download(nb.slug+".md", "text/markdown", md.String())
	nb.announce("Downloaded " + nb.slug + ".md")
}

// downloadIPynb saves the notebook and its outputs as a Jupyter notebook.
func (nb *notebook) downloadIPynb() {
	args, err := nb.editedArgs()
	if err != nil {
		nb.fail("Download failed", err)
		return
	}
	outputs := []any{} // one list per code cell, in order; null if not run
	for _, c := range nb.cells {
		switch {
		case c.kind != kindCode:
		case c.state == stateDone || c.state == stateError:
			outputs = append(outputs, c.out.forJupyter())
		default:
			outputs = append(outputs, nil)
		}
	}
	data, err := docsCall("ipynb", append(args, stringify(outputs), nb.progressJSON())...)
	if err != nil {
		nb.fail("Download failed", err)
		return
	}
	download(nb.slug+".ipynb", "application/x-ipynb+json", data.String())
	nb.announce("Downloaded " + nb.slug + ".ipynb")
}

// download hands text to the browser as a file download.
func download(name, mime, text string) {
	blob := js.Global().Get("Blob").New([]any{text}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := js.Global().Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	js.Global().Set("__ttLastDownload", map[string]any{"name": name, "text": text})
	a.Call("click")
	js.Global().Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 1000)
}

// stringify is JSON.stringify of a Go value made of maps, slices and
// JavaScript values.
func stringify(v any) string {
	return js.Global().Get("JSON").Call("stringify", js.ValueOf(v)).String()
}

// parseJSON is JSON.parse, with a thrown SyntaxError as an error.
func parseJSON(text string) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return js.Global().Get("JSON").Call("parse", text), nil
}

// forJupyter converts the cell's outputs to Jupyter's JSON shapes.
func (o *outputArea) forJupyter() []any {
	out := []any{}
	for _, r := range o.raw {
		switch r.Get("kind").String() {
		case "display":
			data := js.Global().Get("Object").Call("assign", map[string]any{}, r.Get("data"))
			data.Delete("metadata")
			out = append(out, map[string]any{"output_type": "display_data", "data": data, "metadata": map[string]any{}})
		case "stream":
			out = append(out, map[string]any{"output_type": "stream", "name": r.Get("name").String(), "text": r.Get("text").String()})
		case "error":
			out = append(out, map[string]any{"output_type": "error", "ename": r.Get("name").String(),
				"evalue": r.Get("message").String(), "traceback": splitLines(r.Get("stack").String())})
		}
	}
	return out
}

func splitLines(s string) []any {
	var out []any
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// maxFileSize is the largest notebook file the page reads. The docs
// program has budgets of its own; this one keeps a huge file out of the
// page's memory.
const maxFileSize = 16 << 20

// openFile lets the student pick a .md or .ipynb file and shows it in
// place of this notebook. The published notebook's saved edits are left
// alone.
func (nb *notebook) openFile() {
	input := js.Global().Get("document").Call("createElement", "input")
	input.Set("type", "file")
	input.Set("accept", ".md,.ipynb")
	input.Set("onchange", js.FuncOf(func(js.Value, []js.Value) any {
		files := input.Get("files")
		if files.Length() == 0 {
			return nil
		}
		go nb.openChosen(files.Index(0))
		return nil
	}))
	js.Global().Set("__ttFileInput", input) // lets the browser suite choose a file
	input.Call("click")
}

// openChosen reads a chosen file and opens it; it runs on a goroutine.
// The docs program gets the file's bytes, not text decoded by the browser
// (which would quietly replace bytes that are not UTF-8), so the page
// accepts exactly the files the Go parser does.
func (nb *notebook) openChosen(file js.Value) {
	name := file.Get("name").String()
	if size := file.Get("size").Int(); size > maxFileSize {
		nb.fail("Could not open "+name, fmt.Errorf("the file is %s; the page opens notebooks up to %s", sizeText(size), sizeText(maxFileSize)))
		return
	}
	buf, err := awaitPromise(file.Call("arrayBuffer"))
	if err != nil {
		nb.fail("Could not read "+name, errorText(err))
		return
	}
	nb.openBytes(name, js.Global().Get("Uint8Array").New(buf))
}

// openBytes shows a notebook file, given as a Uint8Array; it runs on a
// goroutine.
func (nb *notebook) openBytes(name string, data js.Value) {
	doc, err := docsCall("open", name, data)
	if err != nil {
		nb.fail("Could not open "+name, err)
		return
	}
	nb.replaceDocument(doc, "Opened "+name+". Edits to it are not saved in this browser: download it to keep them.")
}

// copyLink puts the notebook, with the edits, into a link's fragment
// (compressed) and copies the link.
func (nb *notebook) copyLink() {
	args, err := nb.editedArgs()
	if err != nil {
		nb.fail("Could not make a link", err)
		return
	}
	data, err := docsCall("share", args...)
	if err != nil {
		nb.fail("Could not make a link", err)
		return
	}
	loc := js.Global().Get("location")
	link := loc.Get("origin").String() + loc.Get("pathname").String() + "#nb=" + data.String()
	nb.doc.DocumentElement().SetAttribute("data-share-link", link)
	clip := js.Global().Get("navigator").Get("clipboard")
	if clip.Truthy() {
		if _, err := awaitPromise(clip.Call("writeText", link)); err == nil {
			nb.announce("Link copied")
			nb.showBanner(fmt.Sprintf("Link copied (%d characters). Whoever opens it sees this notebook with your edits.", len(link)), "", nil)
			return
		}
	}
	nb.showBanner("Copy this link: "+link, "", nil)
}

// openShared shows the notebook carried by a #nb= link, if there is one,
// and reports whether it did; it runs on a goroutine. The shared copy is
// not saved, so the reader's own edits of the notebook stay untouched.
func (nb *notebook) openShared() bool {
	hash := js.Global().Get("location").Get("hash").String()
	if !strings.HasPrefix(hash, "#nb=") {
		return false
	}
	doc, err := docsCall("decodeShare", hash, nb.slug)
	if err != nil {
		nb.fail("This link's notebook could not be read", err)
		return false
	}
	nb.replaceDocument(doc, "You are viewing a shared copy of this notebook. Your own saved edits are untouched; edits here are not saved.")
	return true
}

// replaceDocument shows another notebook on this page: it puts in its
// HTML, rebuilds the cells and stops saving edits (they belong to a file
// or a link, not to the published notebook).
func (nb *notebook) replaceDocument(doc js.Value, note string) {
	nb.saved.detach() // before the cells it reads are replaced
	nb.cancelQueue()
	nb.documentSource = doc.Get("markdown").String()
	article := nb.doc.QuerySelector("article.notebook")
	article.SetInnerHTML(doc.Get("html").String())
	nb.mountCells()
	js.Global().Get("tinytorch").Call("typesetMath", article.Underlying())
	nb.doc.DocumentElement().SetAttribute("data-document", "replaced")
	nb.showBanner(note, "", nil)
}
