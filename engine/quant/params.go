package quant

import (
	"fmt"
	"math"
)

// The int8 range, PyTorch's qint8: the range of an 8-bit Scheme.
const (
	QMin = -128
	QMax = 127
)

// qrange returns the signed range of a bit width (0 means 8): 4 bits
// give [-8, 7]. Values of fewer bits are still stored in an int8 and
// multiplied by the same kernel; only the rounding is coarser.
func qrange(bits int) (qmin, qmax int32) {
	if bits == 0 {
		bits = 8
	}
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

// checkBits verifies a bit width.
func checkBits(op string, bits int) error {
	if bits != 0 && (bits < 2 || bits > 8) {
		return fmt.Errorf("%s: %d bits; expected 2 to 8 (0 means 8)", op, bits)
	}
	return nil
}

// eps is the smallest scale, PyTorch's torch.finfo(torch.float32).eps: a
// tensor of zeros still gets a usable (nonzero) scale.
const eps = 1.1920929e-07

// Scheme says how a tensor is quantized: symmetric (zero point 0) or
// asymmetric, and per tensor or per channel along Axis.
type Scheme struct {
	Symmetric  bool
	PerChannel bool
	Axis       int // the channel dimension when PerChannel
	Bits       int // 2 to 8; 0 means 8
}

// Range returns the scheme's integer range, [-128, 127] for 8 bits.
func (s Scheme) Range() (qmin, qmax int32) { return qrange(s.Bits) }

// String names the scheme as torch.ao.quantization's qscheme does.
func (s Scheme) String() string {
	kind := "affine"
	if s.Symmetric {
		kind = "symmetric"
	}
	bits := ""
	if s.Bits != 0 && s.Bits != 8 {
		bits = fmt.Sprintf(", %d bits", s.Bits)
	}
	if s.PerChannel {
		return fmt.Sprintf("per_channel_%s(axis=%d%s)", kind, s.Axis, bits)
	}
	if bits != "" {
		return fmt.Sprintf("per_tensor_%s(%s)", kind, bits[2:])
	}
	return "per_tensor_" + kind
}

// checkAxis verifies that a per-channel scheme's axis exists in shape.
func (s Scheme) checkAxis(op string, shape []int) error {
	if err := checkBits(op, s.Bits); err != nil {
		return err
	}
	if s.PerChannel && (s.Axis < 0 || s.Axis >= len(shape)) {
		return fmt.Errorf("%s: per-channel axis %d does not exist in a tensor of shape %s; expected 0 ≤ axis < %d",
			op, s.Axis, shapeString(shape), len(shape))
	}
	return nil
}

// Params are the quantization parameters of one tensor: one scale and
// zero point, or one per channel along Axis (Axis is -1 per tensor), and
// the bit width of its integers (0 means 8).
type Params struct {
	Scale     []float32
	ZeroPoint []int32
	Axis      int
	Bits      int
}

// Range returns the integer range, [-128, 127] for 8 bits.
func (p Params) Range() (qmin, qmax int32) { return qrange(p.Bits) }

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
	if err := checkBits(op, p.Bits); err != nil {
		return err
	}
	qmin, qmax := p.Range()
	for i, s := range p.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("%s: scale[%d] = %g; expected a finite scale > 0", op, i, s)
		}
		if z := p.ZeroPoint[i]; z < qmin || z > qmax {
			return fmt.Errorf("%s: zero_point[%d] = %d; expected %d ≤ zero_point ≤ %d", op, i, z, qmin, qmax)
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
// the scheme's integer range [qmin, qmax] (int8's for 8 bits), as torch.ao.quantization's observers compute them: the
// range is first widened to include 0 (so that 0, a ReLU's output and
// every padding, is exact), then
//
//	symmetric:  scale = max(-lo, hi) / ((qmax-qmin)/2),  zeroPoint = 0
//	asymmetric: scale = (hi - lo) / (qmax - qmin),       zeroPoint = qmin - round(lo/scale)
//
// with scale at least eps. The scheme's per-channel setting is ignored.
func ChooseParams(lo, hi float32, s Scheme) (scale float32, zeroPoint int32) {
	qmin, qmax := s.Range()
	lo, hi = min(lo, 0), max(hi, 0)
	if s.Symmetric {
		scale = max(-lo, hi) / (float32(qmax-qmin) / 2)
		return max(scale, eps), 0
	}
	scale = max((hi-lo)/float32(qmax-qmin), eps)
	z := qmin - int32(math.RoundToEven(float64(lo/scale)))
	return scale, min(max(z, qmin), qmax)
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
