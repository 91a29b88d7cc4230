package notebook

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Whatever Parse accepts, Markdown writes back to the same blocks.
func FuzzMarkdownRoundTrip(f *testing.F) {
	f.Add(good)
	f.Add(front + "a $x$ b\n\n```js\n1\n```\n\n$$\nx\n$$\n")
	f.Add(front + "- a\n\n  ```js\n  x\n  ```\n````js\n```\n````\n")
	f.Add(front + "<div>\n\n```js\nx\n```\n</div>\n")
	for _, open := range []string{"$$\n", "<!--\n", "<script>\n", "<pre>\n", "<style>\n", "<textarea>\n", "<![CDATA[\n", "<?x\n", "<!X\n", "> <!--\n"} {
		f.Add(front + open + "\n```js\n1\n```\n")
	}
	f.Add(front + "|a|b|\n|-|-|\n|c|\n\n[x]: /y\n\n[x] > - a\n")
	f.Add(exercises)
	f.Add(front + "```js exercise=a title=\"`x` \\\"y\\\"\"\n1\n```\n\n```js check=a\nc\n```\n\n```js solution=a\ns\n```\n\n```hint=a\n```\n\nQ?\n\n```answer\nA\n```\n")
	f.Fuzz(func(t *testing.T, src string) {
		nb, err := Parse("f.md", []byte(src))
		if err != nil {
			return
		}
		checkPageAgrees(t, nb)
		out := nb.Markdown()
		again, err := Parse("f.md", out)
		if err != nil {
			t.Fatalf("Parse(Markdown()) failed: %v\ninput %q\noutput %q", err, src, out)
		}
		if got, want := kindsAndSources(again.Blocks), kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
			t.Fatalf("blocks changed\ninput  %q\noutput %q\ngot  %q\nwant %q", src, out, got, want)
		}
	})
}

// checkPageAgrees checks that the page, which finds a notebook's cells
// as the section.cell elements of the HTML that Render wrote (through
// wasm/docs, which calls this package), finds exactly the parsed cells,
// in order: raw HTML in prose cannot add one, since it is not rendered.
func checkPageAgrees(t *testing.T, nb *Notebook) {
	t.Helper()
	if got, want := strings.Count(nb.HTML, `<section class="cell"`), len(nb.Cells()); got != want {
		t.Fatalf("the HTML holds %d cells, the notebook %d", got, want)
	}
	for i := range nb.Cells() {
		if !strings.Contains(nb.HTML, fmt.Sprintf(`data-cell="%d"`, i)) {
			t.Fatalf("cell %d is missing from the HTML", i)
		}
	}
}

// Share data from anywhere never panics the page, and whatever it
// accepts encodes to a link that gives back the same blocks.
func FuzzDecodeShare(f *testing.F) {
	f.Add("")
	f.Add("nb=AAAA")
	f.Add("2.AAAAAAAA")
	for _, src := range []string{good, front + "$$\nx\n$$\n\n```js\n1\n```\n", exercises} {
		nb, err := Parse("f.md", []byte(src))
		if err != nil {
			f.Fatal(err)
		}
		link, err := EncodeShare(nb)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(link)
	}
	f.Fuzz(func(t *testing.T, s string) {
		decodeShareRoundTrip(t, s)
		// s as the compressed data of a link with a correct checksum, so
		// that the fuzzer also reaches the inflating and parsing.
		packed := binary.BigEndian.AppendUint32([]byte(s), shareChecksum([]byte(s)))
		decodeShareRoundTrip(t, ShareVersion+"."+base64.RawURLEncoding.EncodeToString(packed))
	})
}

