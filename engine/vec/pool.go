package vec

// MaxPool2x2Row pools one output row of 2×2 windows of stride 2: y[j] is
// the largest of x[top+2j], x[top+2j+1], x[top+wd+2j] and x[top+wd+2j+1]
// (the window in row-major order, wd the input's row length), and
// argmax[j] its index in x. As in PyTorch's max_pool2d, the first of equal
// maxima wins, a NaN wins over any number, and a later NaN over an
// earlier one. argmax must be as long as y, and 2·len(y) at most wd.
//
// The Go loop's comparisons depend on the data, so on a layer's output
// they are branches the CPU mispredicts about half the time (65 cycles an
// output on LeNet's first pooling); the vector loop (AVX2 on amd64)
// compares eight windows at once and selects with masks.
func MaxPool2x2Row(y []float32, argmax []int32, x []float32, top, wd int) {
	n := len(y)
	if n == 0 {
		return
	}
	argmax = argmax[:n]
	_ = x[top+wd+2*n-1] // every window inside x
	if 2*n > wd {
		panic("vec.MaxPool2x2Row: windows wider than the input's rows")
	}
	done := maxPool2x2SIMD(y, argmax, x, top, wd)
	maxPool2x2Go(y[done:], argmax[done:], x, top+2*done, wd)
}

// maxPool2x2Go is the reference loop. It tracks only the index of the
// maximum, moved by greater(…)·(distance), and rereads the value from
// there.
func maxPool2x2Go(y []float32, argmax []int32, x []float32, top, wd int) {
	for j := range y {
		i0 := top + 2*j
		i2 := i0 + wd
		at := i0
		at += greater(x[i0+1], x[at])
		at += greater(x[i2], x[at]) * (i2 - at)
		at += greater(x[i2+1], x[at]) * (i2 + 1 - at)
		y[j], argmax[j] = x[at], int32(at)
	}
}

// greater returns 1 if a > b or a is NaN, and 0 otherwise: a NaN in a
// window replaces the running maximum, so the last NaN wins, as in
// PyTorch's max_pool2d.
func greater(a, b float32) int {
	if a > b || a != a {
		return 1
	}
	return 0
}
