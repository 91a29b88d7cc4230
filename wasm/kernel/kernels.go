//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"
	"time"

	"tinytorch/engine/kernels"
	"tinytorch/engine/kernels/int8mm"
)

// Bindings of engine/kernels: tt.kernels switches the matmul kernel that
// every tensor operation uses, and takes kernels written in a cell
// (kernels_cell.go).
//
//	tt.kernels.names()     // ["naive", …, "simd", "wasm-simd", "wasm-simd-fma"]
//	tt.kernels.list()      // [{name, source: "built-in" or "cell", current}, …]
//	tt.kernels.register("mine", (m, n, k, a, b, c) => { … })  // checked, then listed
//	tt.kernels.current()   // "wasm-simd-fma" where the browser has relaxed SIMD
//	tt.kernels.use("tiled")
//	tt.kernels.roofs()     // [{isa, lanes, threads, gflops}]: the measured SIMD roof
//	tt.kernels.info()      // {current, names, threads, and "ok" or why not for wasmSimd,
//	                       // wasmSimdFma and vectorLoops (the optimizers' SIMD loops);
//	                       // directConvs, directConvGrads and directInputGrads, the convolutions'
//	                       // forward passes, filters' and input's gradient chunks computed
//	                       // without columns (simd_conv.go);
//	                       // int8, int8Names, int8Simd and int8Relaxed for the int8 kernels (int8.go)}
func newKernels() js.Value {
	installSIMD()
	installInt8()
	return withInt8Bench(object(map[string]binding{
		"names":    func(js.Value, []js.Value) (any, error) { return stringsToJS(kernels.Names()), nil },
		"current":  func(js.Value, []js.Value) (any, error) { return kernels.Current(), nil },
		"use":      kernelsUse,
		"list":     kernelsList,
		"register": kernelsRegister,
		"roofs":    kernelsRoofs,
		"info": func(js.Value, []js.Value) (any, error) {
			return map[string]any{
				"current":          kernels.Current(),
				"names":            stringsToJS(kernels.Names()),
				"threads":          kernels.Threads(),
				"wasmSimd":         simdStatus,
				"wasmSimdFma":      fusedStatus,
				"vectorLoops":      vecStatus,
				"directConvs":      directConvRuns,
				"directConvGrads":  directConvGradRuns,
				"directInputGrads": directInputGradRuns,
				"int8":             int8mm.Name(),
				"int8Names":        stringsToJS(int8mm.Names()),
				"int8Simd":         int8Status,
				"int8Relaxed":      int8RelaxedStatus,
			}, nil
		},
	}))
}

// kernelsRoofs is tt.kernels.roofs(): the measured roof of this tab, one
// {isa, lanes, threads, gflops} per loop of kernels.MeasureRoofs (the
// WebAssembly SIMD multiply-add loop of peak.wat, fused where relaxed SIMD
// is), each the best of 10 runs of about 10 ms.
func kernelsRoofs(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.kernels.roofs", args)
	if err := r.Err(); err != nil {
		return nil, err
	}
	var out []any
	for _, roof := range kernels.MeasureRoofs(1, 10*time.Millisecond) {
		out = append(out, map[string]any{"isa": roof.ISA, "lanes": roof.Lanes, "threads": roof.Threads, "gflops": roof.GFLOPS})
	}
	return out, nil
}

// kernelsUse is tt.kernels.use(name): it returns the previous kernel's
// name, so a cell can restore it.
func kernelsUse(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.kernels.use", args)
	name := r.NeedString(0, "the kernel's name") // Use names the kernels when it is not one
	if err := r.Err(); err != nil {
		return nil, err
	}
	prev := kernels.Current()
	if err := kernels.Use(name); err != nil {
		return nil, fmt.Errorf("%s: %v", r.name, err)
	}
	return prev, nil
}
