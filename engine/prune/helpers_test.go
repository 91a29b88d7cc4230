package prune

import (
	"math"
	"testing"

	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// must panics on an error, which fails the test with its message.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// mlp is a small 8-16-12-3 network; seeded, so every test gets the same.
func mlp(t *testing.T) *nn.Sequential {
	tensor.ManualSeed(7)
	return nn.NewSequential(
		must(nn.NewLinear(8, 16, true)), nn.NewReLU(),
		must(nn.NewLinear(16, 12, true)), nn.NewReLU(),
		must(nn.NewLinear(12, 3, true)),
	)
}

// forward runs model on x in evaluation mode.
func forward(t *testing.T, model nn.Module, x *tensor.Tensor) []float32 {
	t.Helper()
	model.Eval()
	var y *tensor.Tensor
	tensor.NoGrad(func() { y = must(model.Forward(x)) })
	return y.Data()
}

// maxDiff is the largest absolute difference of two equal-length slices.
func maxDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// trainSteps takes n steps of cross-entropy on random data with opt.
func trainSteps(t *testing.T, model nn.Module, opt optim.Optimizer, in, classes, n int) {
	t.Helper()
	model.Train(true)
	for range n {
		x := must(tensor.Randn(16, in))
		y := must(tensor.Randint(0, classes, 16))
		opt.ZeroGrad()
		l := must(loss.CrossEntropy{}.Forward(must(model.Forward(x)), y))
		if err := l.Backward(); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

// param returns model's parameter called name.
func param(t *testing.T, model nn.Module, name string) *tensor.Tensor {
	t.Helper()
	for _, p := range model.Parameters() {
		if p.Name == name {
			return p.Tensor
		}
	}
	t.Fatalf("no parameter %q", name)
	return nil
}
