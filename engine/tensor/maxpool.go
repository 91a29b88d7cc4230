package tensor

import (
	"fmt"
	"math"
)

// MaxPool2d keeps the largest element of every position of the sliding
// window w over the last two dimensions, like
// torch.nn.functional.max_pool2d: input [N, C, H, W] gives [N, C, Ho, Wo]
// with Ho, Wo from w.OutputSize. Each channel is pooled on its own.
// Unlike PyTorch, an unbatched [C, H, W] input is an error (Unsqueeze(0)).
// Padding is skipped, so it never wins over an element, not even over
// -∞; on ties the first maximum in row-major window order wins, and a
// NaN wins over any number, the last NaN of a window over an earlier one
// (as in PyTorch).
//
// The forward pass saves the position of each window's maximum, and the
// gradient scatters g back to those positions, adding up where
// overlapping windows picked the same element. It is the composition
// Unfold, Argmax, Gather in one pass, without the [N, C·kh·kw, L]
// columns.
func (t *Tensor) MaxPool2d(w Window) (*Tensor, error) {
	w = w.normalized()
	if t.Dim() != 4 {
		return nil, fmt.Errorf("maxPool2d: input of shape %s, expected 4 dimensions [N, C, H, W]", FormatShape(t.shape))
	}
	for i := range 2 {
		if w.Kernel[i] <= 0 || w.Stride[i] <= 0 || w.Dilation[i] <= 0 || w.Padding[i] < 0 {
			return nil, fmt.Errorf("maxPool2d: window %+v, expected kernel, stride and dilation > 0 and padding ≥ 0", w)
		}
		if 2*w.Padding[i] > w.Kernel[i] {
			// A window could then lie in the padding alone and give -∞.
			return nil, fmt.Errorf("maxPool2d: padding %s is more than half the kernel %s, expected at most half, as in PyTorch", FormatShape(w.Padding[:]), FormatShape(w.Kernel[:]))
		}
	}
	g := newUnfoldGeom(t.shape, w)
	if g.ho <= 0 || g.wo <= 0 {
		return nil, fmt.Errorf("maxPool2d: input of shape %s is too small for a %dx%d window with dilation %s and padding %s (output would be %dx%d)",
			FormatShape(t.shape), w.Kernel[0], w.Kernel[1], FormatShape(w.Dilation[:]), FormatShape(w.Padding[:]), g.ho, g.wo)
	}
	out := empty([]int{g.n, g.c, g.ho, g.wo})
	// argmax[p] is the offset in the contiguous input of output p's
	// maximum, -1 only for a window with no element inside the input
	// (then its -∞ gets no gradient).
	argmax := make([]int32, len(out.st.data))
	switch {
	case genericOnly || w.Padding != [2]int{}:
		maxPoolForward(g, t.values(), out.st.data, argmax)
	case w.Kernel == [2]int{2, 2} && w.Stride == [2]int{2, 2} && w.Dilation == [2]int{1, 1}:
		maxPool2x2(g, t.values(), out.st.data, argmax)
	default:
		maxPoolInside(g, t.values(), out.st.data, argmax)
	}
	record(out, "maxPool2d", []*Tensor{t}, nil, func(grad *Tensor) []*Tensor {
		dx := empty(t.shape)
		gv := grad.values()
		for p, src := range argmax {
			if src >= 0 {
				dx.st.data[src] += gv[p]
			}
		}
		return []*Tensor{dx}
	})
	return out, nil
}

// maxPoolForward fills y [N·C, Ho, Wo] with the window maxima of x
// [N·C, H, W] and argmax with their offsets in x (-1: no element of the
// window lies inside x).
func maxPoolForward(g unfoldGeom, x, y []float32, argmax []int32) {
	negInf := float32(math.Inf(-1))
	sh, sw := g.w.Stride[0], g.w.Stride[1]
	ph, pw := g.w.Padding[0], g.w.Padding[1]
	dh, dw := g.w.Dilation[0], g.w.Dilation[1]
	plane := g.h * g.wd
	p := 0
	for nc := range g.n * g.c {
		base := nc * plane
		for oi := range g.ho {
			i0 := oi*sh - ph
			for oj := range g.wo {
				j0 := oj*sw - pw
				// Padded positions are skipped, as in PyTorch's CPU
				// kernel: the first in-bounds element sets the running
				// maximum whatever it is (even NaN or -∞), so a window
				// whose in-bounds elements are all -∞ sends its gradient
				// to the first of them, not to the padding. A later one
				// replaces it only if strictly larger or NaN.
				best, at, first := negInf, int32(-1), true
				for ki := range g.kh {
					i := i0 + ki*dh
					if i < 0 || i >= g.h {
						continue
					}
					row := base + i*g.wd
					for kj := range g.kw {
						j := j0 + kj*dw
						if j < 0 || j >= g.wd {
							continue
						}
						if v := x[row+j]; first || v > best || v != v {
							best, at, first = v, int32(row+j), false
						}
					}
				}
				y[p], argmax[p] = best, at
				p++
			}
		}
	}
}

// maxPoolInside is maxPoolForward without padding: every window lies
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
// with stride 2 (LeNet's, VGG's), unrolled. On random data a branch on
// each comparison would be mispredicted about half the time, so it is
// written without one: it tracks only the index of the maximum, moved by
// greater(…)·(distance), and rereads the value from there.
func maxPool2x2(g unfoldGeom, x, y []float32, argmax []int32) {
	plane := g.h * g.wd
	p := 0
	for nc := range g.n * g.c {
		for oi := range g.ho {
			top := nc*plane + 2*oi*g.wd
			out, idx := y[p:p+g.wo], argmax[p:p+g.wo]
			for oj := range out {
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
