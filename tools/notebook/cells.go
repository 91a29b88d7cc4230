package notebook

import (
	"fmt"
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// cellRenderer renders ```js fenced blocks as runnable cells and every
// other fenced block as ordinary highlighted-by-class code. It records each
// cell's source in document order.
type cellRenderer struct {
	sources []string
}

// RegisterFuncs tells goldmark to use this renderer for fenced code blocks.
func (r *cellRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

func (r *cellRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	block := node.(*ast.FencedCodeBlock)
	lang := string(block.Language(src))
	var code []byte
	for i := 0; i < block.Lines().Len(); i++ {
		seg := block.Lines().At(i)
		code = append(code, seg.Value(src)...)
	}
	escaped := html.EscapeString(string(code))
	if lang != CellLanguage {
		class := ""
		if lang != "" {
			class = fmt.Sprintf(` class="language-%s"`, html.EscapeString(lang))
		}
		fmt.Fprintf(w, "<pre><code%s>%s</code></pre>\n", class, escaped)
		return ast.WalkSkipChildren, nil
	}
	n := len(r.sources)
	r.sources = append(r.sources, string(code))
	// The source stays readable as plain HTML; the page script turns the
	// section into an editor with a Run button and fills the output region.
	fmt.Fprintf(w, `<section class="cell" id="cell-%d" data-cell="%d" aria-label="Code cell %d">
<pre class="cell-source"><code class="language-js">%s</code></pre>
<div class="cell-output" role="status" aria-live="polite"></div>
</section>
`, n+1, n, n+1, escaped)
	return ast.WalkSkipChildren, nil
}
