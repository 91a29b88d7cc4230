package notebook

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// exercises is a canonical notebook with two exercises (one titled, one
// numbered, one with hints) and a reflective question with its answer.
const exercises = front + `
# Exercises

Write ReLU's backward.

` + "```js exercise=relu-backward title=\"ReLU's \\\"backward\\\"\"" + `
function reluBackward(x, grad) {
  return tt.todo("reluBackward");
}
` + "```" + `

` + "```js check=relu-backward" + `
tt.check.that(reluBackward(1, 2) === 2, "wrong");
` + "```" + `

` + "```js solution=relu-backward" + `
function reluBackward(x, grad) {
  return x > 0 ? grad : 0;
}
` + "```" + `

` + "```hint=relu-backward" + `
First hint, with $x$.
` + "```" + `

` + "`````hint=relu-backward" + "\n````\n" + `nested
` + "````\n`````" + `

Why does it matter?

` + "```answer" + `
Because **gradients** flow.
` + "```" + `

` + "```js" + `
const y = 1;
` + "```" + `

` + "```js exercise=double" + `
const double = (x) => tt.todo("double");
` + "```" + `

` + "```js check=double" + `
if (double(2) !== 4) throw new Error("double(2) should be 4");
"✓ double"
` + "```" + `

` + "```js solution=double" + `
const double = (x) => 2 * x;
` + "```" + `
`

func TestExerciseParse(t *testing.T) {
	nb, err := Parse("f.md", []byte(exercises))
	if err != nil {
		t.Fatal(err)
	}
	exs := nb.Exercises()
	if len(exs) != 2 {
		t.Fatalf("%d exercises, want 2", len(exs))
	}
	want := &Exercise{ID: "relu-backward", Title: `ReLU's "backward"`,
		Check:    "tt.check.that(reluBackward(1, 2) === 2, \"wrong\");\n",
		Solution: "function reluBackward(x, grad) {\n  return x > 0 ? grad : 0;\n}\n",
		Hints:    []string{"First hint, with $x$.\n", "````\nnested\n````\n"}}
	if !reflect.DeepEqual(exs[0], want) {
		t.Errorf("first exercise\ngot  %v\nwant %v", exs[0], want)
	}
	if exs[1].ID != "double" || exs[1].Title != "" || len(exs[1].Hints) != 0 {
		t.Errorf("second exercise: %v", exs[1])
	}
	if cells := nb.Cells(); len(cells) != 3 || !strings.Contains(cells[0], "tt.todo(\"reluBackward\")") {
		t.Errorf("cells %q: want the two starters and the plain cell", cells)
	}
	if got := string(nb.Markdown()); got != exercises {
		t.Errorf("Markdown is not byte-identical: %s", diffLine(got, exercises))
	}
}

