package quant

import (
	"fmt"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Conv2d is a quantized 2-D convolution for inference, lowered as
// nn.Conv2d is: every window of the input becomes a row (im2col,
// tensor.Unfold), quantized to int8 with the calibrated Input params, and
// one int8 matrix product with the filters [Out, In·k·k] gives the int32
// accumulators, requantized to float32 with the output scale sa·sw[o].
// Zero padding stays exact: the real value 0 quantizes to the zero point.
type Conv2d struct {
	nn.ModuleBase
	In, Out, Kernel int
	Opts            nn.ConvOptions
	Weight          *QTensor  // [Out, In, Kernel, Kernel], Axis -1 or 0
	Bias            []float32 // [Out], nil without bias
	Input           Params    // per tensor

	g gemm
}

// NewConv2d quantizes a trained nn.Conv2d: its filters with the weight
// scheme (per channel means one scale per output channel, axis 0), its
// input with the calibrated params.
func NewConv2d(c *nn.Conv2d, weight Scheme, input Params) (*Conv2d, error) {
	if weight.PerChannel && weight.Axis != 0 {
		return nil, fmt.Errorf("quant.NewConv2d: per-channel weight axis %d; expected 0 (one scale per output channel of the %s filters)",
			weight.Axis, shapeString(c.Weight.Shape()))
	}
	wp, err := WeightParams(c.Weight, weight)
	if err != nil {
		return nil, err
	}
	w, err := Quantize(c.Weight, wp)
	if err != nil {
		return nil, err
	}
	var bias []float32
	if c.Bias != nil {
		bias = c.Bias.Data()
	}
	return NewConv2dFrom(w, bias, input, c.Opts)
}

// NewConv2dFrom makes a Conv2d from int8 filters [Out, In, k, k], a float
// bias (nil for none), the input's per-tensor params and the window's
// settings, as a checkpoint stores them.
func NewConv2dFrom(w *QTensor, bias []float32, input Params, o nn.ConvOptions) (*Conv2d, error) {
	const op = "quant.Conv2d"
	s := w.Shape
	if len(s) != 4 || s[2] != s[3] || s[0] == 0 || s[1] == 0 || s[2] == 0 {
		return nil, fmt.Errorf("%s: filters of shape %s; expected [out, in, k, k] with all > 0", op, shapeString(s))
	}
	if err := checkLayerParams(op, w, bias, input, s[0]); err != nil {
		return nil, err
	}
	o.Stride, o.Dilation = max(o.Stride, 1), max(o.Dilation, 1)
	c := &Conv2d{In: s[1], Out: s[0], Kernel: s[2], Opts: o, Weight: w, Bias: bias, Input: input}
	c.Init(c, "QuantizedConv2d")
	c.g = newGemm(w, bias)
	return c, nil
}

// window is the sliding window of the convolution.
func (c *Conv2d) window() tensor.Window {
	sq := func(v int) [2]int { return [2]int{v, v} }
	return tensor.Window{Kernel: sq(c.Kernel), Stride: sq(c.Opts.Stride), Padding: sq(c.Opts.Padding), Dilation: sq(c.Opts.Dilation)}
}

// KeepsNoTensors tells nn.Call that Forward keeps neither its input nor
// its output (nn.KeepsNoTensors), so that Sequential recycles them.
func (c *Conv2d) KeepsNoTensors() {}

// Forward convolves x [N, In, H, W] into [N, Out, Ho, Wo].
func (c *Conv2d) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	s := x.Shape()
	if len(s) != 4 || s[1] != c.In {
		return nil, c.Errorf("expected input [N, %d, H, W], got %s", c.In, shapeString(s))
	}
	w := c.window()
	ho, wo := w.OutputSize(0, s[2]), w.OutputSize(1, s[3])
	if ho <= 0 || wo <= 0 {
		return nil, c.Errorf("input %s is too small for a %dx%d kernel with padding %d and dilation %d",
			shapeString(s), c.Kernel, c.Kernel, c.Opts.Padding, c.Opts.Dilation)
	}
	cols, err := x.Detach().Unfold(w) // [N, R, L]
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	n, r, l := s[0], c.g.k, ho*wo
	a := windowRows(cols.Values(), n, r, l, c.Input)
	y := make([]float32, n*l*c.Out) // [N·L, Out]
	c.g.run(y, a, n*l, c.Input)
	out, err := tensor.Build([]int{n, c.Out, ho, wo}, func(t []float32) { channelsFirst(t, y, n, l, c.Out) })
	if err == nil {
		// The columns, not x, are the product's input: their rows are the
		// k = In·Kernel² values each output sums over (profile's cost).
		tensor.ObserveOp(OpConv2d, []*tensor.Tensor{cols}, out)
	}
	return out, err
}

// windowRows quantizes the columns [N, R, L] of Unfold into the rows
// [N·L, R] the kernel multiplies: one row per window position. It
// quantizes in Unfold's order first, on the SIMD loop (quantizeInto),
// then moves the bytes, a quarter of the floats' size.
func windowRows(cols []float32, n, r, l int, p Params) []int8 {
	q := quantizeInto(nil, cols[:n*r*l], p)
	a := make([]int8, n*l*r)
	for b := range n {
		for ri := range r {
			for li, v := range q[(b*r+ri)*l : (b*r+ri+1)*l] {
				a[(b*l+li)*r+ri] = v
			}
		}
	}
	return a
}

// channelsFirst writes y [N·L, Out] into t as [N, Out, L].
func channelsFirst(t, y []float32, n, l, out int) {
	for b := range n {
		for li := range l {
			row := y[(b*l+li)*out : (b*l+li+1)*out]
			for o, v := range row {
				t[(b*out+o)*l+li] = v
			}
		}
	}
}

// ExtraRepr shows the settings as nn.Conv2d does, with the input's scale.
func (c *Conv2d) ExtraRepr() string {
	return fmt.Sprintf("%d, %d, kernel_size=(%d, %d), stride=(%d, %d), padding=(%d, %d), scale=%.4g, zero_point=%d, qscheme=%s",
		c.In, c.Out, c.Kernel, c.Kernel, c.Opts.Stride, c.Opts.Stride, c.Opts.Padding, c.Opts.Padding,
		c.Input.Scale[0], c.Input.ZeroPoint[0], paramsScheme(c.Weight.Params))
}
