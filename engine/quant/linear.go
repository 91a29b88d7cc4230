package quant

import (
	"fmt"

	"tinytorch/engine/kernels/int8mm"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Linear is a quantized fully connected layer for inference: y = x·Wᵀ + b
// with W stored as int8 [Out, In] (per-channel or per-tensor Params) and
// the input quantized to int8 with the calibrated Input params, multiplied
// on the int8 kernel (int8mm) into int32, and requantized to float32 with
// the output scale sa·sw[j] (see the package doc). It has no trainable
// parameters and records no gradient.
type Linear struct {
	nn.ModuleBase
	In, Out int
	Weight  *QTensor  // [Out, In], Axis -1 or 0
	Bias    []float32 // [Out], nil without bias
	Input   Params    // per tensor

	g gemm
	a []int8 // the quantized input, kept between calls (see gemm)
}

// OpLinear and OpConv2d name the layers' integer forward passes where a
// profiler sees them (tensor.ObserveOp): engine/profile counts their
// work from these names.
const (
	OpLinear = "quantizedLinear"
	OpConv2d = "quantizedConv2d"
)

// NewLinear quantizes a trained nn.Linear: its weight with the weight
// scheme (per channel means one scale per output row, axis 0) and its
// input with the calibrated input params.
func NewLinear(l *nn.Linear, weight Scheme, input Params) (*Linear, error) {
	const op = "quant.NewLinear"
	if weight.PerChannel && weight.Axis != 0 {
		return nil, fmt.Errorf("%s: per-channel weight axis %d; expected 0 (one scale per output row of the [%d, %d] weight)", op, weight.Axis, l.Out, l.In)
	}
	wp, err := WeightParams(l.Weight, weight)
	if err != nil {
		return nil, err
	}
	w, err := Quantize(l.Weight, wp)
	if err != nil {
		return nil, err
	}
	var bias []float32
	if l.Bias != nil {
		bias = l.Bias.Data()
	}
	return NewLinearFrom(w, bias, input)
}

// NewLinearFrom makes a Linear from an int8 weight [Out, In], a float
// bias (nil for none) and the input's per-tensor params, as a checkpoint
// stores them.
func NewLinearFrom(w *QTensor, bias []float32, input Params) (*Linear, error) {
	const op = "quant.Linear"
	if len(w.Shape) != 2 {
		return nil, fmt.Errorf("%s: weight of shape %s; expected [out, in]", op, shapeString(w.Shape))
	}
	out, in := w.Shape[0], w.Shape[1]
	if err := checkLayerParams(op, w, bias, input, out); err != nil {
		return nil, err
	}
	l := &Linear{In: in, Out: out, Weight: w, Bias: bias, Input: input}
	l.Init(l, "QuantizedLinear")
	l.g = newGemm(w, bias)
	return l, nil
}

// checkLayerParams verifies a quantized layer's parts against each other.
func checkLayerParams(op string, w *QTensor, bias []float32, input Params, out int) error {
	if err := w.Params.check(op+" weight", w.Shape); err != nil {
		return err
	}
	if w.Params.Axis > 0 {
		return fmt.Errorf("%s: weight quantized along axis %d; expected per tensor or per output channel (axis 0)", op, w.Params.Axis)
	}
	if bias != nil && len(bias) != out {
		return fmt.Errorf("%s: bias of %d values; expected %d, one per output", op, len(bias), out)
	}
	if input.Axis >= 0 || input.Channels() != 1 {
		return fmt.Errorf("%s: input params with %d scales (axis %d); expected one per-tensor scale", op, input.Channels(), input.Axis)
	}
	return input.check(op+" input", []int{1})
}

// KeepsNoTensors tells nn.Call that Forward keeps neither its input nor
// its output (nn.KeepsNoTensors), so that Sequential recycles them.
func (l *Linear) KeepsNoTensors() {}

// Forward computes x·Wᵀ + b for x of shape [*, In].
func (l *Linear) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	shape := x.Shape()
	if len(shape) == 0 || shape[len(shape)-1] != l.In {
		return nil, l.Errorf("expected input [*, %d] (last dimension %d features), got %s", l.In, l.In, shapeString(shape))
	}
	m := rows(shape[:len(shape)-1])
	l.a = quantizeInto(l.a, x.Values(), l.Input)
	// The output comes from the engine's pool (tensor.Build), so that a
	// Sequential gives it back once the next layer has read it.
	out, err := tensor.Build(append(shape[:len(shape)-1:len(shape)-1], l.Out), func(y []float32) {
		l.g.run(y, l.a, m, l.Input)
	})
	if err == nil {
		tensor.ObserveOp(OpLinear, []*tensor.Tensor{x}, out)
	}
	return out, err
}

// ExtraRepr shows the sizes and the schemes.
func (l *Linear) ExtraRepr() string {
	return fmt.Sprintf("in_features=%d, out_features=%d, scale=%.4g, zero_point=%d, qscheme=%s",
		l.In, l.Out, l.Input.Scale[0], l.Input.ZeroPoint[0], paramsScheme(l.Weight.Params))
}

// paramsScheme names the scheme of weight params.
func paramsScheme(p Params) string {
	sym := true
	for _, z := range p.ZeroPoint {
		sym = sym && z == 0
	}
	return Scheme{Symmetric: sym, PerChannel: p.Axis >= 0, Axis: p.Axis, Bits: p.Bits}.String()
}

// rows multiplies the leading dimensions of an input.
func rows(lead []int) int {
	m := 1
	for _, d := range lead {
		m *= d
	}
	return m
}

// quantizeInto quantizes values with per-tensor params into buf, grown
// as needed, and returns it: quantizeValue for a whole slice, on
// int8mm.Quantize's SIMD loop (AVX2 natively, WebAssembly SIMD in the
// browser). That loop clamps before it rounds, to the range shifted by
// the zero point; rounding is monotonic and the bounds are integers, so
// the integers are quantizeValue's. At batch 64 this pass was once most
// of a quantized layer's time (a scalar pass over the input against a
// product that does 64 multiply-adds per instruction).
func quantizeInto(buf []int8, v []float32, p Params) []int8 {
	if cap(buf) < len(v) {
		buf = make([]int8, len(v))
	}
	q := buf[:len(v)]
	z := p.ZeroPoint[0]
	qmin, qmax := p.Range()
	int8mm.Quantize(q, v, 1/p.Scale[0], float32(qmin-z), float32(qmax-z), z)
	return q
}
