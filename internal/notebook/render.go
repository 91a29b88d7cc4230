package notebook

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// markdown renders prose: CommonMark with GitHub's tables, strikethrough,
// task lists and autolinks, math, and an id on every heading.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, mathExtension{}, answerExtension{}),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// Heading is one heading of a notebook, for a table of contents.
type Heading struct {
	Level int    `json:"level"` // 1 for #, 2 for ##, …
	ID    string `json:"id"`    // the id attribute of the rendered heading
	Text  string `json:"text"`  // plain text, inline math as its TeX
}

// TOC returns the notebook's headings in order, every level, as found by
// the last Render; a table of contents usually shows levels 2 and 3.
func (nb *Notebook) TOC() []Heading { return nb.toc }

// Render renders each block's HTML, the notebook's HTML and its table of
// contents from the blocks' sources. Heading ids are unique across the
// notebook and never clash with the cells' ids ("cell-1", …); a link
// reference defined in one prose block works in all of them.
func (nb *Notebook) Render() error {
	ids := parser.NewContext().IDs()
	for i := range len(nb.Cells()) {
		ids.Put([]byte(cellID(i)))
	}
	refs := references(nb.Blocks)
	var all strings.Builder
	nb.toc = nil
	cell, exercise := 0, 0
	for i := range nb.Blocks {
		b := &nb.Blocks[i]
		switch {
		case b.Kind == Code && b.Exercise != nil:
			exercise++
			out, err := ExerciseHTML(cell, exercise, b.Source, b.Exercise)
			if err != nil {
				return fmt.Errorf("block %d: %w", i+1, err)
			}
			b.HTML = out
			cell++
		case b.Kind == Code:
			b.HTML = CellHTML(cell, b.Source)
			cell++
		default:
			out, headings, err := renderProse(b.Source, ids, refs)
			if err != nil {
				return fmt.Errorf("block %d: %w", i+1, err)
			}
			b.HTML = out
			nb.toc = append(nb.toc, headings...)
		}
		all.WriteString(b.HTML)
	}
	nb.HTML = all.String()
	return nil
}

// RenderProse renders one piece of prose Markdown to HTML on its own.
// Heading ids are unique within md only; use Render for a whole notebook.
func RenderProse(md string) (string, error) {
	out, _, err := renderProse(md, parser.NewContext().IDs(), nil)
	return out, err
}

// cellID is the HTML id of the code cell with the given 0-based index.
func cellID(index int) string { return fmt.Sprintf("cell-%d", index+1) }

// CellHTML is the markup of the code cell with the given 0-based index:
// the source stays readable as plain HTML, and the page script turns the
// section into an editor with a Run button and fills the output region.
func CellHTML(index int, source string) string {
	return fmt.Sprintf(`<section class="cell" id="%s" data-cell="%d" aria-label="Code cell %d">
<pre class="cell-source"><code class="language-js">%s</code></pre>
<div class="cell-output" role="status" aria-live="polite"></div>
</section>
`, cellID(index), index, index+1, html.EscapeString(source))
}

// references collects the link reference definitions of all prose blocks.
func references(blocks []Block) []parser.Reference {
	var refs []parser.Reference
	for _, b := range blocks {
		if b.Kind == Code {
			continue
		}
		ctx := parser.NewContext()
		markdown.Parser().Parse(text.NewReader([]byte(b.Source)), parser.WithContext(ctx))
		refs = append(refs, ctx.References()...)
	}
	return refs
}

// renderProse renders md with heading ids drawn from ids and the given
// link references, and returns its headings.
func renderProse(md string, ids parser.IDs, refs []parser.Reference) (string, []Heading, error) {
	src := []byte(md)
	ctx := parser.NewContext(parser.WithIDs(ids))
	for _, r := range refs {
		ctx.AddReference(r)
	}
	doc := markdown.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	replaceAnswers(doc, src)
	var out bytes.Buffer
	if err := markdown.Renderer().Render(&out, src, doc); err != nil {
		return "", nil, err
	}
	return out.String(), headings(doc, src), nil
}

// headings lists the headings under doc.
func headings(doc ast.Node, src []byte) []Heading {
	var out []Heading
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		id, _ := h.AttributeString("id")
		idBytes, _ := id.([]byte)
		out = append(out, Heading{Level: h.Level, ID: string(idBytes), Text: plainText(h, src)})
		return ast.WalkSkipChildren, nil
	})
	return out
}

// plainText is the text of an inline tree without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *mathInline:
			b.WriteString(c.TeX)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
