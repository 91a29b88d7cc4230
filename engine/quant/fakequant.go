package quant

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// FakeQuantizePerTensorAffine is torch.fake_quantize_per_tensor_affine:
// it quantizes x and dequantizes it again, so that training sees the
// rounding and clamping the int8 model will do while the values stay
// float32:
//
//	q = round(x·(1/scale)) + zeroPoint       (half to even, in float32)
//	y = (clamp(q, qmin, qmax) - zeroPoint)·scale
//
// Rounding has a zero derivative almost everywhere, which would stop all
// learning, so the backward pass uses the straight-through estimator: the
// gradient passes unchanged where q fell inside [qmin, qmax] and is 0
// where it was clamped (PyTorch's mask, computed after rounding).
func FakeQuantizePerTensorAffine(x *tensor.Tensor, scale float32, zeroPoint, qmin, qmax int32) (*tensor.Tensor, error) {
	const op = "quant.FakeQuantizePerTensorAffine"
	if err := checkFakeQuant(op, []float32{scale}, []int32{zeroPoint}, qmin, qmax); err != nil {
		return nil, err
	}
	return fakeQuantize(op, x, Params{Scale: []float32{scale}, ZeroPoint: []int32{zeroPoint}, Axis: -1}, qmin, qmax)
}

// FakeQuantizePerChannelAffine is torch.fake_quantize_per_channel_affine:
// FakeQuantizePerTensorAffine with scale[c] and zeroPoint[c] for the
// elements whose coordinate along axis is c.
func FakeQuantizePerChannelAffine(x *tensor.Tensor, scale []float32, zeroPoint []int32, axis int, qmin, qmax int32) (*tensor.Tensor, error) {
	const op = "quant.FakeQuantizePerChannelAffine"
	shape := x.Shape()
	if axis < 0 || axis >= len(shape) {
		return nil, fmt.Errorf("%s: per-channel axis %d does not exist in a tensor of shape %s; expected 0 ≤ axis < %d", op, axis, shapeString(shape), len(shape))
	}
	if len(scale) != shape[axis] || len(zeroPoint) != shape[axis] {
		return nil, fmt.Errorf("%s: %d scales and %d zero points for axis %d of a tensor of shape %s; expected %d of each, one per channel",
			op, len(scale), len(zeroPoint), axis, shapeString(shape), shape[axis])
	}
	if err := checkFakeQuant(op, scale, zeroPoint, qmin, qmax); err != nil {
		return nil, err
	}
	return fakeQuantize(op, x, Params{Scale: scale, ZeroPoint: zeroPoint, Axis: axis}, qmin, qmax)
}

// checkFakeQuant checks the range and parameters as PyTorch does: qmin ≤
// 0 ≤ ... is not required, but qmin ≤ qmax, positive scales and zero
// points inside [qmin, qmax] are.
func checkFakeQuant(op string, scale []float32, zeroPoint []int32, qmin, qmax int32) error {
	if qmin > qmax {
		return fmt.Errorf("%s: quant_min %d > quant_max %d; expected quant_min ≤ quant_max", op, qmin, qmax)
	}
	for i, s := range scale {
		if !(s > 0) || s > 3.4e38 {
			return fmt.Errorf("%s: scale[%d] = %g; expected a finite scale > 0", op, i, s)
		}
		if zeroPoint[i] < qmin || zeroPoint[i] > qmax {
			return fmt.Errorf("%s: zero_point[%d] = %d; expected quant_min (%d) ≤ zero_point ≤ quant_max (%d)", op, i, zeroPoint[i], qmin, qmax)
		}
	}
	return nil
}

// fakeQuantize builds the differentiable op for checked parameters.
func fakeQuantize(op string, x *tensor.Tensor, p Params, qmin, qmax int32) (*tensor.Tensor, error) {
	var mask []float32
	fn := &tensor.Function{
		Name: "FakeQuantize",
		Forward: func(ctx *tensor.Context, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
			shape := in[0].Shape()
			v := in[0].Data()
			mask = make([]float32, len(v))
			ch := p.channelOf(shape)
			for i, f := range v {
				c := ch(i)
				q := roundQ(f, 1/p.Scale[c]) + int64(p.ZeroPoint[c])
				if q >= int64(qmin) && q <= int64(qmax) {
					mask[i] = 1
				}
				q = min(max(q, int64(qmin)), int64(qmax))
				v[i] = float32(q-int64(p.ZeroPoint[c])) * p.Scale[c]
			}
			y, err := tensor.New(v, shape...)
			return []*tensor.Tensor{y}, err
		},
		Backward: func(ctx *tensor.Context, g ...*tensor.Tensor) ([]*tensor.Tensor, error) {
			gv := g[0].Data()
			for i := range gv {
				gv[i] *= mask[i]
			}
			dx, err := tensor.New(gv, g[0].Shape()...)
			return []*tensor.Tensor{dx}, err
		},
	}
	y, err := fn.Apply1(x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return y, nil
}
