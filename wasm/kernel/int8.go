//go:build js && wasm

package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall/js"
	"time"
	"unsafe"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/int8mm"
	"tinytorch/engine/kernels/wasmsimd"
)

// The browser's int8 kernel: int8.wat of engine/kernels/wasmsimd,
// instantiated on the Go instance's memory like the float kernel
// (simd.go) and registered as engine/kernels/int8mm's variant
// "wasm-simd" where the browser has WebAssembly SIMD. Each MatMulNT is
// one call into the module. The same module holds the layers' quantize
// and dequantize loops, installed with int8mm.InstallEdges. Where the
// browser also has relaxed SIMD, int8relaxed.wat's product for 7-bit
// activations (quantized layers' default) makes "wasm-relaxed" the
// default.
//
//	tt.kernels.info().int8                  // "wasm-relaxed", "wasm-simd", or "reference" without SIMD
//	tt.kernels.int8Bench(m, n, k, ms)       // {kernel, exact, gops, gops8, peakGops, floatGflops}

// int8Status says why the int8 "wasm-simd" is missing, for
// tt.kernels.info(), and int8RelaxedStatus why "wasm-relaxed" is;
// int8Peak and int8RelaxedPeak are the modules' peak loops, once they
// are in.
var (
	int8Status        = "not started"
	int8RelaxedStatus = "not started"
	int8Peak          js.Value
	int8RelaxedPeak   js.Value
)

// installInt8 registers int8.wat as int8mm's "wasm-simd" where this
// browser runs WebAssembly SIMD, once (int8mm.Register refuses a name
// twice, and tt may be built again).
func installInt8() {
	if int8Status == "ok" {
		return
	}
	exports, err := instantiate("int8 kernel", wasmsimd.Probe(), wasmsimd.Int8Module)
	if err != nil {
		int8Status = err.Error()
		return
	}
	matmul := exports.Get("matmul")
	int8Peak = exports.Get("peak")
	kernel := func(c []int32, a, b []int8, m, n, k int) {
		if m == 0 || n == 0 {
			return
		}
		matmul.Invoke(addressOf(c), addressOf(a), addressOf(b), m, n, k)
		runtime.KeepAlive(c)
		runtime.KeepAlive(a)
		runtime.KeepAlive(b)
	}
	int8mm.Register("wasm-simd", kernel)
	installEdges(exports)
	int8Status = "ok"
	int8RelaxedStatus = installInt8Relaxed(kernel)
}

// installInt8Relaxed registers int8mm's "wasm-relaxed": kernel (int8.wat)
// for 8-bit products and, for 7-bit activations (Packed.MatMulNarrow),
// int8relaxed.wat on relaxed SIMD's byte dot product, where this browser
// validates the instruction and the module gives the integer reference's
// result on wasmsimd.CheckInt8Relaxed's edge values. It returns "ok" or
// why not.
func installInt8Relaxed(kernel int8mm.Kernel) string {
	exports, err := instantiate("int8 relaxed kernel", wasmsimd.Int8RelaxedProbe(), wasmsimd.Int8RelaxedModule)
	if err != nil {
		return err.Error()
	}
	matmul7 := exports.Get("matmul7")
	var tmp []int8 // the shifted A; one call at a time (js/wasm runs one thread)
	run := func(c []int32, a, b []int8, sums []int32, m, n, k int) int {
		if m == 0 || n == 0 {
			return 0
		}
		tmp = grow(tmp, m*k)
		ret := matmul7.Invoke(addressOf(c), addressOf(a), addressOf(b), m, n, k, addressOf(sums), addressOf(tmp)).Int()
		runtime.KeepAlive(c)
		runtime.KeepAlive(a)
		runtime.KeepAlive(b)
		runtime.KeepAlive(sums)
		return ret
	}
	if err := wasmsimd.CheckInt8Relaxed(run, int8mm.Reference); err != nil {
		return err.Error()
	}
	int8RelaxedPeak = exports.Get("peak")
	int8mm.RegisterNarrow("wasm-relaxed", kernel, func(c []int32, a, b []int8, sums []int32, m, n, k int) bool {
		return run(c, a, b, sums, m, n, k) == 0
	})
	return "ok"
}

// installEdges hands int8mm the quantized layers' edge loops of int8.wat:
// the input's quantization (16 floats a step instead of Go's one) and the
// accumulators' dequantization (the whole matrix in one call: a call
// from Go into the module costs about a microsecond, too much per row).
func installEdges(exports js.Value) {
	quantize, dequantize := exports.Get("quantize"), exports.Get("dequantize")
	int8mm.InstallEdges(func(q []int8, x []float32, inv, lo, hi float32, z int32) {
		quantize.Invoke(addressOf(q), addressOf(x), len(x), inv, lo, hi, z)
		runtime.KeepAlive(q)
		runtime.KeepAlive(x)
	}, func(y []float32, acc, off []int32, scale, bias []float32, m, n int) {
		hasBias := 0
		if bias != nil {
			hasBias = 1
		}
		dequantize.Invoke(addressOf(y), addressOf(acc), addressOf(off), addressOf(scale), addressOf(bias), m, n, hasBias)
		runtime.KeepAlive(y)
		runtime.KeepAlive(acc)
		runtime.KeepAlive(off)
		runtime.KeepAlive(scale)
		runtime.KeepAlive(bias)
	})
}

// addressOf returns the byte address of x's first element in the Go
// instance's linear memory (0 for an empty slice, which the kernel then
// does not read).
func addressOf[T any](x []T) int {
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(x))))
}

