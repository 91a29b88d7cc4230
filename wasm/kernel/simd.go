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

// wasmSIMDName is the variant's name in tt.kernels.names().
const wasmSIMDName = "wasm-simd"

// simdStatus says why "wasm-simd" is missing, for tt.kernels.info().
var simdStatus = "not started"

// installSIMD registers "wasm-simd" and makes it the default if this
// browser can run it; otherwise the portable Go kernel stays the default.
func installSIMD() {
	if err := registerSIMD(); err != nil {
		simdStatus = err.Error()
		return
	}
	simdStatus = "ok"
	if err := kernels.Use(wasmSIMDName); err != nil {
		simdStatus = err.Error()
	}
}

func registerSIMD() (err error) {
	defer func() {
		if r := recover(); r != nil { // a JavaScript exception from the calls below
			err = fmt.Errorf("wasm-simd: %v", r)
		}
	}()
	wa := js.Global().Get("WebAssembly")
	// worker.js sets __ttGoMemory to the Go instance's exported memory.
	mem := js.Global().Get("__ttGoMemory")
	if wa.IsUndefined() || mem.IsUndefined() || !mem.InstanceOf(wa.Get("Memory")) {
		return fmt.Errorf("wasm-simd: the Go instance's memory is not available")
	}
	if !wa.Call("validate", bytesToJS(wasmsimd.Probe())).Bool() {
		return fmt.Errorf("wasm-simd: this browser does not support WebAssembly SIMD")
	}
	code, err := wasmsimd.Module()
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
	return kernels.Register(wasmSIMDName, fn)
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
