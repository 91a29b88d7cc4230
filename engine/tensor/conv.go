package tensor

import (
	"fmt"

	"tinytorch/engine/kernels"
)

// Conv2d convolves t [N, C, H, W] with the filters weight [O, C, kh, kw]
// and adds bias [O] (nil for none), like torch.nn.functional.conv2d:
// output channel o at window position l is Σ weight[o]·(window l of the
// input) + bias[o]. The result is [N, O, Ho, Wo]. The kernel size comes
// from weight; w gives the stride, padding and dilation (w.Kernel must be
// zero or match). Unlike PyTorch, an unbatched [C, H, W] input is an
// error: Unsqueeze(0) makes it a batch of one. With C = 0 every output is
// the bias (PyTorch 1.13 returns an empty result).
//
// It computes what Unfold, Matmul and Add compute (that composition is the
// reference it is tested against) in a layout chosen for speed: the
// columns of the whole batch sit side by side, [C·kh·kw, N·Ho·Wo], so the
// convolution is one large matrix product, weight [O, C·kh·kw] times
// columns, instead of N small ones (a chunk of samples at a time, see
// chunkFloats). The bias rides along in the product, as an extra column
// of the weight times an extra row of ones under the columns: the output
// needs no pass to add it, and the backward pass's product gives the
// bias's gradient (the row sums of dY) with the weight's. The columns
// live in a reused scratch buffer, kept for the backward pass when the
// weight or the bias needs a gradient and given back after it: allocating
// and zeroing megabytes at every step would cost more than unfolding.
func (t *Tensor) Conv2d(weight, bias *Tensor, w Window) (*Tensor, error) {
	g, err := convGeom(t, weight, bias, w)
	if err != nil {
		return nil, err
	}
	if g.c == 0 {
		return t.conv2dNoChannels(weight, bias, g)
	}
	if genericOnly {
		return t.conv2dLowered(weight, bias, g.w)
	}
	c := newConvCall(g, weight, bias)
	out := empty([]int{g.n, c.o, g.ho, g.wo})
	// The backward pass needs the columns for the weight's and the bias's
	// gradients only.
	var kept []float32
	if GradEnabled() && (weight.requiresGrad || bias != nil && bias.requiresGrad) {
		kept = getScratch(c.k * g.n * g.ho * g.wo)
	}
	c.forward(t.values(), out.st.data, kept)
	inputs := []*Tensor{t, weight}
	if bias != nil {
		inputs = append(inputs, bias)
	}
	// Backward reads the weight (c.filters, its storage when there is no
	// bias) for the input's gradient, and the input for the weight's and
	// the bias's: each is saved only when the other's gradient needs it,
	// so that, as in PyTorch, the other may be modified in place.
	var saved []*Tensor
	if t.requiresGrad {
		saved = append(saved, weight)
	}
	if weight.requiresGrad || bias != nil && bias.requiresGrad {
		saved = append(saved, t)
	}
	record(out, "conv2d", inputs, saved, func(grad *Tensor) []*Tensor {
		grads := c.backward(t, weight, bias, grad, kept)
		// The columns go back to the pool after the first backward pass;
		// another one (with RetainGraph) unfolds the input again.
		if kept != nil {
			putScratch(kept)
			kept = nil
		}
		return grads
	})
	return out, nil
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

// convCall is what the forward and backward passes of one Conv2d share:
// the geometry, and the filters as the matrix of the product, [O, k] with
// k = C·kh·kw, plus one column holding the bias when there is one.
type convCall struct {
	g          unfoldGeom
	o, rows, k int       // output channels, window entries, k = rows (+1 with a bias)
	filters    []float32 // [O, k]
}

// newConvCall lays out the filters (and bias) for the product.
func newConvCall(g unfoldGeom, weight, bias *Tensor) convCall {
	c := convCall{g: g, o: weight.shape[0], rows: g.c * g.kh * g.kw}
	c.k = c.rows
	c.filters = weight.values()
	if bias != nil {
		c.k++
		wv, bv := c.filters, bias.values()
		c.filters = make([]float32, c.o*c.k)
		for ch := range c.o {
			copy(c.filters[ch*c.k:], wv[ch*c.rows:(ch+1)*c.rows])
			c.filters[ch*c.k+c.rows] = bv[ch]
		}
	}
	return c
}

// columns writes the columns of the samples of s (a chunk) into cols,
// [k, nb·L]: the unfolded input, then, with a bias, a row of ones.
func (c convCall) columns(s unfoldGeom, x, cols []float32) {
	s.unfoldBatch(x, cols)
	if c.k > c.rows {
		width := s.n * s.ho * s.wo
		ones := cols[c.rows*width : (c.rows+1)*width]
		for j := range ones {
			ones[j] = 1
		}
	}
}

// chunkFloats is about how many floats of columns Conv2d unfolds at a
// time: 128 Ki floats (512 KiB) stay in a core's L2 cache between being
// written by the unfolding and read by the matrix product, while the
// columns of a whole batch of 64 images (megabytes) would go out to
// memory and back. Each chunk still makes a product large enough for
// the kernel.
const chunkFloats = 128 << 10

// chunk returns how many samples Conv2d processes at a time. It depends
// on the shapes only, so the order of the sums, and the result, does not
// change from run to run or with the thread count.
func (g unfoldGeom) chunk() int {
	// max(1, …): with no input channels (or an empty output) a sample's
	// columns hold nothing, and the division must not be by 0.
	return max(1, min(g.n, chunkFloats/max(1, g.c*g.kh*g.kw*g.ho*g.wo)))
}

// sub returns the geometry of nb samples of the batch, with the column
// layout [C·kh·kw, nb·L].
func (g unfoldGeom) sub(nb int) unfoldGeom {
	g.n = nb
	g.nStep, g.rStep = g.ho*g.wo, nb*g.ho*g.wo
	return g
}

// forward computes the convolution of x into out [N, O, L], a chunk of
// samples at a time: lay out the chunk's columns [k, nb·L], multiply the
// filters by them into [O, nb·L], and copy each output row into place.
// The columns of the whole batch are left in kept, chunk after chunk,
// unless it is nil.
func (c convCall) forward(x, out, kept []float32) {
	g, L := c.g, c.g.ho*c.g.wo
	in, chunk := g.c*g.h*g.wd, g.chunk()
	prod := getScratch(c.o * chunk * L)
	defer putScratch(prod)
	cols := kept
	if cols == nil {
		cols = getScratch(c.k * chunk * L)
		defer putScratch(cols)
	}
	for n0 := 0; n0 < g.n; n0 += chunk {
		s := g.sub(min(chunk, g.n-n0))
		width := s.n * L
		cs := cols
		if kept != nil {
			cs = kept[n0*c.k*L:]
		}
		c.columns(s, x[n0*in:], cs)
		kernels.Matmul(false, false, c.o, width, c.k, 1, c.filters, c.k, cs, width, 0, prod, width)
		s.toBatchFirst(c.o, prod, out[n0*c.o*L:])
	}
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

// conv2dLowered is the convolution as Unfold, Matmul and Add, the
// reference for Conv2d: slower, but made of ops tested on their own.
func (t *Tensor) conv2dLowered(weight, bias *Tensor, w Window) (*Tensor, error) {
	cols, err := t.Unfold(w) // [N, C·kh·kw, L]
	if err != nil {
		return nil, err
	}
	filters := must(weight.Reshape(weight.shape[0], -1))
	y, err := filters.Matmul(cols) // [N, O, L]
	if err != nil {
		return nil, err
	}
	if bias != nil {
		if y, err = y.Add(must(bias.Reshape(bias.shape[0], 1))); err != nil {
			return nil, err
		}
	}
	g := newUnfoldGeom(t.shape, w)
	return must(y.Reshape(g.n, weight.shape[0], g.ho, g.wo)).owned(), nil
}

// unfoldBatch writes the columns of every sample into cols, laid out
// [C·kh·kw, N·L]. cols is a reused buffer, so the entries over the padding
// are zeroed first (there are none without padding).
func (g unfoldGeom) unfoldBatch(x, cols []float32) {
	if g.w.Padding != [2]int{} {
		clear(cols)
	}
	g.rows(im2col, cols, x)
}

// toBatchFirst turns the product [O, N, L] into the output [N, O, L].
func (g unfoldGeom) toBatchFirst(o int, prod, out []float32) {
	L := g.ho * g.wo
	for n := range g.n {
		for ch := range o {
			copy(out[(n*o+ch)*L:(n*o+ch+1)*L], prod[(ch*g.n+n)*L:(ch*g.n+n+1)*L])
		}
	}
}

// backward returns the gradients of Conv2d for the output gradient grad
// [N, O, Ho, Wo]. For each chunk of samples, with dY the chunk's gradient
// laid out [O, nb·L] and X its columns [k, nb·L] (the last row all ones
// with a bias):
//
//	[dWeight | dBias] += dY · Xᵀ  (dBias: the row sums of dY)
//	dX                 = col2im(Weightᵀ · dY)
//
// kept holds the forward pass's columns, or is nil: then each chunk is
// unfolded again.
func (c convCall) backward(t, weight, bias, grad *Tensor, kept []float32) []*Tensor {
	g, L := c.g, c.g.ho*c.g.wo
	in, chunk := g.c*g.h*g.wd, g.chunk()
	x, gv := t.values(), grad.values()
	dy, cols := getScratch(c.o*chunk*L), getScratch(c.k*chunk*L)
	defer putScratch(dy)
	defer putScratch(cols)
	var dx *Tensor
	if t.requiresGrad {
		dx = empty(t.shape)
	}
	// dwb is [dWeight | dBias], [O, k]; needed unless neither needs a
	// gradient.
	var dwb []float32
	if weight.requiresGrad || bias != nil && bias.requiresGrad {
		dwb = make([]float32, c.o*c.k)
	}
	for n0 := 0; n0 < g.n; n0 += chunk {
		s := g.sub(min(chunk, g.n-n0))
		width := s.n * L
		s.toChannelFirst(c.o, gv[n0*c.o*L:], dy)
		if dwb != nil {
			cs := cols
			if kept != nil {
				cs = kept[n0*c.k*L:]
			} else {
				c.columns(s, x[n0*in:], cs)
			}
			beta := float32(min(n0, 1)) // overwrite, then accumulate
			kernels.Matmul(false, true, c.o, c.k, width, 1, dy, width, cs, width, beta, dwb, c.k)
		}
		if dx != nil {
			// Weightᵀ·dY: the filters without the bias column.
			kernels.Matmul(true, false, c.rows, width, c.o, 1, c.filters, c.k, dy, width, 0, cols, width)
			s.rows(col2im, cols, dx.st.data[n0*in:])
		}
	}
	grads := []*Tensor{dx, nil}
	if weight.requiresGrad {
		dw := empty(weight.shape)
		for ch := range c.o {
			copy(dw.st.data[ch*c.rows:(ch+1)*c.rows], dwb[ch*c.k:])
		}
		grads[1] = dw
	}
	if bias != nil {
		grads = append(grads, nil)
		if bias.requiresGrad {
			db := empty(bias.shape)
			for ch := range c.o {
				db.st.data[ch] = dwb[ch*c.k+c.rows]
			}
			grads[2] = db
		}
	}
	return grads
}

// toChannelFirst turns the output gradient [N, O, L] into [O, N, L], the
// layout of the forward product.
func (g unfoldGeom) toChannelFirst(o int, grad, dy []float32) {
	L := g.ho * g.wo
	for n := range g.n {
		for ch := range o {
			copy(dy[(ch*g.n+n)*L:(ch*g.n+n+1)*L], grad[(n*o+ch)*L:(n*o+ch+1)*L])
		}
	}
}
