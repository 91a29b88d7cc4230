package tensor

// A convolution's forward pass, filters' gradient and input gradient that
// a platform can supply: the browser's kernel (wasm/kernel) installs
// engine/kernels/wasmsimd's "conv" and "dotsConv", which read the input
// where it lies instead of copying it into columns first (a third of
// Conv2d's time in the browser went to the copies), and "convInputGrad1"
// to "3", which add the input gradient's columns Wᵀ·dY to it as they
// compute them instead of writing them first. They must give the bits of
// the columns' path with the matmul kernel in use. When the
// forward pass computes the output, no columns are kept for the backward
// pass: the filters' gradient is computed without them too, or they are
// unfolded again chunk by chunk, as for a second backward pass.

// ConvShape is a convolution with stride 1 and no dilation: a batch of N
// inputs [C, H, W], PH rows and PW columns of zeros around each (the
// padding), and O filters [C, KH, KW], with a bias when Bias.
type ConvShape struct {
	N, C, H, W, O, KH, KW int
	PH, PW                int
	Bias                  bool
}

// DirectConvFunc computes out [N, O, Ho, Wo] (cleared by the caller) from
// the input x [N, C, H, W] and the filters [O, k], k = C·KH·KW with the
// bias as one more column when there is one, and returns true; or returns
// false, having written nothing, when it cannot compute this shape (then
// Conv2d unfolds the columns as usual).
type DirectConvFunc func(s ConvShape, x, filters, out []float32) bool

// DirectConvGradFunc computes out [O, k] = dY·Xᵀ, the gradient of the
// filters [O, k] (and of the bias, their last column when there is one),
// from the output gradient dy [O, N·Ho·Wo] (channel first) and the input
// x [N, C, H, W], where X [k, N·Ho·Wo] would be the columns (with a row of
// ones for the bias), and returns true; or returns false, having written
// nothing, when it cannot compute this shape. It must give the bits of
// kernels.Matmul(false, true, O, k, N·Ho·Wo, 1, dy, …, X, …, 0, out, k)
// with the kernel in use.
type DirectConvGradFunc func(s ConvShape, x, dy, out []float32) bool

// DirectInputGradFunc adds the input gradient of a chunk of samples s
// (a convolution with stride 1 along the rows), col2im(Wᵀ·dY), to img
// (cleared by the caller) without writing the columns Wᵀ·dY, and returns
// true; or returns false, having written nothing, when it cannot.
// filters are [O, k], k = C·KH·KW (+1 with a bias, whose column is not
// read); dy [O, width] is the chunk's output gradient, channel first
// (width = N·Ho·Wo), with DirectInputGradSlack floats of capacity after
// it that the platform may read (and ignore); blocks are col2im's, in the
// layout of MoveBlocksFunc, every step 1, the same number for each input
// channel. It must give the bits of kernels.Matmul(true, false,
// C·KH·KW, width, O, 1, filters, k, dy, width, 0, cols, width) with the
// kernel in use, followed by col2im.
type DirectInputGradFunc func(s ConvShape, filters, dy, img []float32, blocks []int32) bool

// DirectInputGradSlack is how many floats of capacity Conv2d leaves after
// the output gradient it hands a DirectInputGradFunc: a vector loop may
// read a few floats past the last position it computes.
const DirectInputGradSlack = 12

var (
	installedDirectConv      DirectConvFunc
	installedDirectConvGrad  DirectConvGradFunc
	installedDirectInputGrad DirectInputGradFunc
)

// InstallDirectInputGrad sets the input gradient Conv2d computes without
// columns; nil leaves the columns' path in place. Call it once at
// start-up, before any convolution.
func InstallDirectInputGrad(f DirectInputGradFunc) { installedDirectInputGrad = f }

// InstallDirectConv sets the passes Conv2d uses without columns: the
// forward pass, and the filters' gradient; nil leaves the columns' path
// in place. Call it once at start-up, before any convolution.
func InstallDirectConv(forward DirectConvFunc, weightGrad DirectConvGradFunc) {
	installedDirectConv, installedDirectConvGrad = forward, weightGrad
}

// direct computes the convolution of x into out (cleared) with the
// installed forward pass, when there is one and the window suits it, and
// says whether it did.
func (c convCall) direct(x, out []float32) bool {
	s, ok := c.shape(c.g)
	return ok && installedDirectConv != nil && installedDirectConv(s, x, c.filters, out)
}

// directGrad computes the filters' (and bias's) gradient of the chunk of
// samples g, [O, k] into out, from its input x and its output gradient
// dy [O, nb·L], with the installed pass, when there is one and the window
// suits it, and says whether it did.
func (c convCall) directGrad(g unfoldGeom, x, dy, out []float32) bool {
	s, ok := c.shape(g)
	return ok && installedDirectConvGrad != nil && installedDirectConvGrad(s, x, dy, out)
}

// directInputGrad adds the input gradient of the chunk of samples s to
// img (cleared) from its output gradient dy [O, nb·L] (its capacity
// DirectInputGradSlack floats more), with the installed
// pass, when there is one and the stride along the rows is 1 (col2im's
// runs are then contiguous), and says whether it did.
func (c convCall) directInputGrad(s unfoldGeom, dy, img []float32) bool {
	if installedDirectInputGrad == nil || s.w.Stride[1] != 1 {
		return false
	}
	shape, _ := c.shape(s)
	return installedDirectInputGrad(shape, c.filters, dy, img, s.blockList())
}

// shape returns the ConvShape of the samples g, and whether the window is
// one the installed passes take: stride 1, no dilation.
func (c convCall) shape(g unfoldGeom) (ConvShape, bool) {
	plain := g.w.Stride == [2]int{1, 1} && g.w.Dilation == [2]int{1, 1}
	return ConvShape{N: g.n, C: g.c, H: g.h, W: g.wd, O: c.o, KH: g.kh, KW: g.kw,
		PH: g.w.Padding[0], PW: g.w.Padding[1], Bias: c.k > c.rows}, plain
}
