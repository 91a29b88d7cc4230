package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Kernel metadata written into .ipynb files.
const (
	KernelName        = "javascript"
	KernelDisplayName = "JavaScript (TinyTorch)"
	KernelLanguage    = "javascript"
)

// IPynb writes the notebook as a Jupyter notebook, nbformat 4.5: prose as
// markdown cells, cells as code cells, keys sorted and one-space indented
// as Jupyter writes them. outputs[i] holds the outputs of the i-th code
// cell; a cell whose list is nil (or missing) has not run and gets a null
// execution_count, the others are numbered 1, 2, … in order. The title,
// chapter and summary go into the notebook metadata under "tinytorch".
func (nb *Notebook) IPynb(outputs [][]Output) ([]byte, error) {
	if n := len(nb.Cells()); len(outputs) > n {
		return nil, fmt.Errorf("notebook: IPynb: %d output lists for %d code cells", len(outputs), n)
	}
	cells := []any{}
	code, count := 0, 0
	for i, b := range nb.Blocks {
		id := fmt.Sprintf("%s-%d", b.Kind, i+1)
		if b.Kind != Code {
			if md := normalizeProse(b.Source); md != "" {
				cells = append(cells, ipynbCell("markdown", id, md))
			}
			continue
		}
		cell := ipynbCell("code", id, b.Source)
		if b.Exercise != nil {
			cell["metadata"] = exerciseMetadata(b.Exercise)
		}
		var outs []Output
		if code < len(outputs) {
			outs = outputs[code]
		}
		cell["execution_count"], cell["outputs"] = nil, []Output{}
		if outs != nil {
			if err := checkOutputs(outs); err != nil {
				return nil, fmt.Errorf("notebook: IPynb: code cell %d: %w", code+1, err)
			}
			count++
			cell["execution_count"], cell["outputs"] = count, outs
		}
		cells = append(cells, cell)
		code++
	}
	return encodeIPynb(map[string]any{
		"cells":          cells,
		"metadata":       nb.ipynbMetadata(),
		"nbformat":       4,
		"nbformat_minor": 5,
	})
}

// ipynbCell is a cell with its source as a list of lines, without the
// final newline, as Jupyter keeps it.
func ipynbCell(kind, id, source string) map[string]any {
	return map[string]any{
		"cell_type": kind,
		"id":        id,
		"metadata":  map[string]any{},
		"source":    splitLines(strings.TrimSuffix(source, "\n")),
	}
}

func checkOutputs(outs []Output) error {
	for j, o := range outs {
		if err := o.check(); err != nil {
			return fmt.Errorf("output %d: %w", j+1, err)
		}
	}
	return nil
}

func (nb *Notebook) ipynbMetadata() map[string]any {
	return map[string]any{
		"kernelspec": map[string]any{
			"name":         KernelName,
			"display_name": KernelDisplayName,
			"language":     KernelLanguage,
		},
		"language_info": map[string]any{"name": KernelLanguage},
		"tinytorch":     nb.tinytorchMetadata(),
	}
}

// tinytorchMetadata is the notebook metadata's "tinytorch" entry: the
// front matter and, when the notebook has exercises, the progress on each.
func (nb *Notebook) tinytorchMetadata() map[string]any {
	m := map[string]any{"title": nb.Title, "chapter": nb.Chapter, "summary": nb.Summary}
	if p := nb.progressMetadata(); p != nil {
		m["exercises"] = p
	}
	return m
}

// encodeIPynb writes v the way Jupyter does: one-space indent, no HTML
// escaping, a final newline.
func encodeIPynb(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("notebook: IPynb: %w", err)
	}
	return buf.Bytes(), nil
}

// ipynbMeta is the part of a notebook's metadata that ParseIPynb reads.
type ipynbMeta struct {
	Kernelspec struct {
		Language string `json:"language"`
	} `json:"kernelspec"`
	LanguageInfo struct {
		Name string `json:"name"`
	} `json:"language_info"`
	TinyTorch frontMatter `json:"tinytorch"`
}

