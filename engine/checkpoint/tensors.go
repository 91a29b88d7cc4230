package checkpoint

import (
	"encoding/binary"
	"fmt"
	"math"

	"tinytorch/engine/tensor"
)

// FromTensor makes an F32 entry holding t's values (copied), row-major.
func FromTensor(name string, t *tensor.Tensor) Entry {
	return FromFloat32(name, t.Data(), t.Shape())
}

// FromFloat32 makes an F32 entry of the given shape from values, whose
// length must be the shape's element count.
func FromFloat32(name string, values []float32, shape []int) Entry {
	b := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Entry{Name: name, DType: F32, Shape: append([]int{}, shape...), Data: b}
}

// Float32 converts the entry's values to float32: exactly from F32, F16
// and BF16, rounded to nearest from F64 (PyTorch's .float()). Integer,
// boolean and 8-bit float tensors are an error naming the tensor: a
// TinyTorch tensor holds float32 only, and they hold no weights.
func (e Entry) Float32() ([]float32, error) {
	size := e.DType.Size()
	if size == 0 || len(e.Data)%size != 0 {
		return nil, fmt.Errorf("safetensors: tensor %q: dtype %q with %d bytes", e.Name, e.DType, len(e.Data))
	}
	out := make([]float32, len(e.Data)/size)
	for i := range out {
		b := e.Data[i*size:]
		switch e.DType {
		case F32:
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b))
		case F64:
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b)))
		case BF16:
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b)) << 16)
		case F16:
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(b))
		default:
			return nil, fmt.Errorf("safetensors: tensor %q has dtype %s; TinyTorch loads F32, F64, F16 and BF16 tensors", e.Name, e.DType)
		}
	}
	return out, nil
}

// Tensor converts the entry to a float32 tensor of its shape.
func (e Entry) Tensor() (*tensor.Tensor, error) {
	v, err := e.Float32()
	if err != nil {
		return nil, err
	}
	return tensor.New(v, e.Shape...)
}

// halfToFloat32 widens an IEEE 754 half-precision number exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal: rebias the exponent from 15 to 127
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// subnormal: frac·2⁻²⁴, exact in float32
	v := float32(frac) / (1 << 24)
	if sign != 0 {
		v = -v
	}
	return v
}
