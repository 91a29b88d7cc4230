package quant

import "tinytorch/engine/tensor"

// QTensor is a quantized tensor: int8 values, row-major, with the Params
// that map them back to real numbers (PyTorch's torch.qint8 tensors).
type QTensor struct {
	Data   []int8
	Shape  []int
	Params Params
}

// Quantize maps x to int8 with p: q = clamp(round(x·(1/scale)) + zp).
// It is an error if p does not fit x's shape (an axis that does not
// exist, a count of scales that is not the channel count).
func Quantize(x *tensor.Tensor, p Params) (*QTensor, error) {
	shape := x.Shape()
	if err := p.check("quant.Quantize", shape); err != nil {
		return nil, err
	}
	v := x.Data()
	q := make([]int8, len(v))
	ch := p.channelOf(shape)
	qmin, qmax := p.Range()
	for i, f := range v {
		c := ch(i)
		q[i] = quantizeValue(f, 1/p.Scale[c], p.ZeroPoint[c], qmin, qmax)
	}
	return &QTensor{Data: q, Shape: shape, Params: p}, nil
}

// Dequantize maps q back to float32: (q - zp)·scale.
func (q *QTensor) Dequantize() *tensor.Tensor {
	out := make([]float32, len(q.Data))
	ch := q.Params.channelOf(q.Shape)
	for i, v := range q.Data {
		c := ch(i)
		out[i] = float32(int32(v)-q.Params.ZeroPoint[c]) * q.Params.Scale[c]
	}
	t, err := tensor.New(out, q.Shape...)
	if err != nil {
		panic("quant: " + err.Error()) // the shape came from a tensor
	}
	return t
}

// quantizeValue rounds x·invScale half to even, as PyTorch's
// std::nearbyint does, adds the zero point and clamps to int8. NaN maps
// to the zero point (the value 0). The range [qmin, qmax] lies inside
// int8's.
func quantizeValue(x, invScale float32, zeroPoint, qmin, qmax int32) int8 {
	return int8(min(max(roundQ(x, invScale)+int64(zeroPoint), int64(qmin)), int64(qmax)))
}

// roundQ is round-half-even of x·invScale in float32, saturated at ±2²²
// (far outside any range) so that the sum with a zero point cannot
// overflow; NaN gives 0. Adding and subtracting 1.5·2²³ rounds a float32
// of magnitude below 2²² to an integer, half to even, in two additions
// (the float32 spacing is 1 in [2²³, 2²⁴)), which is what keeps the
// quantized layers' input conversion fast. The explicit float32
// conversions forbid the compiler to fuse the product and the sum into
// one FMA, which would round differently.
func roundQ(x, invScale float32) int64 {
	const magic = 1.5 * (1 << 23)
	v := float32(x * invScale)
	switch {
	case v != v:
		return 0
	case v >= 1<<22:
		return 1 << 22
	case v <= -1<<22:
		return -1 << 22
	}
	return int64(float32(v+magic) - magic)
}
