package notebook

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Prose the student wrote (a Markdown cell, a cell of an imported
// .ipynb) may hold a top-level fence that Parse would take for part of
// an exercise (```hint=a, ```js check=a) or refuse (```js foo, an
// ```answer that follows no prose). Markdown writes such a fence's info
// string with its first character and every "=" as character references
// (&#104;int&#61;a): CommonMark shows the same language name, and Parse
// sees ordinary code. Prose that Parse read never holds one, so a parsed
// notebook still writes back byte for byte.

// defuseFences rewrites the info strings of md's top-level fences that
// Parse would not read as prose.
func defuseFences(md string) string {
	if !strings.Contains(md, "```") && !strings.Contains(md, "~~~") {
		return md // the common case: no fence at all
	}
	src := []byte(md)
	doc := markdown.Parser().Parse(text.NewReader(src))
	var cuts [][2]int // info strings to rewrite, in order
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !ok || fc.Info == nil {
			continue
		}
		r, isRole, err := roleOf(string(fc.Info.Segment.Value(src)))
		prev := n.PreviousSibling()
		_, afterFence := prev.(*ast.FencedCodeBlock)
		strayAnswer := r.role == roleAnswer && (prev == nil || afterFence)
		if err != nil || (isRole && r.role != "" && r.role != roleAnswer) || strayAnswer {
			cuts = append(cuts, [2]int{fc.Info.Segment.Start, fc.Info.Segment.Stop})
		}
	}
	for i := len(cuts) - 1; i >= 0; i-- {
		start, stop := cuts[i][0], cuts[i][1]
		md = md[:start] + escapeInfo(md[start:stop]) + md[stop:]
	}
	return md
}

// escapeInfo writes an info string's first character and every "=" as
// character references.
func escapeInfo(info string) string {
	if info == "" {
		return info
	}
	r := []rune(info)
	first := "&#" + strconv.Itoa(int(r[0])) + ";"
	return first + strings.ReplaceAll(string(r[1:]), "=", "&#61;")
}
