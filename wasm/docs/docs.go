//go:build js && wasm

// Package docs gives the page the notebook file formats of
// tinytorch/internal/notebook: Markdown as in notebooks/, Jupyter's .ipynb,
// and share links. It runs in a Web Worker of its own
// (web/src/docs-worker.js), so that a notebook slow to parse or render
// never freezes the page, and the page stops it when a call runs past its
// time budget (web/src/docs.js). It installs the worker's
// globalThis.ttDocs, whose functions take and return strings (JSON where
// the data is structured, bytes for a file) and run at once.
//
// Every function receives the notebook as its Markdown source plus the
// code of each cell as the student edited it, so the page never needs to
// understand Markdown itself.
package docs

import (
	"encoding/json"
	"fmt"
	"strings"
	"syscall/js"

	nbformat "tinytorch/internal/notebook"
)

// Start installs ttDocs and tells the worker's bootstrap, which then
// answers the page's calls.
func Start() {
	api := map[string]func(args []js.Value) (any, error){
		"markdown":    markdown,
		"ipynb":       ipynb,
		"share":       share,
		"open":        open,
		"decodeShare": decodeShare,
		"renderProse": renderProse,
	}
	obj := js.Global().Get("Object").New()
	for name, fn := range api {
		obj.Set(name, js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
			defer func() {
				if r := recover(); r != nil {
					result = map[string]any{"error": fmt.Sprintf("%s: internal error: %v", name, r)}
				}
			}()
			v, err := fn(args)
			if err != nil {
				return map[string]any{"error": err.Error()}
			}
			return map[string]any{"value": v}
		}))
	}
	js.Global().Set("ttDocs", obj)
	if ready := js.Global().Get("__ttDocsReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
}

// edited parses the Markdown source and puts in the cells as the page
// shows them: args are (file name, source, JSON array). The array lists
// the page's blocks in order ({t, p, s}: see layout.go), so added,
// deleted, moved and Markdown cells are exported as they are shown; an
// array of strings (each code cell's code, in order) is also accepted.
func edited(args []js.Value) (*nbformat.Notebook, error) {
	if len(args) < 3 {
		return nil, fmt.Errorf("expected (name, source, cells)")
	}
	doc, err := nbformat.Parse(args[0].String(), []byte(args[1].String()))
	if err != nil {
		return nil, err
	}
	var entries []pageEntry
	if err := json.Unmarshal([]byte(args[2].String()), &entries); err == nil {
		doc.Blocks = arrangeBlocks(doc, entries)
		return doc, nil
	}
	var cells []string
	if err := json.Unmarshal([]byte(args[2].String()), &cells); err != nil {
		return nil, fmt.Errorf("cells: %v", err)
	}
	i := 0
	for b := range doc.Blocks {
		if doc.Blocks[b].Kind != nbformat.Code || i >= len(cells) {
			continue
		}
		doc.Blocks[b].Source = withNewline(cells[i])
		i++
	}
	return doc, nil
}

// renderProse renders a Markdown cell's text (args[0]) to HTML: raw HTML
// is left out and unsafe links are dropped, as in every notebook's prose.
func renderProse(args []js.Value) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("expected (markdown)")
	}
	md := args[0].String()
	if len(md) > nbformat.MaxSourceSize {
		return nil, fmt.Errorf("the cell's %d KB of Markdown are more than the %d KB a notebook may hold", len(md)>>10, nbformat.MaxSourceSize>>10)
	}
	return nbformat.RenderProse(md)
}

// markdown is the edited notebook as Markdown.
func markdown(args []js.Value) (any, error) {
	doc, err := edited(args)
	if err != nil {
		return nil, err
	}
	return string(doc.Markdown()), nil
}

// ipynb is the edited notebook as Jupyter JSON; args[3] is a JSON array
// with each cell's outputs (null for a cell that never ran), args[4] an
// optional JSON object with the progress on each exercise, by id.
func ipynb(args []js.Value) (any, error) {
	doc, err := edited(args)
	if err != nil {
		return nil, err
	}
	var outputs [][]nbformat.Output
	if len(args) > 3 {
		if err := json.Unmarshal([]byte(args[3].String()), &outputs); err != nil {
			return nil, fmt.Errorf("outputs: %v", err)
		}
	}
	if len(args) > 4 && args[4].Type() == js.TypeString {
		if err := json.Unmarshal([]byte(args[4].String()), &doc.Progress); err != nil {
			return nil, fmt.Errorf("progress: %v", err)
		}
	}
	data, err := doc.IPynb(outputs)
	return string(data), err
}

// share is the edited notebook packed for a link's #nb= fragment.
func share(args []js.Value) (any, error) {
	doc, err := edited(args)
	if err != nil {
		return nil, err
	}
	return nbformat.EncodeShare(doc)
}

// open reads a .md or .ipynb file: args are (file name, contents), the
// contents as a Uint8Array (the file's bytes, which the parsers check)
// or a string. It returns the rendered HTML and the notebook's Markdown.
func open(args []js.Value) (any, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("expected (name, contents)")
	}
	name := args[0].String()
	data := contents(args[1])
	var doc *nbformat.Notebook
	var err error
	if strings.HasSuffix(strings.ToLower(name), ".ipynb") {
		doc, err = nbformat.ParseIPynb(name, data)
	} else {
		doc, err = nbformat.Parse(name, data)
	}
	if err != nil {
		return nil, err
	}
	return rendered(doc)
}

// contents is a file's bytes from a Uint8Array, or a string's UTF-8.
func contents(v js.Value) []byte {
	if v.InstanceOf(js.Global().Get("Uint8Array")) {
		b := make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(b, v)
		return b
	}
	return []byte(v.String())
}

// decodeShare reads a #nb= fragment: args are (fragment, slug).
func decodeShare(args []js.Value) (any, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("expected (fragment, slug)")
	}
	doc, err := nbformat.DecodeShare(args[0].String())
	if err != nil {
		return nil, err
	}
	doc.Slug = args[1].String()
	return rendered(doc)
}

// rendered describes a notebook for the page to show.
func rendered(doc *nbformat.Notebook) (any, error) {
	if err := doc.Render(); err != nil {
		return nil, err
	}
	return map[string]any{
		"html":     doc.HTML,
		"markdown": string(doc.Markdown()),
		"title":    doc.Title,
		"slug":     doc.Slug,
	}, nil
}
