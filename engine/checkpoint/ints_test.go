package checkpoint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/nn"
)

func TestIntEntries(t *testing.T) {
	v8 := []int8{-128, -1, 0, 1, 127, 5}
	e := FromInt8("w", v8, []int{2, 3})
	if got, err := e.Int8(); err != nil || !slices.Equal(got, v8) {
		t.Fatalf("Int8 = %v, %v; expected %v", got, err, v8)
	}
	v32 := []int32{-1 << 31, -7, 0, 1<<31 - 1}
	z := FromInt32("z", v32, []int{4})
	if got, err := z.Int32(); err != nil || !slices.Equal(got, v32) {
		t.Fatalf("Int32 = %v, %v; expected %v", got, err, v32)
	}
	f := &File{Tensors: []Entry{e, z}}
	back, err := DecodeBytes(encode(t, f))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := back.Tensors[1].Int32(); !slices.Equal(got, v32) {
		t.Fatalf("after a file round trip: %v; expected %v", got, v32)
	}
	if _, err := z.Int8(); err == nil || !strings.Contains(err.Error(), `tensor "z" has dtype I32; expected I8`) {
		t.Errorf("Int8 of an I32 tensor: %v", err)
	}
	if _, err := e.Int32(); err == nil || !strings.Contains(err.Error(), `tensor "w" has dtype I8 and 6 bytes; expected I32`) {
		t.Errorf("Int32 of an I8 tensor: %v", err)
	}
}

// TestLoadQuantizedIntoFloatModel: a quantized model's file loaded into a
// float model is refused with an error saying what it is and what to do,
// and the model is unchanged.
func TestLoadQuantizedIntoFloatModel(t *testing.T) {
	lin, _ := nn.NewLinear(3, 2, true)
	m := nn.NewSequential(lin)
	before := lin.Weight.Data()
	path := filepath.Join(t.TempDir(), "q.safetensors")
	f := &File{Metadata: map[string]string{KindKey: KindQuantized}, Tensors: []Entry{
		FromInt8("0.weight", make([]int8, 6), []int{2, 3}),
		FromFloat32("0.bias", []float32{1, 2}, []int{2}),
	}}
	writeSafetensors(t, path, f)
	err := LoadModel(path, m)
	if err == nil || !strings.Contains(err.Error(), "holds an int8 quantized model") || !strings.Contains(err.Error(), "expected float32 weights for a float model: load it with quant.Load") {
		t.Fatalf("LoadModel of a quantized file: %v", err)
	}
	if !slices.Equal(lin.Weight.Data(), before) {
		t.Fatal("the failed load changed the model")
	}
	// An I8 tensor alone, without the metadata, is recognised too.
	delete(f.Metadata, KindKey)
	writeSafetensors(t, path, f)
	if err := LoadModel(path, m); err == nil || !strings.Contains(err.Error(), "holds an int8 quantized model") {
		t.Fatalf("LoadModel of an I8 file without metadata: %v", err)
	}
}

func writeSafetensors(t *testing.T, path string, f *File) {
	t.Helper()
	if err := os.WriteFile(path, encode(t, f), 0o644); err != nil {
		t.Fatal(err)
	}
}
