package notebook

import (
	"fmt"
	"strings"
)

// A checked exercise is a group of fenced blocks sharing one id, written
// one after the other with only blank lines between them (the format is
// described in full in EXERCISES.md):
//
//	```js exercise=relu-backward title="ReLU's backward"   the starter code
//	```js check=relu-backward                              hidden check code
//	```js solution=relu-backward                           the model solution
//	```hint=relu-backward                                  zero or more hints (Markdown)
//
// Parse folds the group into one code cell whose Source is the starter
// (the code the student edits) and whose Exercise holds the rest; Markdown
// writes the group back in the same order. A reflective question's model
// answer is a ```answer block right after prose: it stays in the prose
// block and renders as a disclosure (answer.go).

// Exercise is what a code cell that is an exercise carries besides its
// starter code.
type Exercise struct {
	ID       string   `json:"id"`              // [a-z0-9-]+, unique in the notebook
	Title    string   `json:"title,omitempty"` // "" means "Exercise N"
	Check    string   `json:"check"`           // JavaScript run after the cell; throws on failure
	Solution string   `json:"solution"`        // the model solution's code
	Hints    []string `json:"hints,omitempty"` // Markdown, revealed one at a time
}

// The roles a fenced block can play in an exercise group.
const (
	roleExercise = "exercise"
	roleCheck    = "check"
	roleSolution = "solution"
	roleHint     = "hint"
	roleAnswer   = "answer" // a model answer, in prose
)

// AnswerLanguage is the fence info string of a model answer block.
const AnswerLanguage = roleAnswer

// fenceRole is what a top-level fence's info string says it is.
type fenceRole struct {
	role  string // "" for a plain cell, else one of the roles
	id    string
	title string
}

// roleOf reads a top-level fence's info string. ok is false for a fence
// that plays no part (prose code, such as ```python); err names an info
// string that looks like a role but is not one.
func roleOf(info string) (r fenceRole, ok bool, err error) {
	fields, err := infoFields(info)
	if err != nil || len(fields) == 0 {
		return r, false, err
	}
	first := fields[0]
	switch {
	case first.key == "" && first.value == CellLanguage:
		return jsRole(fields[1:])
	case first.key == roleHint:
		if len(fields) > 1 {
			return r, false, fmt.Errorf("hint=%s takes nothing more, found %q", first.value, fields[1].text)
		}
		return fenceRole{role: roleHint, id: first.value}, true, validID(roleHint, first.value)
	case first.key == "" && first.value == roleAnswer:
		if len(fields) > 1 {
			return r, false, fmt.Errorf("answer takes nothing more, found %q", fields[1].text)
		}
		return fenceRole{role: roleAnswer}, true, nil
	case first.key != "":
		return r, false, unknownRole(first.text)
	}
	return r, false, nil
}

// jsRole reads the words after "js": none for a plain cell, else
// exercise=ID [title="…"], check=ID or solution=ID.
func jsRole(fields []infoField) (r fenceRole, ok bool, err error) {
	if len(fields) == 0 {
		return r, true, nil
	}
	first := fields[0]
	switch first.key {
	case roleExercise, roleCheck, roleSolution:
		r = fenceRole{role: first.key, id: first.value}
	default:
		return r, false, unknownRole(first.text)
	}
	for _, f := range fields[1:] {
		if f.key != "title" || r.role != roleExercise || r.title != "" {
			return r, false, fmt.Errorf("%s=%s: unexpected %q (only an exercise takes one title=\"…\")", r.role, r.id, f.text)
		}
		r.title = f.value
	}
	return r, true, validID(r.role, r.id)
}

func unknownRole(word string) error {
	return fmt.Errorf("unknown role %q: a fence is ```js, ```js exercise=ID title=\"…\", ```js check=ID, ```js solution=ID, ```hint=ID or ```answer", word)
}

// validID checks an exercise id: lower-case letters, digits and "-".
func validID(role, id string) error {
	if id == "" {
		return fmt.Errorf("%s= needs an id (lower-case letters, digits and -)", role)
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return fmt.Errorf("%s=%s: the id may hold only lower-case letters, digits and -, not %q", role, id, c)
		}
	}
	return nil
}

// infoField is one word of an info string: a bare word (value only) or
// key=value, the value possibly "quoted" with \" and \\ escapes.
type infoField struct {
	key, value string
	text       string // as written
}

// infoFields splits an info string into words.
func infoFields(info string) ([]infoField, error) {
	var out []infoField
	s := strings.TrimSpace(info)
	for s != "" {
		start := s
		word := s[:wordEnd(s)]
		f := infoField{value: word}
		if k, v, found := strings.Cut(word, "="); found {
			f.key, f.value = k, v
			if strings.HasPrefix(v, `"`) {
				val, rest, err := unquoteInfo(s[len(k)+1:])
				if err != nil {
					return nil, fmt.Errorf("%s=: %v", k, err)
				}
				f.value, s = val, rest
			} else {
				s = s[len(word):]
			}
		} else {
			s = s[len(word):]
		}
		f.text = strings.TrimSpace(start[:len(start)-len(s)])
		out = append(out, f)
		s = strings.TrimLeft(s, " \t")
	}
	return out, nil
}

// wordEnd is where the first word of s ends.
func wordEnd(s string) int {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return i
	}
	return len(s)
}

// unquoteInfo reads a "quoted" value at the start of s and returns it
// and what follows.
func unquoteInfo(s string) (string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			rest := s[i+1:]
			if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				return "", "", fmt.Errorf("expected a space after the closing quote, found %q", rest[0])
			}
			return b.String(), rest, nil
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("the quoted value %s is never closed (a closing \")", s)
}

// quoteInfo writes v as a quoted info string value.
func quoteInfo(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// exerciseInfo is the info string of an exercise's starter fence.
func exerciseInfo(ex *Exercise) string {
	info := CellLanguage + " " + roleExercise + "=" + ex.ID
	if ex.Title != "" {
		info += " title=" + quoteInfo(ex.Title)
	}
	return info
}

// Exercises returns the notebook's exercises in order.
func (nb *Notebook) Exercises() []*Exercise {
	var out []*Exercise
	for _, b := range nb.Blocks {
		if b.Kind == Code && b.Exercise != nil {
			out = append(out, b.Exercise)
		}
	}
	return out
}

// checkExercise validates an exercise built by hand or read from
// .ipynb: its id well formed, its check and solution present.
func checkExercise(ex *Exercise) error {
	if err := validID(roleExercise, ex.ID); err != nil {
		return err
	}
	if strings.TrimSpace(ex.Check) == "" {
		return fmt.Errorf("exercise %s has no check", ex.ID)
	}
	if strings.TrimSpace(ex.Solution) == "" {
		return fmt.Errorf("exercise %s has no solution", ex.ID)
	}
	return nil
}

// String describes the exercise in one line, for messages and tests.
func (ex *Exercise) String() string {
	if ex == nil {
		return "<nil>"
	}
	return fmt.Sprintf("exercise=%s title=%q check=%q solution=%q hints=%q", ex.ID, ex.Title, ex.Check, ex.Solution, ex.Hints)
}
