package site

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"

	"tinytorch/internal/notebook"
)

// pageConfig is the JSON a notebook page hands to its loader script.
type pageConfig struct {
	Kernel   string `json:"kernel"`
	Page     string `json:"page"`
	Docs     string `json:"docs"`
	WasmExec string `json:"wasmExec"`
	Worker   string `json:"worker"`

	// DocsWorker runs Docs in a worker of its own (web/src/docs-worker.js).
	DocsWorker string `json:"docsWorker"`
}

// writePages renders index.html and one page per notebook from the
// templates in web/templates.
func writePages(root, out string, res *Result) error {
	funcs := template.FuncMap{"chapter": chapterLabel, "milestone": isMilestone}
	tmpl, err := template.New("pages").Funcs(funcs).ParseGlob(filepath.Join(root, "web", "templates", "*.html"))
	if err != nil {
		return err
	}
	all := append(append([]*notebook.Notebook(nil), res.Notebooks...), res.Extra...)
	if err := render(tmpl, "index.html", filepath.Join(out, "index.html"), map[string]any{
		"Assets": res.Assets, "Notebooks": all,
	}); err != nil {
		return err
	}
	cfg := pageConfig{Kernel: res.Assets.Kernel, Page: res.Assets.Page, Docs: res.Assets.Docs, WasmExec: res.Assets.WasmExec, Worker: res.Assets.Worker,
		DocsWorker: res.Assets.DocsWorker}
	for i, nb := range all {
		// The chapters link to each other in order; an extra page (a
		// test fixture) links to none and is linked from none.
		prev, next := neighbour(res.Notebooks, i-1), neighbour(res.Notebooks, i+1)
		if i >= len(res.Notebooks) {
			prev, next = nil, nil
		}
		err := render(tmpl, "notebook.html", filepath.Join(out, nb.Slug+".html"), map[string]any{
			"Assets":   res.Assets,
			"Config":   cfg,
			"Notebook": nb,
			// The notebook body was rendered by goldmark from our own
			// Markdown files, so it is trusted HTML.
			"Body": template.HTML(nb.HTML),
			"TOC":  tableOfContents(nb),
			"Prev": prev,
			"Next": next,
			// The Markdown source lets the page download the notebook with
			// the student's edits; html/template escapes it as a JS string.
			"Source": string(nb.Markdown()),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// isMilestone reports whether a notebook is a milestone: it has a
// "Verdict" heading, whose next cell asserts the result (the page marks
// the milestone reproduced when that cell passes: wasm/page/milestone.go).
func isMilestone(nb *notebook.Notebook) bool {
	for _, h := range nb.TOC() {
		if h.ID == "verdict" {
			return true
		}
	}
	return false
}

// chapterLabel writes a chapter for people: "Ch. 3" for a number or range,
// the label itself otherwise ("Milestone 1986").
func chapterLabel(chapter string) string {
	if chapter != "" && chapter[0] >= '0' && chapter[0] <= '9' {
		return "Ch. " + chapter
	}
	return chapter
}

// tableOfContents keeps the section headings (levels 2 and 3).
func tableOfContents(nb *notebook.Notebook) []notebook.Heading {
	var out []notebook.Heading
	for _, h := range nb.TOC() {
		if h.Level == 2 || h.Level == 3 {
			out = append(out, h)
		}
	}
	return out
}

// neighbour returns the notebook at index i, or nil past either end.
func neighbour(nbs []*notebook.Notebook, i int) *notebook.Notebook {
	if i < 0 || i >= len(nbs) {
		return nil
	}
	return nbs[i]
}

func render(tmpl *template.Template, name, path string, data any) error {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
