// Package wasmsimd holds the browser's fast matmul path: a macro-kernel
// written by hand in the WebAssembly text format with SIMD instructions
// (matmul.wat), and a small assembler (asm.go) that turns it into a binary
// module. Go's compiler emits no WebAssembly SIMD, so this is how
// TinyTorch's matmul uses the browser's vector unit.
//
// The kernel program (wasm/kernel/simd.go) instantiates the module with
// the Go instance's own memory, and registers it as the kernels variant
// "wasm-simd" through [kernels.Packed]: Go packs the panels of A and B and
// the module multiplies a whole packed block per call. Where the browser
// has relaxed SIMD it also registers "wasm-simd-fma", the same text with
// its multiply-adds fused (FusedModule), and makes it the default. The
// same module holds blockB, block reading B in place for products with
// few rows (unpacked.go), and dots.wat's dot products of rows read in
// place for C = A·Bᵀ with a long k (dots.go): a convolution's forward pass
// and weight gradient, which packing would otherwise copy in Go. A second
// module, vec.wat (VecModule), holds the optimizers' update loops and
// ReLU forward and backward, which the kernel installs into engine/vec; a
// third, int8.wat (Int8Module, int8.go), the exact int8 matmul that the
// kernel registers as engine/kernels/int8mm's "wasm-simd", and the
// quantized layers' quantize and dequantize loops, which it installs with
// int8mm.InstallEdges, with int8relaxed.wat (Int8RelaxedModule,
// int8relaxed.go) beside it: the product for 7-bit activations on relaxed
// SIMD's byte dot product, registered as "wasm-relaxed" where the browser
// validates it and CheckInt8Relaxed finds it exact; a fourth, pool.wat (PoolModule, pool.go), max
// pooling over 2×2 windows of stride 2, forward and backward, which the
// kernel installs into engine/tensor. The text is the source: the
// binaries the kernel loads are assembled from it ahead of time
// (assembled.go), and a test fails when one is not what its text gives.
//
// This package is pure Go and does not run the module itself; the browser
// suite checks the kernel's results against the Go kernels, and
// TestKernelInNode runs it under node when node is installed.
package wasmsimd

import (
	_ "embed"
	"regexp"
	"sync"

	"tinytorch/engine/kernels"
)

//go:embed matmul.wat
var source string

//go:embed vec.wat
var vecSource string

// VecModule returns vec.wat's module (assembled.go), the optimizers'
// update loops ("momentum" and "adam", see there for their arguments),
// for the browser's engine/vec.
func VecModule() ([]byte, error) { return assembled("vec.wasm") }

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

// Module returns matmul.wat's module (assembled.go). It imports one
// memory as "go" "mem" and exports the function "block" (see matmul.wat
// for its arguments), its variants "blockB", reading B unpacked
// (unpacked.go), and "conv" (conv.go), and "dots", the dot products of
// dots.wat, with its variant "dotsConv" (conv_grad.go), and a
// convolution's input gradient, "convInputGrad1", "convInputGrad2" and
// "convInputGrad3" (conv_input.go).
func Module() ([]byte, error) { return assembled("matmul.wasm") }

// FusedModule returns the same module with fused multiply-adds
// (FusedSource), for engines with relaxed SIMD.
func FusedModule() ([]byte, error) { return assembled("matmul-fma.wasm") }

// multiplyThenAdd matches a vector multiply whose product is added to a
// local (an accumulator), one instruction per line as matmul.wat is
// written.
// It is compiled when first used (by the tests and go generate), not when
// the kernel starts.
var multiplyThenAdd = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`f32x4\.mul\n(\s*)local\.get (\$\w+)\n\s*f32x4\.add\n`)
})

// FusedSource returns matmul.wat with each multiply-then-add of an
// accumulator, a·b then + c, rewritten as one f32x4.relaxed_madd(a, b, c)
// of the relaxed SIMD proposal (in Chromium since version 114). On a CPU
// with FMA instructions the engine emits one fused multiply-add instead of
// two instructions, and rounds once instead of twice: results then differ
// from Module's in the last bits, and may differ between machines (the
// engine may also keep the two roundings), but never between runs on one
// machine. The k loop's eight multiply-adds per step are the ones
// rewritten; the update of C (a multiply then an add of a loaded value)
// keeps its two roundings.
func FusedSource() string { return fuse(source) }

// fuse rewrites the multiply-then-adds of accumulators in src, as
// FusedSource describes.
func fuse(src string) string {
	return multiplyThenAdd().ReplaceAllString(src, "local.get $2\n${1}f32x4.relaxed_madd\n")
}

// probeSource is the smallest module that uses a SIMD instruction: engines
// without SIMD reject it, so WebAssembly.validate on it detects support.
const probeSource = `(module (func (local v128) f32.const 0 f32x4.splat local.set 0))`

// Probe returns the binary of a tiny module that validates only where
// WebAssembly SIMD is supported.
func Probe() []byte { return mustAssembled("probe.wasm") }

// fusedProbeSource uses one relaxed multiply-add: it validates only where
// relaxed SIMD is supported.
const fusedProbeSource = `(module (func (local v128) f32.const 0 f32x4.splat local.tee 0 local.get 0 local.get 0 f32x4.relaxed_madd local.set 0))`

// FusedProbe returns the binary of a tiny module that validates only where
// relaxed SIMD, which FusedModule needs, is supported.
func FusedProbe() []byte { return mustAssembled("probe-fma.wasm") }

// Blocks returns the block kernel that Packed needs, given the function
// that calls the module's "block" on one packed block (the caller turns
// the slices into addresses). The block sizes keep a kc×nc block of B
// (256×256 floats, 256 KiB) and an mc×kc block of A (64 KiB) in the L2
// cache; each call does at least 2·64·256·256 operations once the
// matrices are that large, so the cost of a call from Go to the module
// (about a microsecond) is lost in the work.
func Blocks(block func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32)) kernels.BlockKernel {
	return kernels.BlockKernel{MR: MR, NR: NR, MC: 64, KC: KC, NC: 256, Block: block}
}

// KC is the most steps of k in one call of block: kernels.Packed splits a
// longer k into near-equal slices of at most KC steps, and adds each
// slice's product to C in turn.
const KC = 256

//go:embed peak.wat
var peakSource string

// PeakFlopsPerRound is the floating-point operations of one round of
// peak.wat's loop: 8 multiplies and 8 adds of 4 floats.
const PeakFlopsPerRound = 8 * 4 * 2

// PeakModule returns peak.wat's module (assembled.go), the WebAssembly
// SIMD roof: its export "peak"(n) runs n rounds of multiplies and adds
// and nothing else.
func PeakModule() ([]byte, error) { return assembled("peak.wasm") }

// PeakFusedModule returns peak.wat's module with its multiply-adds fused
// into relaxed SIMD's f32x4.relaxed_madd (as FusedSource does for the
// matmul): the roof of "wasm-simd-fma".
func PeakFusedModule() ([]byte, error) { return assembled("peak-fma.wasm") }
