package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The kinds of cell output.
const (
	OutputDisplay = "display" // rich data: a MIME bundle (Jupyter's display_data)
	OutputStream  = "stream"  // console text on stdout or stderr
	OutputError   = "error"   // an exception with its stack
)

// Output is one output of a code cell. Its JSON is Jupyter's: an object
// with "output_type" "display_data", "stream" or "error" and that type's
// fields, text written as a list of lines. Reading also accepts Jupyter's
// "execute_result" (as a display) and text as one string.
type Output struct {
	Kind string // OutputDisplay, OutputStream or OutputError
	// Data is a display's MIME bundle, e.g. {"text/plain": "…",
	// "image/svg+xml": "…"}; JSON types (application/json, …+json) hold
	// any JSON value, the others a string.
	Data     map[string]any
	Metadata map[string]any // a display's per-MIME metadata, e.g. image size
	Name     string         // a stream's name: "stdout" (the default) or "stderr"
	Text     string         // a stream's text
	EName    string         // an error's name, e.g. "TypeError"
	EValue   string         // an error's message
	// Traceback is an error's stack, one entry per line.
	Traceback []string
}

// check reports what is wrong with an output that cannot be written.
func (o Output) check() error {
	switch o.Kind {
	case OutputDisplay, OutputStream, OutputError:
		return nil
	}
	return fmt.Errorf("output kind %q is not %q, %q or %q", o.Kind, OutputDisplay, OutputStream, OutputError)
}

// MarshalJSON writes the output as nbformat 4 does.
func (o Output) MarshalJSON() ([]byte, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	var m map[string]any
	switch o.Kind {
	case OutputDisplay:
		m = map[string]any{"output_type": "display_data", "data": mimeLines(o.Data), "metadata": orEmpty(o.Metadata)}
	case OutputStream:
		name := o.Name
		if name == "" {
			name = "stdout"
		}
		m = map[string]any{"output_type": "stream", "name": name, "text": splitLines(o.Text)}
	case OutputError:
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m = map[string]any{"output_type": "error", "ename": o.EName, "evalue": o.EValue, "traceback": tb}
	}
	return marshalNoEscape(m)
}

// marshalNoEscape is json.Marshal without escaping <, > and &, as
// Jupyter writes HTML outputs.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads an nbformat 4 output.
func (o *Output) UnmarshalJSON(b []byte) error {
	var raw struct {
		OutputType string         `json:"output_type"`
		Data       map[string]any `json:"data"`
		Metadata   map[string]any `json:"metadata"`
		Name       string         `json:"name"`
		Text       multiline      `json:"text"`
		EName      string         `json:"ename"`
		EValue     string         `json:"evalue"`
		Traceback  []string       `json:"traceback"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	switch raw.OutputType {
	case "display_data", "execute_result":
		*o = Output{Kind: OutputDisplay, Data: mimeJoin(raw.Data), Metadata: raw.Metadata}
	case "stream":
		*o = Output{Kind: OutputStream, Name: raw.Name, Text: string(raw.Text)}
	case "error":
		*o = Output{Kind: OutputError, EName: raw.EName, EValue: raw.EValue, Traceback: raw.Traceback}
	default:
		return fmt.Errorf("unknown output_type %q", raw.OutputType)
	}
	return nil
}

// errNotText is the error for nbformat text of the wrong JSON type.
var errNotText = errors.New("expected a string or a list of strings")

// multiline is nbformat's text: one string, or a list of lines to join.
type multiline string

// UnmarshalJSON accepts a string or a list of strings, and refuses
// anything else, null included (a null line is not an empty one).
func (m *multiline) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return errNotText
		}
		*m = multiline(s)
		return nil
	}
	var items []json.RawMessage
	if len(b) == 0 || b[0] != '[' || json.Unmarshal(b, &items) != nil {
		return fmt.Errorf("%w, found %s", errNotText, jsonKind(b))
	}
	var joined strings.Builder
	for i, item := range items {
		var line string
		if item[0] != '"' || json.Unmarshal(item, &line) != nil {
			return fmt.Errorf("%w, found %s as item %d", errNotText, jsonKind(item), i+1)
		}
		joined.WriteString(line)
	}
	*m = multiline(joined.String())
	return nil
}

// splitLines cuts s into lines that keep their "\n", as Jupyter writes
// text; the result is never nil, so it is written as [] when s is empty.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// isJSONMIME reports whether a MIME type's data is a JSON value rather
// than text.
func isJSONMIME(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

// mimeLines writes a bundle's text values as lists of lines.
func mimeLines(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for mime, v := range data {
		if s, ok := v.(string); ok && !isJSONMIME(mime) {
			out[mime] = splitLines(s)
		} else {
			out[mime] = v
		}
	}
	return out
}

// mimeJoin joins a bundle's text values given as lists of lines.
func mimeJoin(data map[string]any) map[string]any {
	for mime, v := range data {
		if list, ok := v.([]any); ok && !isJSONMIME(mime) {
			if s, ok := joinStrings(list); ok {
				data[mime] = s
			}
		}
	}
	return data
}

// joinStrings concatenates list if it holds only strings.
func joinStrings(list []any) (string, bool) {
	var b strings.Builder
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
