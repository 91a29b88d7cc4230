//go:build js && wasm

package page

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// This file is the page's side of a checked exercise (EXERCISES.md): a
// code cell with a header (its title and check state) and the buttons
// Check, Hint, Show solution and Reset to starter. Check runs the cell,
// then the exercise's hidden check in the same scope (queue.go); the
// check area shows the returned summary or the thrown message and its
// structured fields. The student's progress (progress.go) is kept per
// exercise id, so it outlives the cell's editor.

// Check states, set as data-check on the exercise's section.
const (
	checkNone     = "unchecked"
	checkRunning  = "checking"
	checkPassed   = "passed"
	checkFailed   = "failed"
	checkStateTxt = "not checked"
)

// exerciseData is what a published exercise cell carries in its
// <script class="exercise-data">: the JSON of internal/notebook's
// ExerciseData. The page reads it with its own copy of the shape, because
// importing internal/notebook would link the Markdown renderer (goldmark)
// into the page wasm (internal/importgraph forbids it);
// TestExerciseDataMatchesNotebook keeps the two in step.
type exerciseData struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Check    string   `json:"check"`
	Solution string   `json:"solution"`
	Hints    []string `json:"hints"` // HTML
}

// exercise is the exercise UI of one cell.
type exercise struct {
	c        *cell
	data     *exerciseData
	state    dom.Element // "not checked", "passed", …
	checkBtn *dom.HTMLButtonElement
	hintBtn  *dom.HTMLButtonElement
	solBtn   *dom.HTMLButtonElement
	undoBtn  *dom.HTMLButtonElement
	result   dom.Element // the check area
	hints    dom.Element // the revealed hints, an <ol>
	confirm  dom.Element // "Show the solution?"
	solution dom.Element // the solution, read-only, with "Use this solution"
	// pending is set while the cell is queued or running for a check:
	// when its run ends, the check runs (queue.go).
	pending bool
	// checkedCode is the cell's code when the pending check started: the
	// code that passes or fails it.
	checkedCode string
	// undoCode is the code "Use this solution" or "Reset to starter"
	// replaced, for Undo.
	undoCode string
}

// readExerciseData reads the exercise data that Render wrote into a
// published cell's section, or nil for a cell that is no exercise.
func readExerciseData(section dom.Element) *exerciseData {
	if !section.HasAttribute("data-exercise") {
		return nil
	}
	script := section.QuerySelector("script.exercise-data")
	if script == nil {
		return nil
	}
	var d exerciseData
	if json.Unmarshal([]byte(script.TextContent()), &d) != nil || d.ID == "" {
		return nil
	}
	return &d
}

// newExercise gives cell c the exercise UI for d.
func newExercise(c *cell, d *exerciseData) *exercise {
	nb := c.nb
	ex := &exercise{c: c, data: d}
	root := c.root
	root.SetAttribute("data-exercise", d.ID)
	for _, old := range root.QuerySelectorAll(".exercise-title, script.exercise-data") {
		old.Remove() // the static markup, rebuilt below
	}
	head := nb.el("div", "exercise-head", "")
	title := nb.el("p", "exercise-title", "")
	if !strings.HasPrefix(d.Title, "Exercise ") { // an own title, not "Exercise 2"
		title.AppendChild(nb.el("span", "exercise-kind", "Exercise"))
		title.AppendChild(nb.doc.CreateTextNode(" "))
	}
	title.AppendChild(nb.doc.CreateTextNode(d.Title))
	ex.state = nb.el("span", "exercise-state", checkStateTxt)
	head.AppendChild(title)
	head.AppendChild(ex.state)
	root.InsertBefore(head, root.FirstChild())

	tools := nb.el("div", "exercise-tools", "")
	ex.checkBtn = ex.tool("✓ Check", "check", func() { nb.checkExercise(ex) })
	ex.checkBtn.Class().Add("primary")
	ex.hintBtn = ex.tool("Hint", "hint", ex.revealHint)
	ex.solBtn = ex.tool("Show solution", "solution", ex.toggleSolution)
	reset := ex.tool("Reset to starter", "reset", ex.resetToStarter)
	ex.undoBtn = ex.tool("Undo", "undo", ex.undo)
	for _, b := range []dom.Node{ex.checkBtn, ex.hintBtn, ex.solBtn, reset, ex.undoBtn} {
		tools.AppendChild(b)
	}
	setHidden(ex.hintBtn, len(d.Hints) == 0)
	setHidden(ex.undoBtn, true)
	ex.result = nb.el("div", "exercise-result", "")
	setHidden(ex.result, true)
	ex.hints = nb.el("ol", "exercise-hints", "")
	ex.hints.SetAttribute("aria-label", "Hints")
	ex.confirm = nb.el("div", "exercise-confirm", "")
	setHidden(ex.confirm, true)
	ex.solution = nb.el("div", "exercise-solution", "")
	setHidden(ex.solution, true)
	output := root.QuerySelector(".cell-output")
	for _, n := range []dom.Node{tools, ex.result, ex.hints, ex.confirm, ex.solution} {
		root.InsertBefore(n, output)
	}
	ex.showProgress()
	return ex
}

