package notebook

import (
	"bytes"
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Math in prose follows pandoc's tex_math_dollars rules: $…$ is inline
// math when the opening $ is followed by a non-space, the closing $ is
// preceded by a non-space and not followed by a digit, and there is no
// other unescaped $ or backtick in between; so "costs $5 and $6" and \$
// stay text. $$…$$ is display math, inline in a paragraph or as a block
// whose first line starts with $$ and whose last line ends with $$. Math
// never starts inside a code span or code block. The TeX is
// written HTML-escaped into
//
//	<span class="math math-inline">…</span>
//	<div class="math math-display">…</div>   (a $$ block)
//	<span class="math math-display">…</span> ($$…$$ inside a paragraph)
//
// for the page to typeset with KaTeX (select ".math-display" for display
// mode).

var (
	kindMathInline = ast.NewNodeKind("MathInline")
	kindMathBlock  = ast.NewNodeKind("MathBlock")
)

// mathInline is $…$ or $$…$$ inside a paragraph.
type mathInline struct {
	ast.BaseInline
	TeX     string
	Display bool
}

func (n *mathInline) Kind() ast.NodeKind { return kindMathInline }

func (n *mathInline) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"TeX": n.TeX}, nil)
}

// mathBlock is a $$ … $$ block; its lines hold the TeX.
type mathBlock struct {
	ast.BaseBlock
	closed bool // the closing $$ has been seen
}

func (n *mathBlock) Kind() ast.NodeKind { return kindMathBlock }

func (n *mathBlock) IsRaw() bool { return true }

func (n *mathBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// mathExtension adds the math parsers and renderers to goldmark.
type mathExtension struct{}

func (mathExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(mathInlineParser{}, 150)),
		parser.WithBlockParsers(util.Prioritized(mathBlockParser{}, 150)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 150)))
}

// mathInlineParser parses $…$ and $$…$$ within a paragraph.
type mathInlineParser struct{}

func (mathInlineParser) Trigger() []byte { return []byte{'$'} }

func (mathInlineParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	delim := 1
	if len(line) > 1 && line[1] == '$' {
		delim = 2
	}
	if len(line) <= delim || (delim == 1 && isSpace(line[delim])) {
		return nil
	}
	l, pos := block.Position()
	block.Advance(delim)
	var tex []byte
	for {
		line, _ := block.PeekLine()
		if line == nil {
			block.SetPosition(l, pos)
			return nil
		}
		end, ok := findMathClose(line, delim)
		if end >= 0 {
			if !ok {
				block.SetPosition(l, pos)
				return nil
			}
			tex = append(tex, line[:end]...)
			if len(bytes.TrimSpace(tex)) == 0 {
				block.SetPosition(l, pos)
				return nil
			}
			block.Advance(end + delim)
			return &mathInline{TeX: string(tex), Display: delim == 2}
		}
		tex = append(tex, line...)
		block.AdvanceLine()
	}
}

// findMathClose scans line for the closing delimiter ($ or $$). It
// returns the closer's index and true; an index and false when it meets
// something that means this is not math (a backtick, a stray $, a space
// before the closer, a digit after it); or -1 when the line has neither.
func findMathClose(line []byte, delim int) (int, bool) {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '`':
			return i, false
		case '$':
			return i, isMathCloser(line, i, delim)
		}
	}
	return -1, false
}

// isMathCloser reports whether the $ at line[i] closes math opened with
// delim dollars: $$ closes $$; $ closes $ after a non-space and before a
// non-digit.
func isMathCloser(line []byte, i, delim int) bool {
	if delim == 2 {
		return i+1 < len(line) && line[i+1] == '$'
	}
	if i == 0 || isSpace(line[i-1]) {
		return false
	}
	return i+1 >= len(line) || line[i+1] < '0' || line[i+1] > '9'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// mathBlockParser parses a block that starts with a $$ line.
type mathBlockParser struct{}

func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

func (mathBlockParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	rest := bytes.TrimRight(line[pos+2:], " \t\r\n")
	start := seg.Start + pos + 2
	node := &mathBlock{}
	if bytes.HasSuffix(rest, []byte("$$")) {
		// One line, "$$ E = mc^2 $$"; "$$a$$ and $$b$$" is a paragraph.
		tex := rest[:len(rest)-2]
		if bytes.Contains(tex, []byte("$$")) || len(bytes.TrimSpace(tex)) == 0 {
			return nil, parser.NoChildren
		}
		node.Lines().Append(text.NewSegment(start, start+len(tex)))
		node.closed = true
	} else if bytes.Contains(rest, []byte("$$")) {
		return nil, parser.NoChildren
	} else if len(bytes.TrimSpace(rest)) > 0 {
		node.Lines().Append(text.NewSegment(start, seg.Stop))
	}
	reader.AdvanceToEOL()
	return node, parser.NoChildren
}

func (mathBlockParser) Continue(node ast.Node, reader text.Reader, _ parser.Context) parser.State {
	n := node.(*mathBlock)
	if n.closed {
		return parser.Close
	}
	line, seg := reader.PeekLine()
	if line == nil {
		return parser.Close
	}
	trimmed := bytes.TrimRight(line, " \t\r\n")
	if bytes.HasSuffix(trimmed, []byte("$$")) {
		n.Lines().Append(text.NewSegment(seg.Start, seg.Start+len(trimmed)-2))
		n.closed = true
		reader.AdvanceToEOL()
		return parser.Close
	}
	n.Lines().Append(seg)
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (mathBlockParser) Close(ast.Node, text.Reader, parser.Context) {}

func (mathBlockParser) CanInterruptParagraph() bool { return true }

func (mathBlockParser) CanAcceptIndentedLine() bool { return false }

// mathRenderer writes math nodes as escaped TeX in marked-up elements.
type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMathInline, renderMathInline)
	reg.Register(kindMathBlock, renderMathBlock)
}

func renderMathInline(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*mathInline)
		class := "math math-inline"
		if n.Display {
			class = "math math-display"
		}
		w.WriteString(`<span class="` + class + `">` + html.EscapeString(n.TeX) + "</span>")
	}
	return ast.WalkSkipChildren, nil
}

func renderMathBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<div class="math math-display">` + html.EscapeString(mathBlockTeX(node, src)) + "</div>\n")
	}
	return ast.WalkSkipChildren, nil
}

// mathBlockTeX joins a math block's lines, trimmed of surrounding space.
func mathBlockTeX(node ast.Node, src []byte) string {
	var tex []byte
	lines := node.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		tex = append(tex, seg.Value(src)...)
	}
	return string(bytes.TrimSpace(tex))
}
