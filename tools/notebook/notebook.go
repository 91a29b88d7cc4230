// Package notebook reads a TinyTorch notebook, a Markdown file with YAML
// front matter whose ```js fenced blocks are runnable cells, and renders it
// to HTML that reads well before any script runs.
package notebook

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"
)

// CellLanguage is the fence info string that marks a runnable cell.
const CellLanguage = "js"

// Notebook is one parsed and rendered notebook.
type Notebook struct {
	Slug    string   // file name without ".md", e.g. "01-system"
	Title   string   // from the front matter
	Chapter string   // chapter label from the front matter, e.g. "1–2"
	Summary string   // one-line summary from the front matter
	HTML    string   // the rendered body
	Cells   []string // the source of each runnable cell, in order
}

// frontMatter is the YAML block at the top of a notebook.
type frontMatter struct {
	Title   string `yaml:"title"`
	Chapter string `yaml:"chapter"`
	Summary string `yaml:"summary"`
}

// Error is a problem in a notebook file, located by line.
type Error struct {
	File   string
	Line   int
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// Parse reads the notebook in src, named file in error messages.
func Parse(file string, src []byte) (*Notebook, error) {
	fm, body, bodyLine, err := splitFrontMatter(file, src)
	if err != nil {
		return nil, err
	}
	if err := checkFences(file, body, bodyLine); err != nil {
		return nil, err
	}
	nb := &Notebook{
		Slug:    strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)),
		Title:   fm.Title,
		Chapter: fm.Chapter,
		Summary: fm.Summary,
	}
	cells := &cellRenderer{}
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(cells, 100))),
	)
	var out bytes.Buffer
	if err := md.Convert(body, &out); err != nil {
		return nil, &Error{file, bodyLine, "markdown: " + err.Error()}
	}
	nb.HTML, nb.Cells = out.String(), cells.sources
	return nb, nil
}

// splitFrontMatter separates the "---" delimited YAML header from the body
// and checks the required fields. bodyLine is the body's first line number.
func splitFrontMatter(file string, src []byte) (fm frontMatter, body []byte, bodyLine int, err error) {
	lines := strings.SplitAfter(string(src), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return fm, nil, 0, &Error{file, 1, `expected front matter: a first line "---", then title, chapter and summary, then "---"`}
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return fm, nil, 0, &Error{file, 1, `front matter is not closed: no second "---" line`}
	}
	header := strings.Join(lines[1:end], "")
	if err := yaml.Unmarshal([]byte(header), &fm); err != nil {
		return fm, nil, 0, &Error{file, 2, "front matter: " + err.Error()}
	}
	for _, f := range []struct{ name, value string }{{"title", fm.Title}, {"chapter", fm.Chapter}, {"summary", fm.Summary}} {
		if strings.TrimSpace(f.value) == "" {
			return fm, nil, 0, &Error{file, end + 1, fmt.Sprintf("front matter: missing %q", f.name)}
		}
	}
	return fm, []byte(strings.Join(lines[end+1:], "")), end + 2, nil
}

// checkFences finds a code fence that is opened but never closed, which
// Markdown would silently run to the end of the file.
func checkFences(file string, body []byte, firstLine int) error {
	open, openLine := "", 0
	for i, line := range strings.Split(string(body), "\n") {
		trimmed := strings.TrimSpace(line)
		fence := leadingFence(trimmed)
		switch {
		case open == "" && fence != "":
			open, openLine = fence, firstLine+i
		case open != "" && strings.HasPrefix(trimmed, open) && strings.TrimLeft(trimmed, open[:1]) == "":
			open = ""
		}
	}
	if open != "" {
		return &Error{file, openLine, fmt.Sprintf("code block opened with %s is never closed", open)}
	}
	return nil
}

// leadingFence returns the run of three or more backticks or tildes that
// starts line, or "".
func leadingFence(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}
