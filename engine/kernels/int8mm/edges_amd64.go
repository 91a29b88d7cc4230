package int8mm

import "tinytorch/engine/internal/cpu"

// The Go side of the AVX2 edge loops (edges_amd64.s).

// edgesAVX2 says whether the AVX2 edge loops may run on this CPU; tests
// turn it off to run the installed or Go loops.
var edgesAVX2 = cpu.HasAVX2FMA()

//go:noescape
func quantizeAVX2(q *int8, x *float32, n int, inv, lo, hi float32, z int32)

//go:noescape
func dequantizeRowAVX2(y *float32, acc, off *int32, scale, bias *float32, n int)

// quantizeSIMD quantizes the leading multiple of 32 elements with AVX2
// and returns how many it did.
func quantizeSIMD(q []int8, x []float32, inv, lo, hi float32, z int32) int {
	if !edgesAVX2 {
		return installedQuantizeLoop(q, x, inv, lo, hi, z)
	}
	n := len(x) &^ 31
	if n == 0 {
		return 0
	}
	quantizeAVX2(&q[0], &x[0], n, inv, lo, hi, z)
	return n
}

// dequantizeSIMD does every row with AVX2, 8 columns at a time, and the
// last n mod 8 columns of each in Go; it says whether it did the work.
func dequantizeSIMD(y []float32, acc, off []int32, scale, bias []float32, m, n int) bool {
	if !edgesAVX2 {
		return installedDequantizeLoop(y, acc, off, scale, bias, m, n)
	}
	n8 := n &^ 7
	var tail []float32
	if bias != nil {
		tail = bias[n8:]
	}
	for i := range m {
		row, a := y[i*n:(i+1)*n], acc[i*n:(i+1)*n]
		if n8 > 0 {
			var b *float32 // nil: no bias
			if bias != nil {
				b = &bias[0]
			}
			dequantizeRowAVX2(&row[0], &a[0], &off[0], &scale[0], b, n8)
		}
		dequantizeRowGo(row[n8:], a[n8:], off[n8:], scale[n8:], tail)
	}
	return true
}
