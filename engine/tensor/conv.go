package tensor

import (
	"fmt"
	"math/bits"
	"sync"

	"tinytorch/engine/kernels"
)

// Conv2d convolves t [N, C, H, W] with the filters weight [O, C, kh, kw]
// and adds bias [O] (nil for none), like torch.nn.functional.conv2d:
// output channel o at window position l is Σ weight[o]·(window l of the
// input) + bias[o]. The result is [N, O, Ho, Wo]. The kernel size comes
// from weight; w gives the stride, padding and dilation (w.Kernel must be
// zero or match).
//
// It computes what Unfold, Matmul and Add compute (that composition is the
// reference it is tested against) in a layout chosen for speed: the
// columns of the whole batch sit side by side, [C·kh·kw, N·Ho·Wo], so the
// convolution is one large matrix product, weight [O, C·kh·kw] times
// columns, instead of N small ones (a chunk of samples at a time, see
// chunkFloats). The columns live in a reused scratch buffer, kept for the
// backward pass when the weight needs a gradient and given back after it:
// allocating and zeroing megabytes at every step would cost more than
// unfolding.
func (t *Tensor) Conv2d(weight, bias *Tensor, w Window) (*Tensor, error) {
	g, err := convGeom(t, weight, bias, w)
	if err != nil {
		return nil, err
	}
	if genericOnly {
		return t.conv2dLowered(weight, bias, g.w)
	}
	out := empty([]int{g.n, weight.shape[0], g.ho, g.wo})
	var bv []float32
	if bias != nil {
		bv = bias.values()
	}
	// The backward pass needs the columns for the weight's gradient only.
	var kept []float32
	if GradEnabled() && weight.requiresGrad {
		kept = getScratch(g.c * g.kh * g.kw * g.n * g.ho * g.wo)
	}
	g.forward(t.values(), weight.values(), bv, out.st.data, kept)
	inputs := []*Tensor{t, weight}
	if bias != nil {
		inputs = append(inputs, bias)
	}
	record(out, "conv2d", inputs, []*Tensor{t, weight}, func(grad *Tensor) []*Tensor {
		grads := g.backward(t, weight, bias, grad, kept)
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
	return max(1, min(g.n, chunkFloats/(g.c*g.kh*g.kw*g.ho*g.wo)))
}

// sub returns the geometry of nb samples of the batch, with the column
// layout [C·kh·kw, nb·L].
func (g unfoldGeom) sub(nb int) unfoldGeom {
	g.n = nb
	g.nStep, g.rStep = g.ho*g.wo, nb*g.ho*g.wo
	return g
}

// forward computes the convolution of x by the filters wv [O, C·kh·kw],
// plus bias bv (nil: none), into out [N, O, L], a chunk of samples at a
// time: unfold the chunk's columns [C·kh·kw, nb·L], multiply them by the
// filters into [O, nb·L], and copy each output row into place. The
// columns of the whole batch are left in kept, chunk after chunk, unless
// it is nil.
func (g unfoldGeom) forward(x, wv, bv, out, kept []float32) {
	o, rows, L := len(wv)/(g.c*g.kh*g.kw), g.c*g.kh*g.kw, g.ho*g.wo
	in, chunk := g.c*g.h*g.wd, g.chunk()
	prod := getScratch(o * chunk * L)
	defer putScratch(prod)
	cols := kept
	if cols == nil {
		cols = getScratch(rows * chunk * L)
		defer putScratch(cols)
	}
	for n0 := 0; n0 < g.n; n0 += chunk {
		s := g.sub(min(chunk, g.n-n0))
		width := s.n * L
		c := cols
		if kept != nil {
			c = kept[n0*rows*L:]
		}
		s.unfoldBatch(x[n0*in:], c)
		kernels.Matmul(false, false, o, width, rows, 1, wv, rows, c, width, 0, prod, width)
		s.toBatchFirst(o, prod, bv, out[n0*o*L:])
	}
}

// convGeom checks Conv2d's arguments and returns the window's geometry,
// with the column layout [C·kh·kw, N, L].
func convGeom(t, weight, bias *Tensor, w Window) (unfoldGeom, error) {
	if t.Dim() != 4 || weight.Dim() != 4 {
		return unfoldGeom{}, fmt.Errorf("conv2d: input %v and weight %v, expected [N, C, H, W] and [O, C, kh, kw]", t.shape, weight.shape)
	}
	if weight.shape[1] != t.shape[1] {
		return unfoldGeom{}, fmt.Errorf("conv2d: input %v has %d channels but weight %v expects %d", t.shape, t.shape[1], weight.shape, weight.shape[1])
	}
	if bias != nil && (bias.Dim() != 1 || bias.shape[0] != weight.shape[0]) {
		return unfoldGeom{}, fmt.Errorf("conv2d: bias %v, expected [%d] (one per output channel of weight %v)", bias.shape, weight.shape[0], weight.shape)
	}
	kernel := [2]int{weight.shape[2], weight.shape[3]}
	if w.Kernel != [2]int{} && w.Kernel != kernel {
		return unfoldGeom{}, fmt.Errorf("conv2d: window kernel %v differs from weight %v's %v", w.Kernel, weight.shape, kernel)
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
		return unfoldGeom{}, fmt.Errorf("conv2d: input of shape %v is too small for a %dx%d kernel with dilation %v and padding %v (output would be %dx%d)",
			t.shape, kernel[0], kernel[1], w.Dilation, w.Padding, g.ho, g.wo)
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
	return y.Reshape(g.n, weight.shape[0], g.ho, g.wo)
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

// toBatchFirst turns the product [O, N, L] into the output [N, O, L],
// adding bias[o] (bv nil: no bias) on the way, so the bias costs no pass
// of its own.
func (g unfoldGeom) toBatchFirst(o int, prod, bv, out []float32) {
	L := g.ho * g.wo
	for n := range g.n {
		for ch := range o {
			src := prod[(ch*g.n+n)*L : (ch*g.n+n+1)*L]
			dst := out[(n*o+ch)*L : (n*o+ch+1)*L]
			if bv == nil {
				copy(dst, src)
				continue
			}
			b := bv[ch]
			dst = dst[:len(src)] // one bounds check, not one per element
			for j, v := range src {
				dst[j] = v + b
			}
		}
	}
}

// backward returns the gradients of Conv2d for the output gradient grad
// [N, O, Ho, Wo]. For each chunk of samples, with dY the chunk's gradient
// laid out [O, nb·L] and X its columns [C·kh·kw, nb·L]:
//
//	dWeight += dY · Xᵀ
//	dBias   += the row sums of dY
//	dX       = col2im(Weightᵀ · dY)
//
// kept holds the forward pass's columns, or is nil: then each chunk is
// unfolded again.
func (g unfoldGeom) backward(t, weight, bias, grad *Tensor, kept []float32) []*Tensor {
	o, rows, L := weight.shape[0], g.c*g.kh*g.kw, g.ho*g.wo
	in, chunk := g.c*g.h*g.wd, g.chunk()
	x, wv, gv := t.values(), weight.values(), grad.values()
	dy, cols := getScratch(o*chunk*L), getScratch(rows*chunk*L)
	defer putScratch(dy)
	defer putScratch(cols)
	var dx, dw *Tensor
	var db []float64
	if t.requiresGrad {
		dx = empty(t.shape)
	}
	if weight.requiresGrad {
		dw = empty(weight.shape)
	}
	if bias != nil && bias.requiresGrad {
		db = make([]float64, o)
	}
	for n0 := 0; n0 < g.n; n0 += chunk {
		s := g.sub(min(chunk, g.n-n0))
		width := s.n * L
		s.toChannelFirst(o, gv[n0*o*L:], dy)
		if dw != nil {
			c := cols
			if kept != nil {
				c = kept[n0*rows*L:]
			} else {
				s.unfoldBatch(x[n0*in:], c)
			}
			beta := float32(min(n0, 1)) // overwrite, then accumulate
			kernels.Matmul(false, true, o, rows, width, 1, dy, width, c, width, beta, dw.st.data, rows)
		}
		for ch := range db {
			db[ch] += sum64(dy[ch*width : (ch+1)*width])
		}
		if dx != nil {
			kernels.Matmul(true, false, rows, width, o, 1, wv, rows, dy, width, 0, cols, width)
			s.rows(col2im, cols, dx.st.data[n0*in:])
		}
	}
	grads := []*Tensor{dx, dw}
	if bias != nil {
		grads = append(grads, nil)
		if db != nil {
			grads[2] = empty(bias.shape)
			for ch, v := range db {
				grads[2].st.data[ch] = float32(v)
			}
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

// sum64 returns the sum of v in float64, with four running sums so that
// each addition need not wait for the previous one to finish.
func sum64(v []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += float64(v[i])
		s1 += float64(v[i+1])
		s2 += float64(v[i+2])
		s3 += float64(v[i+3])
	}
	for ; i < len(v); i++ {
		s0 += float64(v[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// scratch holds float32 buffers that live only during one op (Conv2d's
// columns and products). Reusing them avoids allocating, and zeroing,
// megabytes at every training step. Buffers are pooled by size class,
// scratch[k] holding buffers of 2^k floats, so that a request never
// receives a buffer too small for it (a single pool of mixed sizes would
// keep handing out the wrong one).
var scratch [48]sync.Pool

// getScratch returns a buffer of n floats with undefined contents; give it
// back with putScratch once nothing refers to it.
func getScratch(n int) []float32 {
	if n == 0 {
		return nil
	}
	k := bits.Len(uint(n - 1)) // 2^k ≥ n
	if p, ok := scratch[k].Get().(*[]float32); ok {
		return (*p)[:n]
	}
	return make([]float32, n, 1<<k)
}

// putScratch returns a buffer from getScratch to the pool.
func putScratch(buf []float32) {
	if cap(buf) == 0 {
		return
	}
	k := bits.Len(uint(cap(buf) - 1))
	scratch[k].Put(&buf)
}