func TestExerciseHTML(t *testing.T) {
	nb, err := Parse("f.md", []byte(exercises))
	if err != nil {
		t.Fatal(err)
	}
	checkPageAgrees(t, nb)
	for _, want := range []string{
		`<section class="cell" id="cell-1" data-cell="0" data-exercise="relu-backward"`,
		`<p class="exercise-title">ReLU&#39;s &#34;backward&#34;</p>`,
		`data-exercise="double"`, `<p class="exercise-title">Exercise 2</p>`,
		`<details class="answer"><summary>Show model answer</summary>`,
		`<strong>gradients</strong>`,
	} {
		if !strings.Contains(nb.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(nb.HTML, "```answer") || strings.Contains(nb.HTML, "hint=") {
		t.Errorf("a role fence is shown as code:\n%s", nb.HTML)
	}
	// The data script holds the check, the solution and the hints as HTML,
	// and nothing in it can close the script early.
	_, after, _ := strings.Cut(nb.Blocks[1].HTML, `<script type="application/json" class="exercise-data">`)
	raw, _, _ := strings.Cut(after, "</script>")
	var data ExerciseData
	if err := json.Unmarshal([]byte(raw), &data); err != nil {
		t.Fatalf("exercise data %q: %v", raw, err)
	}
	if data.Check != nb.Exercises()[0].Check || len(data.Hints) != 2 ||
		!strings.Contains(data.Hints[0], `<span class="math math-inline">x</span>`) || !strings.Contains(data.Hints[1], "<pre><code>nested") {
		t.Errorf("exercise data %+v", data)
	}
	ex := &Exercise{ID: "x", Check: "'</script><b>'", Solution: "s"}
	out, err := ExerciseHTML(0, 1, "", ex)
	if err != nil || strings.Count(out, "</script>") != 1 {
		t.Errorf("a check holding </script> closes the data script: %s", out)
	}
}

// Each rule of the format gives a file:line: reason error.
func TestExerciseErrors(t *testing.T) {
	ex := func(id, title string) string {
		info := "js exercise=" + id
		if title != "" {
			info += " title=" + title
		}
		return "```" + info + "\nstart\n```\n\n"
	}
	part := func(role, id string) string {
		if role == "hint" {
			return "```hint=" + id + "\nh\n```\n\n"
		}
		return "```js " + role + "=" + id + "\ncode\n```\n\n"
	}
	full := func(id string) string { return ex(id, "") + part("check", id) + part("solution", id) }
	for _, tc := range []struct {
		name, body string
		line       int // of the error, in the file (the body starts at 6)
		want       string
	}{
		{"unknown js role", "```js exrcise=a\nx\n```\n", 6, `unknown role "exrcise=a"`},
		{"unknown role", "text\n\n```solutions=a\nx\n```\n", 8, `unknown role "solutions=a"`},
		{"check with no exercise", "text\n\n" + part("check", "a"), 8, "check=a has no ```js exercise=a before it"},
		{"hint with no exercise", part("hint", "a"), 6, "hint=a has no ```js exercise=a before it"},
		{"check of another exercise", ex("a", "") + part("check", "b"), 10, "check=b has no ```js exercise=b before it"},
		{"part apart from its exercise", ex("a", "") + "prose\n\n" + part("check", "a"), 12, "check=a is apart from its exercise (line 6)"},
		{"solution apart", full("a") + "prose\n\n" + part("hint", "a"), 20, "hint=a is apart from its exercise (line 6)"},
		{"missing check", ex("a", "") + part("solution", "a"), 10, "solution=a: out of order after the exercise"},
		{"missing check at end", ex("a", ""), 6, "exercise a has no ```js check=a block"},
		{"missing solution", ex("a", "") + part("check", "a") + "prose\n", 6, "exercise a has no ```js solution=a block"},
		{"missing solution before a cell", ex("a", "") + part("check", "a") + "```js\n1\n```\n", 6, "exercise a has no ```js solution=a block"},
		{"hint before solution", ex("a", "") + part("check", "a") + part("hint", "a"), 14, "hint=a: out of order after the check"},
		{"second check", ex("a", "") + part("check", "a") + part("check", "a"), 14, "check=a: a second check for the exercise"},
		{"check after solution", full("a") + part("check", "a"), 18, "check=a: out of order after the solution"},
		{"second solution", ex("a", "") + part("check", "a") + part("solution", "a") + part("solution", "a"), 18, "a second solution"},
		{"duplicate id", full("a") + "text\n\n" + full("a"), 20, `exercise id "a" is used twice (first at line 6)`},
		{"upper-case id", ex("Relu", ""), 6, `exercise=Relu: the id may hold only lower-case letters, digits and -, not 'R'`},
		{"id with underscore", part("hint", "a_b"), 6, `hint=a_b: the id may hold only`},
		{"empty id", ex("", ""), 6, "exercise= needs an id"},
		{"unclosed title", ex("a", `"x y`), 6, "title=: the quoted value \"x y is never closed"},
		{"title on a check", ex("a", "") + "```js check=a title=\"x\"\nc\n```\n", 10, `check=a: unexpected "title=\"x\""`},
		{"two titles", ex("a", `"x" title="y"`), 6, `exercise=a: unexpected "title=\"y\""`},
		{"empty check", ex("a", "") + "```js check=a\n\n```\n", 10, "check=a is empty"},
		{"answer first", "```answer\nA\n```\n", 6, "an ```answer block must follow the prose of its question (it follows nothing)"},
		{"answer after a cell", "text\n\n```js\n1\n```\n\n```answer\nA\n```\n", 12, "an ```answer block must follow the prose of its question (it follows a fenced block)"},
		{"answer after an exercise", full("a") + "```answer\nA\n```\n", 18, "must follow the prose"},
		{"answer with words", "text\n\n```answer please\nA\n```\n", 8, `answer takes nothing more, found "please"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.md", []byte(front+tc.body))
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.body)
			}
			want := "f.md:" + itoa(tc.line) + ": "
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant %q…%q", err, want, tc.want)
			}
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// Titles with quotes, backslashes and backticks survive Markdown and
// Parse.
func TestExerciseTitleRoundTrip(t *testing.T) {
	for _, title := range []string{`a "b"`, `c:\d`, "use `x`", `\"`, "naïve ∑"} {
		nb := &Notebook{Title: "t", Chapter: "1", Summary: "s", Blocks: []Block{
			{Kind: Code, Lang: CellLanguage, Source: "```x\n", Exercise: &Exercise{ID: "e-1", Title: title, Check: "c\n", Solution: "~~~\n", Hints: []string{"```\n"}}},
		}}
		again, err := Parse("f.md", nb.Markdown())
		if err != nil {
			t.Fatalf("%q: %v\n%s", title, err, nb.Markdown())
		}
		if got, want := kindsAndSources(again.Blocks), kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\ngot  %v\nwant %v", title, got, want)
		}
	}
}

func TestExerciseIPynb(t *testing.T) {
	nb, err := Parse("f.md", []byte(exercises))
	if err != nil {
		t.Fatal(err)
	}
	nb.Blocks[1].Source = "function reluBackward(x, g) { return g; }\n" // the student's code
	nb.Progress = map[string]Progress{"relu-backward": {Passed: true, Hints: 1}, "gone": {Passed: true}}
	data, err := nb.IPynb(nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Metadata struct {
			TinyTorch struct {
				Exercises map[string]Progress `json:"exercises"`
			} `json:"tinytorch"`
		} `json:"metadata"`
		Cells []struct {
			CellType string         `json:"cell_type"`
			Metadata map[string]any `json:"metadata"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	wantProgress := map[string]Progress{"relu-backward": {Passed: true, Hints: 1}, "double": {}}
	if got := doc.Metadata.TinyTorch.Exercises; !reflect.DeepEqual(got, wantProgress) {
		t.Errorf("progress metadata %v, want %v", got, wantProgress)
	}
	meta, _ := doc.Cells[1].Metadata["tinytorch"].(map[string]any)
	if doc.Cells[1].CellType != "code" || meta["id"] != "relu-backward" || meta["title"] != `ReLU's "backward"` ||
		meta["solution"] != nb.Exercises()[0].Solution || len(meta["hints"].([]any)) != 2 {
		t.Errorf("exercise cell metadata %v", doc.Cells[1].Metadata)
	}
	again, err := ParseIPynb("f.ipynb", data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kindsAndSources(again.Blocks), kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
		t.Errorf("blocks changed\ngot  %v\nwant %v", got, want)
	}
	if !reflect.DeepEqual(again.Progress, map[string]Progress{"relu-backward": {Passed: true, Hints: 1}, "double": {}}) {
		t.Errorf("progress read back %v", again.Progress)
	}
	// And on to Markdown: the student's code is the exercise's cell.
	md, err := Parse("f.md", again.Markdown())
	if err != nil {
		t.Fatal(err)
	}
	if md.Cells()[0] != nb.Blocks[1].Source || !reflect.DeepEqual(md.Exercises(), nb.Exercises()) {
		t.Errorf("ipynb → md lost the exercise: %v", md.Exercises())
	}
}

func TestExerciseIPynbErrors(t *testing.T) {
	cell := func(meta string) string {
		return `{"cell_type": "code", "source": "x", "metadata": {"tinytorch": ` + meta + `}}`
	}
	for _, tc := range []struct{ name, cells, want string }{
		{"bad id", cell(`{"id": "A b", "check": "c", "solution": "s"}`), `f.ipynb: cell 1: exercise=A b: the id may hold only`},
		{"no check", cell(`{"id": "a", "solution": "s"}`), "f.ipynb: cell 1: exercise a has no check"},
		{"no solution", cell(`{"id": "a", "check": "c"}`), "f.ipynb: cell 1: exercise a has no solution"},
		{"hints not a list", cell(`{"id": "a", "check": "c", "solution": "s", "hints": "h"}`), `f.ipynb: cell 1: metadata: "tinytorch.hints" is string, expected a list`},
		{"two-line title", cell(`{"id": "a", "title": "x\ny", "check": "c", "solution": "s"}`), "f.ipynb: cell 1: exercise a: the title must be one line"},
		{"duplicate", cell(`{"id": "a", "check": "c", "solution": "s"}`) + "," + cell(`{"id": "a", "check": "c", "solution": "s"}`), `f.ipynb: cell 2: exercise id "a" is used twice (first by cell 1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIPynb("f.ipynb", []byte(`{"nbformat": 4, "cells": [`+tc.cells+`]}`))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	_, err := ParseIPynb("f.ipynb", []byte(`{"nbformat": 4, "metadata": {"tinytorch": {"exercises": {"a": {"passed": 1}}}}, "cells": []}`))
	if err == nil || !strings.Contains(err.Error(), "f.ipynb: metadata: tinytorch.exercises:") {
		t.Errorf("bad progress: %v", err)
	}
}

// A share link carries the student's code in an exercise, and the
// exercise itself.
func TestExerciseShare(t *testing.T) {
	nb, err := Parse("f.md", []byte(exercises))
	if err != nil {
		t.Fatal(err)
	}
	nb.Blocks[1].Source = "const mine = 1;\n"
	link, err := EncodeShare(nb)
	if err != nil {
		t.Fatal(err)
	}
	again, err := DecodeShare(link)
	if err != nil {
		t.Fatal(err)
	}
	if again.Cells()[0] != "const mine = 1;\n" || !reflect.DeepEqual(again.Exercises(), nb.Exercises()) {
		t.Errorf("the link lost the student's code or the exercise: %q %v", again.Cells(), again.Exercises())
	}
}
