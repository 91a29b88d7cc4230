package notebook

import (
	"bytes"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// splitBlocks cuts a notebook body, parsed into doc, into prose and
// cells. Only top-level ```js fences are cells: one inside a list item or
// quote stays prose. The fences of an exercise group (exercise.go) fold
// into one cell. file and firstLine (the body's line in file) locate
// errors.
func splitBlocks(file string, doc ast.Node, body []byte, firstLine int) ([]Block, error) {
	starts := lineStarts(body)
	g := grouper{file: file, firstLine: firstLine, seen: map[string]int{}}
	prev := 0 // where the pending prose starts
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !ok || fc.Info == nil {
			continue
		}
		open := lineOf(starts, fc.Info.Segment.Start)
		r, isRole, err := roleOf(string(fc.Info.Segment.Value(body)))
		if err != nil {
			return nil, g.errorAt(open, err.Error())
		}
		if !isRole {
			continue
		}
		if r.role == roleAnswer {
			if err := g.answer(n, open); err != nil {
				return nil, err
			}
			continue
		}
		end := lineOffset(starts, open+fc.Lines().Len()+2, len(body)) // after the closing fence
		if err := g.add(r, open, body[prev:starts[open]], fencedSource(fc, body)); err != nil {
			return nil, err
		}
		prev = end
	}
	if err := g.close(); err != nil {
		return nil, err
	}
	return appendProse(g.blocks, string(body[prev:])), nil
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
	if md = normalizeProse(md); md != "" {
		blocks = append(blocks, Block{Kind: Prose, Source: md})
	}
	return blocks
}

// normalizeProse is prose as a block holds it once parsed: without blank
// lines around it, ending in a newline, and with no fence left open.
func normalizeProse(md string) string { return closeOpenBlocks(trimBlankLines(md)) }

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
			if md := normalizeProse(blk.Source); md != "" {
				b.WriteString("\n" + md)
			}
		}
	}
	return bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n"))
}

// writeCell writes a cell as a fenced block, and an exercise as its
// group of fenced blocks (exercise.go).
func writeCell(b *bytes.Buffer, blk Block) {
	lang := blk.Lang
	if lang == "" {
		lang = CellLanguage
	}
	ex := blk.Exercise
	if ex == nil {
		writeFence(b, lang, blk.Source)
		return
	}
	writeFence(b, exerciseInfo(ex), blk.Source)
	b.WriteString("\n")
	writeFence(b, CellLanguage+" "+roleCheck+"="+ex.ID, ex.Check)
	b.WriteString("\n")
	writeFence(b, CellLanguage+" "+roleSolution+"="+ex.ID, ex.Solution)
	for _, h := range ex.Hints {
		b.WriteString("\n")
		writeFence(b, roleHint+"="+ex.ID, h)
	}
}

// writeFence writes src as a fenced block with the given info string:
// backticks, longer than any run that starts a line of src, or tildes
// when info holds a backtick (which a backtick fence's info may not).
func writeFence(b *bytes.Buffer, info, src string) {
	char := "`"
	if strings.Contains(info, "`") {
		char = "~"
	}
	fence := strings.Repeat(char, max(3, longestRun(src, char)+1))
	b.WriteString(fence + info + "\n" + src)
	if src != "" && !strings.HasSuffix(src, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(fence + "\n")
}

// longestRun is the longest run of char that starts a line of src
// (after any indentation), which a fence of char must exceed.
func longestRun(src, char string) int {
	longest := 0
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimLeft(line, " \t")
		n := len(line) - len(strings.TrimLeft(line, char))
		longest = max(longest, n)
	}
	return longest
}

// longestFence is the longest run of backticks that starts a line of src
// (after any indentation), which a cell's fence must exceed.
func longestFence(src string) int { return longestRun(src, "`") }
