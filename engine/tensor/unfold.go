package tensor

import "fmt"

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
// ⌊(n + 2·padding - dilation·(kernel-1) - 1) / stride⌋ + 1.
func (w Window) OutputSize(i, n int) int {
	w = w.normalized()
	span := w.Dilation[i]*(w.Kernel[i]-1) + 1
	return (n+2*w.Padding[i]-span)/w.Stride[i] + 1
}

// Unfold extracts every position of the sliding window as a column, the
// "im2col" that turns convolution into one matrix product, like
// torch.nn.functional.unfold. Input [N, C, H, W] gives
// [N, C·kh·kw, L], with L = Ho·Wo window positions: row c·kh·kw + i·kw + j
// of column l holds input channel c at window offset (i, j) of position l,
// and 0 where the window hangs over the padding.
//
// Its gradient is "col2im": every column entry is added back to the input
// position it was copied from, so a pixel shared by overlapping windows
// collects the gradient of each.
func (t *Tensor) Unfold(w Window) (*Tensor, error) {
	w = w.normalized()
	if t.Dim() != 4 {
		return nil, fmt.Errorf("unfold: input of shape %v, expected 4 dimensions [N, C, H, W]", t.shape)
	}
	for i := range 2 {
		if w.Kernel[i] <= 0 || w.Stride[i] <= 0 || w.Dilation[i] <= 0 || w.Padding[i] < 0 {
			return nil, fmt.Errorf("unfold: window %+v, expected kernel, stride and dilation > 0 and padding ≥ 0", w)
		}
	}
	g := newUnfoldGeom(t.shape, w)
	if g.ho <= 0 || g.wo <= 0 {
		return nil, fmt.Errorf("unfold: input of shape %v is too small for a %dx%d window with dilation %v and padding %v (output would be %dx%d)",
			t.shape, w.Kernel[0], w.Kernel[1], w.Dilation, w.Padding, g.ho, g.wo)
	}
	out := empty([]int{g.n, g.c * g.kh * g.kw, g.ho * g.wo})
	x := t.values()
	g.each(func(dst, src int) { out.st.data[dst] = x[src] })
	record(out, "unfold", []*Tensor{t}, nil, func(grad *Tensor) []*Tensor {
		dx := empty(t.shape)
		gv := grad.values()
		g.each(func(dst, src int) { dx.st.data[src] += gv[dst] })
		return []*Tensor{dx}
	})
	return out, nil
}

// unfoldGeom is the index arithmetic shared by Unfold and its gradient.
type unfoldGeom struct {
	n, c, h, wd    int
	kh, kw, ho, wo int
	w              Window
}

func newUnfoldGeom(shape []int, w Window) unfoldGeom {
	return unfoldGeom{n: shape[0], c: shape[1], h: shape[2], wd: shape[3],
		kh: w.Kernel[0], kw: w.Kernel[1], ho: w.OutputSize(0, shape[2]), wo: w.OutputSize(1, shape[3]), w: w}
}

// each calls visit(dst, src) for every column entry that lies inside the
// input: dst indexes the contiguous [N, C·kh·kw, L] columns, src the
// contiguous [N, C, H, W] input. Entries over the padding are skipped
// (they stay 0). The loops run row by row so that dst advances
// sequentially.
func (g unfoldGeom) each(visit func(dst, src int)) {
	L := g.ho * g.wo
	rows := g.c * g.kh * g.kw
	for n := range g.n {
		for r := range rows {
			c, ki, kj := r/(g.kh*g.kw), r/g.kw%g.kh, r%g.kw
			base := (n*g.c + c) * g.h * g.wd
			dstRow := (n*rows + r) * L
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
