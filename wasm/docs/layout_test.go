package docs

import (
	"encoding/json"
	"strings"
	"testing"

	nbformat "tinytorch/internal/notebook"
)

const sample = "---\ntitle: T\nchapter: \"1\"\nsummary: S\n---\n\n# Intro\n\n```js\n1\n```\n\nMiddle.\n\n```js\n2\n```\n\nEnd.\n"

func TestArrangeBlocks(t *testing.T) {
	doc, err := nbformat.Parse("t.md", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		entries []pageEntry
		want    string // the body of the Markdown, after the front matter
	}{
		{"as published", []pageEntry{{T: "prose", P: 0}, {T: "code", S: "1"}, {T: "prose", P: 1}, {T: "code", S: "2"}, {T: "prose", P: 2}},
			"# Intro\n\n```js\n1\n```\n\nMiddle.\n\n```js\n2\n```\n\nEnd.\n"},
		{"added, moved, deleted and Markdown cells",
			[]pageEntry{{T: "prose", P: 0}, {T: "code", S: "2"}, {T: "md", S: "My *note*"}, {T: "code", S: "added"}, {T: "prose", P: 1}, {T: "prose", P: 2}},
			"# Intro\n\n```js\n2\n```\n\nMy *note*\n\n```js\nadded\n```\n\nMiddle.\n\nEnd.\n"},
		{"a slot the page left out is kept at the end; an empty Markdown cell is dropped",
			[]pageEntry{{T: "code", S: "1"}, {T: "md", S: "  \n"}, {T: "prose", P: 2}, {T: "prose", P: 2}, {T: "prose", P: 9}},
			"```js\n1\n```\n\nEnd.\n\n# Intro\n\nMiddle.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := nbformat.Parse("t.md", []byte(sample))
			d.Blocks = arrangeBlocks(d, tt.entries)
			_, body, _ := strings.Cut(string(d.Markdown()), "---\n\n")
			if body != tt.want {
				t.Errorf("Markdown body:\n%s\nwant:\n%s", body, tt.want)
			}
		})
	}
	if n := len(proseSlots(doc)); n != 3 {
		t.Errorf("proseSlots: %d slots, want 3", n)
	}
}

// FuzzArrangeBlocks: whatever the page sends, the arranged notebook's
// Markdown reads back, with every code cell the page listed in order.
func FuzzArrangeBlocks(f *testing.F) {
	f.Add(`[{"t":"prose","p":0},{"t":"code","s":"1"},{"t":"md","s":"# x"},{"t":"prose","p":2}]`)
	f.Add(`[{"t":"md","s":"<!-- open"},{"t":"code","s":"2"}]`)
	f.Add(`[{"t":"md","s":"~~~"},{"t":"code","s":"` + "```" + `"}]`)
	f.Fuzz(func(t *testing.T, data string) {
		var entries []pageEntry
		if json.Unmarshal([]byte(data), &entries) != nil {
			return
		}
		doc, err := nbformat.Parse("t.md", []byte(sample))
		if err != nil {
			t.Fatal(err)
		}
		doc.Blocks = arrangeBlocks(doc, entries)
		md := doc.Markdown()
		back, err := nbformat.Parse("t.md", md)
		if err != nil {
			if strings.Contains(err.Error(), "budget") || strings.Contains(err.Error(), "more than") || strings.Contains(err.Error(), "UTF-8") {
				return // a page cannot make these from text typed in cells within the budgets
			}
			t.Fatalf("the arranged notebook does not read back: %v\n%s", err, md)
		}
		var want []string
		for _, e := range entries {
			if e.T == "code" {
				want = append(want, withNewline(e.S))
			}
		}
		if got := back.Cells(); len(got) < len(want) {
			t.Fatalf("%d code cells read back, want at least %d\n%s", len(got), len(want), md)
		}
	})
}

// A published exercise stays an exercise with the student's code, once
// even when the page lists its cell twice.
func TestArrangeBlocksExercise(t *testing.T) {
	src := "---\ntitle: T\nchapter: \"1\"\nsummary: S\n---\n\nDo it.\n\n```js exercise=a\nstart\n```\n\n```js check=a\nc\n```\n\n```js solution=a\ns\n```\n\n```js\n2\n```\n"
	doc, err := nbformat.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	doc.Blocks = arrangeBlocks(doc, []pageEntry{{T: "prose", P: 0}, {T: "code", P: 1, S: "2"}, {T: "code", P: 0, S: "mine"}, {T: "code", P: 0, S: "copy"}, {T: "prose", P: 1}, {T: "prose", P: 2}})
	again, err := nbformat.Parse("t.md", doc.Markdown())
	if err != nil {
		t.Fatalf("%v\n%s", err, doc.Markdown())
	}
	exs := again.Exercises()
	if len(exs) != 1 || exs[0].ID != "a" || exs[0].Check != "c\n" {
		t.Fatalf("exercises %v", exs)
	}
	if got := again.Cells(); strings.Join(got, "|") != "2\n|mine\n|copy\n" {
		t.Errorf("cells %q", got)
	}
	if again.Blocks[2].Exercise == nil {
		t.Errorf("the student's code is not in the exercise: %v", again.Blocks)
	}
}