// tool makes one of the exercise's buttons; data-action names it for
// tests (EXERCISES.md §2).
func (ex *exercise) tool(text, action string, fn func()) *dom.HTMLButtonElement {
	b := ex.c.nb.button(text, "", fn)
	b.SetAttribute("data-action", action)
	return b
}

// progress is the student's progress on this exercise.
func (ex *exercise) progress() *exerciseProgress { return ex.c.nb.progressOf(ex.data.ID) }

// name is how announcements name the exercise.
func (ex *exercise) name() string {
	if strings.HasPrefix(ex.data.Title, "Exercise ") {
		return ex.data.Title
	}
	return "Exercise “" + ex.data.Title + "”"
}

// label names the buttons after the cell's number, for screen readers.
func (ex *exercise) label(n int) {
	for b, text := range map[*dom.HTMLButtonElement]string{
		ex.checkBtn: "Check %s (cell %d): run it, then its check",
		ex.solBtn:   "Show the solution of %s (cell %d)",
	} {
		label := fmt.Sprintf(text, ex.name(), n)
		b.SetAttribute("aria-label", label)
		b.SetAttribute("title", label)
	}
	ex.labelHint()
}

// showProgress shows the saved progress: the check state, the revealed
// hints and whether the solution was seen.
func (ex *exercise) showProgress() {
	p := ex.progress()
	switch {
	case p.Passed:
		ex.setState(checkPassed, "passed")
	case p.Checked:
		ex.setState(checkFailed, "failed")
	default:
		ex.setState(checkNone, checkStateTxt)
	}
	for childCount(ex.hints) < min(p.Hints, len(ex.data.Hints)) {
		ex.appendHint(childCount(ex.hints))
	}
	ex.labelHint()
	ex.markSeen()
}

// setState shows the check state in the header and on the section.
func (ex *exercise) setState(state, text string) {
	ex.c.root.SetAttribute("data-check", state)
	ex.state.SetTextContent(text)
}

// startCheck marks the exercise as waiting for its check.
func (ex *exercise) startCheck() {
	ex.pending, ex.checkedCode = true, ex.c.code()
	ex.setState(checkRunning, "checking…")
	ex.c.root.SetAttribute("aria-busy", "true")
}

// passed shows a passing check's summary.
func (ex *exercise) passed(summary string) {
	ex.result.SetInnerHTML("")
	ex.result.Class().SetString("exercise-result pass")
	ex.result.AppendChild(ex.c.nb.el("p", "exercise-summary", summary))
	ex.finish(checkPassed, "passed")
	ex.c.nb.announce(ex.name() + " passed: " + summary)
}

