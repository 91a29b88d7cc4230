package tensor

import (
	"fmt"
	"math"
)

// The rule of 2-D max pooling. For an input x [N, C, H, W] and a window
// of kernel k, stride s, padding p and dilation d, each output keeps the
// largest element of its window, and remembers where it was:
//
//	y[n,c,i,j]      = max over (ki, kj) of x[n, c, i·sh - ph + ki·dh, j·sw - pw + kj·dw]
//	argmax[n,c,i,j] = the position of that element in x
//
// The padding is skipped (it never wins, not even over -∞); on ties the
// first maximum in row-major window order wins, and a NaN wins over any
// number, the last NaN of a window over an earlier one, as in PyTorch.
// Only the element that won sees the output, so the gradient sends each
// incoming g there, adding up where overlapping windows picked the same
// element:
//
//	dx[argmax[n,c,i,j]] += g[n,c,i,j]
//
// maxPoolReference and maxPoolReferenceGrad are these formulas as loops.
// The fast paths in maxpool_fast.go compare in the same order, so they
// give the same bits (TestMaxPool2dFastMatchesReference).

// maxPoolReference fills y [N·C, Ho, Wo] with the window maxima of x
// [N·C, H, W] and argmax with their offsets in x (-1: no element of the
// window lies inside x).
func maxPoolReference(g unfoldGeom, x, y []float32, argmax []int32) {
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

// maxPoolReferenceGrad adds each output gradient g[p] to the input element
// its window picked, argmax[p], into dx (zeros); an output with no
// element inside the input (-1) sends nothing.
func maxPoolReferenceGrad(argmax []int32, g, dx []float32) {
	for p, src := range argmax {
		if src >= 0 {
			dx[src] += g[p]
		}
	}
}

// maxPoolSamples pools x into y and argmax, the samples split between
// goroutines: each part pools its samples as a batch of their own, and
// then moves its argmax offsets to the whole input's.
func maxPoolSamples(g unfoldGeom, x, y []float32, argmax []int32) {
	in, per := g.c*g.h*g.wd, g.c*g.ho*g.wo
	parallelSamples(g.n, in, func(lo, hi int) {
		s := g
		s.n = hi - lo
		xs, ys, as := x[lo*in:hi*in], y[lo*per:hi*per], argmax[lo*per:hi*per]
		if genericOnly || !maxPoolFast(s, xs, ys, as) {
			maxPoolReference(s, xs, ys, as)
		}
		if shift := int32(lo * in); shift > 0 {
			for i, at := range as {
				if at >= 0 {
					as[i] = at + shift
				}
			}
		}
	})
}

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
// It computes the rule at the top of this file with the reference loops,
// or, for windows without padding, with a fast path (maxpool_fast.go)
// that gives the same bits. It is the composition Unfold, Argmax, Gather
// in one pass, without the [N, C·kh·kw, L] columns.
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
	out := uninitialized([]int{g.n, g.c, g.ho, g.wo}) // every output is written
	// argmax[p] is the offset in the contiguous input of output p's
	// maximum, -1 only for a window with no element inside the input
	// (then its -∞ gets no gradient).
	argmax := indexPool.get(len(out.st.data)) // every entry is written
	maxPoolSamples(g, t.values(), out.st.data, argmax)
	record(out, "maxPool2d", []*Tensor{t}, nil, func(grad *Tensor) []*Tensor {
		dx := uninitialized(t.shape)
		gv, per, in := grad.values(), g.c*g.ho*g.wo, g.c*g.h*g.wd
		// Each sample's outputs send their gradients into its own input,
		// cleared by the same goroutine.
		parallelSamples(g.n, in, func(lo, hi int) {
			as, gs := argmax[lo*per:hi*per], gv[lo*per:hi*per]
			if genericOnly || !maxPoolGradFast(g, lo, hi, as, gs, dx.st.data) {
				clear(dx.st.data[lo*in : hi*in])
				maxPoolReferenceGrad(as, gs, dx.st.data)
			}
		})
		return []*Tensor{dx}
	})
	// argmax goes back to its pool when backward can no longer read it:
	// at once without a graph, else when backward releases the graph.
	if out.node == nil {
		indexPool.put(argmax)
	} else {
		out.node.free = func() { indexPool.put(argmax) }
	}
	return out, nil
}