// int8Bench is tt.kernels.int8Bench(m, n, k, ms): it multiplies random
// int8 matrices, A m×k by Bᵀ with B n×k (a quantized Linear layer's
// product at batch m), with the current int8 kernel, checks the result
// against int8mm.Reference, then times it for about ms milliseconds
// (default 200) and returns {kernel, exact, gops, gops8, peakGops,
// floatGflops}: GOP/s (2mnk int8 operations per call, the median call)
// of the product a quantized layer runs by default, on 7-bit activations
// (Packed.MatMulNarrow), and of the 8-bit product (MatMulNT); the peak
// loop of the 7-bit product's instruction (its fastest sample; null
// without the module); and GFLOP/s of the float32 product of the same
// shape with the current float kernel (what an unquantized Linear layer
// does). exact holds if both products equal the reference's, before and
// after the timing (once V8 has optimized the code).
func int8Bench(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.kernels.int8Bench", args)
	m, n, k := r.Size(0, "m", 1), r.Size(1, "n", 128), r.Size(2, "k", 784)
	ms := r.Float(3, "ms", 200)
	if err := r.Err(); err != nil {
		return nil, err
	}
	// Each operand and the two results are allocated whole: bound each of
	// them, not only the work (m=n=2^14, k=1 asked for two 1 GiB results
	// and ran the kernel out of memory in TestFuzzTTBadArguments).
	const most = 1 << 24
	if m*n*k == 0 || k > int8mm.MaxK || m*n*k > 1<<28 || m*k > most || n*k > most || m*n > most {
		return nil, fmt.Errorf("%s: expected 1 ≤ k ≤ %d, m·n·k between 1 and 2^28 and m·k, n·k, m·n at most 2^24, got m=%d n=%d k=%d", r.name, int8mm.MaxK, m, n, k)
	}
	rng := rand.New(rand.NewPCG(uint64(m), uint64(n*k)))
	a, a7, b := make([]int8, m*k), make([]int8, m*k), make([]int8, n*k)
	for i := range a {
		a[i] = int8(rng.IntN(256) - 128)
		a7[i] = int8(int8mm.NarrowMin + rng.IntN(int8mm.NarrowMax-int8mm.NarrowMin+1))
	}
	for i := range b {
		b[i] = int8(rng.IntN(256) - 128)
	}
	packed := int8mm.Pack(b, n, k)
	// One result buffer serves both products (each operand is bounded,
	// but three m×n int32 buffers and the float one are already 256 MiB
	// at the bound).
	c, want, want7 := make([]int32, m*n), make([]int32, m*n), make([]int32, m*n)
	int8mm.Reference(want, a, b, m, n, k)
	int8mm.Reference(want7, a7, b, m, n, k)
	exact := func() bool {
		clear(c)
		int8mm.MatMulNT(c, a, b, m, n, k)
		ok := slices.Equal(c, want)
		clear(c)
		packed.MatMulNarrow(c, a7, m)
		return ok && slices.Equal(c, want7)
	}
	ok := exact()
	ops := 2 * float64(m*n*k)
	res := map[string]any{"kernel": int8mm.Name(), "peakGops": nil}
	res["gops"] = ops / medianSeconds(ms, func() { packed.MatMulNarrow(c, a7, m) }) / 1e9
	res["gops8"] = ops / medianSeconds(ms, func() { int8mm.MatMulNT(c, a, b, m, n, k) }) / 1e9
	res["exact"] = ok && exact()
	x, w, y := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	for i := range x {
		x[i] = float32(a[i])
	}
	for i := range w {
		w[i] = float32(b[i])
	}
	res["floatGflops"] = ops / medianSeconds(ms, func() {
		kernels.Matmul(false, true, m, n, k, 1, x, k, w, k, 0, y, n)
	}) / 1e9
	if peak, opsPerIter := int8PeakOf(int8mm.Name()); !peak.IsUndefined() {
		const iters = 1 << 14
		samples := sampleSeconds(ms/4, func() { peak.Invoke(iters) })
		res["peakGops"] = iters * opsPerIter / samples[0] / 1e9 // the fastest sample: the peak
	}
	return res, nil
}

// int8PeakOf returns the peak loop of the instruction that variant's
// 7-bit product uses, and its int8 operations per iteration: undefined
// for a variant with no loop here.
func int8PeakOf(variant string) (js.Value, float64) {
	switch variant {
	case "wasm-relaxed":
		return int8RelaxedPeak, wasmsimd.Int8RelaxedPeakOps
	case "wasm-simd":
		return int8Peak, wasmsimd.Int8PeakOps
	}
	return js.Undefined(), 0
}

// medianSeconds returns the median seconds per call of fn's samples.
func medianSeconds(ms float64, fn func()) float64 {
	samples := sampleSeconds(ms, fn)
	return samples[len(samples)/2]
}

// sampleSeconds calls fn for about ms milliseconds after a warm-up of a
// quarter of that (V8 tiers the code up), in samples of enough calls to
// last at least a millisecond, and returns the seconds per call of each
// sample, fastest first.
func sampleSeconds(ms float64, fn func()) []float64 {
	d := time.Duration(ms * float64(time.Millisecond))
	for end := time.Now().Add(d / 4); time.Now().Before(end); {
		fn()
	}
	batch := 1
	for {
		t := time.Now()
		for range batch {
			fn()
		}
		if time.Since(t) >= time.Millisecond || batch >= 1<<20 {
			break
		}
		batch *= 2
	}
	var samples []float64
	for end := time.Now().Add(d); time.Now().Before(end) || len(samples) < 3; {
		t := time.Now()
		for range batch {
			fn()
		}
		samples = append(samples, time.Since(t).Seconds()/float64(batch))
	}
	slices.Sort(samples)
	return samples
}

// withInt8Bench adds int8Bench to the tt.kernels object.
func withInt8Bench(k js.Value) js.Value {
	k.Set("int8Bench", function("tt.kernels.int8Bench", int8Bench))
	return k
}
