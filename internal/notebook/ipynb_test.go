package notebook

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// sampleOutputs are outputs for the two cells of 01-system.md.
var sampleOutputs = [][]Output{
	{
		{Kind: OutputStream, Name: "stdout", Text: "computing\nstill computing\n"},
		{Kind: OutputDisplay, Data: map[string]any{
			"text/plain":       "tensor([[19, 22],\n        [43, 50]])",
			"text/html":        "<table><tr><td>19</td></tr></table>",
			"application/json": map[string]any{"shape": []any{2.0, 2.0}},
		}},
	},
	{
		{Kind: OutputError, EName: "ShapeError", EValue: "matmul: [2 2] × [1 3]", Traceback: []string{"ShapeError: matmul: [2 2] × [1 3]", "    at cell 2, line 1"}},
	},
}

func readSystem(t *testing.T) *Notebook {
	t.Helper()
	src, err := os.ReadFile("../../notebooks/01-system.md")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Parse("notebooks/01-system.md", src)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestIPynbValidates(t *testing.T) {
	nb := readSystem(t)
	for _, outs := range [][][]Output{nil, sampleOutputs, {nil, {}}} {
		data, err := nb.IPynb(outs)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range validateNBFormat45(data) {
			t.Error(p)
		}
	}
	edge := &Notebook{Title: "E", Chapter: "0", Summary: "s", Blocks: []Block{code(""), prose("  \n"), code("a\n\n"), prose("x")}}
	data, err := edge.IPynb([][]Output{{}, {{Kind: OutputStream}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range validateNBFormat45(data) {
		t.Error(p)
	}
	if dir := os.Getenv("TINYTORCH_IPYNB_OUT"); dir != "" { // for checking by hand with Jupyter's nbformat
		full, _ := nb.IPynb(sampleOutputs)
		os.WriteFile(dir+"/01-system.ipynb", full, 0o644)
		os.WriteFile(dir+"/edge.ipynb", data, 0o644)
	}
}

func TestIPynbShape(t *testing.T) {
	nb := readSystem(t)
	data, err := nb.IPynb([][]Output{nil, sampleOutputs[1]})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n   \"id\": \"prose-1\",\n   \"metadata\": {},\n   \"source\": [\n    \"# The system and its parts\\n\",\n    \"\\n\",",
		"\"execution_count\": null,\n   \"id\": \"code-2\",\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"const a = tt.tensor([[1, 2], [3, 4]]);\\n\",\n    \"const b = tt.tensor([[5, 6], [7, 8]]);\\n\",\n    \"a.matmul(b)\"\n   ]",
		"\"execution_count\": 1,",
		"\"ename\": \"ShapeError\",",
		"\"kernelspec\": {\n   \"display_name\": \"JavaScript (TinyTorch)\",\n   \"language\": \"javascript\",\n   \"name\": \"javascript\"\n  },",
		"\"tinytorch\": {\n   \"chapter\": \"1–2\",",
		"\"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("ipynb lacks\n%s\n--- in ---\n%s", want, data)
		}
	}
}

// Markdown → ipynb → Markdown gives back the same file.
func TestIPynbRoundTrip(t *testing.T) {
	nb := readSystem(t)
	nb.Blocks = append(nb.Blocks, code(""), code("a\n\n"), code("x"), prose("$$\nx\n$$\n"))
	data, err := nb.IPynb(sampleOutputs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseIPynb("01-system.ipynb", data)
	if err != nil {
		t.Fatal(err)
	}
	nb.Blocks[len(nb.Blocks)-2].Source = "x\n" // a cell's source ends in a newline once parsed
	if err := nb.Render(); err != nil {
		t.Fatal(err)
	}
	if got, want := string(back.Markdown()), string(nb.Markdown()); got != want {
		t.Errorf("Markdown after an ipynb round trip differs: %s", diffLine(got, want))
	}
	if back.Slug != "01-system" || back.HTML != nb.HTML || !reflect.DeepEqual(back.TOC(), nb.TOC()) {
		t.Errorf("round trip changed slug, HTML or TOC: %q", back.Slug)
	}
}

// A notebook written by Jupyter: sources as strings or lists, a raw cell,
// no TinyTorch metadata, outputs and attachments to ignore.
func TestParseIPynbFromJupyter(t *testing.T) {
	doc := `{"cells": [
  {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Intro\r\n\r\n# Real *title*\n"},
  {"cell_type": "code", "execution_count": 3, "id": "b", "metadata": {}, "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["1"]}, "metadata": {}, "execution_count": 3}], "source": ["let x = 1\n", "x"]},
  {"cell_type": "raw", "id": "c", "metadata": {}, "source": ["raw text"]},
  {"cell_type": "markdown", "id": "d", "metadata": {}, "source": []}
 ], "metadata": {"kernelspec": {"name": "tslab", "display_name": "JS", "language": "javascript"}}, "nbformat": 4, "nbformat_minor": 2}`
	nb, err := ParseIPynb("dir/my notes.ipynb", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{prose("Intro\n\n# Real *title*\n"), code("let x = 1\nx\n"), prose("raw text\n")}
	if got := kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
		t.Errorf("blocks = %q\nwant %q", got, want)
	}
	if nb.Slug != "my notes" || nb.Title != "Real title" || nb.Chapter != "extra" || nb.Summary != "Imported from my notes.ipynb." {
		t.Errorf("header = %q %q %q %q", nb.Slug, nb.Title, nb.Chapter, nb.Summary)
	}
	if _, err := Parse("x.md", nb.Markdown()); err != nil {
		t.Errorf("its Markdown does not parse: %v", err)
	}
}

// Code in another kernel language is kept, as fenced code in prose.
func TestParseIPynbPython(t *testing.T) {
	doc := `{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": "print('FENCE')"}],
	 "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 4}`
	doc = strings.ReplaceAll(doc, "FENCE", "```")
	nb, err := ParseIPynb("py.ipynb", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{prose("```python\nprint('```')\n```\n")}
	if got := kindsAndSources(nb.Blocks); !reflect.DeepEqual(got, want) {
		t.Errorf("blocks = %q, want %q", got, want)
	}
	if nb.Title != "py" {
		t.Errorf("title = %q", nb.Title)
	}
}

func TestParseIPynbErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"not JSON", "{\n\"cells\": [,]}", "nb.ipynb:2: not valid JSON: invalid character ','"},
		{"empty", "", "nb.ipynb:1: not valid JSON: unexpected end of JSON input"},
		{"array", "[]", "nb.ipynb: not a Jupyter notebook: expected a JSON object, found array"},
		{"no nbformat", `{"cells": []}`, `nb.ipynb: not a Jupyter notebook: no "nbformat" field`},
		{"nbformat string", `{"nbformat": "4"}`, `nb.ipynb: not a Jupyter notebook: "nbformat" is string, expected a number`},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, "nb.ipynb: nbformat 3 is not supported, only nbformat 4"},
		{"no cells", `{"nbformat": 4}`, `nb.ipynb: not a Jupyter notebook: no "cells" list`},
		{"cells object", `{"nbformat": 4, "cells": {}}`, `nb.ipynb: "cells" must be a list, not an object`},
		{"cells null", `{"nbformat": 4, "cells": null}`, `nb.ipynb: "cells" must be a list, not null`},
		{"cell not object", `{"nbformat": 4, "cells": [1]}`, "nb.ipynb: cell 1: not a cell: expected a JSON object, found number"},
		{"bad cell type", `{"nbformat": 4, "cells": [{"cell_type": "heading", "source": ""}]}`, `nb.ipynb: cell 1: unknown cell_type "heading"`},
		{"bad source", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}`, "nb.ipynb: cell 1: source: expected a string or a list of strings, found a number"},
		// Malformed structure is refused, naming the cell and the field.
		{"null line", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": [null]}]}`, "nb.ipynb: cell 1: source: expected a string or a list of strings, found null as item 1"},
		{"number line", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": ["a\n", 2]}]}`, "nb.ipynb: cell 1: source: expected a string or a list of strings, found a number as item 2"},
		{"null source", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": null}]}`, "nb.ipynb: cell 1: source: expected a string or a list of strings, found null"},
		{"no source", `{"nbformat": 4, "cells": [{"cell_type": "code"}]}`, "nb.ipynb: cell 1: source: expected a string or a list of strings, found none"},
		{"no cell_type", `{"nbformat": 4, "cells": [{"source": ""}]}`, `nb.ipynb: cell 1: unknown cell_type ""`},
		{"latin-1 source", "{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"caf\xe9\"}]}", "nb.ipynb:1: not UTF-8 text: byte 0xe9 at column 63"},
		{"unclosed comment", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "<!-- a"}, {"cell_type": "code", "source": "1"}]}`, ""},
		{"too big", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "` + strings.Repeat("a", MaxSourceSize+1) + `"}]}`, "nb.ipynb: cell 1: 131073 bytes of Markdown, more than the 128 KB a notebook may hold"},
		{"nested", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": ["a\n", "` + strings.Repeat(">", 100) + `"]}]}`, "nb.ipynb: cell 1, line 2: quotes and lists nested more than 32 deep"},
		{"bad metadata", `{"nbformat": 4, "metadata": {"tinytorch": []}, "cells": []}`, `nb.ipynb: metadata: "tinytorch" is array, expected an object`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := ParseIPynb("nb.ipynb", []byte(tc.data))
			if tc.want == "" { // accepted: a block left open is closed, the cell kept
				if err != nil || len(nb.Cells()) != 1 {
					t.Errorf("error %v, %d cells, want none and 1", err, len(nb.Cells()))
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant prefix %q", err, tc.want)
			}
		})
	}
}

