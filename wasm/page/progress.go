//go:build js && wasm

package page

import (
	"net/url"
	"strings"
	"syscall/js"
)

// The student's progress on each exercise (passed, hints revealed,
// solution seen) is kept by exercise id on the notebook, so a cell made
// afresh (turned into Markdown and back, restored from a saved layout)
// shows it too. It is saved in the notebook's record (persist.go) as
//
//	"exercises": {"relu-backward": {"passed": true, "checked": true, "hints": 1, "seen": false, "code": "…"}}
//
// read back on the next visit, counted in the chapter list of the index
// page (web/src/progress.js) and exported in the .ipynb metadata. "code"
// is the student's code that passed the last check (absent otherwise):
// a later notebook runs it with tt.exercises.load (wasm/kernel/exercises.go),
// so a milestone can train with the student's own components.

// exerciseProgress is the progress on one exercise.
type exerciseProgress struct {
	Passed       bool // the last check passed
	Checked      bool // a check has run (a failure is shown as failed)
	Hints        int  // hints revealed
	SolutionSeen bool
	Code         string // the code that passed the last check, "" when it failed
}

// progressOf is the progress on exercise id, made on first use.
func (nb *notebook) progressOf(id string) *exerciseProgress {
	if nb.progress == nil {
		nb.progress = map[string]*exerciseProgress{}
	}
	p := nb.progress[id]
	if p == nil {
		p = &exerciseProgress{}
		nb.progress[id] = p
	}
	return p
}

// exercises lists the exercises on the page, in order.
func (nb *notebook) exercises() []*exercise {
	var out []*exercise
	for _, c := range nb.cells {
		if c.ex != nil {
			out = append(out, c.ex)
		}
	}
	return out
}

// progressRecord is the progress on the page's exercises as saved: one
// entry per exercise the notebook publishes (also one the student
// deleted).
func (nb *notebook) progressRecord() map[string]any {
	items := map[string]any{}
	for _, d := range nb.exData {
		p := nb.progressOf(d.ID)
		item := map[string]any{"passed": p.Passed, "checked": p.Checked, "hints": p.Hints, "seen": p.SolutionSeen}
		if p.Passed && p.Code != "" {
			item["code"] = p.Code
		}
		items[d.ID] = item
	}
	return items
}

// restoreProgress reads the progress saved in a record and shows it.
func (nb *notebook) restoreProgress(rec js.Value) {
	saved := rec.Get("exercises")
	if saved.Type() != js.TypeObject {
		return
	}
	for _, d := range nb.exData {
		item := saved.Get(d.ID)
		if item.Type() != js.TypeObject {
			continue
		}
		p := nb.progressOf(d.ID)
		p.Passed = item.Get("passed").Truthy()
		p.Checked = item.Get("checked").Truthy() || p.Passed
		p.SolutionSeen = item.Get("seen").Truthy()
		if code := item.Get("code"); p.Passed && code.Type() == js.TypeString {
			p.Code = code.String()
		}
		if h := item.Get("hints"); h.Type() == js.TypeNumber {
			p.Hints = min(max(h.Int(), 0), len(d.Hints))
		}
	}
	for _, ex := range nb.exercises() {
		ex.showProgress()
	}
}

// progressJSON is the progress for the .ipynb export: by exercise id,
// {passed, hints, solutionSeen} (internal/notebook's Progress).
func (nb *notebook) progressJSON() string {
	out := map[string]any{}
	for _, d := range nb.exData {
		p := nb.progressOf(d.ID)
		out[d.ID] = map[string]any{"passed": p.Passed, "hints": p.Hints, "solutionSeen": p.SolutionSeen}
	}
	return stringify(out)
}

// solutionsMode reports whether the page was opened with ?solutions=1,
// the browser suite's hook (EXERCISES.md §2): every exercise starts with
// its solution, and nothing is restored or saved.
func solutionsMode() bool {
	u, err := url.Parse(js.Global().Get("location").Get("href").String())
	return err == nil && u.Query().Get("solutions") == "1"
}

// useAllSolutions puts every exercise's solution into its cell.
func (nb *notebook) useAllSolutions() {
	for _, ex := range nb.exercises() {
		ex.c.setCode(strings.TrimSuffix(ex.data.Solution, "\n"))
	}
}
