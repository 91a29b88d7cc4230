package checkpoint

import (
	"encoding/binary"
	"fmt"
)

// KindQuantized is the "tinytorch.kind" of a quantized model's weights
// (engine/quant's Save): int8 weights (I8) with float32 scales (F32) and
// int32 zero points (I32), which a float model cannot load.
const KindQuantized = "quantized"

// KindKey is the metadata key that tells a float weights file ("model"),
// a training checkpoint ("training") and a quantized model (KindQuantized)
// apart.
const KindKey = kindKey

// FromInt8 makes an I8 entry of the given shape from values, whose length
// must be the shape's element count.
func FromInt8(name string, values []int8, shape []int) Entry {
	b := make([]byte, len(values))
	for i, v := range values {
		b[i] = byte(v)
	}
	return Entry{Name: name, DType: I8, Shape: append([]int{}, shape...), Data: b}
}

// FromInt32 makes an I32 entry of the given shape from values.
func FromInt32(name string, values []int32, shape []int) Entry {
	b := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return Entry{Name: name, DType: I32, Shape: append([]int{}, shape...), Data: b}
}

// Int8 returns an I8 entry's values; any other dtype is an error naming
// the tensor and the dtype expected.
func (e Entry) Int8() ([]int8, error) {
	if e.DType != I8 {
		return nil, fmt.Errorf("safetensors: tensor %q has dtype %s; expected I8 (int8)", e.Name, e.DType)
	}
	out := make([]int8, len(e.Data))
	for i, b := range e.Data {
		out[i] = int8(b)
	}
	return out, nil
}

// Int32 returns an I32 entry's values; any other dtype, or a byte count
// that is not a multiple of 4, is an error.
func (e Entry) Int32() ([]int32, error) {
	if e.DType != I32 || len(e.Data)%4 != 0 {
		return nil, fmt.Errorf("safetensors: tensor %q has dtype %s and %d bytes; expected I32 (int32)", e.Name, e.DType, len(e.Data))
	}
	out := make([]int32, len(e.Data)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(e.Data[4*i:]))
	}
	return out, nil
}

// checkNotQuantized refuses a quantized model's file where float weights
// are expected, saying how to load it instead.
func checkNotQuantized(f *File) error {
	quantized := f.Metadata[kindKey] == KindQuantized
	for _, e := range f.Tensors {
		if e.DType == I8 {
			quantized = true
		}
	}
	if quantized {
		return fmt.Errorf("checkpoint: the file holds an int8 quantized model (tinytorch.kind %q, I8 weights); expected float32 weights for a float model: load it with quant.Load (tt.quant.load) into the float model's architecture", KindQuantized)
	}
	return nil
}
