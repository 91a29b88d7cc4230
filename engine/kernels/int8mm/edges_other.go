//go:build !amd64

package int8mm

// Off amd64 (js/wasm included) the Go loops do the work, except where the
// browser installed its WebAssembly SIMD loops (edges_install.go).

func quantizeSIMD(q []int8, x []float32, inv, lo, hi float32, z int32) int {
	return installedQuantizeLoop(q, x, inv, lo, hi, z)
}

func dequantizeSIMD(y []float32, acc, off []int32, scale, bias []float32, m, n int) bool {
	return installedDequantizeLoop(y, acc, off, scale, bias, m, n)
}
