package notebook

import (
	"encoding/json"
	"fmt"
	"strings"
)

// In .ipynb, an exercise is a code cell (its source the starter, or the
// student's code) whose metadata holds the rest of the exercise:
//
//	"metadata": {"tinytorch": {"id": "relu-backward", "title": "…",
//	  "check": "…", "solution": "…", "hints": ["…", …]}}
//
// and the notebook's metadata holds the student's progress on each:
//
//	"metadata": {"tinytorch": {…, "exercises": {"relu-backward":
//	  {"passed": true, "hints": 1, "solutionSeen": false}}}}

// Progress is a student's progress on one exercise.
type Progress struct {
	Passed       bool `json:"passed"`       // the last check passed
	Hints        int  `json:"hints"`        // how many hints were revealed
	SolutionSeen bool `json:"solutionSeen"` // the solution was shown
}

// exerciseMetadata is an exercise cell's metadata.
func exerciseMetadata(ex *Exercise) map[string]any {
	hints := ex.Hints
	if hints == nil {
		hints = []string{}
	}
	return map[string]any{"tinytorch": map[string]any{
		"id": ex.ID, "title": ex.Title, "check": ex.Check, "solution": ex.Solution, "hints": hints,
	}}
}

// progressMetadata is the progress on every exercise of the notebook (a
// zero Progress for one without a record), or nil when it has none.
func (nb *Notebook) progressMetadata() map[string]Progress {
	exercises := nb.Exercises()
	if len(exercises) == 0 {
		return nil
	}
	out := map[string]Progress{}
	for _, ex := range exercises {
		out[ex.ID] = nb.Progress[ex.ID]
	}
	return out
}

// cellExercise reads an exercise from a code cell's metadata: nil when
// it has none.
func cellExercise(raw json.RawMessage) (*Exercise, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var meta struct {
		TinyTorch *struct {
			ID       *string  `json:"id"`
			Title    string   `json:"title"`
			Check    string   `json:"check"`
			Solution string   `json:"solution"`
			Hints    []string `json:"hints"`
		} `json:"tinytorch"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("metadata: %s", describeJSONError(err))
	}
	t := meta.TinyTorch
	if t == nil || t.ID == nil {
		return nil, nil
	}
	ex := &Exercise{ID: *t.ID, Title: t.Title, Check: codeText(t.Check), Solution: codeText(t.Solution)}
	for _, h := range t.Hints {
		ex.Hints = append(ex.Hints, codeText(h))
	}
	if strings.ContainsAny(ex.Title, "\n\r") {
		return nil, fmt.Errorf("exercise %s: the title must be one line", ex.ID)
	}
	return ex, checkExercise(ex)
}

// codeText is text as a parsed fenced block holds it: LF line endings,
// ending in a newline unless empty.
func codeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// readProgress reads the notebook metadata's progress, keeping only the
// notebook's exercises and the hints they have.
func (nb *Notebook) readProgress(metadata json.RawMessage) error {
	if len(metadata) == 0 {
		return nil
	}
	var meta struct {
		TinyTorch struct {
			Exercises map[string]Progress `json:"exercises"`
		} `json:"tinytorch"`
	}
	if err := json.Unmarshal(metadata, &meta); err != nil {
		return fmt.Errorf("metadata: tinytorch.exercises: %s", describeJSONError(err))
	}
	for _, ex := range nb.Exercises() {
		p, ok := meta.TinyTorch.Exercises[ex.ID]
		if !ok {
			continue
		}
		p.Hints = min(max(p.Hints, 0), len(ex.Hints))
		if nb.Progress == nil {
			nb.Progress = map[string]Progress{}
		}
		nb.Progress[ex.ID] = p
	}
	return nil
}

// exerciseSize is the bytes of an exercise besides its starter, which
// count towards the notebook's budget.
func exerciseSize(ex *Exercise) int {
	if ex == nil {
		return 0
	}
	n := len(ex.Check) + len(ex.Solution)
	for _, h := range ex.Hints {
		n += len(h)
	}
	return n
}

// exerciseBudget checks an exercise's hints, which are rendered as
// Markdown, against the budgets of budget.go, as cellBudget does.
func exerciseBudget(file string, i int, ex *Exercise) error {
	if ex == nil {
		return nil
	}
	for _, h := range ex.Hints {
		if err := cellBudget(file, i, Block{Kind: Prose, Source: h}); err != nil {
			return err
		}
	}
	return nil
}