// failed shows a failing check: its message and, when the thrown error
// had .check, its fields (EXERCISES.md §3).
func (ex *exercise) failed(message string, fields map[string]string) {
	nb := ex.c.nb
	ex.result.SetInnerHTML("")
	ex.result.Class().SetString("exercise-result fail")
	ex.result.AppendChild(nb.el("p", "exercise-verdict", "✗ Not yet:"))
	ex.result.AppendChild(nb.el("pre", "exercise-message", message))
	if len(fields) > 0 {
		dl := nb.el("dl", "exercise-fields", "")
		for _, name := range []string{"case", "input", "expected", "got", "index", "mistake"} {
			if v := fields[name]; v != "" {
				dl.AppendChild(nb.el("dt", "", name))
				dl.AppendChild(nb.el("dd", "", v))
			}
		}
		if childCount(dl) > 0 {
			ex.result.AppendChild(dl)
		}
	}
	ex.finish(checkFailed, "failed")
	nb.announce(ex.name() + " failed: " + firstLine(message))
}

// finish ends a check with a result: it is shown, saved and counted.
func (ex *exercise) finish(state, text string) {
	ex.pending = false
	ex.c.root.RemoveAttribute("aria-busy")
	setHidden(ex.result, false)
	ex.setState(state, text)
	p := ex.progress()
	p.Passed, p.Checked, p.Code = state == checkPassed, true, ""
	if p.Passed {
		p.Code = ex.checkedCode
	}
	ex.c.nb.saved.schedule()
}

// abort ends a check that did not finish (stopped, cancelled, the
// kernel restarted): the state goes back to the last result.
func (ex *exercise) abort(why string) {
	if !ex.pending {
		return
	}
	ex.pending = false
	ex.c.root.RemoveAttribute("aria-busy")
	ex.showProgress()
	if why != "" {
		ex.c.nb.announce(ex.name() + ": " + why)
	}
}

// firstLine is the first line of a message, for an announcement.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// labelHint says on the Hint button how many hints are left.
func (ex *exercise) labelHint() {
	shown, total := childCount(ex.hints), len(ex.data.Hints)
	text := fmt.Sprintf("Hint · %d left", total-shown)
	if shown >= total {
		text = "No more hints"
		ex.hintBtn.SetAttribute("aria-disabled", "true")
	} else {
		ex.hintBtn.RemoveAttribute("aria-disabled")
	}
	ex.hintBtn.SetTextContent(text)
	label := fmt.Sprintf("%s: show the next hint, %d of %d left", ex.name(), total-shown, total)
	if shown >= total {
		label = fmt.Sprintf("%s: all %d hints are shown", ex.name(), total)
	}
	ex.hintBtn.SetAttribute("aria-label", label)
	ex.hintBtn.SetAttribute("title", label)
}

// revealHint shows the next hint and says how many are left.
func (ex *exercise) revealHint() {
	shown, total := childCount(ex.hints), len(ex.data.Hints)
	if shown >= total {
		ex.c.nb.announce(fmt.Sprintf("All %d hints of %s are shown", total, ex.name()))
		return
	}
	li := ex.appendHint(shown)
	p := ex.progress()
	p.Hints = max(p.Hints, shown+1)
	ex.labelHint()
	ex.c.nb.saved.schedule()
	left := total - shown - 1
	ex.c.nb.announce(fmt.Sprintf("Hint %d of %d: %s (%d left)", shown+1, total, strings.TrimSpace(li.TextContent()), left))
}

// appendHint adds hint i to the list, its math typeset.
func (ex *exercise) appendHint(i int) dom.Element {
	li := ex.c.nb.el("li", "exercise-hint", "")
	li.SetInnerHTML(ex.data.Hints[i])
	ex.hints.AppendChild(li)
	js.Global().Get("tinytorch").Call("typesetMath", li.Underlying())
	return li
}

// toggleSolution shows the solution, after a confirmation the first
// time, or hides it.
func (ex *exercise) toggleSolution() {
	switch {
	case !ex.solution.HasAttribute("hidden"):
		setHidden(ex.solution, true)
		ex.solBtn.SetTextContent("Show solution")
		ex.c.nb.announce("Solution hidden")
	case ex.progress().SolutionSeen:
		ex.showSolution()
	default:
		ex.askConfirm()
	}
}

