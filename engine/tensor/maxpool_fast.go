package tensor

import "tinytorch/engine/vec"

// maxPoolFast fills y and argmax as maxPoolReference does, for the windows
// it has a fast path for, and reports whether it did: windows without
// padding, the 2×2 windows of stride 2 a row at a time with
// vec.MaxPool2x2Row (after an installed loop, maxpool_install.go).
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
// with stride 2 (LeNet's, VGG's), a row of outputs at a time with
// vec.MaxPool2x2Row (an AVX2 loop natively), for the outputs of each row
// from column from on (the columns before it are done by an installed
// loop, in the browser).
func maxPool2x2(g unfoldGeom, x, y []float32, argmax []int32, from int) {
	if from >= g.wo {
		return // the installed loop did every output
	}
	plane := g.h * g.wd
	p := 0
	for nc := range g.n * g.c {
		for oi := range g.ho {
			top := nc*plane + 2*oi*g.wd
			vec.MaxPool2x2Row(y[p+from:p+g.wo], argmax[p+from:p+g.wo], x, top+2*from, g.wd)
			p += g.wo
		}
	}
}
