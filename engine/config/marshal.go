package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Marshal writes the config as YAML, every key with its value and a
// comment saying what it is, in the order of configs/default.yaml: what a
// run folder keeps as its resolved config, and what Parse reads back to
// the same Config.
func (c *Config) Marshal() []byte {
	var b strings.Builder
	writeStruct(&b, reflect.ValueOf(c).Elem(), "")
	return []byte(b.String())
}

// writeStruct writes a struct's keys at an indent, a nested struct as a
// block below its key.
func writeStruct(b *strings.Builder, v reflect.Value, indent string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Tag.Get("yaml")
		if key == "" || !f.IsExported() {
			continue
		}
		doc := f.Tag.Get("doc")
		if f.Type.Kind() == reflect.Struct {
			fmt.Fprintf(b, "%s%s: # %s\n", indent, key, doc)
			writeStruct(b, v.Field(i), indent+"  ")
			continue
		}
		fmt.Fprintf(b, "%s%s: %s # %s\n", indent, key, scalarText(v.Field(i)), doc)
	}
}

// scalarText writes a value so that YAML reads back the same type and
// the same bits: floats in the shortest form that round-trips, with a
// ".0" where they would otherwise read as whole numbers (harmless, since
// a float field takes whole numbers too, but clearer).
func scalarText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		out, _ := yaml.Marshal(v.String())
		return strings.TrimSuffix(string(out), "\n")
	case reflect.Int:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Float64:
		return floatText(v.Float())
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = scalarText(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	panic(fmt.Sprintf("config: no text for a %s", v.Kind()))
}

func floatText(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
