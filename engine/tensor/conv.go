package tensor

import "fmt"

// The rule of 2-D convolution. For an input x [N, C, H, W], filters
// w [O, C, kh, kw] and a bias b [O], with stride s, padding p and
// dilation d, and x read as 0 over the padding:
//
//	y[n,o,i,j] = b[o] + Σ_c Σ_ki Σ_kj w[o,c,ki,kj] · x[n, c, i·sh - ph + ki·dh, j·sw - pw + kj·dw]
//
// Every term is one weight times one input element, so for the incoming
// gradient g = ∂L/∂y each term sends g·w to its input element, g·x to its
// weight, and each output sends g to its bias:
//
//	dx[n,c,…]     += g[n,o,i,j] · w[o,c,ki,kj]   (elements inside the input only)
//	dw[o,c,ki,kj] += g[n,o,i,j] · x[n,c,…]
//	db[o]         += g[n,o,i,j]
//
// conv2dReference and conv2dReferenceGrad are these formulas as loops,
// summed in float64. Conv2d runs them when the fast paths are off
// (genericOnly); the fast path, in conv_fast.go, lays the windows out as
// columns and makes one matrix product, and the tests hold it to them
// (TestConv2dFastMatchesReference, within 1e-5 of the largest value: the
// product sums in float32, in another order).

// conv2dReference returns y [N, O, Ho, Wo] for x, the filters w and the
// bias b (nil for none), all contiguous.
func conv2dReference(g unfoldGeom, o int, x, w, b []float32) []float32 {
	sum := make([]float64, g.n*o*g.ho*g.wo)
	g.convTerms(o, func(yi, wi, xi int) { sum[yi] += float64(w[wi]) * float64(inputOrZero(x, xi)) })
	y := make([]float32, len(sum))
	for yi, s := range sum {
		if b != nil {
			s += float64(b[yi/(g.ho*g.wo)%o])
		}
		y[yi] = float32(s)
	}
	return y
}

// conv2dReferenceGrad returns the gradients of x, w and b for the output
// gradient gy. A term over the padding gives its weight g·0 (NaN for an
// infinite g, as in the fast path's product), and its input nothing.
func conv2dReferenceGrad(g unfoldGeom, o int, x, w, gy []float32) (dx, dw, db []float32) {
	sx, sw, sb := make([]float64, len(x)), make([]float64, len(w)), make([]float64, o)
	g.convTerms(o, func(yi, wi, xi int) {
		gv := float64(gy[yi])
		sw[wi] += gv * float64(inputOrZero(x, xi))
		if xi >= 0 {
			sx[xi] += gv * float64(w[wi])
		}
	})
	for yi, gv := range gy {
		sb[yi/(g.ho*g.wo)%o] += float64(gv)
	}
	return round32(sx), round32(sw), round32(sb)
}

// convTerms calls term(yi, wi, xi) for every term of the rule's sum: the
// offsets of y[n,o,i,j] in y [N, O, Ho, Wo], of w[o,c,ki,kj] in w, and
// of the input element in x [N, C, H, W], -1 over the padding.
func (g unfoldGeom) convTerms(o int, term func(yi, wi, xi int)) {
	k, L := g.c*g.kh*g.kw, g.ho*g.wo
	for yi := range g.n * o * L {
		n, oc, i, j := yi/(o*L), yi/L%o, yi/g.wo%g.ho, yi%g.wo
		for r := range k { // r = (c, ki, kj) in row-major order
			c, ki, kj := r/(g.kh*g.kw), r/g.kw%g.kh, r%g.kw
			xi := g.inputIndex(n, c, i*g.w.Stride[0]-g.w.Padding[0]+ki*g.w.Dilation[0], j*g.w.Stride[1]-g.w.Padding[1]+kj*g.w.Dilation[1])
			term(yi, oc*k+r, xi)
		}
	}
}

// inputIndex is the offset of x[n, c, i, j] in the contiguous input, or
// -1 when (i, j) lies in the padding.
func (g unfoldGeom) inputIndex(n, c, i, j int) int {
	if i < 0 || i >= g.h || j < 0 || j >= g.wd {
		return -1
	}
	return ((n*g.c+c)*g.h+i)*g.wd + j
}

// inputOrZero is x[xi], or 0 over the padding (xi = -1).
func inputOrZero(x []float32, xi int) float32 {
	if xi < 0 {
		return 0
	}
	return x[xi]
}

// round32 rounds float64 sums to float32 once each.
func round32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

// conv2dReferenceOp is Conv2d through the reference loops, recorded with
// their gradient: the engine's convolution when the fast paths are off.
// For simplicity it saves both x and w and computes every gradient; the
// fast path saves, and computes, only what the needed gradients read.
func (t *Tensor) conv2dReferenceOp(weight, bias *Tensor, g unfoldGeom) *Tensor {
	o := weight.shape[0]
	var b []float32
	inputs := []*Tensor{t, weight}
	if bias != nil {
		b = bias.values()
		inputs = append(inputs, bias)
	}
	out := fromData(conv2dReference(g, o, t.values(), weight.values(), b), []int{g.n, o, g.ho, g.wo})
	record(out, "conv2d", inputs, []*Tensor{t, weight}, func(grad *Tensor) []*Tensor {
		dx, dw, db := conv2dReferenceGrad(g, o, t.values(), weight.values(), grad.values())
		grads := []*Tensor{fromData(dx, t.shape), fromData(dw, weight.shape)}
		if bias != nil {
			grads = append(grads, fromData(db, bias.shape))
		}
		return grads
	})
	return out
}

