package notebook

import (
	"encoding/json"
	"fmt"
	"html"
)

// ExerciseData is what the page needs of an exercise besides its starter
// code, written as JSON into the exercise cell's markup: the title to
// show, the check and solution code and the hints rendered to HTML.
type ExerciseData struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"` // the title shown: the exercise's, else "Exercise N"
	Check    string   `json:"check"`
	Solution string   `json:"solution"`
	Hints    []string `json:"hints"` // HTML
}

// ExerciseTitle is the title an exercise shows: its own, else
// "Exercise N" with its 1-based number in the notebook.
func ExerciseTitle(ex *Exercise, number int) string {
	if ex.Title != "" {
		return ex.Title
	}
	return fmt.Sprintf("Exercise %d", number)
}

// ExerciseHTML is the markup of an exercise cell: a code cell (CellHTML)
// marked with data-exercise, headed by its title, and carrying its
// ExerciseData in a <script type="application/json" class="exercise-data">
// (JSON escapes "<", so the code inside cannot close the script). index is
// the cell's 0-based index among the code cells, number the exercise's
// 1-based number among the exercises.
func ExerciseHTML(index, number int, source string, ex *Exercise) (string, error) {
	data := ExerciseData{ID: ex.ID, Title: ExerciseTitle(ex, number), Check: ex.Check, Solution: ex.Solution, Hints: []string{}}
	for i, h := range ex.Hints {
		out, err := RenderProse(h)
		if err != nil {
			return "", fmt.Errorf("exercise %s, hint %d: %w", ex.ID, i+1, err)
		}
		data.Hints = append(data.Hints, out)
	}
	js, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(`<section class="cell" id="%s" data-cell="%d" data-exercise="%s" aria-label="Code cell %d">
<p class="exercise-title">%s</p>
<pre class="cell-source"><code class="language-js">%s</code></pre>
<div class="cell-output" role="status" aria-live="polite"></div>
<script type="application/json" class="exercise-data">%s</script>
</section>
`, cellID(index), index, html.EscapeString(ex.ID), index+1, html.EscapeString(data.Title), html.EscapeString(source), js), nil
}
