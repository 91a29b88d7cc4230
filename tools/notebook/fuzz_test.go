package notebook

import (
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
	f.Fuzz(func(t *testing.T, src string) {
		nb, err := Parse("f.md", []byte(src))
		if err != nil {
			return
		}
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

// Share data from anywhere never panics the page.
func FuzzDecodeShare(f *testing.F) {
	f.Add("")
	f.Add("nb=AAAA")
	f.Fuzz(func(t *testing.T, s string) { DecodeShare(s) })
}

// Files from anywhere never panic the page.
func FuzzParseIPynb(f *testing.F) {
	f.Add(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a"]}]}`)
	f.Fuzz(func(t *testing.T, s string) { ParseIPynb("f.ipynb", []byte(s)) })
}

// Whatever the page's editor holds, Markdown writes a file Parse reads.
func FuzzBlocksMarkdown(f *testing.F) {
	f.Add("Title: x", "# A\n\n```python\nx\n", "const s = `\n```\n`;")
	f.Add("it's", "- a\n\n  ```\n", "")
	f.Fuzz(func(t *testing.T, title, md, src string) {
		if strings.TrimSpace(title) == "" || !utf8.ValidString(title) || !utf8.ValidString(md) || !utf8.ValidString(src) {
			return
		}
		nb := &Notebook{Title: title, Chapter: "1", Summary: "s", Blocks: []Block{prose(md), code(src), prose("end\n")}}
		out := nb.Markdown()
		again, err := Parse("f.md", out)
		if err != nil {
			t.Fatalf("Parse(Markdown()) failed: %v\n%q", err, out)
		}
		if again.Title != title && !strings.ContainsFunc(title, unicode.IsControl) {
			t.Errorf("title %q came back as %q", title, again.Title)
		}
	})
}
