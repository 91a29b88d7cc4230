//go:build js && wasm

package kernel

import (
	"fmt"
	"runtime"
	"syscall/js"
	"unsafe"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/wasmsimd"
	"tinytorch/engine/tensor"
	"tinytorch/engine/vec"
)

// The browser's fast matmul. Go's compiler emits no WebAssembly SIMD, so
// the kernel instantiates the hand-written SIMD macro-kernel of
// engine/kernels/wasmsimd (matmul.wat, assembled ahead of time) on the
// Go instance's own memory, and registers it as the kernels variant
// "wasm-simd" (and, where the browser has relaxed SIMD, "wasm-simd-fma",
// which is then the default; "wasm-simd" is the default otherwise). Go still
// packs the panels of A and B (kernels.Packed); each call hands the
// module a whole packed block, as byte addresses into Go's memory.
//
// Memory growth: the module imports the same WebAssembly.Memory object as
// the one Go grows, so it always sees the whole current memory; nothing
// here keeps a JavaScript view (a typed array) of the memory, which is what
// growing would detach. Go's garbage collector does not move objects, and
// the slices are kept alive until each call returns.

// The variants' names in tt.kernels.names(): the SIMD kernel with a
// multiply and an add per step, and the same with fused multiply-adds
// (relaxed SIMD), which is the default where the browser has it.
const (
	wasmSIMDName  = "wasm-simd"
	wasmFusedName = "wasm-simd-fma"
)

// simdStatus says why "wasm-simd" is missing, for tt.kernels.info();
// fusedStatus likewise for "wasm-simd-fma".
var simdStatus, fusedStatus = "not started", "not started"

// installSIMD registers "wasm-simd" and "wasm-simd-fma" where this browser
// can run them and makes the fastest the default; otherwise the portable
// Go kernel stays the default.
func installSIMD() {
	if err := registerSIMD(wasmSIMDName, wasmsimd.Probe(), wasmsimd.Module); err != nil {
		simdStatus, fusedStatus, vecStatus = err.Error(), "needs wasm-simd", "needs wasm-simd"
		return
	}
	simdStatus, vecStatus = "ok", "ok"
	if err := installVec(); err != nil {
		vecStatus = err.Error()
	}
	installRoof(wasmSIMDName, wasmsimd.Probe(), wasmsimd.PeakModule)
	best := wasmSIMDName
	if err := registerSIMD(wasmFusedName, wasmsimd.FusedProbe(), wasmsimd.FusedModule); err != nil {
		fusedStatus = err.Error()
	} else {
		fusedStatus, best = "ok", wasmFusedName
		installRoof(wasmFusedName, wasmsimd.FusedProbe(), wasmsimd.PeakFusedModule)
	}
	if err := kernels.Use(best); err != nil {
		simdStatus = err.Error()
	}
}

// registerSIMD registers one variant of the SIMD kernel under name if the
// browser validates probe, with the module that build returns.
func registerSIMD(name string, probe []byte, build func() ([]byte, error)) error {
	exports, err := instantiate(name, probe, build)
	if err != nil {
		return err
	}
	block, blockB := exports.Get("block"), exports.Get("blockB")
	tmp := make([]float32, wasmsimd.TmpFloats)
	bk := wasmsimd.Blocks(func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32) {
		block.Invoke(kb, mb, nb, address(ap), address(bp), address(c), ldc, alpha, address(tmp))
		runtime.KeepAlive(ap)
		runtime.KeepAlive(bp)
		runtime.KeepAlive(c)
	})
	// Products with few rows (a convolution's forward pass) read B in
	// place: the same bits, without Go copying B into panels first.
	bk.BlockB = func(kb, mb, nb int, ap, b []float32, ldb int, c []float32, ldc int, alpha float32) {
		blockB.Invoke(kb, mb, nb, address(ap), address(b), address(c), ldc, alpha, address(tmp), ldb)
		runtime.KeepAlive(ap)
		runtime.KeepAlive(b)
		runtime.KeepAlive(c)
	}
	// A convolution's weight gradient (dY·Xᵀ, few rows, a long k) is dot
	// products of rows read in place, not packed.
	dots := exports.Get("dots")
	var out []float32 // dots.wat writes whole tiles: room for the edges
	bk.Dots = func(m, n, k int, a []float32, lda int, b []float32, ldb int, dst []float32, ldo int) {
		size, stride := wasmsimd.DotsFloats(m, n)
		out = grow(out, size)
		dots.Invoke(m, n, k, address(a), lda, address(b), ldb, address(out))
		runtime.KeepAlive(a)
		runtime.KeepAlive(b)
		for i := range m {
			copy(dst[i*ldo:i*ldo+n], out[i*stride:])
		}
	}
	if err := kernels.Register(name, kernels.Packed(bk)); err != nil {
		return err
	}
	registerDirectConv(name, exports, tmp) // simd_conv.go
	return nil
}

