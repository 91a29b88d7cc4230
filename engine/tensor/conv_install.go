package tensor

// A convolution's forward pass that a platform can supply: the browser's
// kernel (wasm/kernel) installs engine/kernels/wasmsimd's "conv", which
// reads the input where it lies instead of copying it into columns
// first (a third of Conv2d's time in the browser went to the copies). It
// must give the bits of the columns' path with the matmul kernel in use.
// When it computes the output, the backward pass unfolds the columns it
// needs for the weight's gradient chunk by chunk, as for a second
// backward pass: in the browser that costs less than keeping a whole
// batch's columns between the passes, megabytes written to memory and
// read back.

// ConvShape is a convolution with stride 1, no padding and no dilation:
// a batch of N inputs [C, H, W] and O filters [C, KH, KW], with a bias
// when Bias.
type ConvShape struct {
	N, C, H, W, O, KH, KW int
	Bias                  bool
}

// DirectConvFunc computes out [N, O, Ho, Wo] (cleared by the caller) from
// the input x [N, C, H, W] and the filters [O, k], k = C·KH·KW with the
// bias as one more column when there is one, and returns true; or returns
// false, having written nothing, when it cannot compute this shape (then
// Conv2d unfolds the columns as usual).
type DirectConvFunc func(s ConvShape, x, filters, out []float32) bool

var installedDirectConv DirectConvFunc

// InstallDirectConv sets the forward pass Conv2d uses when no gradient
// needs its columns; nil leaves the columns' path in place. Call it once
// at start-up, before any convolution.
func InstallDirectConv(f DirectConvFunc) { installedDirectConv = f }

// direct computes the convolution of x into out (cleared) with the
// installed forward pass, when there is one and the window suits it, and
// says whether it did.
func (c convCall) direct(x, out []float32) bool {
	g := c.g
	plain := g.w.Stride == [2]int{1, 1} && g.w.Padding == [2]int{} && g.w.Dilation == [2]int{1, 1}
	if installedDirectConv == nil || !plain {
		return false
	}
	s := ConvShape{N: g.n, C: g.c, H: g.h, W: g.wd, O: c.o, KH: g.kh, KW: g.kw, Bias: c.k > c.rows}
	return installedDirectConv(s, x, c.filters, out)
}
