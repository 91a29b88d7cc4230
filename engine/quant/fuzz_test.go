package quant

import (
	"bytes"
	"testing"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/data"
	"tinytorch/engine/nn"
)

// FuzzDecode feeds arbitrary bytes to the int8 checkpoint reader: a file
// the safetensors decoder accepts but whose tensors have the wrong
// dtypes, shapes, bit widths, scales or zero points must give an error,
// never a panic, and a model it does rebuild must run.
func FuzzDecode(f *testing.F) {
	x := randomTensor(f, 9, []int{2, 1, 8, 8}, 0, 1)
	model := cnn(f, 13)
	q, err := QuantizeModel(model, data.Batches{{X: x}}, 0, DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := Encode(&b, q); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	cfg := DefaultConfig()
	cfg.Weight = Scheme{Bits: 4}
	q4, _ := QuantizeModel(model, data.Batches{{X: x}}, 0, cfg)
	b.Reset()
	_ = Encode(&b, q4)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		file, err := checkpoint.DecodeBytes(in)
		if err != nil {
			return
		}
		m, err := Decode(file, cnn(t, 1))
		if err != nil {
			return
		}
		if _, err := nn.Call(m, x); err != nil {
			t.Fatalf("a model Decode accepted fails on a valid input: %v", err)
		}
	})
}
