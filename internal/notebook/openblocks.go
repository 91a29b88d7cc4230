package notebook

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// A few Markdown blocks end only at a closing line: a code fence, a $$
// math block, and the HTML blocks that start with <script>, <pre>,
// <style> or <textarea>, "<!--", "<?", "<!X" or "<![CDATA[". Left open,
// such a block runs to the end of the file and swallows everything after
// it, cells included, so a notebook would silently lose its cells (and
// the page, which finds cells in the HTML that Parse renders, would show
// none). Parse refuses a notebook with a block left open, naming the
// line and the closer it lacks; Markdown closes one left open at the end
// of a prose block, so that it never swallows the cells after it.

// openBlock is a block that runs to the end of its source, unclosed.
type openBlock struct {
	open   int    // its opening line, 0-based
	what   string // what it is, e.g. "code block opened with ```"
	closer string // the line that closes it, e.g. "```"
	prefix string // what precedes the block on its line, as blanks and quote markers
}

// checkOpenBlocks refuses a body (parsed into doc) with a block left
// open. firstLine is the body's line number in file.
func checkOpenBlocks(file string, doc ast.Node, body []byte, firstLine int) error {
	if b, ok := openBlockAtEnd(doc, body); ok {
		return &Error{file, firstLine + b.open, fmt.Sprintf("%s is never closed (close it with a line %q): it would swallow the rest of the notebook, cells included",
			b.what, strings.TrimSpace(b.prefix+b.closer))}
	}
	return nil
}

// closeOpenBlocks adds the closing line that a block running to the end
// of md (which ends in a newline) lacks.
func closeOpenBlocks(md string) string {
	for range 4 { // a closer might itself open something; it never does twice
		src := []byte(md)
		b, ok := openBlockAtEnd(markdown.Parser().Parse(text.NewReader(src)), src)
		if !ok {
			break
		}
		md += b.prefix + b.closer + "\n"
	}
	return md
}

// openBlockAtEnd finds the block in doc (parsed from src) that needs a
// closing line and runs to the end of src without one, if there is one
// (there can be only one).
func openBlockAtEnd(doc ast.Node, src []byte) (openBlock, bool) {
	starts := lineStarts(src)
	var found openBlock
	ok := false
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		what, closer := unclosed(n, src)
		if what == "" {
			return ast.WalkContinue, nil
		}
		open := lineOf(starts, n.Pos())
		last := open
		if lines := n.Lines(); lines.Len() > 0 {
			last = max(last, lineOf(starts, lines.At(lines.Len()-1).Start))
		}
		if _, isFence := n.(*ast.FencedCodeBlock); isFence {
			last = open + n.Lines().Len() // its lines do not include the opener
		}
		if last < len(starts)-1 { // a later line ended it
			return ast.WalkSkipChildren, nil
		}
		prefix := strings.Map(func(r rune) rune {
			if r == '>' || r == '\t' {
				return r
			}
			return ' '
		}, string(src[starts[open]:n.Pos()]))
		found, ok = openBlock{open, what, closer, prefix}, true
		return ast.WalkStop, nil
	})
	return found, ok
}

// unclosed describes n and the line that would close it, if n is a block
// that needs a closing line and has not met one yet; "" otherwise. (A
// fence's closing line is not recorded: openBlockAtEnd counts lines.)
func unclosed(n ast.Node, src []byte) (what, closer string) {
	switch n := n.(type) {
	case *ast.FencedCodeBlock:
		line := src[n.Pos():]
		if end := bytes.IndexByte(line, '\n'); end >= 0 {
			line = line[:end] // only the opening line: copying the rest is quadratic
		}
		fence := leadingFence(string(line))
		return "code block opened with " + fence, fence
	case *mathBlock:
		if !n.closed {
			return "display math opened with $$", "$$"
		}
	case *ast.HTMLBlock:
		return unclosedHTML(n, src)
	}
	return "", ""
}

// htmlClosers are the closing strings of the HTML block types that end
// only at a closing line (CommonMark's types 2 to 5).
var htmlClosers = map[ast.HTMLBlockType][2]string{
	ast.HTMLBlockType2: {"HTML comment opened with <!--", "-->"},
	ast.HTMLBlockType3: {"processing instruction opened with <?", "?>"},
	ast.HTMLBlockType4: {"declaration opened with <!", ">"},
	ast.HTMLBlockType5: {"CDATA section opened with <![CDATA[", "]]>"},
}

// unclosedHTML is unclosed for an HTML block, following goldmark's
// rules: a block closes at a line holding its closer, or on its first
// line if that line holds it.
func unclosedHTML(n *ast.HTMLBlock, src []byte) (what, closer string) {
	if n.HasClosure() || n.Lines().Len() == 0 {
		return "", ""
	}
	seg := n.Lines().At(0)
	first := bytes.ToLower(seg.Value(src))
	if n.HTMLBlockType == ast.HTMLBlockType1 {
		for _, tag := range []string{"script", "pre", "style", "textarea"} {
			if bytes.Contains(first, []byte("</"+tag+">")) {
				return "", ""
			}
		}
		for _, tag := range []string{"script", "pre", "style", "textarea"} {
			if bytes.HasPrefix(bytes.TrimLeft(first, " "), []byte("<"+tag)) {
				return "<" + tag + "> block", "</" + tag + ">"
			}
		}
		return "", ""
	}
	c, ok := htmlClosers[n.HTMLBlockType]
	if !ok || (n.Lines().Len() == 1 && bytes.Contains(first, []byte(c[1]))) {
		return "", ""
	}
	return c[0], c[1]
}
