// Package wasmsimd holds the browser's fast matmul path: a macro-kernel
// written by hand in the WebAssembly text format with SIMD instructions
// (matmul.wat), and a small assembler (asm.go) that turns it into a binary
// module. Go's compiler emits no WebAssembly SIMD, so this is how
// TinyTorch's matmul uses the browser's vector unit.
//
// The kernel program (wasm/kernel/simd.go) assembles the module when the
// kernel starts (it takes well under a millisecond), instantiates it with
// the Go instance's own memory, and registers it as the kernels variant
// "wasm-simd" through [kernels.Packed]: Go packs the panels of A and B and
// the module multiplies a whole packed block per call. No binary is
// committed: the text is the source, and the module is built from it on
// every start.
//
// This package is pure Go and does not run the module itself; the browser
// suite checks the kernel's results against the Go kernels, and
// TestKernelInNode runs it under node when node is installed.
package wasmsimd

import (
	_ "embed"

	"tinytorch/engine/kernels"
)

//go:embed matmul.wat
var source string

// Source returns the WebAssembly text of the macro-kernel.
func Source() string { return source }

// The register tile of matmul.wat: MR rows of A by NR columns of B. The Go
// driver packs panels of these sizes.
const (
	MR = 4
	NR = 8
)

// TmpFloats is the length of the scratch buffer the kernel needs for edge
// tiles.
const TmpFloats = MR * NR

// Module assembles matmul.wat. The module imports one memory as "go"
// "mem" and exports the function "block" (see matmul.wat for its
// arguments).
func Module() ([]byte, error) {
	return Assemble(source)
}

// probeSource is the smallest module that uses a SIMD instruction: engines
// without SIMD reject it, so WebAssembly.validate on it detects support.
const probeSource = `(module (func (local v128) f32.const 0 f32x4.splat local.set 0))`

// Probe returns the binary of a tiny module that validates only where
// WebAssembly SIMD is supported.
func Probe() []byte {
	b, err := Assemble(probeSource)
	if err != nil {
		panic(err)
	}
	return b
}

// Blocks returns the block kernel that Packed needs, given the function
// that calls the module's "block" on one packed block (the caller turns
// the slices into addresses). The block sizes keep a kc×nc block of B
// (256×256 floats, 256 KiB) and an mc×kc block of A (64 KiB) in the L2
// cache; each call does at least 2·64·256·256 operations once the
// matrices are that large, so the cost of a call from Go to the module
// (about a microsecond) is lost in the work.
func Blocks(block func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32)) kernels.BlockKernel {
	return kernels.BlockKernel{MR: MR, NR: NR, MC: 64, KC: 256, NC: 256, Block: block}
}
