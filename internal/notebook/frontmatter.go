package notebook

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// frontMatter is the YAML block at the top of a notebook.
type frontMatter struct {
	Title   string `yaml:"title"`
	Chapter string `yaml:"chapter"`
	Summary string `yaml:"summary"`
}

// header is the front matter as read: its text and its values.
type header struct {
	raw    string // from the first "---" line through the second
	values frontMatter
}

// splitFrontMatter separates the "---" delimited YAML header from the body
// and checks the required fields. bodyLine is the body's first line number.
func splitFrontMatter(file string, src []byte) (fm header, body []byte, bodyLine int, err error) {
	lines := strings.SplitAfter(string(src), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return fm, nil, 0, &Error{file, 1, `expected front matter: a first line "---", then title, chapter and summary, then "---"`}
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return fm, nil, 0, &Error{file, 1, `front matter is not closed: no second "---" line`}
	}
	header := strings.Join(lines[1:end], "")
	if err := yaml.Unmarshal([]byte(header), &fm.values); err != nil {
		return fm, nil, 0, &Error{file, 2, "front matter: " + err.Error()}
	}
	v := fm.values
	for _, f := range []struct{ name, value string }{{"title", v.Title}, {"chapter", v.Chapter}, {"summary", v.Summary}} {
		if strings.TrimSpace(f.value) == "" {
			return fm, nil, 0, &Error{file, end + 1, fmt.Sprintf("front matter: missing %q", f.name)}
		}
	}
	fm.raw = strings.Join(lines[:end+1], "")
	if !strings.HasSuffix(fm.raw, "\n") {
		fm.raw += "\n"
	}
	return fm, []byte(strings.Join(lines[end+1:], "")), end + 2, nil
}

// frontMatterText is the front matter Markdown writes: the text as read
// while the fields are unchanged (so comments and extra keys survive),
// otherwise a fresh header with the chapter always quoted.
func (nb *Notebook) frontMatterText() string {
	if nb.rawFront != "" && nb.front == (frontMatter{nb.Title, nb.Chapter, nb.Summary}) {
		return nb.rawFront
	}
	return "---\ntitle: " + yamlScalar(nb.Title) +
		"\nchapter: " + strconv.Quote(nb.Chapter) +
		"\nsummary: " + yamlScalar(nb.Summary) + "\n---\n"
}

// yamlScalar writes s as a plain YAML scalar when that reads back as the
// same string, and double-quoted otherwise (Go's escapes are YAML's).
func yamlScalar(s string) string {
	if s != "" && s == strings.TrimSpace(s) && !strings.ContainsAny(s, "\n\r\"") {
		var node yaml.Node
		if yaml.Unmarshal([]byte("k: "+s), &node) == nil && len(node.Content) == 1 {
			m := node.Content[0]
			if len(m.Content) == 2 && m.Content[1].Tag == "!!str" && m.Content[1].Style == 0 && m.Content[1].Value == s {
				return s
			}
		}
	}
	return strconv.Quote(s)
}
