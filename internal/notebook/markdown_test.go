package notebook

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const front = "---\ntitle: T\nchapter: \"1\"\nsummary: S.\n---\n"

// Every notebook in notebooks/ is in canonical form: writing it back
// gives the same bytes. A failure here means a notebook should be
// reformatted (one blank line between blocks, ```js fences).
func TestMarkdownRoundTripNotebooks(t *testing.T) {
	files, err := filepath.Glob("../../notebooks/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no notebooks found: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := Parse(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(nb.Markdown()); got != string(src) {
				t.Errorf("Markdown() differs from %s:\n%s", f, diffLine(got, string(src)))
			}
		})
	}
}

func TestBlocks(t *testing.T) {
	tests := []struct {
		name, body string
		want       []Block
	}{
		{"prose and cell", "\n# A\n\ntext\n\n```js\n1 + 1\n```\n\nmore\n",
			[]Block{prose("# A\n\ntext\n"), code("1 + 1\n"), prose("more\n")}},
		{"cells back to back", "```js\na\n```\n```js\nb\n```\n",
			[]Block{code("a\n"), code("b\n")}},
		{"empty cell", "```js\n```\n", []Block{code("")}},
		{"trailing blank lines kept in a cell", "```js\na\n\n\n```\n", []Block{code("a\n\n\n")}},
		{"longer fence", "````js\nconst s = `\n```\n`;\n````\n", []Block{code("const s = `\n```\n`;\n")}},
		{"tilde fence", "~~~js\nx\n~~~\n", []Block{code("x\n")}},
		{"other languages stay prose", "```python\nprint(1)\n```\n\n```\nplain\n```\n",
			[]Block{prose("```python\nprint(1)\n```\n\n```\nplain\n```\n")}},
		{"js in a list item stays prose", "- item\n\n  ```js\n  x\n  ```\n",
			[]Block{prose("- item\n\n  ```js\n  x\n  ```\n")}},
		{"js in a fenced example stays prose", "````md\n```js\nx\n```\n````\n",
			[]Block{prose("````md\n```js\nx\n```\n````\n")}},
		{"indented code block kept", "    code\n\ntext\n", []Block{prose("    code\n\ntext\n")}},
		{"no trailing newline", "text\n\n```js\nx\n```", []Block{prose("text\n"), code("x\n")}},
		{"blank lines squeezed at the edges", "\n\n\ntext  \n\n\n\n```js\nx\n```\n\n\n",
			[]Block{prose("text\n"), code("x\n")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse("nb.md", []byte(front+tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("blocks = %q\nwant     %q", got, tc.want)
			}
			again, err := Parse("nb.md", nb.Markdown())
			if err != nil {
				t.Fatalf("Parse(Markdown()): %v\n%s", err, nb.Markdown())
			}
			if got := kindsAndSources(again.Blocks); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("after a round trip blocks = %q\nwant %q\nMarkdown:\n%s", got, tc.want, nb.Markdown())
			}
		})
	}
}

