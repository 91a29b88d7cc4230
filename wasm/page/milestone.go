//go:build js && wasm

package page

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// A milestone notebook (notebooks/m*.md) has a "## Verdict" heading; the
// code cell right after it asserts the milestone's result (it throws
// when the result is not reached). When that cell runs clean with its
// published code, the milestone is reproduced: the page says so, and
// keeps it in the notebook's record (persist.go) as
//
//	"milestone": {"reproduced": true, "at": 1733500000000}
//
// which the chapter list of the index page shows (web/src/progress.js).
// An edited verdict cell does not count: it no longer checks the
// published result. A later failing run does not take the mark back: it
// records that the student once reproduced the result.

// verdictHeading is the id goldmark gives the heading "Verdict".
const verdictHeading = "verdict"

// milestoneState is the page's verdict cell and whether it has passed.
type milestoneState struct {
	verdictPub int     // the published index of the verdict cell; -1: none
	reproduced bool    // the verdict cell has passed, now or on an earlier visit
	at         float64 // when, in ms since the epoch (Date.now())
}

// isVerdictHeading reports whether a node of the article is the heading
// that announces the verdict cell.
func isVerdictHeading(n dom.Node) bool {
	el, ok := n.(dom.Element)
	return ok && (el.TagName() == "H2" || el.TagName() == "H3") && el.ID() == verdictHeading
}

// verdictPassed is called when a cell finishes cleanly: a verdict cell
// with its published code marks the milestone reproduced and saves it.
func (nb *notebook) verdictPassed(c *cell) {
	if c.pub < 0 || c.pub != nb.milestone.verdictPub || c.code() != c.published {
		return
	}
	first := !nb.milestone.reproduced
	nb.milestone.reproduced, nb.milestone.at = true, js.Global().Get("Date").Call("now").Float()
	nb.showReproduced()
	if first {
		nb.announce("Milestone reproduced: the chapter list marks it")
	}
	if nb.saved != nil {
		nb.saved.schedule()
	}
}

// showReproduced marks the page (html[data-reproduced]) for the
// stylesheet and the browser suite.
func (nb *notebook) showReproduced() {
	if nb.milestone.reproduced {
		nb.doc.DocumentElement().SetAttribute("data-reproduced", "true")
	}
}

// milestoneRecord is the "milestone" entry of the notebook's record, nil
// for a notebook that is not a milestone.
func (nb *notebook) milestoneRecord() any {
	if nb.milestone.verdictPub < 0 {
		return nil
	}
	return map[string]any{"reproduced": nb.milestone.reproduced, "at": nb.milestone.at}
}

// restoreMilestone reads the mark saved in a record.
func (nb *notebook) restoreMilestone(rec js.Value) {
	m := rec.Get("milestone")
	if nb.milestone.verdictPub < 0 || m.Type() != js.TypeObject || !m.Get("reproduced").Truthy() {
		return
	}
	nb.milestone.reproduced = true
	if at := m.Get("at"); at.Type() == js.TypeNumber {
		nb.milestone.at = at.Float()
	}
	nb.showReproduced()
}
