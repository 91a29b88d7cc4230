package site

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// TestCompileWasmNames builds a tiny Go program for js/wasm as the site
// builds its three programs, and checks that its function names (the
// custom "name" section) are dropped by default and kept with keepNames,
// which the browser suite's TT_V8_PROF asks for.
func TestCompileWasmNames(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module tiny\n\ngo 1.24\n")
	write("wasm/cmd/tiny/main.go", "package main\n\nfunc main() { println(\"tiny\") }\n")
	for _, keep := range []bool{false, true} {
		out := t.TempDir()
		url, err := compileWasm(context.Background(), root, out, "tiny", keep)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, url))
		if err != nil {
			t.Fatal(err)
		}
		if got := hasNameSection(t, b); got != keep {
			t.Errorf("keepNames %v: name section present %v", keep, got)
		}
	}
}

// hasNameSection walks a wasm module's sections and reports whether one
// is the custom section "name".
func hasNameSection(t *testing.T, b []byte) bool {
	t.Helper()
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		t.Fatalf("not a wasm module: % x", b[:min(len(b), 8)])
	}
	b = b[8:]
	for len(b) > 0 {
		id := b[0]
		size, n := binary.Uvarint(b[1:])
		if n <= 0 || uint64(len(b)-1-n) < size {
			t.Fatalf("a section's size does not fit the module")
		}
		body := b[1+n : 1+n+int(size)]
		if id == 0 {
			if l, m := binary.Uvarint(body); m > 0 && uint64(len(body)-m) >= l && string(body[m:m+int(l)]) == "name" {
				return true
			}
		}
		b = b[1+n+int(size):]
	}
	return false
}