// Conv2d convolves t [N, C, H, W] with the filters weight [O, C, kh, kw]
// and adds bias [O] (nil for none), like torch.nn.functional.conv2d:
// output channel o at window position l is Σ weight[o]·(window l of the
// input) + bias[o]. The result is [N, O, Ho, Wo]. The kernel size comes
// from weight; w gives the stride, padding and dilation (w.Kernel must be
// zero or match). Unlike PyTorch, an unbatched [C, H, W] input is an
// error: Unsqueeze(0) makes it a batch of one. With C = 0 every output is
// the bias (PyTorch 1.13 returns an empty result).
//
// It computes the rule at the top of this file: through the reference
// loops when the fast paths are off, otherwise through conv2dFast
// (conv_fast.go), which fuses Unfold, Matmul and Add.
func (t *Tensor) Conv2d(weight, bias *Tensor, w Window) (*Tensor, error) {
	g, err := convGeom(t, weight, bias, w)
	if err != nil {
		return nil, err
	}
	if g.c == 0 {
		return t.conv2dNoChannels(weight, bias, g)
	}
	if genericOnly {
		return t.conv2dReferenceOp(weight, bias, g), nil
	}
	return t.conv2dFast(weight, bias, g), nil
}

// conv2dNoChannels is Conv2d with 0 input channels: each output is a sum
// over no inputs, 0, plus the bias. t and weight are empty; they enter
// through an (empty, so 0) sum each, so that they get their empty
// gradients as in PyTorch, and the bias gets the sums of g.
func (t *Tensor) conv2dNoChannels(weight, bias *Tensor, g unfoldGeom) (*Tensor, error) {
	o := weight.shape[0]
	out := must(must(Zeros(g.n, o, g.ho, g.wo)).Add(must(t.SumAll().Add(weight.SumAll()))))
	if bias != nil {
		return out.Add(must(bias.Reshape(1, o, 1, 1)))
	}
	return out, nil
}

// convGeom checks Conv2d's arguments and returns the window's geometry,
// with the column layout [C·kh·kw, N, L].
func convGeom(t, weight, bias *Tensor, w Window) (unfoldGeom, error) {
	if t.Dim() != 4 || weight.Dim() != 4 {
		return unfoldGeom{}, fmt.Errorf("conv2d: input %s and weight %s, expected [N, C, H, W] and [O, C, kh, kw]", FormatShape(t.shape), FormatShape(weight.shape))
	}
	if weight.shape[1] != t.shape[1] {
		return unfoldGeom{}, fmt.Errorf("conv2d: input %s has %d channels but weight %s expects %d", FormatShape(t.shape), t.shape[1], FormatShape(weight.shape), weight.shape[1])
	}
	if bias != nil && (bias.Dim() != 1 || bias.shape[0] != weight.shape[0]) {
		return unfoldGeom{}, fmt.Errorf("conv2d: bias %s, expected [%d] (one per output channel of weight %s)", FormatShape(bias.shape), weight.shape[0], FormatShape(weight.shape))
	}
	// PyTorch 1.13 convolves an empty input only when the batch or the
	// channels are empty; an empty row or column is refused.
	if t.Numel() == 0 && t.shape[0] > 0 && t.shape[1] > 0 {
		return unfoldGeom{}, fmt.Errorf("conv2d: input of shape %s is empty in a spatial dimension; only an empty batch (N = 0) or no channels (C = 0) is supported", FormatShape(t.shape))
	}
	kernel := [2]int{weight.shape[2], weight.shape[3]}
	if w.Kernel != [2]int{} && w.Kernel != kernel {
		return unfoldGeom{}, fmt.Errorf("conv2d: window kernel %s differs from weight %s's %s", FormatShape(w.Kernel[:]), FormatShape(weight.shape), FormatShape(kernel[:]))
	}
	w.Kernel = kernel
	w = w.normalized()
	for i := range 2 {
		if w.Kernel[i] <= 0 || w.Stride[i] <= 0 || w.Dilation[i] <= 0 || w.Padding[i] < 0 {
			return unfoldGeom{}, fmt.Errorf("conv2d: window %+v, expected kernel, stride and dilation > 0 and padding ≥ 0", w)
		}
	}
	g := newUnfoldGeom(t.shape, w)
	if g.ho <= 0 || g.wo <= 0 {
		return unfoldGeom{}, fmt.Errorf("conv2d: input of shape %s is too small for a %dx%d kernel with dilation %s and padding %s (output would be %dx%d)",
			FormatShape(t.shape), kernel[0], kernel[1], FormatShape(w.Dilation[:]), FormatShape(w.Padding[:]), g.ho, g.wo)
	}
	g.nStep, g.rStep = g.ho*g.wo, g.n*g.ho*g.wo
	return g, nil
}
