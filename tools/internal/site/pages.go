package site

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
)

// pageConfig is the JSON a notebook page hands to its loader script.
type pageConfig struct {
	Kernel   string `json:"kernel"`
	Page     string `json:"page"`
	WasmExec string `json:"wasmExec"`
	Worker   string `json:"worker"`
}

// writePages renders index.html and one page per notebook from the
// templates in web/templates.
func writePages(root, out string, res *Result) error {
	tmpl, err := template.ParseGlob(filepath.Join(root, "web", "templates", "*.html"))
	if err != nil {
		return err
	}
	if err := render(tmpl, "index.html", filepath.Join(out, "index.html"), map[string]any{
		"Assets": res.Assets, "Notebooks": res.Notebooks,
	}); err != nil {
		return err
	}
	cfg := pageConfig{Kernel: res.Assets.Kernel, Page: res.Assets.Page, WasmExec: res.Assets.WasmExec, Worker: res.Assets.Worker}
	for _, nb := range res.Notebooks {
		err := render(tmpl, "notebook.html", filepath.Join(out, nb.Slug+".html"), map[string]any{
			"Assets":   res.Assets,
			"Config":   cfg,
			"Notebook": nb,
			// The notebook body was rendered by goldmark from our own
			// Markdown files, so it is trusted HTML.
			"Body": template.HTML(nb.HTML),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func render(tmpl *template.Template, name, path string, data any) error {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