// askConfirm asks before showing the solution for the first time.
func (ex *exercise) askConfirm() {
	nb := ex.c.nb
	ex.confirm.SetInnerHTML("")
	ex.confirm.SetAttribute("role", "group")
	ex.confirm.SetAttribute("aria-label", "Show the solution?")
	left := len(ex.data.Hints) - childCount(ex.hints)
	text := "Show the solution? It will be marked as seen."
	if left > 0 {
		text += fmt.Sprintf(" %d hint(s) are still there to try first.", left)
	}
	ex.confirm.AppendChild(nb.el("p", "", text))
	yes := ex.tool("Yes, show it", "solution-confirm", func() {
		setHidden(ex.confirm, true)
		ex.showSolution()
	})
	no := ex.tool("Cancel", "solution-cancel", func() {
		setHidden(ex.confirm, true)
		ex.solBtn.Focus()
		nb.announce("The solution stays hidden")
	})
	no.Class().Add("quiet")
	ex.confirm.AppendChild(yes)
	ex.confirm.AppendChild(no)
	setHidden(ex.confirm, false)
	yes.Focus()
	nb.announce(text)
}

// showSolution shows the solution read-only, marks it as seen and offers
// to put it in the editor.
func (ex *exercise) showSolution() {
	nb := ex.c.nb
	p := ex.progress()
	if !p.SolutionSeen {
		p.SolutionSeen = true
		nb.saved.schedule()
	}
	ex.markSeen()
	ex.solution.SetInnerHTML(`<p class="exercise-solution-label">Solution (read-only)</p><pre tabindex="0" aria-label="Solution"><code class="language-js">` +
		html.EscapeString(strings.TrimSuffix(ex.data.Solution, "\n")) + `</code></pre>`)
	use := ex.tool("Use this solution", "use-solution", ex.useSolution)
	ex.solution.AppendChild(use)
	setHidden(ex.solution, false)
	ex.solBtn.SetTextContent("Hide solution")
	use.Focus()
	nb.announce("Solution shown below the buttons; it is marked as seen. Use this solution puts it in the editor")
}

// markSeen notes a seen solution in the header.
func (ex *exercise) markSeen() {
	if ex.progress().SolutionSeen {
		ex.c.root.SetAttribute("data-solution-seen", "true")
	}
}

// useSolution puts the solution into the editor; Undo puts back the code.
func (ex *exercise) useSolution() {
	ex.replaceCode(ex.data.Solution, "The solution is in the editor")
}

// resetToStarter puts the starter back; Undo puts back the code.
func (ex *exercise) resetToStarter() {
	if ex.c.code() == ex.c.published {
		ex.c.nb.announce(ex.name() + " already holds the starter code")
		return
	}
	ex.replaceCode(ex.c.published, "The starter code is back in the editor")
}

// replaceCode puts text into the editor, keeping the code it replaces
// for Undo (the editor's own undo, Ctrl+Z, works too).
func (ex *exercise) replaceCode(text, what string) {
	ex.undoCode = ex.c.code()
	ex.c.setCode(strings.TrimSuffix(text, "\n"))
	ex.c.nb.saved.schedule()
	setHidden(ex.undoBtn, false)
	label := fmt.Sprintf("Undo: put back the code cell %d held", ex.c.index+1)
	ex.undoBtn.SetAttribute("aria-label", label)
	ex.undoBtn.SetAttribute("title", label)
	ex.c.nb.announce(fmt.Sprintf("%s of cell %d; Undo puts back your code", what, ex.c.index+1))
}

// undo puts back the code replaced last.
func (ex *exercise) undo() {
	ex.c.setCode(ex.undoCode)
	ex.c.nb.saved.schedule()
	setHidden(ex.undoBtn, true)
	ex.c.nb.announce(fmt.Sprintf("Your code is back in cell %d", ex.c.index+1))
	ex.c.editor.Call("focus")
}

// childCount is how many child elements el has.
func childCount(el dom.Element) int { return el.Underlying().Get("childElementCount").Int() }