// installRoof registers peak.wat's loop of multiplies and adds (fused for
// "wasm-simd-fma") with kernels.RegisterRoof, so that the roofline's
// compute ceiling in the browser is measured, as natively, and not taken
// from a matmul. A browser that cannot instantiate it keeps the matmul's
// rate as the ceiling.
func installRoof(name string, probe []byte, build func() ([]byte, error)) {
	exports, err := instantiate(name+" roof", probe, build)
	if err != nil {
		return
	}
	peak := exports.Get("peak")
	kernels.RegisterRoof(name, 4, wasmsimd.PeakFlopsPerRound, func(n int) {
		for n > 0 { // an i32 argument: at most 2³⁰ rounds a call
			k := min(n, 1<<30)
			peak.Invoke(k)
			n -= k
		}
	})
}

// vecStatus says whether the optimizers' WebAssembly SIMD loops are in
// use, for tt.kernels.info().
var vecStatus = "not started"

// installVec hands engine/vec the optimizers' update loops of vec.wat
// (momentum SGD, Adam and AdamW), its ReLU loops and its check for NaN
// and ±Inf (a training step checks every gradient and weight), and
// engine/tensor the max pooling of pool.wat and the column moves of
// unfold.wat, which give the same bits as their Go loops four floats per
// instruction.
func installVec() error {
	exports, err := instantiate("vector loops", wasmsimd.Probe(), wasmsimd.VecModule)
	if err != nil {
		return err
	}
	momentum, adam := exports.Get("momentum"), exports.Get("adam")
	vec.Install(func(w, g, buf []float32, lr, mu, damp float32) {
		momentum.Invoke(address(w), address(g), address(buf), len(w), -lr, mu, damp)
		runtime.KeepAlive(w)
		runtime.KeepAlive(g)
		runtime.KeepAlive(buf)
	}, func(w, g, m, v []float32, c *vec.AdamConsts) {
		adam.Invoke(address(w), address(g), address(m), address(v), len(w),
			c.Beta1, c.OneMinusBeta1, c.Beta2, c.OneMinusBeta2, c.BiasCorrection2Sqrt, c.Eps, c.NegStepSize, c.Decay)
		runtime.KeepAlive(w)
		runtime.KeepAlive(g)
		runtime.KeepAlive(m)
		runtime.KeepAlive(v)
	})
	installActivations(exports)
	finite := exports.Get("allFinite")
	vec.InstallAllFinite(func(v []float32) bool {
		ok := finite.Invoke(address(v), len(v)).Int() == 1
		runtime.KeepAlive(v)
		return ok
	})
	if err := installPooling(); err != nil {
		return err
	}
	return installMoveBlocks()
}

// installMoveBlocks hands engine/tensor unfold.wat's mover of a
// convolution's columns (im2col forward, col2im backward): one call per
// chunk of samples, where Go copies each run of 8 or 24 floats with a
// call to runtime.memmove (about a quarter of a LeNet training step under
// V8).
func installMoveBlocks() error {
	exports, err := instantiate("column moves", wasmsimd.Probe(), wasmsimd.UnfoldModule)
	if err != nil {
		return err
	}
	move := exports.Get("moveBlocks")
	tensor.InstallMoveBlocks(func(add bool, cols, img []float32, blocks []int32) {
		dir := 0
		if add {
			dir = 1
		}
		move.Invoke(dir, address(cols), address(img), address(blocks), len(blocks)/wasmsimd.BlockFields)
		runtime.KeepAlive(cols)
		runtime.KeepAlive(img)
		runtime.KeepAlive(blocks)
	})
	return nil
}