// language is the notebook's kernel language, lower case ("" if unknown).
func (m ipynbMeta) language() string {
	if m.LanguageInfo.Name != "" {
		return strings.ToLower(m.LanguageInfo.Name)
	}
	return strings.ToLower(m.Kernelspec.Language)
}

// MaxIPynbSize caps the size of a .ipynb file: more than the Markdown
// budget (MaxSourceSize), since outputs, which are dropped, can hold
// images.
const MaxIPynbSize = 16 << 20

// ParseIPynb reads a Jupyter notebook (nbformat 4), named file in error
// messages, and renders it. Markdown and raw cells become prose; code
// cells become cells when the notebook's language is JavaScript (or not
// given), and fenced code in prose otherwise, since only JavaScript runs
// here. Outputs and attachments are dropped. Title, chapter and summary
// come from the "tinytorch" metadata that IPynb writes; without it the
// title is the first level-1 heading (else the slug), the chapter
// "extra" and the summary "Imported from <file>.".
func ParseIPynb(file string, data []byte) (*Notebook, error) {
	if len(data) > MaxIPynbSize {
		return nil, &Error{file, 0, fmt.Sprintf("%d bytes, more than the %d MB a notebook file may hold", len(data), MaxIPynbSize>>20)}
	}
	if err := checkUTF8(file, data, 1); err != nil {
		return nil, err // JSON would silently turn the bad bytes into U+FFFD
	}
	var doc struct {
		NBFormat *int            `json:"nbformat"`
		Metadata json.RawMessage `json:"metadata"`
		Cells    json.RawMessage `json:"cells"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(file, data, err)
	}
	if doc.NBFormat == nil {
		return nil, &Error{file, 0, `not a Jupyter notebook: no "nbformat" field`}
	}
	if *doc.NBFormat != 4 {
		return nil, &Error{file, 0, fmt.Sprintf("nbformat %d is not supported, only nbformat 4 (save it from a current Jupyter to convert it)", *doc.NBFormat)}
	}
	var meta ipynbMeta
	if len(doc.Metadata) > 0 {
		if err := json.Unmarshal(doc.Metadata, &meta); err != nil {
			return nil, &Error{file, 0, "metadata: " + describeJSONError(err)}
		}
	}
	blocks, err := ipynbBlocks(file, doc.Cells, meta.language())
	if err != nil {
		return nil, err
	}
	nb := &Notebook{Slug: slug(file), Blocks: blocks}
	if err := nb.readProgress(doc.Metadata); err != nil {
		return nil, &Error{file, 0, err.Error()}
	}
	if err := nb.Render(); err != nil {
		return nil, &Error{file, 0, "markdown: " + err.Error()}
	}
	nb.setIPynbHeader(meta.TinyTorch, file)
	return nb, nil
}

// setIPynbHeader fills the title, chapter and summary, with defaults.
func (nb *Notebook) setIPynbHeader(fm frontMatter, file string) {
	nb.Title, nb.Chapter, nb.Summary = fm.Title, fm.Chapter, fm.Summary
	for _, h := range nb.toc {
		if nb.Title == "" && h.Level == 1 {
			nb.Title = h.Text
		}
	}
	if nb.Title == "" {
		nb.Title = nb.Slug
	}
	if nb.Chapter == "" {
		nb.Chapter = "extra"
	}
	if nb.Summary == "" {
		nb.Summary = "Imported from " + slug(file) + ".ipynb."
	}
}

// ipynbBlocks turns the cells list into blocks.
func ipynbBlocks(file string, raw json.RawMessage, lang string) ([]Block, error) {
	if len(raw) == 0 {
		return nil, &Error{file, 0, `not a Jupyter notebook: no "cells" list`}
	}
	var cells []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &cells) != nil {
		return nil, &Error{file, 0, fmt.Sprintf(`"cells" must be a list, not %s`, jsonKind(raw))}
	}
	var blocks []Block
	total := 0
	ids := map[string]int{} // each exercise id's cell
	for i, c := range cells {
		b, err := ipynbBlock(c, lang)
		if err != nil {
			return nil, &Error{file, 0, fmt.Sprintf("cell %d: %v", i+1, err)}
		}
		if ex := b.Exercise; ex != nil {
			if first, dup := ids[ex.ID]; dup {
				return nil, &Error{file, 0, fmt.Sprintf("cell %d: exercise id %q is used twice (first by cell %d)", i+1, ex.ID, first)}
			}
			ids[ex.ID] = i + 1
		}
		if err := cellBudget(file, i, b); err != nil {
			return nil, err
		}
		if b.Kind == Prose { // after the budget check: this parses the Markdown
			b.Source = normalizeProse(b.Source)
		}
		if err := exerciseBudget(file, i, b.Exercise); err != nil {
			return nil, err
		}
		if total += len(b.Source) + exerciseSize(b.Exercise); total > MaxSourceSize {
			return nil, &Error{file, 0, fmt.Sprintf("cell %d: the cells hold more than the %d KB of Markdown a notebook may hold", i+1, MaxSourceSize>>10)}
		}
		if b.Source != "" || b.Kind == Code {
			blocks = append(blocks, b)
		}
	}
	return blocks, nil
}

// cellBudget checks a cell against the Markdown budgets (see budget.go),
// as "file: cell N, line L: reason".
func cellBudget(file string, i int, b Block) error {
	src := b.Source
	if b.Kind == Code {
		src = foreignCode(CellLanguage, src) // a fence: only its size counts
	}
	err := checkBudget(file, []byte(src), 1)
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	where := fmt.Sprintf("cell %d", i+1)
	if e.Line > 0 {
		where += fmt.Sprintf(", line %d", e.Line)
	}
	return &Error{file, 0, where + ": " + e.Reason}
}

// ipynbBlock turns one cell into a block, its prose not yet normalized.
func ipynbBlock(raw json.RawMessage, lang string) (Block, error) {
	var cell struct {
		CellType string          `json:"cell_type"`
		Source   json.RawMessage `json:"source"`
		Metadata json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &cell); err != nil {
		return Block{}, fmt.Errorf("not a cell: %s", describeJSONError(err))
	}
	if len(cell.Source) == 0 {
		return Block{}, fmt.Errorf("source: %v, found none", errNotText)
	}
	var source multiline
	if err := source.UnmarshalJSON(cell.Source); err != nil {
		return Block{}, fmt.Errorf("source: %v", err)
	}
	src := strings.ReplaceAll(string(source), "\r\n", "\n")
	switch cell.CellType {
	case "markdown", "raw":
		return Block{Kind: Prose, Source: src}, nil
	case "code":
		if src != "" {
			src += "\n"
		}
		if lang == "" || lang == KernelLanguage || lang == CellLanguage {
			ex, err := cellExercise(cell.Metadata)
			if err != nil {
				return Block{}, err
			}
			return Block{Kind: Code, Lang: CellLanguage, Source: src, Exercise: ex}, nil
		}
		return Block{Kind: Prose, Source: foreignCode(lang, src)}, nil
	}
	return Block{}, fmt.Errorf("unknown cell_type %q (want markdown, code or raw)", cell.CellType)
}

// foreignCode shows code in another language as a fenced block.
func foreignCode(lang, src string) string {
	if src == "" {
		return ""
	}
	fence := strings.Repeat("`", max(3, longestFence(src)+1))
	return fence + lang + "\n" + src + fence + "\n"
}

// jsonError explains why data is not a notebook's JSON.
func jsonError(file string, data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return &Error{file, line, "not valid JSON: " + syn.Error()}
	}
	return &Error{file, 0, "not a Jupyter notebook: " + describeJSONError(err)}
}

// describeJSONError turns a type mismatch into words.
func describeJSONError(err error) string {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return err.Error()
	}
	if typ.Field == "" {
		return fmt.Sprintf("expected a JSON object, found %s", typ.Value)
	}
	return fmt.Sprintf("%q is %s, expected %s", typ.Field, typ.Value, goTypeWord(typ.Type.Kind().String()))
}

// goTypeWord names a Go kind the way JSON would.
func goTypeWord(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "struct", kind == "map":
		return "an object"
	case kind == "slice":
		return "a list"
	}
	return "a " + kind
}

// jsonKind names the kind of JSON value raw holds.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}
