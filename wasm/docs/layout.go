package docs

import (
	"strings"

	nbformat "tinytorch/internal/notebook"
)

// This file rebuilds a notebook's blocks in the order the page shows
// them, after the student added, deleted or moved cells. It holds no
// JavaScript, so it is tested natively (layout_test.go).

// pageEntry is one block as the page sends it (wasm/page/layout.go):
// T is "prose" (a slot of the source's prose, P its number), "code" or
// "md" (a cell, S its text).
type pageEntry struct {
	T string `json:"t"`
	P int    `json:"p"`
	S string `json:"s"`
}

// proseSlots groups the prose blocks of doc by slot: slot k holds the
// prose between code cells k-1 and k (a notebook read from .ipynb may
// have several prose blocks in a row).
func proseSlots(doc *nbformat.Notebook) [][]nbformat.Block {
	slots := [][]nbformat.Block{nil}
	for _, b := range doc.Blocks {
		if b.Kind == nbformat.Code {
			slots = append(slots, nil)
			continue
		}
		slots[len(slots)-1] = append(slots[len(slots)-1], b)
	}
	return slots
}

// arrangeBlocks is doc's blocks laid out as the page shows them. Each
// prose slot appears at most once; a slot the page does not list is kept
// at the end, so no published text is lost. A Markdown cell becomes
// prose, which Markdown joins with the prose beside it. A code cell that
// was a published exercise (its P) stays that exercise, with the code
// the student wrote.
func arrangeBlocks(doc *nbformat.Notebook, entries []pageEntry) []nbformat.Block {
	slots := proseSlots(doc)
	used := make([]bool, len(slots))
	exercises, usedEx := publishedExercises(doc), map[int]bool{}
	var out []nbformat.Block
	for _, e := range entries {
		switch e.T {
		case "prose":
			if e.P >= 0 && e.P < len(slots) && !used[e.P] {
				used[e.P] = true
				out = append(out, slots[e.P]...)
			}
		case "code":
			b := nbformat.Block{Kind: nbformat.Code, Lang: nbformat.CellLanguage, Source: withNewline(e.S)}
			if e.P >= 0 && e.P < len(exercises) && exercises[e.P] != nil && !usedEx[e.P] {
				usedEx[e.P] = true // an exercise's id must stay unique
				b.Exercise = exercises[e.P]
			}
			out = append(out, b)
		case "md":
			if strings.TrimSpace(e.S) != "" {
				out = append(out, nbformat.Block{Kind: nbformat.Prose, Source: withNewline(e.S)})
			}
		}
	}
	for k, blocks := range slots {
		if !used[k] {
			out = append(out, blocks...)
		}
	}
	return out
}

// withNewline ends non-empty text with a newline, as a parsed block does.
func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// publishedExercises is, for each published code cell of doc, its
// exercise or nil.
func publishedExercises(doc *nbformat.Notebook) []*nbformat.Exercise {
	var out []*nbformat.Exercise
	for _, b := range doc.Blocks {
		if b.Kind == nbformat.Code {
			out = append(out, b.Exercise)
		}
	}
	return out
}