// installPooling hands engine/tensor pool.wat's 2×2, stride-2 max pooling,
// forward and backward: four windows per step, compared and selected by
// masks, where Go compares and branches per element (max pooling was
// about a tenth of a LeNet training step in Chromium).
func installPooling() error {
	exports, err := instantiate("pooling loops", wasmsimd.Probe(), wasmsimd.PoolModule)
	if err != nil {
		return err
	}
	forward, backward := exports.Get("maxPool2x2"), exports.Get("maxPool2x2Backward")
	tensor.InstallMaxPool2x2(func(x, y []float32, argmax []int32, planes, h, wd, ho, wo int) {
		forward.Invoke(address(x), address(y), address(argmax), planes, h, wd, ho, wo)
		runtime.KeepAlive(x)
		runtime.KeepAlive(y)
		runtime.KeepAlive(argmax)
	}, func(dx, g []float32, argmax []int32, planes, h, wd, ho, wo, base int) {
		backward.Invoke(address(dx), address(g), address(argmax), planes, h, wd, ho, wo, base)
		runtime.KeepAlive(dx)
		runtime.KeepAlive(g)
		runtime.KeepAlive(argmax)
	})
	return nil
}

// installActivations hands engine/vec vec.wat's ReLU forward and backward
// loops: a comparison and a mask per four floats instead of Go's branch
// per float, which mispredicts about half the time on a layer's output.
func installActivations(exports js.Value) {
	relu, reluBackward := exports.Get("relu"), exports.Get("reluBackward")
	vec.InstallActivations(func(y, x []float32) {
		relu.Invoke(address(y), address(x), len(x))
		runtime.KeepAlive(y)
		runtime.KeepAlive(x)
	}, func(dx, g, y []float32) {
		reluBackward.Invoke(address(dx), address(g), address(y), len(dx))
		runtime.KeepAlive(dx)
		runtime.KeepAlive(g)
		runtime.KeepAlive(y)
	})
}

// instantiate gets a module of engine/kernels/wasmsimd from build and
// instantiates it on the Go instance's own memory, if this browser
// validates probe; it returns the module's exports.
func instantiate(name string, probe []byte, build func() ([]byte, error)) (exports js.Value, err error) {
	defer func() {
		if r := recover(); r != nil { // a JavaScript exception from the calls below
			err = fmt.Errorf("%s: %v", name, r)
		}
	}()
	wa := js.Global().Get("WebAssembly")
	// worker.js sets __ttGoMemory to the Go instance's exported memory.
	mem := js.Global().Get("__ttGoMemory")
	if wa.IsUndefined() || mem.IsUndefined() || !mem.InstanceOf(wa.Get("Memory")) {
		return js.Value{}, fmt.Errorf("%s: the Go instance's memory is not available", name)
	}
	if !wa.Call("validate", bytesToJS(probe)).Bool() {
		return js.Value{}, fmt.Errorf("%s: this browser does not support the WebAssembly SIMD it needs", name)
	}
	code, err := build()
	if err != nil {
		return js.Value{}, err
	}
	module := wa.Get("Module").New(bytesToJS(code)) // synchronous: allowed in a worker
	imports := map[string]any{"go": map[string]any{"mem": mem}}
	return wa.Get("Instance").New(module, imports).Get("exports"), nil
}

// grow returns buf with length n, reallocated only when too small: the
// kernel's scratch buffers, reused from call to call (js/wasm runs one
// call at a time).
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// address returns the byte address of x's first element in the Go
// instance's linear memory: under js/wasm a Go pointer is that address.
func address[T float32 | int32](x []T) int {
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(x))))
}

// bytesToJS copies b into a new Uint8Array.
func bytesToJS(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}
