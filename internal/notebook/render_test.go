package notebook

import (
	"reflect"
	"strings"
	"testing"
)

func TestMath(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"inline", "Energy $E = mc^2$ here.", `<p>Energy <span class="math math-inline">E = mc^2</span> here.</p>`},
		{"escaped html", "$a<b \\& c>d$", `<p><span class="math math-inline">a&lt;b \&amp; c&gt;d</span></p>`},
		{"markdown inside math is left alone", "$a_1 * b_2 * c$", `<p><span class="math math-inline">a_1 * b_2 * c</span></p>`},
		{"dollar amounts", "costs $5 and $6 today", `<p>costs $5 and $6 today</p>`},
		{"closer before a digit", "from $x$5", `<p>from $x$5</p>`},
		{"space after opener", "a $ x$ b", `<p>a $ x$ b</p>`},
		{"space before closer", "a $x $ b", `<p>a $x $ b</p>`},
		{"escaped dollar", `price \$5, math $\$x$`, `<p>price $5, math <span class="math math-inline">\$x</span></p>`},
		{"code span", "`$x$` and `a $b` c$", `<p><code>$x$</code> and <code>a $b</code> c$</p>`},
		{"no math across a code span", "$a `b$` c", "<p>$a <code>b$</code> c</p>"},
		{"multi-line inline", "$a +\nb$", "<p><span class=\"math math-inline\">a +\nb</span></p>"},
		{"display inline", "so $$\\sum_i x_i$$ holds", `<p>so <span class="math math-display">\sum_i x_i</span> holds</p>`},
		{"empty display", "a $$$$ b", `<p>a $$$$ b</p>`},
		{"display block", "$$\nA = \\begin{pmatrix}\n1 \\\\\n- 2\n\\end{pmatrix}\n$$\n",
			"<div class=\"math math-display\">A = \\begin{pmatrix}\n1 \\\\\n- 2\n\\end{pmatrix}</div>"},
		{"one-line display block", "$$ x^2 $$\n", `<div class="math math-display">x^2</div>`},
		{"display block interrupts a paragraph", "text\n$$\nx\n$$\nmore",
			"<p>text</p>\n<div class=\"math math-display\">x</div>\n<p>more</p>"},
		{"display block with TeX on the fence lines", "$$x\n= y$$", "<div class=\"math math-display\">x\n= y</div>"},
		{"two displays on a line are a paragraph", "$$a$$ and $$b$$",
			`<p><span class="math math-display">a</span> and <span class="math math-display">b</span></p>`},
		{"code block", "```\n$x$\n```", "<pre><code>$x$\n</code></pre>"},
		{"indented code block", "    $$\n    x\n    $$", "<pre><code>$$\nx\n$$\n</code></pre>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenderProse(tc.md)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(got) != tc.want {
				t.Errorf("RenderProse(%q) =\n%s\nwant\n%s", tc.md, got, tc.want)
			}
		})
	}
}

func TestTOCAndIDs(t *testing.T) {
	src := front + "\n# Title\n\n## Intro\n\n```js\n1\n```\n\n## Intro\n\n### The $O(n^3)$ `matmul`\n\n## Cell 1\n\nSee [the book][mlsys].\n\n```js\n2\n```\n\n[mlsys]: https://mlsysbook.ai\n"
	nb, err := Parse("nb.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Heading{
		{1, "title", "Title"},
		{2, "intro", "Intro"},
		{2, "intro-1", "Intro"},
		{3, "the-on3-matmul", "The O(n^3) matmul"},
		{2, "cell-1-1", "Cell 1"}, // "cell-1" is the first code cell
	}
	if got := nb.TOC(); !reflect.DeepEqual(got, want) {
		t.Errorf("TOC() = %+v\nwant %+v", got, want)
	}
	for _, s := range []string{`<h2 id="intro-1">Intro</h2>`, `<a href="https://mlsysbook.ai">the book</a>`, `<span class="math math-inline">O(n^3)</span>`} {
		if !strings.Contains(nb.HTML, s) {
			t.Errorf("HTML lacks %s:\n%s", s, nb.HTML)
		}
	}
	again, _ := Parse("nb.md", []byte(src))
	if again.HTML != nb.HTML {
		t.Error("rendering is not deterministic")
	}
}

// The notebook's HTML is its blocks' HTML in order; cells keep the markup
// the page relies on.
func TestBlockHTML(t *testing.T) {
	nb, err := Parse("nb.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, b := range nb.Blocks {
		all.WriteString(b.HTML)
	}
	if all.String() != nb.HTML {
		t.Errorf("HTML is not the blocks' HTML joined")
	}
	wantCell := "<section class=\"cell\" id=\"cell-1\" data-cell=\"0\" aria-label=\"Code cell 1\">\n" +
		"<pre class=\"cell-source\"><code class=\"language-js\">const a = 1 &lt; 2;\na\n</code></pre>\n" +
		"<div class=\"cell-output\" role=\"status\" aria-live=\"polite\"></div>\n</section>\n"
	if nb.Blocks[1].HTML != wantCell {
		t.Errorf("cell HTML =\n%s\nwant\n%s", nb.Blocks[1].HTML, wantCell)
	}
	nb.Blocks[0].Source = "## Edited\n"
	if err := nb.Render(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(nb.HTML, `<h2 id="edited">Edited</h2>`) || nb.TOC()[0].Text != "Edited" {
		t.Errorf("Render after an edit: %s", nb.HTML)
	}
}
