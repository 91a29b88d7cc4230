package notebook

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// grouper collects a body's cells while splitBlocks walks its fences,
// folding each exercise group (exercise.go) into its starter cell and
// checking the group's rules as it goes.
type grouper struct {
	file      string
	firstLine int // the body's first line in file
	blocks    []Block
	cur       *Exercise      // the group being read, or nil
	curLine   int            // its exercise fence's line in the body
	stage     string         // the role of the group's last fence
	seen      map[string]int // each exercise id's line in file
}

const roleOrder = "the order is exercise, check, solution, hints"

// errorAt is an Error at line (0-based, in the body).
func (g *grouper) errorAt(line int, reason string) error {
	return &Error{g.file, g.firstLine + line, reason}
}

// add takes a cell or exercise fence r at line open, with src inside and
// the text between it and the previous fence.
func (g *grouper) add(r fenceRole, open int, between []byte, src string) error {
	blank := strings.TrimSpace(string(between)) == ""
	if !blank && g.cur != nil && r.id == g.cur.ID && r.role != roleExercise {
		return g.errorAt(open, fmt.Sprintf("%s=%s is apart from its exercise (line %d): an exercise's blocks follow each other with only blank lines between them", r.role, r.id, g.firstLine+g.curLine))
	}
	if !blank || r.role == "" || r.role == roleExercise {
		if err := g.close(); err != nil { // anything but blank lines ends a group
			return err
		}
	}
	g.blocks = appendProse(g.blocks, string(between))
	switch r.role {
	case "":
		g.blocks = append(g.blocks, Block{Kind: Code, Lang: CellLanguage, Source: src})
	case roleExercise:
		if first, dup := g.seen[r.id]; dup {
			return g.errorAt(open, fmt.Sprintf("exercise id %q is used twice (first at line %d)", r.id, first))
		}
		g.seen[r.id] = g.firstLine + open
		g.cur, g.curLine, g.stage = &Exercise{ID: r.id, Title: r.title}, open, roleExercise
		g.blocks = append(g.blocks, Block{Kind: Code, Lang: CellLanguage, Source: src, Exercise: g.cur})
	default:
		return g.part(r, open, src)
	}
	return nil
}

// part adds a check, solution or hint to the open group.
func (g *grouper) part(r fenceRole, open int, src string) error {
	name := r.role + "=" + r.id
	if g.cur == nil || g.cur.ID != r.id {
		if line, ok := g.seen[r.id]; ok {
			return g.errorAt(open, fmt.Sprintf("%s is apart from its exercise (line %d): an exercise's blocks follow each other with only blank lines between them", name, line))
		}
		return g.errorAt(open, fmt.Sprintf("%s has no ```js exercise=%s before it", name, r.id))
	}
	if err := g.checkOrder(r.role); err != nil {
		return g.errorAt(open, fmt.Sprintf("%s: %v", name, err))
	}
	if r.role != roleHint && strings.TrimSpace(src) == "" {
		return g.errorAt(open, name+" is empty")
	}
	switch r.role {
	case roleCheck:
		g.cur.Check = src
	case roleSolution:
		g.cur.Solution = src
	case roleHint:
		g.cur.Hints = append(g.cur.Hints, src)
	}
	g.stage = r.role
	return nil
}

// checkOrder refuses a role out of the order exercise, check, solution,
// hints, given the role of the group's last fence.
func (g *grouper) checkOrder(role string) error {
	switch {
	case role == g.stage && role != roleHint:
		return fmt.Errorf("a second %s for the exercise", role)
	case role == roleCheck && g.stage != roleExercise,
		role == roleSolution && g.stage != roleCheck,
		role == roleHint && g.stage != roleSolution && g.stage != roleHint:
		return fmt.Errorf("out of order after the %s: %s", g.stage, roleOrder)
	}
	return nil
}

// close ends the open group, which must have its check and solution.
func (g *grouper) close() error {
	ex := g.cur
	if ex == nil {
		return nil
	}
	g.cur = nil
	for _, part := range []struct{ role, code string }{{roleCheck, ex.Check}, {roleSolution, ex.Solution}} {
		if part.code == "" {
			return g.errorAt(g.curLine, fmt.Sprintf("exercise %s has no ```js %s=%s block (%s, with only blank lines between them)", ex.ID, part.role, ex.ID, roleOrder))
		}
	}
	return nil
}

// answer checks that a model answer fence n, at line open, follows the
// prose of its question.
func (g *grouper) answer(n ast.Node, open int) error {
	prev := n.PreviousSibling()
	if _, fence := prev.(*ast.FencedCodeBlock); prev == nil || fence {
		return g.errorAt(open, "an ```answer block must follow the prose of its question (it follows "+describeNode(prev)+")")
	}
	return nil
}

// describeNode names what an answer block follows.
func describeNode(n ast.Node) string {
	if n == nil {
		return "nothing"
	}
	return "a fenced block"
}
