package tensor

// Max pooling loops that a platform can supply: the browser's kernel
// (wasm/kernel) installs WebAssembly SIMD versions of the 2×2, stride-2
// pooling forward and backward (engine/kernels/wasmsimd's pool.wat),
// which Go's compiler cannot emit. They must give the same bits as the Go
// loops (vec.MaxPool2x2Row and maxPoolReferenceGrad).

// MaxPool2x2Func pools planes of [h, wd] floats in x over 2×2 windows of
// stride 2 into planes of [ho, wo] in y, and sets argmax to each
// maximum's index in x, for every output when the rows have at least 4
// outputs (wo ≥ 4); shorter rows are left to Go. Ties and NaN as in
// MaxPool2d: the first maximum in row-major window order, the last NaN.
// wasmsimd.MaxPool2x2Reference is this contract in Go.
type MaxPool2x2Func func(x, y []float32, argmax []int32, planes, h, wd, ho, wo int)

// MaxPool2x2BackwardFunc writes, for the same outputs p as MaxPool2x2Func,
// the four elements of p's window in dx: +0 + g[p] at the one whose index
// in dx, plus base, is argmax[p], and +0 at the other three (windows of
// stride 2 do not overlap, so this is dx[argmax[p]] += g[p] on a cleared
// dx). wasmsimd.MaxPool2x2BackwardReference is this contract in Go.
type MaxPool2x2BackwardFunc func(dx, g []float32, argmax []int32, planes, h, wd, ho, wo, base int)

var (
	installedMaxPool2x2         MaxPool2x2Func
	installedMaxPool2x2Backward MaxPool2x2BackwardFunc
)

// InstallMaxPool2x2 sets the loops MaxPool2d uses for 2×2 windows of
// stride 2 without padding; nil leaves the Go loop in place. Call it once
// at start-up, before any pooling.
func InstallMaxPool2x2(forward MaxPool2x2Func, backward MaxPool2x2BackwardFunc) {
	installedMaxPool2x2, installedMaxPool2x2Backward = forward, backward
}

// installedMaxPool2x2Loop runs the installed forward loop on the samples
// of g and returns the output column the Go loop continues from: wo (the
// loop did every output), or 0 when no loop is installed or the rows are
// shorter than 4 outputs.
func installedMaxPool2x2Loop(g unfoldGeom, x, y []float32, argmax []int32) int {
	if installedMaxPool2x2 == nil || g.wo < 4 || g.n*g.c == 0 {
		return 0
	}
	installedMaxPool2x2(x, y, argmax, g.n*g.c, g.h, g.wd, g.ho, g.wo)
	return g.wo
}

// maxPoolGradFast sets dx for samples [lo, hi) to the gradient that
// maxPoolReferenceGrad adds to a cleared dx from the output gradients gs,
// with the installed loop for the 2×2 windows of stride 2 without
// padding, and reports whether it did. as are the samples' argmax
// offsets, in the whole input's numbering. The loop writes every element
// of every window, so dx needs clearing first only where the windows
// leave a last row or column out (an odd height or width).
func maxPoolGradFast(g unfoldGeom, lo, hi int, as []int32, gs, dx []float32) bool {
	if installedMaxPool2x2Backward == nil || g.w.Padding != [2]int{} || !is2x2(g.w) || g.wo < 4 || hi <= lo || g.c == 0 {
		return false
	}
	in := g.c * g.h * g.wd
	part := dx[lo*in : hi*in]
	if g.h != 2*g.ho || g.wd != 2*g.wo {
		clear(part)
	}
	installedMaxPool2x2Backward(part, gs, as, (hi-lo)*g.c, g.h, g.wd, g.ho, g.wo, lo*in)
	return true
}
