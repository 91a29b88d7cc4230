package quant

import (
	"fmt"
	"math"
)

// The int8 range every quantized tensor here uses, PyTorch's qint8.
const (
	QMin = -128
	QMax = 127
)

// eps is the smallest scale, PyTorch's torch.finfo(torch.float32).eps: a
// tensor of zeros still gets a usable (nonzero) scale.
const eps = 1.1920929e-07

// Scheme says how a tensor is quantized: symmetric (zero point 0) or
// asymmetric, and per tensor or per channel along Axis.
type Scheme struct {
	Symmetric  bool
	PerChannel bool
	Axis       int // the channel dimension when PerChannel
}

// String names the scheme as torch.ao.quantization's qscheme does.
func (s Scheme) String() string {
	kind := "affine"
	if s.Symmetric {
		kind = "symmetric"
	}
	if s.PerChannel {
		return fmt.Sprintf("per_channel_%s(axis=%d)", kind, s.Axis)
	}
	return "per_tensor_" + kind
}

// checkAxis verifies that a per-channel scheme's axis exists in shape.
func (s Scheme) checkAxis(op string, shape []int) error {
	if s.PerChannel && (s.Axis < 0 || s.Axis >= len(shape)) {
		return fmt.Errorf("%s: per-channel axis %d does not exist in a tensor of shape %s; expected 0 ≤ axis < %d",
			op, s.Axis, shapeString(shape), len(shape))
	}
	return nil
}

// Params are the quantization parameters of one tensor: one scale and
// zero point, or one per channel along Axis (Axis is -1 per tensor).
type Params struct {
	Scale     []float32
	ZeroPoint []int32
	Axis      int
}

// PerTensor returns the Params of one scale and zero point.
func PerTensor(scale float32, zeroPoint int32) Params {
	return Params{Scale: []float32{scale}, ZeroPoint: []int32{zeroPoint}, Axis: -1}
}

// Channels returns the number of scales: 1 per tensor.
func (p Params) Channels() int { return len(p.Scale) }

// check verifies p against the shape of the tensor it quantizes: scales
// positive and finite, zero points in range, one per channel.
func (p Params) check(op string, shape []int) error {
	if len(p.Scale) == 0 || len(p.Scale) != len(p.ZeroPoint) {
		return fmt.Errorf("%s: %d scales and %d zero points; expected the same number, at least 1", op, len(p.Scale), len(p.ZeroPoint))
	}
	if p.Axis >= 0 {
		if p.Axis >= len(shape) {
			return fmt.Errorf("%s: per-channel axis %d does not exist in a tensor of shape %s; expected 0 ≤ axis < %d", op, p.Axis, shapeString(shape), len(shape))
		}
		if len(p.Scale) != shape[p.Axis] {
			return fmt.Errorf("%s: %d scales for axis %d of a tensor of shape %s; expected %d, one per channel", op, len(p.Scale), p.Axis, shapeString(shape), shape[p.Axis])
		}
	} else if len(p.Scale) != 1 {
		return fmt.Errorf("%s: %d scales for a per-tensor quantization; expected 1 (or set Axis)", op, len(p.Scale))
	}
	for i, s := range p.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("%s: scale[%d] = %g; expected a finite scale > 0", op, i, s)
		}
		if z := p.ZeroPoint[i]; z < QMin || z > QMax {
			return fmt.Errorf("%s: zero_point[%d] = %d; expected %d ≤ zero_point ≤ %d", op, i, z, QMin, QMax)
		}
	}
	return nil
}

// channelOf returns, for the i-th element (row-major) of a tensor of the
// given shape, the index of its scale: 0 per tensor, else its coordinate
// along Axis.
func (p Params) channelOf(shape []int) func(i int) int {
	if p.Axis < 0 {
		return func(int) int { return 0 }
	}
	inner := 1
	for _, d := range shape[p.Axis+1:] {
		inner *= d
	}
	n := shape[p.Axis]
	return func(i int) int { return i / inner % n }
}

// ChooseParams returns the scale and zero point that map [lo, hi] onto
// the int8 range, as torch.ao.quantization's observers compute them: the
// range is first widened to include 0 (so that 0, a ReLU's output and
// every padding, is exact), then
//
//	symmetric:  scale = max(-lo, hi) / ((QMax-QMin)/2),  zeroPoint = 0
//	asymmetric: scale = (hi - lo) / (QMax - QMin),       zeroPoint = QMin - round(lo/scale)
//
// with scale at least eps.
func ChooseParams(lo, hi float32, symmetric bool) (scale float32, zeroPoint int32) {
	lo, hi = min(lo, 0), max(hi, 0)
	if symmetric {
		scale = max(-lo, hi) / (float32(QMax-QMin) / 2)
		return max(scale, eps), 0
	}
	scale = max((hi-lo)/float32(QMax-QMin), eps)
	z := QMin - int32(math.RoundToEven(float64(lo/scale)))
	return scale, min(max(z, QMin), QMax)
}

// shapeString formats a shape as [2, 3].
func shapeString(shape []int) string {
	s := "["
	for i, d := range shape {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(d)
	}
	return s + "]"
}