// decodeShareRoundTrip decodes a link and, if it is accepted, checks that
// the page finds its cells and that it encodes to a link giving the same
// blocks.
func decodeShareRoundTrip(t *testing.T, s string) {
	t.Helper()
	nb, err := DecodeShare(s)
	if err != nil {
		if !strings.HasPrefix(err.Error(), "share link: ") {
			t.Fatalf("error %q does not say what failed", err)
		}
		return
	}
	checkPageAgrees(t, nb)
	link, err := EncodeShare(nb)
	if err != nil {
		if len(nb.Markdown()) > MaxShareSize { // closing open blocks added a little
			return
		}
		t.Fatal(err)
	}
	again, err := DecodeShare(link)
	if err != nil {
		t.Fatalf("the re-encoded link fails: %v", err)
	}
	if got, want := kindsAndSources(again.Blocks), kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
		t.Fatalf("blocks changed\ngot  %q\nwant %q", got, want)
	}
}

// Files from anywhere never panic the page; whatever ParseIPynb accepts,
// IPynb writes back to a file that gives the same blocks.
func FuzzParseIPynb(f *testing.F) {
	f.Add(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a"]}]}`)
	f.Add(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": [null]}]}`)
	f.Add(`{"nbformat": 4, "metadata": {"tinytorch": {"title": "t"}}, "cells": [{"cell_type": "markdown", "source": "<!-- a"}, {"cell_type": "code", "source": "1"}]}`)
	f.Add(`{"nbformat": 4, "metadata": {"language_info": {"name": "python"}}, "cells": [{"cell_type": "code", "source": "print(1)"}]}`)
	f.Add(`{"nbformat": 4, "metadata": {"tinytorch": {"exercises": {"a": {"passed": true, "hints": 3}}}}, "cells": [{"cell_type": "code", "source": "x", "metadata": {"tinytorch": {"id": "a", "title": "T", "check": "c", "solution": "s", "hints": ["h", "# H"]}}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		nb, err := ParseIPynb("f.ipynb", []byte(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.ipynb") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		checkPageAgrees(t, nb)
		out, err := nb.IPynb(nil)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseIPynb("f.ipynb", out)
		if err != nil {
			t.Fatalf("the written file fails: %v\n%s", err, out)
		}
		if got, want := kindsAndSources(again.Blocks), kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
			t.Fatalf("blocks changed\ngot  %q\nwant %q", got, want)
		}
		if !reflect.DeepEqual(again.Progress, nb.Progress) {
			t.Fatalf("progress changed\ngot  %v\nwant %v", again.Progress, nb.Progress)
		}
	})
}

// Whatever the page's editor holds, Markdown writes a file Parse reads.
func FuzzBlocksMarkdown(f *testing.F) {
	f.Add("Title: x", "# A\n\n```python\nx\n", "const s = `\n```\n`;")
	f.Add("it's", "- a\n\n  ```\n", "")
	f.Add("e", "```hint=a\nx\n```\n", "1")
	f.Fuzz(func(t *testing.T, title, md, src string) {
		if strings.TrimSpace(title) == "" || !utf8.ValidString(title) || !utf8.ValidString(md) || !utf8.ValidString(src) {
			return
		}
		nb := &Notebook{Title: title, Chapter: "1", Summary: "s", Blocks: []Block{prose(md), code(src), prose("end\n")}}
		out := nb.Markdown()
		again, err := Parse("f.md", out)
		if err != nil && hasRoleFence(md) {
			return // Markdown that writes an exercise's fence is read as one: the format
		}
		if err != nil {
			t.Fatalf("Parse(Markdown()) failed: %v\n%q", err, out)
		}
		if again.Title != title && !strings.ContainsFunc(title, unicode.IsControl) {
			t.Errorf("title %q came back as %q", title, again.Title)
		}
	})
}

// hasRoleFence reports whether md holds a fence line that looks like an
// exercise's (exercise.go): an info string with "=" or "answer".
func hasRoleFence(md string) bool {
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimLeft(line, " \t>-*+0123456789.)")
		if info := strings.TrimLeft(line, "`~"); len(line)-len(info) >= 3 && (strings.Contains(info, "=") || strings.HasPrefix(strings.TrimSpace(info), "answer")) {
			return true
		}
	}
	return false
}
