package notebook

import (
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// A reflective question's model answer is a top-level ```answer fence
// right after the question's prose. Its text is Markdown; it renders as a
// disclosure the student opens on request:
//
//	<details class="answer"><summary>Show model answer</summary>
//	<div class="answer-body">…</div></details>
//
// The fence stays in its prose block, so Markdown writes it back as read.

var kindAnswer = ast.NewNodeKind("Answer")

// answerBlock is a model answer; MD is its Markdown.
type answerBlock struct {
	ast.BaseBlock
	MD string
}

func (n *answerBlock) Kind() ast.NodeKind { return kindAnswer }

func (n *answerBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// answerExtension renders answerBlocks. (Rendering replaces the fences
// by answerBlocks, in replaceAnswers; parsing leaves them fences, which
// splitBlocks and the open-block check look for.)
type answerExtension struct{}

func (answerExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(answerRenderer{}, 100)))
}

// replaceAnswers replaces each top-level ```answer fence of doc, parsed
// from src, by an answerBlock.
func replaceAnswers(doc ast.Node, src []byte) {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		fc, ok := n.(*ast.FencedCodeBlock)
		if !ok || fc.Info == nil || string(fc.Info.Segment.Value(src)) != AnswerLanguage {
			continue
		}
		a := &answerBlock{MD: fencedSource(fc, src)}
		doc.ReplaceChild(doc, n, a)
		n = a
	}
}

// answerRenderer writes an answerBlock as a disclosure.
type answerRenderer struct{}

func (answerRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindAnswer, renderAnswer)
}

func renderAnswer(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	body, err := RenderProse(node.(*answerBlock).MD)
	if err != nil {
		body = "<pre>" + html.EscapeString(node.(*answerBlock).MD) + "</pre>"
	}
	_, _ = w.WriteString(`<details class="answer"><summary>Show model answer</summary>` + "\n" +
		`<div class="answer-body">` + body + "</div></details>\n")
	return ast.WalkSkipChildren, nil
}
