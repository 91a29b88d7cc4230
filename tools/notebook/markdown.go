package notebook

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// splitBlocks cuts a notebook body, parsed into doc, into prose and
// cells. Only top-level ```js fences are cells: one inside a list item or
// quote stays prose.
func splitBlocks(doc ast.Node, body []byte) []Block {
	starts := lineStarts(body)
	var blocks []Block
	prev := 0 // where the pending prose starts
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !ok || fc.Info == nil || string(fc.Language(body)) != CellLanguage {
			continue
		}
		open := lineOf(starts, fc.Info.Segment.Start)
		end := lineOffset(starts, open+fc.Lines().Len()+2, len(body)) // after the closing fence
		blocks = appendProse(blocks, string(body[prev:starts[open]]))
		blocks = append(blocks, Block{Kind: Code, Lang: CellLanguage, Source: fencedSource(fc, body)})
		prev = end
	}
	return appendProse(blocks, string(body[prev:]))
}

// checkFences finds a code fence that is opened but never closed, which
// Markdown would silently run to the end of the file (or of the list item
// or quote that holds it). firstLine is the body's line number in file.
func checkFences(file string, doc ast.Node, body []byte, firstLine int) error {
	starts := lineStarts(body)
	var err error
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		open := lineOf(starts, fc.Pos())
		fence := leadingFence(string(body[fc.Pos():]))
		if !isClosingFence(lineText(body, starts, open+fc.Lines().Len()+1), fence) {
			err = &Error{file, firstLine + open, fmt.Sprintf("code block opened with %s is never closed", fence)}
			return ast.WalkStop, nil
		}
		return ast.WalkSkipChildren, nil
	})
	return err
}

// isClosingFence reports whether line (inside any quote markers) closes
// a block opened with fence.
func isClosingFence(line, fence string) bool {
	line = strings.TrimLeft(line, " \t>")
	if fence == "" || !strings.HasPrefix(line, fence) {
		return false
	}
	return strings.TrimSpace(strings.TrimLeft(line, fence[:1])) == ""
}

// leadingFence returns the run of three or more backticks or tildes that
// starts s, or "".
func leadingFence(s string) string {
	for _, c := range []string{"`", "~"} {
		n := len(s) - len(strings.TrimLeft(s, c))
		if n >= 3 {
			return s[:n]
		}
	}
	return ""
}

// lineText is line i of src without its newline, or "" past the end.
func lineText(src []byte, starts []int, i int) string {
	if i >= len(starts) {
		return ""
	}
	line := src[starts[i]:]
	if end := bytes.IndexByte(line, '\n'); end >= 0 {
		line = line[:end]
	}
	return string(line)
}

// fencedSource is the code inside a fenced block.
func fencedSource(fc *ast.FencedCodeBlock, src []byte) string {
	var code []byte
	for i := 0; i < fc.Lines().Len(); i++ {
		seg := fc.Lines().At(i)
		code = append(code, seg.Value(src)...)
	}
	return string(code)
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineOf is the index of the line holding offset.
func lineOf(starts []int, offset int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > offset }) - 1
}

// lineOffset is where line i starts, or size past the last line.
func lineOffset(starts []int, i, size int) int {
	if i < len(starts) {
		return starts[i]
	}
	return size
}

// appendProse adds a prose block for md unless it is blank.
func appendProse(blocks []Block, md string) []Block {
	if md = trimBlankLines(md); md != "" {
		blocks = append(blocks, Block{Kind: Prose, Source: md})
	}
	return blocks
}

// trimBlankLines drops leading blank lines and trailing white space, and
// ends what is left with one newline ("" if nothing is left). Indentation
// on the first line is kept, since it is meaningful in Markdown.
func trimBlankLines(md string) string {
	for {
		line, rest, found := strings.Cut(md, "\n")
		if !found || strings.TrimSpace(line) != "" {
			break
		}
		md = rest
	}
	md = strings.TrimRightFunc(md, unicode.IsSpace)
	if md == "" {
		return ""
	}
	return md + "\n"
}

// Markdown writes the notebook in the format Parse reads: front matter,
// then the blocks separated by one blank line, cells as ```js fences
// (longer fences when the code holds a line starting with ```). For a
// canonical file, Markdown(Parse(file)) is byte-identical to the file, and
// Parse(Markdown(nb)) always gives back the same blocks, except that
// adjacent prose blocks come back as one. Line endings are written as LF.
func (nb *Notebook) Markdown() []byte {
	var b bytes.Buffer
	b.WriteString(nb.frontMatterText())
	for _, blk := range nb.Blocks {
		switch blk.Kind {
		case Code:
			b.WriteString("\n")
			writeCell(&b, blk)
		default:
			if md := trimBlankLines(blk.Source); md != "" {
				b.WriteString("\n" + md)
			}
		}
	}
	return bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n"))
}

// writeCell writes a cell as a fenced block.
func writeCell(b *bytes.Buffer, blk Block) {
	lang := blk.Lang
	if lang == "" {
		lang = CellLanguage
	}
	fence := strings.Repeat("`", max(3, longestFence(blk.Source)+1))
	b.WriteString(fence + lang + "\n" + blk.Source)
	if blk.Source != "" && !strings.HasSuffix(blk.Source, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(fence + "\n")
}

// longestFence is the longest run of backticks that starts a line of src
// (after any indentation), which a cell's fence must exceed.
func longestFence(src string) int {
	longest := 0
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimLeft(line, " \t")
		n := len(line) - len(strings.TrimLeft(line, "`"))
		longest = max(longest, n)
	}
	return longest
}
