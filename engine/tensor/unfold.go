package tensor

import "fmt"

// The rule of unfold (im2col). For an input x [N, C, H, W] and a window
// of kernel k, stride s, padding p and dilation d, column l = (i, j) of
// sample n holds, at row r = (c, ki, kj), one input element, or 0 over
// the padding:
//
//	cols[n, r, l] = x[n, c, i·sh - ph + ki·dh, j·sw - pw + kj·dw]
//
// It only moves values, so the gradient moves each column entry back to
// where it came from, adding up where overlapping windows share an
// element (col2im):
//
//	dx[n, c, …] += g[n, r, l]
//
// unfoldGeom.each visits these pairs one element at a time: Unfold's
// reference, with the fast paths off. The fast path, unfoldGeom.rows in
// unfold_fast.go, moves whole runs and gives the same bits
// (TestUnfoldFastMatchesReference).

// Window describes the sliding window of a convolution or pooling over
// the last two dimensions (height, width), each setting as [height,
// width]. A zero Stride or Dilation means 1.
type Window struct {
	Kernel   [2]int // window size
	Stride   [2]int // step between windows
	Padding  [2]int // zeros added on both sides before sliding
	Dilation [2]int // step between the window's elements (1: adjacent)
}

// normalized fills in the defaults.
func (w Window) normalized() Window {
	for i := range 2 {
		if w.Stride[i] == 0 {
			w.Stride[i] = 1
		}
		if w.Dilation[i] == 0 {
			w.Dilation[i] = 1
		}
	}
	return w
}

// OutputSize returns the number of window positions along a dimension of
// size n (i = 0 for height, 1 for width):
// ⌊(n + 2·padding - dilation·(kernel-1) - 1) / stride⌋ + 1, and 0 when
// the window is longer than the padded input (Go's division truncates
// toward 0, so the formula alone would give a position: (15-16)/2+1 = 1).
func (w Window) OutputSize(i, n int) int {
	w = w.normalized()
	span := w.Dilation[i]*(w.Kernel[i]-1) + 1
	if n+2*w.Padding[i] < span {
		return 0
	}
	return (n+2*w.Padding[i]-span)/w.Stride[i] + 1
}

// Unfold extracts every position of the sliding window as a column, the
// "im2col" that turns convolution into one matrix product, like
// torch.nn.functional.unfold. Input [N, C, H, W] gives
// [N, C·kh·kw, L], with L = Ho·Wo window positions: row c·kh·kw + i·kw + j
// of column l holds input channel c at window offset (i, j) of position l,
// and 0 where the window hangs over the padding. Unlike PyTorch, an
// unbatched [C, H, W] input is an error (Unsqueeze(0)).
//
// Its gradient is "col2im": every column entry is added back to the input
// position it was copied from, so a pixel shared by overlapping windows
// collects the gradient of each.
func (t *Tensor) Unfold(w Window) (*Tensor, error) {
	w = w.normalized()
	if t.Dim() != 4 {
		return nil, fmt.Errorf("unfold: input of shape %s, expected 4 dimensions [N, C, H, W]", FormatShape(t.shape))
	}
	for i := range 2 {
		if w.Kernel[i] <= 0 || w.Stride[i] <= 0 || w.Dilation[i] <= 0 || w.Padding[i] < 0 {
			return nil, fmt.Errorf("unfold: window %+v, expected kernel, stride and dilation > 0 and padding ≥ 0", w)
		}
	}
	g := newUnfoldGeom(t.shape, w)
	if g.ho <= 0 || g.wo <= 0 {
		return nil, fmt.Errorf("unfold: input of shape %s is too small for a %dx%d window with dilation %s and padding %s (output would be %dx%d)",
			FormatShape(t.shape), w.Kernel[0], w.Kernel[1], FormatShape(w.Dilation[:]), FormatShape(w.Padding[:]), g.ho, g.wo)
	}
	out := empty([]int{g.n, g.c * g.kh * g.kw, g.ho * g.wo})
	x := t.values()
	if genericOnly {
		g.each(func(dst, src int) { out.st.data[dst] = x[src] })
	} else {
		g.rows(im2col, out.st.data, x)
	}
	record(out, "unfold", []*Tensor{t}, nil, func(grad *Tensor) []*Tensor {
		dx := empty(t.shape)
		gv := grad.values()
		if genericOnly {
			g.each(func(dst, src int) { dx.st.data[src] += gv[dst] })
		} else {
			g.rows(col2im, gv, dx.st.data)
		}
		return []*Tensor{dx}
	})
	return out, nil
}

// unfoldGeom is the index arithmetic shared by Unfold, its gradient, the
// convolution and max pooling.
type unfoldGeom struct {
	n, c, h, wd    int
	kh, kw, ho, wo int
	w              Window
	// Where the columns of sample n and row r start: n·nStep + r·rStep.
	// Unfold's [N, C·kh·kw, L] has nStep = C·kh·kw·L and rStep = L;
	// Conv2d's [C·kh·kw, N, L] (the whole batch side by side, for one
	// matrix product) has nStep = L and rStep = N·L.
	nStep, rStep int
}

// newUnfoldGeom returns the geometry of window w over an input of the
// given shape, with Unfold's column layout.
func newUnfoldGeom(shape []int, w Window) unfoldGeom {
	g := unfoldGeom{n: shape[0], c: shape[1], h: shape[2], wd: shape[3],
		kh: w.Kernel[0], kw: w.Kernel[1], ho: w.OutputSize(0, shape[2]), wo: w.OutputSize(1, shape[3]), w: w}
	g.rStep = g.ho * g.wo
	g.nStep = g.c * g.kh * g.kw * g.rStep
	return g
}

// each calls visit(dst, src) for every column entry that lies inside the
// input: dst indexes the columns (laid out as nStep and rStep say), src
// the contiguous [N, C, H, W] input. Entries over the padding are skipped
// (they stay 0). The loops run row by row so that dst advances
// sequentially.
func (g unfoldGeom) each(visit func(dst, src int)) {
	rows := g.c * g.kh * g.kw
	for n := range g.n {
		for r := range rows {
			c, ki, kj := r/(g.kh*g.kw), r/g.kw%g.kh, r%g.kw
			base := (n*g.c + c) * g.h * g.wd
			dstRow := n*g.nStep + r*g.rStep
			for oi := range g.ho {
				i := oi*g.w.Stride[0] - g.w.Padding[0] + ki*g.w.Dilation[0]
				if i < 0 || i >= g.h {
					continue
				}
				for oj := range g.wo {
					j := oj*g.w.Stride[1] - g.w.Padding[1] + kj*g.w.Dilation[1]
					if j >= 0 && j < g.wd {
						visit(dstRow+oi*g.wo+oj, base+i*g.wd+j)
					}
				}
			}
		}
	}
}
