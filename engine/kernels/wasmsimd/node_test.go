package wasmsimd

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// runNodeJSON runs script under node with one argument, a file holding
// input as JSON, and decodes what the script prints as JSON into a T. The
// tests that run a module under node share it: they differ only in their
// script and in what they send and read back.
func runNodeJSON[T any](t *testing.T, node, script string, input any) T {
	t.Helper()
	return runNodeJSONWith[T](t, node, nil, script, input)
}

// runNodeJSONWith is runNodeJSON with flags for node before the script
// (relaxed SIMD is behind --experimental-wasm-relaxed-simd in node 20).
func runNodeJSONWith[T any](t *testing.T, node string, flags []string, script string, input any) T {
	t.Helper()
	dir := t.TempDir()
	scriptFile, inFile := filepath.Join(dir, "run.js"), filepath.Join(dir, "in.json")
	b, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scriptFile, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, append(append(flags[:len(flags):len(flags)], scriptFile), inFile)...).Output()
	if err != nil {
		stderr := ""
		if e, ok := err.(*exec.ExitError); ok {
			stderr = string(e.Stderr)
		}
		t.Fatalf("node: %v\n%s", err, stderr)
	}
	var got T
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node's output: %v", err)
	}
	return got
}

// matmulModule is the matmul module (Module, or FusedModule) with the
// flags node needs to run it.
type matmulModule struct {
	name  string // "plain" or "fused"
	code  []byte
	flags []string
}

// matmulModules returns node and the plain and the fused module, or skips
// the test when node is not installed.
func matmulModules(t *testing.T) (node string, mods []matmulModule) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	relaxed := []string{"--experimental-wasm-relaxed-simd"}
	if exec.Command(node, relaxed[0], "-e", "0").Run() != nil {
		relaxed = nil // a newer node: relaxed SIMD is on, the flag unknown
	}
	plain, err := Module()
	if err != nil {
		t.Fatal(err)
	}
	fused, err := FusedModule()
	if err != nil {
		t.Fatal(err)
	}
	return node, []matmulModule{{"plain", plain, nil}, {"fused", fused, relaxed}}
}
