package tensor

// maxPoolFast fills y and argmax as maxPoolReference does, for the windows
// it has a fast path for, and reports whether it did: windows without
// padding, the 2×2 windows of stride 2 unrolled (or handed to an
// installed loop, maxpool_install.go).
func maxPoolFast(g unfoldGeom, x, y []float32, argmax []int32) bool {
	switch {
	case g.w.Padding != [2]int{}:
		return false
	case is2x2(g.w):
		maxPool2x2(g, x, y, argmax, installedMaxPool2x2Loop(g, x, y, argmax))
	default:
		maxPoolInside(g, x, y, argmax)
	}
	return true
}

// is2x2 reports whether w is the most common pooling window, 2×2 with
// stride 2 (LeNet's, VGG's), without dilation. Padding is checked apart.
func is2x2(w Window) bool {
	return w.Kernel == [2]int{2, 2} && w.Stride == [2]int{2, 2} && w.Dilation == [2]int{1, 1}
}

// maxPoolInside is maxPoolReference without padding: every window lies
// inside the input, so the loops need no bounds tests.
func maxPoolInside(g unfoldGeom, x, y []float32, argmax []int32) {
	sh, sw := g.w.Stride[0], g.w.Stride[1]
	dh, dw := g.w.Dilation[0]*g.wd, g.w.Dilation[1]
	plane := g.h * g.wd
	p := 0
	for nc := range g.n * g.c {
		for oi := range g.ho {
			for oj := range g.wo {
				first := nc*plane + oi*sh*g.wd + oj*sw
				best, at := x[first], first
				for ki := range g.kh {
					for kj := range g.kw {
						if i := first + ki*dh + kj*dw; x[i] > best || x[i] != x[i] {
							best, at = x[i], i
						}
					}
				}
				y[p], argmax[p] = best, int32(at)
				p++
			}
		}
	}
}

// maxPool2x2 is maxPoolInside for the most common pooling, 2×2 windows
// with stride 2 (LeNet's, VGG's), unrolled, for the outputs of each row
// from column from on (the columns before it are done by an installed
// loop). On random data a branch on each comparison would be
// mispredicted about half the time, so it is written without one: it
// tracks only the index of the maximum, moved by greater(…)·(distance),
// and rereads the value from there.
func maxPool2x2(g unfoldGeom, x, y []float32, argmax []int32, from int) {
	plane := g.h * g.wd
	p := 0
	for nc := range g.n * g.c {
		for oi := range g.ho {
			top := nc*plane + 2*oi*g.wd
			out, idx := y[p:p+g.wo], argmax[p:p+g.wo]
			for oj := from; oj < g.wo; oj++ {
				i0 := top + 2*oj
				i2 := i0 + g.wd
				at := i0
				at += greater(x[i0+1], x[at])
				at += greater(x[i2], x[at]) * (i2 - at)
				at += greater(x[i2+1], x[at]) * (i2 + 1 - at)
				out[oj], idx[oj] = x[at], int32(at)
			}
			p += g.wo
		}
	}
}

// greater returns 1 if a > b or a is NaN, and 0 otherwise: a NaN in a
// window replaces the running maximum, so the last NaN wins, as in
// PyTorch's max_pool2d. The compiler turns it into flag copies, not a
// branch.
func greater(a, b float32) int {
	gt := 0
	if a > b || a != a {
		gt = 1
	}
	return gt
}
