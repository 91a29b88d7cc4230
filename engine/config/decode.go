package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// pos is where a value came from: a file and its line and column, or a
// --set assignment (line 0).
type pos struct {
	where     string
	line, col int
}

// Load reads and checks the config file at path (see Parse).
func Load(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, src)
}

// Parse reads a config from src, which came from the file named file (for
// the messages). Keys the file leaves out keep their Default value. Any
// mistake, an unknown key, a wrong type, a key given twice, a value out of
// range, is reported as an Errors listing them all with their positions;
// malformed YAML is one Error with the line the YAML parser names.
func Parse(file string, src []byte) (*Config, error) {
	root, err := document(file, src)
	if err != nil {
		return nil, err
	}
	cfg := Default()
	cfg.file, cfg.pos = file, map[string]pos{}
	d := &decoder{pos: cfg.pos, at: func(n *yaml.Node) pos { return pos{file, n.Line, n.Column} }}
	d.value(root, reflect.ValueOf(cfg).Elem(), "")
	if len(d.errs) == 0 {
		d.errs = cfg.check()
	}
	if err := d.errs.sorted(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// syntaxLine finds the line in the YAML parser's messages, "yaml: line 3:
// mapping values are not allowed in this context".
var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses src as exactly one YAML document holding a mapping.
func document(file string, src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{Where: file, Msg: "the file is empty, expected a mapping of keys such as model, data and optim"}}
		}
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{Where: file, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document (after ---), expected one"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(file, err)
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{Where: file, Msg: "the file holds no keys, expected a mapping of keys such as model, data and optim"}}
	}
	return doc.Content[0], nil
}

// syntaxError turns the YAML parser's error into an Error at its line. The
// parser names no column.
func syntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := syntaxLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return Errors{{Where: file, Line: line, Msg: "malformed YAML: " + msg}}
}

// decoder fills a Config from YAML nodes, checking each value's type
// against its field's and recording where each value was.
type decoder struct {
	errs Errors
	pos  map[string]pos
	at   func(*yaml.Node) pos
}

func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	p := d.at(n)
	d.errs = append(d.errs, &Error{Where: p.where, Line: p.line, Col: p.col, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// value decodes n into v, the field at path key.
func (d *decoder) value(n *yaml.Node, v reflect.Value, key string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if key != "" {
		d.pos[key] = d.at(n)
	}
	switch v.Kind() {
	case reflect.Struct:
		d.mapping(n, v, key)
	case reflect.Slice:
		d.list(n, v, key)
	default:
		d.scalar(n, v, key)
	}
}

// mapping decodes a mapping into a struct, refusing keys the struct does
// not have and keys given twice.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, key, "%s, expected a mapping of %s", describe(n), strings.Join(keysOf(v.Type()), ", "))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, key, "a key that is %s, expected a name", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.fail(k, join(key, k.Value), "given twice (first at line %d, column %d), expected once", first.Line, first.Column)
			continue
		}
		seen[k.Value] = k
		f, ok := field(v.Type(), k.Value)
		if !ok {
			d.fail(k, key, "unknown key %q%s, expected one of %s", k.Value, suggest(k.Value, keysOf(v.Type())), strings.Join(keysOf(v.Type()), ", "))
			continue
		}
		d.value(val, v.FieldByIndex(f.Index), join(key, k.Value))
	}
}

// list decodes a sequence of numbers into a []float64.
func (d *decoder) list(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, key, "%s, expected a list of numbers such as [0.5]", describe(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	ok := true
	for i, item := range n.Content {
		before := len(d.errs)
		d.scalar(item, out.Index(i), fmt.Sprintf("%s[%d]", key, i))
		ok = ok && len(d.errs) == before
	}
	if ok {
		v.Set(out)
	}
}

// scalar decodes a string, a whole number, a number or a boolean, each
// only from the YAML value of that type: lr: "0.1" (a string) is refused
// rather than guessed at.
func (d *decoder) scalar(n *yaml.Node, v reflect.Value, key string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode {
		tag = ""
	}
	switch v.Kind() {
	case reflect.String:
		if tag != "!!str" {
			d.fail(n, key, "%s, expected a string (quote it: \"%s\")", describe(n), n.Value)
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if tag != "!!bool" {
			d.fail(n, key, "%s, expected true or false", describe(n))
			return
		}
		v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
	case reflect.Int:
		var i int64
		if tag != "!!int" || n.Decode(&i) != nil || i != int64(int(i)) {
			d.fail(n, key, "%s, expected a whole number", describe(n))
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		var f float64
		if (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil {
			d.fail(n, key, "%s, expected a number", describe(n))
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n, key, "%s is not finite, expected a number", n.Value)
			return
		}
		v.SetFloat(f)
	default:
		panic(fmt.Sprintf("config: field %s of kind %s has no decoder", key, v.Kind()))
	}
}

// describe says what a node is, for "…, expected …" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "no value (null)"
	case "!!str":
		return fmt.Sprintf("%q is a string", n.Value)
	case "!!int":
		return fmt.Sprintf("%s is a whole number", n.Value)
	case "!!float":
		return fmt.Sprintf("%s is a number with a fraction", n.Value)
	case "!!bool":
		return fmt.Sprintf("%s is a boolean", n.Value)
	}
	return fmt.Sprintf("%q is %s", n.Value, n.ShortTag())
}

// field finds the struct field whose yaml tag is name.
func field(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && f.Tag.Get("yaml") == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// keysOf lists a struct's keys in the order of its fields.
func keysOf(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("yaml"); k != "" && t.Field(i).IsExported() {
			out = append(out, k)
		}
	}
	return out
}

// join makes a dotted path.
func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// suggest returns ` (did you mean "lr"?)` when a known key is within two
// edits of the unknown one, a typo's distance.
func suggest(key string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := distance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between two keys.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
