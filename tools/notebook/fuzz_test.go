package notebook

import (
	"reflect"
	"testing"
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