func TestIPynbRejectsBadOutputs(t *testing.T) {
	nb := readSystem(t)
	if _, err := nb.IPynb(make([][]Output, 3)); err == nil || !strings.Contains(err.Error(), "3 output lists for 2 code cells") {
		t.Errorf("too many output lists: %v", err)
	}
	_, err := nb.IPynb([][]Output{nil, {{Kind: "result"}}})
	if err == nil || !strings.Contains(err.Error(), `code cell 2: output 1: output kind "result" is not`) {
		t.Errorf("bad kind: %v", err)
	}
}

func TestOutputJSON(t *testing.T) {
	tests := []struct {
		name string
		out  Output
		json string
	}{
		{"stream", Output{Kind: OutputStream, Name: "stderr", Text: "a\nb"}, `{"name":"stderr","output_type":"stream","text":["a\n","b"]}`},
		{"stream default name", Output{Kind: OutputStream, Text: ""}, `{"name":"stdout","output_type":"stream","text":[]}`},
		{"display", Output{Kind: OutputDisplay, Data: map[string]any{"text/plain": "x\ny\n", "application/vnd.tt+json": map[string]any{"a": "b\nc"}}, Metadata: map[string]any{"image/png": map[string]any{"width": 28.0}}},
			`{"data":{"application/vnd.tt+json":{"a":"b\nc"},"text/plain":["x\n","y\n"]},"metadata":{"image/png":{"width":28}},"output_type":"display_data"}`},
		{"html unescaped", Output{Kind: OutputDisplay, Data: map[string]any{"text/html": "<b>&</b>"}}, `{"data":{"text/html":["<b>&</b>"]},"metadata":{},"output_type":"display_data"}`},
		{"error", Output{Kind: OutputError, EName: "E", EValue: "v", Traceback: []string{"E: v"}}, `{"ename":"E","evalue":"v","output_type":"error","traceback":["E: v"]}`},
		{"error without traceback", Output{Kind: OutputError, EName: "E"}, `{"ename":"E","evalue":"","output_type":"error","traceback":[]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.out.MarshalJSON()
			if err != nil || string(got) != tc.json {
				t.Fatalf("Marshal = %s, %v\nwant %s", got, err, tc.json)
			}
			var back Output
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := back.MarshalJSON()
			if string(again) != tc.json {
				t.Errorf("after Unmarshal: %s", again)
			}
		})
	}
	var o Output
	if err := json.Unmarshal([]byte(`{"output_type":"execute_result","execution_count":1,"data":{"text/plain":"1"},"metadata":{}}`), &o); err != nil || o.Kind != OutputDisplay || o.Data["text/plain"] != "1" {
		t.Errorf("execute_result read as %+v, %v", o, err)
	}
	if err := json.Unmarshal([]byte(`{"output_type":"update_display_data"}`), &o); err == nil {
		t.Error("an unknown output_type was accepted")
	}
}

// validateNBFormat45 checks data against the structure of nbformat 4.5's
// JSON schema: required keys, no unknown keys in cells and outputs, types,
// and unique cell ids of the allowed form.
func validateNBFormat45(data []byte) []string {
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	keys(bad, "notebook", nb, []string{"cells", "metadata", "nbformat", "nbformat_minor"}, nil)
	if nb["nbformat"] != 4.0 || nb["nbformat_minor"] != 5.0 {
		bad("nbformat %v.%v, want 4.5", nb["nbformat"], nb["nbformat_minor"])
	}
	meta, _ := nb["metadata"].(map[string]any)
	ks, _ := meta["kernelspec"].(map[string]any)
	keys(bad, "kernelspec", ks, []string{"name", "display_name"}, nil)
	li, _ := meta["language_info"].(map[string]any)
	keys(bad, "language_info", li, []string{"name"}, nil)
	cells, ok := nb["cells"].([]any)
	if !ok {
		bad("cells is not a list")
	}
	idForm := regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
	seen := map[string]bool{}
	for i, c := range cells {
		cell, _ := c.(map[string]any)
		where := fmt.Sprintf("cell %d", i+1)
		id, _ := cell["id"].(string)
		if !idForm.MatchString(id) || seen[id] {
			bad("%s: id %q is malformed or repeated", where, id)
		}
		seen[id] = true
		if !isLines(cell["source"]) {
			bad("%s: source is not a list of strings", where)
		}
		switch cell["cell_type"] {
		case "markdown", "raw":
			keys(bad, where, cell, []string{"id", "cell_type", "metadata", "source"}, []string{"attachments"})
		case "code":
			keys(bad, where, cell, []string{"id", "cell_type", "metadata", "source", "outputs", "execution_count"}, nil)
			if n, ok := cell["execution_count"].(float64); cell["execution_count"] != nil && (!ok || n < 0) {
				bad("%s: execution_count %v", where, cell["execution_count"])
			}
			outs, ok := cell["outputs"].([]any)
			if !ok {
				bad("%s: outputs is not a list", where)
			}
			for j, o := range outs {
				checkOutput(bad, fmt.Sprintf("%s output %d", where, j+1), o)
			}
		default:
			bad("%s: cell_type %v", where, cell["cell_type"])
		}
		if _, ok := cell["metadata"].(map[string]any); !ok {
			bad("%s: metadata is not an object", where)
		}
	}
	return problems
}

func checkOutput(bad func(string, ...any), where string, o any) {
	out, _ := o.(map[string]any)
	switch out["output_type"] {
	case "display_data":
		keys(bad, where, out, []string{"output_type", "data", "metadata"}, nil)
		data, _ := out["data"].(map[string]any)
		for mime, v := range data {
			if !strings.HasSuffix(mime, "json") && !isLines(v) {
				bad("%s: %s is not text", where, mime)
			}
		}
	case "stream":
		keys(bad, where, out, []string{"output_type", "name", "text"}, nil)
		if !isLines(out["text"]) {
			bad("%s: text is not a list of strings", where)
		}
	case "error":
		keys(bad, where, out, []string{"output_type", "ename", "evalue", "traceback"}, nil)
		if !isLines(out["traceback"]) {
			bad("%s: traceback is not a list of strings", where)
		}
	default:
		bad("%s: output_type %v", where, out["output_type"])
	}
}

// keys checks that m has every required key and no others but optional.
func keys(bad func(string, ...any), where string, m map[string]any, required, optional []string) {
	if m == nil {
		bad("%s: missing or not an object", where)
		return
	}
	allowed := map[string]bool{}
	for _, k := range append(required, optional...) {
		allowed[k] = true
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			bad("%s: missing %q", where, k)
		}
	}
	if where == "notebook" || where == "kernelspec" || where == "language_info" {
		return // these allow more keys
	}
	var extra []string
	for k := range m {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		bad("%s: unexpected keys %q", where, extra)
	}
}

func isLines(v any) bool {
	list, ok := v.([]any)
	for _, item := range list {
		if _, isString := item.(string); !isString {
			return false
		}
	}
	return ok
}
