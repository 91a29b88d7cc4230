package notebook

import (
	"os"
	"path/filepath"
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
	for _, body := range []string{"$$\nx\n$$\n", "$$ x $$\n", "<!-- a -->\n", "<!--\n-->\n", "<pre>\nx</pre>\n", "<div>\n", "> <!--\n\nafter\n", "> ```js\n> x\n> ```\n", "- a\n\n  ~~~~\n  ~~~\n  ~~~~~\n", "```\n```", "````js\n```\n````   \n", "* a\n  ````\n ```js\n````\n"} {
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
		// Any block that only a closing line ends, left open before the
		// cells, is refused: it used to swallow them silently.
		{"unclosed $$", front + "$$\nx\n\n```js\n1\n```\n", `nb.md:6: display math opened with $$ is never closed (close it with a line "$$")`},
		{"unclosed comment", front + "text\n\n<!-- note\n\n```js\n1\n```\n", `nb.md:8: HTML comment opened with <!-- is never closed (close it with a line "-->")`},
		{"unclosed script", front + "<script>\n```js\n1\n```\n", `nb.md:6: <script> block is never closed (close it with a line "</script>")`},
		{"unclosed pre", front + "<pre>\n\n```js\n1\n```\n", `nb.md:6: <pre> block is never closed`},
		{"unclosed style", front + "<style>\n```js\n1\n```\n", `nb.md:6: <style> block is never closed`},
		{"unclosed textarea", front + "<textarea>\n```js\n1\n```\n", `nb.md:6: <textarea> block is never closed`},
		{"unclosed CDATA", front + "<![CDATA[\n```js\n1\n```\n", `nb.md:6: CDATA section opened with <![CDATA[ is never closed (close it with a line "]]>")`},
		{"unclosed instruction", front + "<?xml\n```js\n1\n```\n", `nb.md:6: processing instruction opened with <? is never closed (close it with a line "?>")`},
		{"unclosed declaration", front + "<!DOCTYPE html\n\n```js\n1\n```\n", `nb.md:6: declaration opened with <! is never closed (close it with a line ">")`},
		{"comment in a quote", front + "> <!--\n> x\n", `nb.md:6: HTML comment opened with <!-- is never closed (close it with a line "> -->")`},
		// Text that is not UTF-8 is refused wherever it is.
		{"latin-1 front matter", "---\ntitle: caf\xe9\nchapter: \"1\"\nsummary: s\n---\n", "nb.md:2: not UTF-8 text: byte 0xe9 at column 11 (save the file as UTF-8)"},
		{"latin-1 prose", front + "ok\nna\xefve\n", "nb.md:7: not UTF-8 text: byte 0xef at column 3"},
		{"latin-1 cell", front + "```js\n'\xff'\n```\n", "nb.md:7: not UTF-8 text: byte 0xff at column 2"},
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

// The page finds a notebook's cells as the section.cell elements of the
// HTML that Render writes (wasm/docs hands it that HTML), so it must find
// exactly the parsed cells: raw HTML in prose that imitates a cell is not
// rendered, and a block left open never hides one (Parse refuses it).
func TestPageFindsTheParsedCells(t *testing.T) {
	src := front + "<section class=\"cell\" data-cell=\"7\">\n\nText <section class=\"cell\">.\n\n```js\n1\n```\n\n<!-- a -->\n\n```js\n2\n```\n"
	nb, err := Parse("nb.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells()) != 2 {
		t.Fatalf("%d cells, want 2", len(nb.Cells()))
	}
	checkPageAgrees(t, nb)
	files, _ := filepath.Glob("../../notebooks/*.md")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		checkPageAgrees(t, nb)
	}
	if len(files) < 10 {
		t.Errorf("found %d notebooks", len(files))
	}
}