// Blocks built by hand (by the page's editor, or from a Jupyter file)
// serialize to Markdown that parses back to the same blocks.
func TestMarkdownFromBlocks(t *testing.T) {
	nb := &Notebook{Title: "A: b", Chapter: "3", Summary: "# not a comment", Blocks: []Block{
		prose("\n\nIntro\n\n"),
		code("const s = `\n```\n  ````\n`;"),
		code(""),
		{Kind: Code, Source: "x\r\ny\r\n"},
		prose("After."),
	}}
	want := "---\ntitle: \"A: b\"\nchapter: \"3\"\nsummary: \"# not a comment\"\n---\n\nIntro\n\n" +
		"`````js\nconst s = `\n```\n  ````\n`;\n`````\n\n```js\n```\n\n```js\nx\ny\n```\n\nAfter.\n"
	got := string(nb.Markdown())
	if got != want {
		t.Fatalf("Markdown() =\n%s\nwant\n%s", got, want)
	}
	again, err := Parse("x.md", []byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if again.Title != nb.Title || again.Chapter != nb.Chapter || again.Summary != nb.Summary {
		t.Errorf("front matter came back as %q %q %q", again.Title, again.Chapter, again.Summary)
	}
	wantBlocks := []Block{prose("Intro\n"), code("const s = `\n```\n  ````\n`;\n"), code(""), code("x\ny\n"), prose("After.\n")}
	if got := kindsAndSources(again.Blocks); !reflect.DeepEqual(got, wantBlocks) {
		t.Errorf("blocks = %q\nwant %q", got, wantBlocks)
	}
}

// An edited prose block with an unclosed fence gets its fence closed, so
// it cannot swallow the cells after it.
func TestCloseFences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"text\n", "text\n"},
		{"```python\nx\n", "```python\nx\n```\n"},
		{"````\n```\n", "````\n```\n````\n"},
		{"- a\n\n  ~~~\n  x\nafter\n", "- a\n\n  ~~~\n  x\nafter\n"},
		{"- a\n\n  ~~~\n  x\n", "- a\n\n  ~~~\n  x\n  ~~~\n"},
		{"> ```\n> x\n", "> ```\n> x\n> ```\n"},
		{"```\na\n```\n```\n", "```\na\n```\n```\n```\n"},
		{"- ```\n  x\n- ```\n", "- ```\n  x\n- ```\n  ```\n"},
		{"$$\nx\n", "$$\nx\n$$\n"},
		{"<!-- a\n", "<!-- a\n-->\n"},
		{"> <?php\n", "> <?php\n> ?>\n"},
		{"<SCRIPT>\nx\n", "<SCRIPT>\nx\n</script>\n"},
		{"<![CDATA[\n", "<![CDATA[\n]]>\n"},
		{"<!DOCTYPE\n", "<!DOCTYPE\n>\n"},
		{"<!-- a -->\n", "<!-- a -->\n"},
		{"<pre>x</pre>\n", "<pre>x</pre>\n"},
	}
	for _, tc := range tests {
		got := closeOpenBlocks(tc.in)
		if got != tc.want {
			t.Errorf("closeOpenBlocks(%q) = %q, want %q", tc.in, got, tc.want)
		}
		nb := &Notebook{Title: "t", Chapter: "c", Summary: "s", Blocks: []Block{prose(tc.in), code("x\n")}}
		again, err := Parse("nb.md", nb.Markdown())
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
		} else if n := len(again.Cells()); n != 1 {
			t.Errorf("%q: %d cells after a round trip", tc.in, n)
		}
	}
}

func TestMarkdownCRLF(t *testing.T) {
	lf := front + "\nSome text.\n\n```js\nconst a = 1;\na\n```\n"
	crlf := "\uFEFF" + strings.ReplaceAll(lf, "\n", "\r\n")
	nb, err := Parse("nb.md", []byte(crlf))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(nb.Markdown()); got != lf {
		t.Errorf("Markdown() = %q, want %q", got, lf)
	}
}

// The front matter is written back as it was read, comments and unknown
// keys included, until a field changes.
func TestMarkdownFrontMatter(t *testing.T) {
	src := "---\n# a comment\ntitle:   Spaced\nchapter: '4'\nsummary: S.\nextra: kept\n---\n\ntext\n"
	nb, err := Parse("nb.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(nb.Markdown()); got != src {
		t.Errorf("unchanged notebook: Markdown() = %q", got)
	}
	nb.Title = "New: title"
	want := "---\ntitle: \"New: title\"\nchapter: \"4\"\nsummary: S.\n---\n\ntext\n"
	if got := string(nb.Markdown()); got != want {
		t.Errorf("retitled notebook: Markdown() = %q, want %q", got, want)
	}
}

func TestYAMLScalar(t *testing.T) {
	for _, s := range []string{"plain words", "it's", "A — b", "yes", "12", "a: b", "#x", "x #y", " lead", "tab\there", "null", "[x]", "line\nbreak", "quote\"d", "\\back", "\u00a0nbsp", "- dash"} {
		src := "---\ntitle: " + yamlScalar(s) + "\nchapter: x\nsummary: y\n---\n"
		nb, err := Parse("nb.md", []byte(src))
		if err != nil {
			t.Errorf("%q: %v", s, err)
		} else if nb.Title != s {
			t.Errorf("%q written as %q reads back as %q", s, yamlScalar(s), nb.Title)
		}
	}
}

func prose(s string) Block { return Block{Kind: Prose, Source: s} }
func code(s string) Block  { return Block{Kind: Code, Lang: CellLanguage, Source: s} }

// kindsAndSources drops the rendered HTML, to compare what was parsed.
func kindsAndSources(blocks []Block) []Block {
	out := make([]Block, len(blocks))
	for i, b := range blocks {
		out[i] = Block{Kind: b.Kind, Source: b.Source, Lang: b.Lang, Exercise: b.Exercise}
	}
	return out
}

// diffLine shows the first line where got and want differ.
func diffLine(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths differ: got %d lines, want %d", len(g), len(w))
}
