package wasmsimd

import _ "embed"

//go:embed pool.wat
var poolSource string

// PoolModule returns pool.wat's module (assembled.go): max pooling over 2×2 windows with
// stride 2, forward ("maxPool2x2") and backward ("maxPool2x2Backward"),
// which the browser's kernel installs into engine/tensor. The functions
// take the arguments of MaxPool2x2Reference and MaxPool2x2BackwardReference
// as byte addresses and integers.
func PoolModule() ([]byte, error) { return assembled("pool.wasm") }

// MaxPool2x2Reference is pool.wat's "maxPool2x2" in Go, the rule the tests
// hold the module to: x holds planes of [h, wd] floats, y and argmax
// planes of [ho, wo] outputs, and for every output it keeps the largest
// element of the output's 2×2 window and its index in x. The elements are
// visited top-left, top-right, bottom-left, bottom-right; each replaces
// the running maximum if greater or NaN, so a tie keeps the first and the
// last NaN wins (engine/tensor's max_pool2d rule). Rows of fewer than 4
// outputs (wo < 4) are left alone.
func MaxPool2x2Reference(x, y []float32, argmax []int32, planes, h, wd, ho, wo int) {
	if wo < 4 {
		return
	}
	for nc := range planes {
		for oi := range ho {
			for oj := range wo {
				i0 := nc*h*wd + 2*oi*wd + 2*oj
				at := i0
				for _, i := range [3]int{i0 + 1, i0 + wd, i0 + wd + 1} {
					if v := x[i]; v > x[at] || v != v {
						at = i
					}
				}
				p := (nc*ho+oi)*wo + oj
				y[p], argmax[p] = x[at], int32(at)
			}
		}
	}
}

// MaxPool2x2BackwardReference is pool.wat's "maxPool2x2Backward" in Go:
// for every output p it writes the four elements of p's window in dx,
// +0 + g[p] at the one whose index (plus base) is argmax[p] and +0 at the
// others. It is dx[argmax[p]] += g[p] on a cleared dx, for windows that
// do not overlap; elements outside these windows, and everything when
// wo < 4, are left alone.
func MaxPool2x2BackwardReference(dx, g []float32, argmax []int32, planes, h, wd, ho, wo, base int) {
	if wo < 4 {
		return
	}
	for nc := range planes {
		for oi := range ho {
			for oj := range wo {
				i0 := nc*h*wd + 2*oi*wd + 2*oj
				p := (nc*ho+oi)*wo + oj
				for _, i := range [4]int{i0, i0 + 1, i0 + wd, i0 + wd + 1} {
					dx[i] = 0
					if int(argmax[p]) == i+base {
						dx[i] += g[p]
					}
				}
			}
		}
	}
}
