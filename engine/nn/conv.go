package nn

import (
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// ConvOptions are Conv2d's settings besides the channel counts and the
// kernel size; zero values are PyTorch's defaults (stride 1, no padding,
// dilation 1, with bias). Kernels, strides, paddings and dilations are
// square.
type ConvOptions struct {
	Stride, Padding, Dilation int
	NoBias                    bool
}

// Conv2d is a 2-D convolution (strictly, cross-correlation, as in every
// framework): each of Out filters of shape [In, k, k] slides over the
// input [N, In, H, W] and gives one output channel, [N, Out, Ho, Wo].
//
// It is lowered to a matrix product, as in Caffe and cuDNN's "im2col"
// algorithm: every k×k window is copied into a column (tensor.Unfold),
// and the filters, reshaped to [Out, In·k·k], multiply those columns in
// one Matmul. tensor.Conv2d does both in one primitive, with the columns
// of the whole batch in one matrix; it is tested against the composition
// Unfold, Matmul, Add.
type Conv2d struct {
	ModuleBase
	In, Out, Kernel int
	Opts            ConvOptions
	Weight          *tensor.Tensor // [Out, In, Kernel, Kernel]
	Bias            *tensor.Tensor // [Out], nil with NoBias
}

// NewConv2d makes a Conv2d initialised as PyTorch does: weights from
// Kaiming-uniform with a = √5, U(-1/√fanIn, 1/√fanIn) with
// fanIn = In·k·k, and the bias from the same range.
func NewConv2d(in, out, kernel int, o ConvOptions) (*Conv2d, error) {
	if in <= 0 || out <= 0 || kernel <= 0 {
		return nil, fmt.Errorf("nn.Conv2d: in_channels=%d, out_channels=%d, kernel_size=%d, expected all > 0", in, out, kernel)
	}
	if o.Stride < 0 || o.Padding < 0 || o.Dilation < 0 {
		return nil, fmt.Errorf("nn.Conv2d: stride=%d, padding=%d, dilation=%d, expected stride and dilation ≥ 1 and padding ≥ 0", o.Stride, o.Padding, o.Dilation)
	}
	o.Stride, o.Dilation = max(o.Stride, 1), max(o.Dilation, 1)
	c := &Conv2d{In: in, Out: out, Kernel: kernel, Opts: o}
	c.Init(c, "Conv2d")
	bound := 1 / math.Sqrt(float64(in*kernel*kernel))
	c.Weight = c.AddParam("weight", uniformTensor(bound, out, in, kernel, kernel))
	if !o.NoBias {
		c.Bias = c.AddParam("bias", uniformTensor(bound, out))
	}
	return c, nil
}

// window is the sliding window Unfold needs.
func (c *Conv2d) window() tensor.Window {
	sq := func(v int) [2]int { return [2]int{v, v} }
	return tensor.Window{Kernel: sq(c.Kernel), Stride: sq(c.Opts.Stride), Padding: sq(c.Opts.Padding), Dilation: sq(c.Opts.Dilation)}
}

// Forward convolves x [N, In, H, W] into [N, Out, Ho, Wo].
func (c *Conv2d) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := checkImage(&c.ModuleBase, x, c.In); err != nil {
		return nil, err
	}
	w := c.window()
	s := x.Shape()
	ho, wo := w.OutputSize(0, s[2]), w.OutputSize(1, s[3])
	if ho <= 0 || wo <= 0 {
		return nil, c.Errorf("input %s is too small for a %dx%d kernel with padding %d and dilation %d",
			ShapeString(s), c.Kernel, c.Kernel, c.Opts.Padding, c.Opts.Dilation)
	}
	return x.Conv2d(c.Weight, c.Bias, w)
}

// checkImage verifies that x is a batch of images [N, channels, H, W].
func checkImage(b *ModuleBase, x *tensor.Tensor, channels int) error {
	s := x.Shape()
	if len(s) != 4 || (channels > 0 && s[1] != channels) {
		ch := "C"
		if channels > 0 {
			ch = fmt.Sprint(channels)
		}
		return b.Errorf("expected input [N, %s, H, W], got %s", ch, ShapeString(s))
	}
	return nil
}

// ExtraRepr shows the settings as PyTorch does.
func (c *Conv2d) ExtraRepr() string {
	s := fmt.Sprintf("%d, %d, kernel_size=(%d, %d), stride=(%d, %d)", c.In, c.Out, c.Kernel, c.Kernel, c.Opts.Stride, c.Opts.Stride)
	if c.Opts.Padding != 0 {
		s += fmt.Sprintf(", padding=(%d, %d)", c.Opts.Padding, c.Opts.Padding)
	}
	if c.Opts.Dilation != 1 {
		s += fmt.Sprintf(", dilation=(%d, %d)", c.Opts.Dilation, c.Opts.Dilation)
	}
	if c.Bias == nil {
		s += ", bias=False"
	}
	return s
}
