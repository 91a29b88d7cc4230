package tensor

import "tinytorch/engine/kernels"

// conv2dFast is Conv2d's fast path: the rule of conv.go computed as
// Unfold, Matmul and Add would, fused. The columns of a chunk of the
// batch sit side by side, [C·kh·kw, nb·Ho·Wo], so the convolution is one
// large matrix product, weight [O, C·kh·kw] times columns, instead of one
// small product per sample (see chunkFloats). The bias rides along in
// the product, as an extra column of the weight times an extra row of
// ones under the columns: the output needs no pass to add it, and the
// backward pass's product gives the bias's gradient (the row sums of dY)
// with the weight's. The columns live in a reused scratch buffer, kept
// for the backward pass when the weight or the bias needs a gradient and
// given back after it: allocating and zeroing megabytes at every step
// would cost more than unfolding.
func (t *Tensor) conv2dFast(weight, bias *Tensor, g unfoldGeom) *Tensor {
	c := newConvCall(g, weight, bias)
	out := empty([]int{g.n, c.o, g.ho, g.wo})
	// An installed forward pass (conv_install.go) reads the input in place
	// and keeps no columns: the backward pass unfolds them again, chunk
	// by chunk. Otherwise the columns are unfolded here, and kept for the
	// backward pass when the weight's or the bias's gradient needs them.
	var kept []float32
	if !c.direct(t.values(), out.st.data) {
		if GradEnabled() && (weight.requiresGrad || bias != nil && bias.requiresGrad) {
			kept = getScratch(c.k * g.n * g.ho * g.wo)
		}
		c.forward(t.values(), out.st.data, kept)
	}
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
	return out
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

// chunkCount rounds the number of chunks up to a multiple of 4, so that
// two or four goroutines, each taking consecutive chunks, get the same
// number of samples (LeNet's second convolution, 13 samples a chunk,
// would otherwise make 5 chunks of a batch of 64: 3 for one goroutine,
// 2 for the other).
const chunkCount = 4

// chunk returns how many samples Conv2d processes at a time: at most
// chunkFloats of columns, in chunks of near-equal size, their number a
// multiple of chunkCount (unless the whole batch fits in one). It depends
// on the shapes only, so the order of the sums, and the result, does not
// change from run to run or with the thread count.
func (g unfoldGeom) chunk() int {
	// max(1, …): with no input channels (or an empty output) a sample's
	// columns hold nothing, and the division must not be by 0.
	most := max(1, min(g.n, chunkFloats/max(1, g.c*g.kh*g.kw*g.ho*g.wo)))
	chunks := (g.n + most - 1) / most
	if chunks > 1 {
		chunks = min(g.n, (chunks+chunkCount-1)/chunkCount*chunkCount)
	}
	return max(1, (g.n+chunks-1)/max(1, chunks))
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
// unless it is nil. The chunks are independent, so they are split between
// goroutines, each with its own buffers.
func (c convCall) forward(x, out, kept []float32) {
	g, L := c.g, c.g.ho*c.g.wo
	in, chunk := g.c*g.h*g.wd, g.chunk()
	kernels.Parallel((g.n+chunk-1)/chunk, 1, func(lo, hi int) {
		prod := getScratch(c.o * chunk * L)
		defer putScratch(prod)
		cols := kept
		if cols == nil {
			cols = getScratch(c.k * chunk * L)
			defer putScratch(cols)
		}
		for n0 := lo * chunk; n0 < min(hi*chunk, g.n); n0 += chunk {
			s := g.sub(min(chunk, g.n-n0))
			width := s.n * L
			// Bounded to the chunk: unfolding with padding clears it
			// first, and the next chunk may be another goroutine's.
			cs := cols[:c.k*width]
			if kept != nil {
				cs = kept[n0*c.k*L : n0*c.k*L+c.k*width]
			}
			c.columns(s, x[n0*in:], cs)
			kernels.Matmul(false, false, c.o, width, c.k, 1, c.filters, c.k, cs, width, 0, prod, width)
			s.toBatchFirst(c.o, prod, out[n0*c.o*L:])
		}
	})
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
// kept holds the forward pass's columns, or is nil: then an installed
// pass computes the chunk's dY·Xᵀ from the input in place
// (conv_install.go), or the chunk is unfolded again. The chunks are split
// between goroutines: each chunk's dY·Xᵀ goes into a partial sum of its
// own, and the partial sums are then added in chunk order, so the result
// does not depend on the split.
func (c convCall) backward(t, weight, bias, grad *Tensor, kept []float32) []*Tensor {
	g, L := c.g, c.g.ho*c.g.wo
	in, chunk := g.c*g.h*g.wd, g.chunk()
	chunks := (g.n + chunk - 1) / chunk
	x, gv := t.values(), grad.values()
	var dx *Tensor
	if t.requiresGrad {
		dx = uninitialized(t.shape) // each chunk clears its samples
	}
	// partial[i] is chunk i's [dWeight | dBias], [O, k]; needed unless
	// neither needs a gradient.
	ok := c.o * c.k
	needWB := weight.requiresGrad || bias != nil && bias.requiresGrad
	var partial []float32
	if needWB {
		partial = getScratch(chunks * ok)
		defer putScratch(partial)
	}
	kernels.Parallel(chunks, 1, func(lo, hi int) {
		// dY's buffer has room after it for an installed input
		// gradient's vector loop (directInputGrad).
		dyBuf, cols := getScratch(c.o*chunk*L+DirectInputGradSlack), getScratch(c.k*chunk*L)
		defer putScratch(dyBuf)
		defer putScratch(cols)
		for i := lo; i < hi; i++ {
			n0 := i * chunk
			s := g.sub(min(chunk, g.n-n0))
			width := s.n * L
			dy := dyBuf[:c.o*width]
			s.toChannelFirst(c.o, gv[n0*c.o*L:], dy)
			if partial != nil && (kept != nil || !c.directGrad(s, x[n0*in:], dy, partial[i*ok:])) {
				cs := cols[:c.k*width]
				if kept != nil {
					cs = kept[n0*c.k*L : n0*c.k*L+c.k*width]
				} else {
					c.columns(s, x[n0*in:], cs)
				}
				kernels.Matmul(false, true, c.o, c.k, width, 1, dy, width, cs, width, 0, partial[i*ok:], c.k)
			}
			if dx != nil {
				img := dx.st.data[n0*in : (n0+s.n)*in]
				clear(img)
				if !c.directInputGrad(s, dy, img) {
					// Weightᵀ·dY: the filters without the bias column.
					kernels.Matmul(true, false, c.rows, width, c.o, 1, c.filters, c.k, dy, width, 0, cols, width)
					s.rows(col2im, cols, img)
				}
			}
		}
	})
	grads := []*Tensor{dx, nil}
	if !needWB {
		if bias != nil {
			grads = append(grads, nil)
		}
		return grads
	}
	var dwb []float32
	if chunks == 0 {
		// An empty batch has no chunk: the sum of nothing, zeros, as in
		// PyTorch.
		dwb = make([]float32, ok)
	} else {
		dwb = partial[:ok]
		for i := 1; i < chunks; i++ {
			addRun(dwb, partial[i*ok:(i+1)*ok])
		}
	}
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
