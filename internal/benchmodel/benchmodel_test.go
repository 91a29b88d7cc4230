package benchmodel

import (
	"slices"
	"testing"

	"tinytorch/engine/nn"
)

func TestModelsTakeTheirBatches(t *testing.T) {
	for _, c := range []struct {
		name    string
		size    int
		xShape  []int
		nParams int // weights and biases, summed
	}{
		{"mlp", 64, []int{64, 784}, 784*128 + 128 + 128*10 + 10},
		{"mlp", 256, []int{256, 784}, 784*128 + 128 + 128*10 + 10},
		{"lenet", 64, []int{64, 1, 28, 28}, 6*25 + 6 + 16*6*25 + 16 + 256*120 + 120 + 120*84 + 84 + 84*10 + 10},
	} {
		model, flat := Model(c.name)
		batches := Digits(flat, c.size)
		if len(batches) != Batches {
			t.Fatalf("%s: %d batches, want %d", c.name, len(batches), Batches)
		}
		x, y := batches[0].X, batches[0].Y
		if !slices.Equal(x.Shape(), c.xShape) || !slices.Equal(y.Shape(), []int{c.size}) {
			t.Fatalf("%s: batch x %v y %v, want x %v y [%d]", c.name, x.Shape(), y.Shape(), c.xShape, c.size)
		}
		out, err := nn.Call(model, x)
		if err != nil {
			t.Fatalf("%s forward: %v", c.name, err)
		}
		if !slices.Equal(out.Shape(), []int{c.size, 10}) {
			t.Errorf("%s: output %v, want [%d 10]", c.name, out.Shape(), c.size)
		}
		n := 0
		for _, p := range model.ParamTensors() {
			n += p.Numel()
		}
		if n != c.nParams {
			t.Errorf("%s: %d parameters, want %d", c.name, n, c.nParams)
		}
	}
}

func TestDigitsAreTheSameEveryCall(t *testing.T) {
	a, b := Digits(false, 8), Digits(false, 8)
	for i := range a {
		if !slices.Equal(a[i].X.Data(), b[i].X.Data()) || !slices.Equal(a[i].Y.Data(), b[i].Y.Data()) {
			t.Fatalf("batch %d differs between two calls", i)
		}
	}
	x := a[0].X.Data()
	if slices.Min(x) < 0 || slices.Max(x) >= 1 || slices.Min(x) == slices.Max(x) {
		t.Errorf("images should be spread over [0, 1): min %v max %v", slices.Min(x), slices.Max(x))
	}
	if y := a[0].Y.Data(); slices.Min(y) < 0 || slices.Max(y) > 9 {
		t.Errorf("labels should be in [0, 10): %v", y)
	}
}

func TestModelRejectsAnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Model(\"resnet\") should panic")
		}
	}()
	Model("resnet")
}
