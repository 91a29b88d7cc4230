package quant

import (
	"os"
	"path/filepath"
	"testing"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// cnn is a small CNN with every layer kind Load must rebuild.
func cnn(t testing.TB, seed uint64) nn.Module {
	t.Helper()
	tensor.ManualSeed(seed)
	c1, _ := nn.NewConv2d(1, 4, 3, nn.ConvOptions{Padding: 1, NoBias: true})
	pool, _ := nn.NewMaxPool2d(2, nn.PoolOptions{})
	fc, _ := nn.NewLinear(4*4*4, 5, true)
	return nn.NewSequential(c1, nn.NewReLU(), pool, nn.NewFlatten(), nn.NewSequential(fc))
}

// TestSaveLoadRoundTrip: a quantized model saved and loaded onto a fresh
// float architecture gives the same outputs bit for bit, for per-channel
// and per-tensor weights and another bit width, and its file is about a
// quarter of the float checkpoint.
func TestSaveLoadRoundTrip(t *testing.T) {
	x := randomTensor(t, 9, []int{6, 1, 8, 8}, 0, 1)
	for _, w := range []Scheme{DefaultConfig().Weight, {Bits: 6}} {
		model := cnn(t, 13)
		cfg := DefaultConfig()
		cfg.Weight = w
		q, err := QuantizeModel(model, data.Batches{{X: x}}, 0, cfg)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "q.safetensors")
		if err := Save(path, q); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path, cnn(t, 99)) // other float weights: unused
		if err != nil {
			t.Fatal(err)
		}
		want, _ := nn.Call(q, x)
		got, err := nn.Call(back, x)
		if err != nil {
			t.Fatal(err)
		}
		same(t, w.String(), got.Data(), want.Data())

		fpath := filepath.Join(dir, "f.safetensors")
		if err := checkpoint.SaveModel(fpath, model); err != nil {
			t.Fatal(err)
		}
		qs, fs := fileSize(t, path), fileSize(t, fpath)
		t.Logf("%s: int8 %d bytes, float32 %d bytes", w, qs, fs)
		if qs >= fs {
			t.Errorf("int8 file %d bytes; expected smaller than the float file's %d", qs, fs)
		}
		// A float checkpoint is refused by Load, and the int8 one by LoadModel.
		checkErr(t, "float file", second(Load(fpath, cnn(t, 1))), `quant.Load: the file holds a float model (tinytorch.kind "model"); expected a quantized one`)
		checkErr(t, "int8 into float", checkpoint.LoadModel(path, cnn(t, 1)), "holds an int8 quantized model")
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

func TestSaveLoadErrors(t *testing.T) {
	x := randomTensor(t, 9, []int{2, 1, 8, 8}, 0, 1)
	model := cnn(t, 13)
	q, _ := QuantizeModel(model, data.Batches{{X: x}}, 0, DefaultConfig())
	dir := t.TempDir()
	path := filepath.Join(dir, "q.safetensors")
	if err := Save(path, q); err != nil {
		t.Fatal(err)
	}
	// Another architecture: a wider Linear.
	tensor.ManualSeed(1)
	c1, _ := nn.NewConv2d(1, 4, 3, nn.ConvOptions{Padding: 1, NoBias: true})
	fc, _ := nn.NewLinear(4*4*4, 7, true)
	other := nn.NewSequential(c1, nn.NewReLU(), nn.NewReLU(), nn.NewFlatten(), nn.NewSequential(fc))
	checkErr(t, "shape", second(Load(path, other)), `quant.Load: "4.0.weight" is I8 [5, 64]; expected I8 [7, 64]`)
	smaller := nn.NewSequential(c1)
	checkErr(t, "extra", second(Load(path, smaller)), `quant.Load: tensors not in the model: "4.0.weight"`)
	checkErr(t, "float model", Save(filepath.Join(dir, "f"), model), "quant.Save: the model has no quantized layer")
	p, _ := Prepare(cnn(t, 2), DefaultConfig())
	checkErr(t, "prepared", Save(filepath.Join(dir, "p"), p), `quant.Save: layer "0" is still a ObservedConv2d; expected a converted model`)
	if _, err := os.Stat(filepath.Join(dir, "f")); !os.IsNotExist(err) {
		t.Errorf("a failed Save left a file: %v", err)
	}
	// A hostile bit width in the file is an error, not a panic.
	f, _ := checkpoint.ReadFile(path)
	for i, e := range f.Tensors {
		if e.Name == "0.bits" {
			f.Tensors[i] = checkpoint.FromInt32("0.bits", []int32{8, 40}, []int{2})
		}
	}
	checkErr(t, "bits", second(Decode(f, cnn(t, 1))), "40 bits; expected 2 to 8")
}
