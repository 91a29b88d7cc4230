package notebook

import (
	"strings"
	"testing"
)

const good = "---\ntitle: Tensors\nchapter: \"1–2\"\nsummary: Build two tensors.\n---\n# Tensors\n\nSome *prose*.\n\n```js\nconst a = 1 < 2;\na\n```\n\n```python\nprint(1)\n```\n"

func TestParse(t *testing.T) {
	nb, err := Parse("notebooks/01-system.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Slug != "01-system" || nb.Title != "Tensors" || nb.Chapter != "1–2" || nb.Summary != "Build two tensors." {
		t.Errorf("front matter = %+v", nb)
	}
	if len(nb.Cells()) != 1 || nb.Cells()[0] != "const a = 1 < 2;\na\n" {
		t.Errorf("cells = %q", nb.Cells())
	}
	for _, want := range []string{
		`<h1 id="tensors">Tensors</h1>`,
		"<em>prose</em>",
		`<section class="cell" id="cell-1" data-cell="0"`,
		"const a = 1 &lt; 2;",
		`<pre><code class="language-python">print(1)`,
	} {
		if !strings.Contains(nb.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, nb.HTML)
		}
	}
}

func TestParseAcceptsClosedFences(t *testing.T) {
	for _, body := range []string{"> ```js\n> x\n> ```\n", "- a\n\n  ~~~~\n  ~~~\n  ~~~~~\n", "```\n```", "````js\n```\n````   \n", "* a\n  ````\n ```js\n````\n"} {
		if _, err := Parse("nb.md", []byte(front+body)); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"no front matter", "# Hi\n", "nb.md:1: expected front matter"},
		{"unclosed front matter", "---\ntitle: x\n", "nb.md:1: front matter is not closed"},
		{"missing summary", "---\ntitle: x\nchapter: \"1\"\n---\n", `nb.md:4: front matter: missing "summary"`},
		{"bad yaml", "---\ntitle: [x\n---\n", "nb.md:2: front matter: yaml:"},
		{"unclosed fence", "---\ntitle: x\nchapter: \"1\"\nsummary: s\n---\ntext\n\n```js\n1+1\n", "nb.md:8: code block opened with ``` is never closed"},
		{"fence after a quote", "---\ntitle: x\nchapter: \"1\"\nsummary: s\n---\n> ~~~\n> x\n\n~~~\n", "nb.md:9: code block opened with ~~~ is never closed"},
		{"fence in a quote", "---\ntitle: x\nchapter: \"1\"\nsummary: s\n---\n> ~~~\n> x\n", "nb.md:6: code block opened with ~~~ is never closed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("nb.md", []byte(tc.src))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error = %v, want prefix %q", err, tc.want)
			}
		})
	}
}
