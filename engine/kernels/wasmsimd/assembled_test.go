package wasmsimd

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "write the modules of assembled/ from their text")

// TestAssembledModulesAreCurrent assembles every module of assembled/
// from its text and compares it with the file the kernel embeds; with
// -update (go generate) it writes the files instead. Every file of
// assembled/ must be a listed module.
func TestAssembledModulesAreCurrent(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range moduleBuilds {
		listed[m.file] = true
		text, err := m.text()
		if err != nil {
			t.Fatalf("%s: %v", m.file, err)
		}
		want, err := Assemble(text)
		if err != nil {
			t.Fatalf("%s: %v", m.file, err)
		}
		path := filepath.Join("assembled", m.file)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := assembled(m.file)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not what its text assembles to (%d bytes, want %d): run go generate ./engine/kernels/wasmsimd", path, len(got), len(want))
		}
	}
	entries, err := os.ReadDir("assembled")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("assembled/%s is not a module of moduleBuilds: remove it", e.Name())
		}
	}
}
