package int8mm

// Edge loops that a platform without assembly here can supply: the
// browser's kernel (wasm/kernel) installs the WebAssembly SIMD quantize
// and dequantize loops of engine/kernels/wasmsimd's int8.wat, which Go's
// compiler cannot emit. An installed loop must give the same bytes as the
// Go loop (edges.go). On amd64 the AVX2 loops take precedence where the
// CPU has AVX2.

// QuantizeFunc is a vector Quantize (same arguments). It is handed the
// leading multiple of 16 elements; the Go loop does the rest.
type QuantizeFunc func(q []int8, x []float32, inv, lo, hi float32, z int32)

// DequantizeFunc is a vector Dequantize (same arguments), handed the
// whole matrix.
type DequantizeFunc func(y []float32, acc, off []int32, scale, bias []float32, m, n int)

var (
	installedQuantize   QuantizeFunc
	installedDequantize DequantizeFunc
)

// InstallEdges sets the quantize and dequantize loops to use where no
// assembly loop exists; nil leaves the Go loop in place. Call it once at
// start-up, before any quantized layer runs.
func InstallEdges(quantize QuantizeFunc, dequantize DequantizeFunc) {
	installedQuantize, installedDequantize = quantize, dequantize
}

// installedQuantizeLoop runs the installed quantize loop on the leading
// multiple of 16 elements and returns how many it did: none when no loop
// is installed.
func installedQuantizeLoop(q []int8, x []float32, inv, lo, hi float32, z int32) int {
	n := len(x) &^ 15
	if installedQuantize == nil || n == 0 {
		return 0
	}
	installedQuantize(q[:n], x[:n], inv, lo, hi, z)
	return n
}

// installedDequantizeLoop runs the installed dequantize loop and says
// whether there was one.
func installedDequantizeLoop(y []float32, acc, off []int32, scale, bias []float32, m, n int) bool {
	if installedDequantize == nil {
		return false
	}
	installedDequantize(y, acc, off, scale, bias, m, n)
	return true
}
