// Package notebook is TinyTorch's notebook document model, shared by the
// build tool and the in-browser page (it compiles for js/wasm).
//
// A notebook is a Markdown file with YAML front matter (title, chapter,
// summary) whose top-level ```js fenced blocks are runnable cells. Parse
// reads one into a Notebook: the front matter and an ordered list of
// blocks, each prose (Markdown) or a code cell, with its rendered HTML.
// A code cell can be a checked exercise (exercise.go): its starter code,
// with the hidden check, the solution and hints folded in from the
// fenced blocks that follow it; a ```answer block in prose is a model
// answer the page reveals on request (answer.go).
// Markdown writes it back, IPynb and ParseIPynb convert to and from
// Jupyter's nbformat 4, and EncodeShare and DecodeShare pack it into a
// URL fragment. Reading and writing files is left to the caller.
package notebook

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/yuin/goldmark/text"
)

// CellLanguage is the fence info string that marks a runnable cell.
const CellLanguage = "js"

// Notebook is one notebook: its front matter and its blocks in order.
type Notebook struct {
	Slug    string  `json:"slug"`    // file name without extension, e.g. "01-system"
	Title   string  `json:"title"`   // from the front matter
	Chapter string  `json:"chapter"` // chapter label, e.g. "1–2"
	Summary string  `json:"summary"` // one-line summary
	Blocks  []Block `json:"blocks"`
	// HTML is the rendered body: every block's HTML in order. Render
	// refreshes it (Parse, ParseIPynb and DecodeShare call Render).
	HTML string `json:"html,omitempty"`
	// Progress is the student's progress on each exercise, by id: IPynb
	// exports it in the notebook's metadata and ParseIPynb reads it back.
	Progress map[string]Progress `json:"progress,omitempty"`

	toc []Heading // headings found by the last Render
	// rawFront is the front matter as read, written back verbatim by
	// Markdown while Title, Chapter and Summary still equal front.
	rawFront string
	front    frontMatter
}

// BlockKind says whether a block is prose or a code cell.
type BlockKind string

// The kinds of block.
const (
	Prose BlockKind = "prose" // Markdown text
	Code  BlockKind = "code"  // a runnable cell
)

// Block is a stretch of prose or one code cell.
type Block struct {
	Kind BlockKind `json:"kind"`
	// Source is the Markdown of a prose block, or the code of a cell. A
	// parsed cell's source ends in a newline unless it is empty; a parsed
	// prose block has no leading or trailing blank lines, ends in a
	// newline and leaves no code fence open.
	Source string `json:"source"`
	Lang   string `json:"lang,omitempty"` // a cell's language, CellLanguage
	// Exercise is set on a code cell that is a checked exercise: Source
	// is then its starter code (or the student's code).
	Exercise *Exercise `json:"exercise,omitempty"`
	HTML     string    `json:"html,omitempty"` // rendered by Render
}

// Cells returns the source of each code cell, in order.
func (nb *Notebook) Cells() []string {
	var out []string
	for _, b := range nb.Blocks {
		if b.Kind == Code {
			out = append(out, b.Source)
		}
	}
	return out
}

// Error is a problem in a notebook file, located by line when Line > 0.
type Error struct {
	File   string
	Line   int
	Reason string
}

// Error formats the problem as "file:line: reason", or "file: reason"
// when no line is known.
func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// Parse reads the notebook Markdown in src, named file in error messages
// (its base name without extension becomes the Slug), and renders it.
// CRLF line endings and a UTF-8 byte order mark are accepted. It refuses,
// as "file:line: reason", text that is not UTF-8, a source over the
// budgets of budget.go, and a block left open that would swallow the
// cells after it (see openblocks.go).
func Parse(file string, src []byte) (*Notebook, error) {
	src = normalizeNewlines(src)
	if err := checkBudget(file, src, 1); err != nil {
		return nil, err
	}
	fm, body, bodyLine, err := splitFrontMatter(file, src)
	if err != nil {
		return nil, err
	}
	doc := markdown.Parser().Parse(text.NewReader(body))
	if err := checkOpenBlocks(file, doc, body, bodyLine); err != nil {
		return nil, err
	}
	blocks, err := splitBlocks(file, doc, body, bodyLine)
	if err != nil {
		return nil, err
	}
	nb := &Notebook{
		Slug:     slug(file),
		Title:    fm.values.Title,
		Chapter:  fm.values.Chapter,
		Summary:  fm.values.Summary,
		Blocks:   blocks,
		rawFront: fm.raw,
		front:    fm.values,
	}
	if err := nb.Render(); err != nil {
		return nil, &Error{file, bodyLine, "markdown: " + err.Error()}
	}
	return nb, nil
}

// slug is file's base name without its extension.
func slug(file string) string {
	base := path.Base(filepath.ToSlash(file))
	return strings.TrimSuffix(base, path.Ext(base))
}

// normalizeNewlines drops a byte order mark and turns CRLF into LF.
func normalizeNewlines(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	return bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
}
