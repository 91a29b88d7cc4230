package importgraph

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// wasmLeftOut lists standard packages a shipped wasm program must not
// link: the kernel's and the page's wasm are most of a first visit's
// download (tools/browsertest/bench_firstload_test.go), and these do
// nothing in a browser (no program can be started there).
var wasmLeftOut = map[string][]string{
	"wasm/cmd/kernel": {"os/exec"},
	"wasm/cmd/page":   {"os/exec"},
}

// TestWasmProgramsLeaveOut lists each program's packages as go build
// links them for js/wasm (go list -deps).
func TestWasmProgramsLeaveOut(t *testing.T) {
	root, _, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for prog, left := range wasmLeftOut {
		cmd := exec.Command("go", "list", "-deps", "./"+prog)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps ./%s: %v", prog, err)
		}
		deps := strings.Fields(string(out))
		for _, p := range left {
			for _, d := range deps {
				if d == p {
					t.Errorf("%s links %s under js/wasm; it does nothing in a browser and adds to the download", prog, p)
				}
			}
		}
	}
}
