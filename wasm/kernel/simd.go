//go:build js && wasm

package kernel

import (
	"fmt"
	"runtime"
	"syscall/js"
	"unsafe"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/wasmsimd"
)

// The browser's fast matmul. Go's compiler emits no WebAssembly SIMD, so
// the kernel assembles the hand-written SIMD macro-kernel of
// engine/kernels/wasmsimd (matmul.wat) at start-up, instantiates it on the
// Go instance's own memory, and registers it as the kernels variant
// "wasm-simd", the default wherever the browser supports SIMD. Go still
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
		simdStatus, fusedStatus = err.Error(), "needs wasm-simd"
		return
	}
	simdStatus = "ok"
	best := wasmSIMDName
	if err := registerSIMD(wasmFusedName, wasmsimd.FusedProbe(), wasmsimd.FusedModule); err != nil {
		fusedStatus = err.Error()
	} else {
		fusedStatus, best = "ok", wasmFusedName
	}
	if err := kernels.Use(best); err != nil {
		simdStatus = err.Error()
	}
}

// registerSIMD registers one variant of the SIMD kernel under name if the
// browser validates probe, assembling the module with build.
func registerSIMD(name string, probe []byte, build func() ([]byte, error)) (err error) {
	defer func() {
		if r := recover(); r != nil { // a JavaScript exception from the calls below
			err = fmt.Errorf("%s: %v", name, r)
		}
	}()
	wa := js.Global().Get("WebAssembly")
	// worker.js sets __ttGoMemory to the Go instance's exported memory.
	mem := js.Global().Get("__ttGoMemory")
	if wa.IsUndefined() || mem.IsUndefined() || !mem.InstanceOf(wa.Get("Memory")) {
		return fmt.Errorf("%s: the Go instance's memory is not available", name)
	}
	if !wa.Call("validate", bytesToJS(probe)).Bool() {
		return fmt.Errorf("%s: this browser does not support the WebAssembly SIMD it needs", name)
	}
	code, err := build()
	if err != nil {
		return err
	}
	module := wa.Get("Module").New(bytesToJS(code)) // synchronous: allowed in a worker
	imports := map[string]any{"go": map[string]any{"mem": mem}}
	block := wa.Get("Instance").New(module, imports).Get("exports").Get("block")
	tmp := make([]float32, wasmsimd.TmpFloats)
	fn := kernels.Packed(wasmsimd.Blocks(func(kb, mb, nb int, ap, bp, c []float32, ldc int, alpha float32) {
		block.Invoke(kb, mb, nb, address(ap), address(bp), address(c), ldc, alpha, address(tmp))
		runtime.KeepAlive(ap)
		runtime.KeepAlive(bp)
		runtime.KeepAlive(c)
	}))
	return kernels.Register(name, fn)
}

// address returns the byte address of x's first element in the Go
// instance's linear memory: under js/wasm a Go pointer is that address.
func address(x []float32) int {
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(x))))
}

// bytesToJS copies b into a new Uint8Array.
func bytesToJS(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}
