package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Set applies one override, "optim.lr=0.01", as `tinytorch train --set`
// does: the key is a dotted path to any key of the file, and the value is
// read as YAML and checked as the file's values are (so "optim.lr=fast" is
// an error, and a string with a colon needs quotes). A key that does not
// exist, a wrong type or a value out of range is an error that names the
// override; the config is then left as it was. Overrides are recorded in
// order (Overrides) and written into the resolved config.
func (c *Config) Set(assign string) error {
	key, value, ok := strings.Cut(assign, "=")
	where := "--set " + assign
	if !ok || key == "" {
		return Errors{{Where: where, Msg: "expected key=value, such as optim.lr=0.01"}}
	}
	// Decode into a copy, so that a failed override changes nothing.
	next := c.clone()
	target, err := next.lookup(where, key)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil {
		return Errors{{Where: where, Key: key, Msg: "malformed YAML value: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ""} // key= sets the empty string
	if len(doc.Content) > 0 {
		n = doc.Content[0]
	}
	d := &decoder{pos: next.pos, at: func(*yaml.Node) pos { return pos{where: where} }}
	d.value(n, target, key)
	if len(d.errs) == 0 {
		d.errs = next.check()
	}
	if err := d.errs.sorted(); err != nil {
		return err
	}
	next.overrides = append(next.overrides, assign)
	*c = *next
	return nil
}

// Overrides lists the overrides applied by Set, in order.
func (c *Config) Overrides() []string { return append([]string(nil), c.overrides...) }

// lookup finds the field at a dotted key.
func (c *Config) lookup(where, key string) (reflect.Value, error) {
	v := reflect.ValueOf(c).Elem()
	path := ""
	for part := range strings.SplitSeq(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, Errors{{Where: where, Key: path, Msg: fmt.Sprintf("is a value, not a mapping: it has no key %q", part)}}
		}
		f, ok := field(v.Type(), part)
		if !ok {
			known := keysOf(v.Type())
			in := ""
			if path != "" {
				in = " in " + path
			}
			return reflect.Value{}, Errors{{Where: where, Msg: fmt.Sprintf("unknown key %q%s%s, expected one of %s", part, in, suggest(part, known), strings.Join(known, ", "))}}
		}
		v, path = v.FieldByIndex(f.Index), join(path, part)
	}
	return v, nil
}

// clone copies a config deeply enough for Set to change the copy alone.
func (c *Config) clone() *Config {
	n := *c
	n.pos = make(map[string]pos, len(c.pos))
	for k, v := range c.pos {
		n.pos[k] = v
	}
	n.overrides = append([]string(nil), c.overrides...)
	n.Data.Transforms.NormalizeMean = append([]float64(nil), c.Data.Transforms.NormalizeMean...)
	n.Data.Transforms.NormalizeStd = append([]float64(nil), c.Data.Transforms.NormalizeStd...)
	return &n
}
