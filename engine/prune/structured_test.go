package prune

import (
	"math"
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// zeroInputs zeroes the inputs of next that read the units not in kept,
// block inputs per unit, dim the dimension of next's weight that holds
// them: the dense model that a structured pruning must compute exactly.
func zeroInputs(t *testing.T, w *tensor.Tensor, units, block int, kept []int) {
	t.Helper()
	tensor.NoGrad(func() {
		must(0, w.UpdateInPlace(func(v []float32) {
			outer := len(v) / (units * block)
			for o := range outer {
				for u := range units {
					if !slices.Contains(kept, u) {
						clear(v[(o*units+u)*block : (o*units+u+1)*block])
					}
				}
			}
		}))
	})
}

func TestLnStructuredLinear(t *testing.T) {
	for _, n := range []float64{1, 2, math.Inf(1)} {
		model := mlp(t)
		x := must(tensor.Randn(5, 8))
		ref := mlp(t) // the same weights (same seed)
		s, err := LnStructured(model, 2, 0.5, n)
		if err != nil {
			t.Fatal(err)
		}
		if s.Before != 12 || s.After != 6 || len(s.Kept) != 6 || !slices.Equal(s.Neighbours, []string{"4"}) {
			t.Fatalf("n=%v: %+v, want 12 → 6 units, neighbour 4", n, s)
		}
		l2, l4 := model.At(2).(*nn.Linear), model.At(4).(*nn.Linear)
		if l2.Out != 6 || !slices.Equal(l2.Weight.Shape(), []int{6, 16}) || !slices.Equal(l2.Bias.Shape(), []int{6}) ||
			l4.In != 6 || !slices.Equal(l4.Weight.Shape(), []int{3, 6}) {
			t.Fatalf("shapes: %v %v %v", l2.Weight.Shape(), l2.Bias.Shape(), l4.Weight.Shape())
		}
		if model.NumParams() != 8*16+16+6*16+6+6*3+3 {
			t.Errorf("NumParams %d", model.NumParams())
		}
		// The kept units are those of largest norm.
		w := ref.At(2).(*nn.Linear).Weight.Data()
		norms := make([]float64, 12)
		for u := range 12 {
			norms[u] = lnNorm(w[u*16:(u+1)*16], n)
		}
		for _, k := range s.Kept {
			for u := range 12 {
				if !slices.Contains(s.Kept, u) && norms[u] > norms[k] {
					t.Errorf("n=%v: unit %d (norm %v) was removed but %d (norm %v) kept", n, u, norms[u], k, norms[k])
				}
			}
		}
		zeroInputs(t, ref.At(4).(*nn.Linear).Weight, 12, 1, s.Kept)
		if d := maxDiff(forward(t, model, x), forward(t, ref, x)); d > 1e-6 {
			t.Errorf("n=%v: the pruned model differs from the dense one with those units cut off by %g", n, d)
		}
		// The shrunk model trains: its parameters are the new tensors.
		if !slices.Contains(model.ParamTensors(), l2.Weight) {
			t.Error("the model's parameters do not include the new weight")
		}
	}
}

// lenet is a small CNN with a BatchNorm: conv, bn, relu, pool, conv,
// relu, flatten, linear.
func lenet(t *testing.T) *nn.Sequential {
	tensor.ManualSeed(11)
	return nn.NewSequential(
		must(nn.NewConv2d(1, 4, 3, nn.ConvOptions{Padding: 1})), must(nn.NewBatchNorm2d(4, nn.NormOptions{})), nn.NewReLU(),
		must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		must(nn.NewConv2d(4, 6, 3, nn.ConvOptions{})), nn.NewReLU(),
		nn.NewFlatten(),
		must(nn.NewLinear(6*2*2, 3, true)),
	)
}

func TestLnStructuredConv(t *testing.T) {
	x := must(tensor.Randn(2, 1, 8, 8))
	// Train the BatchNorm's statistics a little so that they are not 0 and 1.
	warm := func(m *nn.Sequential) {
		m.Train(true)
		tensor.ManualSeed(3)
		for range 3 {
			must(m.Forward(must(tensor.Randn(4, 1, 8, 8))))
		}
	}
	cases := []struct {
		index, units, block, next int
		neighbours                []string
	}{
		{0, 4, 9, 4, []string{"1", "4"}}, // conv → bn → conv: its input channels, [k, k] each
		{4, 6, 4, 7, []string{"7"}},      // conv → flatten → linear: a 2×2 block of inputs per channel
	}
	for _, c := range cases {
		model, ref := lenet(t), lenet(t)
		warm(model)
		warm(ref)
		s, err := LnStructured(model, c.index, 0.5, 2)
		if err != nil {
			t.Fatal(err)
		}
		if s.After != c.units/2 || !slices.Equal(s.Neighbours, c.neighbours) {
			t.Fatalf("layer %d: %+v", c.index, s)
		}
		var next *tensor.Tensor
		switch l := ref.At(c.next).(type) {
		case *nn.Conv2d:
			next = l.Weight
		case *nn.Linear:
			next = l.Weight
		}
		zeroInputs(t, next, c.units, c.block, s.Kept)
		if d := maxDiff(forward(t, model, x), forward(t, ref, x)); d > 1e-5 {
			t.Errorf("layer %d: the pruned CNN differs from the dense one with those channels cut off by %g", c.index, d)
		}
		if c.index == 0 {
			bn := model.At(1).(*nn.BatchNorm)
			if bn.Features != 2 || bn.RunningMean.Numel() != 2 || model.At(4).(*nn.Conv2d).In != 2 {
				t.Errorf("BatchNorm %d features, running mean %d, next conv in %d; want 2", bn.Features, bn.RunningMean.Numel(), model.At(4).(*nn.Conv2d).In)
			}
		}
	}
}

func TestLnStructuredErrors(t *testing.T) {
	softmaxBetween := nn.NewSequential(must(nn.NewLinear(4, 4, true)), nn.NewSoftmax(1), must(nn.NewLinear(4, 2, true)))
	cases := []struct {
		name   string
		model  *nn.Sequential
		index  int
		amount float64
		n      float64
		want   string
	}{
		{"the last layer", mlp(t), 4, 0.5, 1, "no Linear or Conv2d follows layer 4"},
		{"an activation", mlp(t), 1, 0.5, 1, "layer 1 is a ReLU"},
		{"all units", mlp(t), 0, 1, 1, "would remove all 16 units"},
		{"no such layer", mlp(t), 9, 0.5, 1, "layer 9 does not exist"},
		{"a bad norm", mlp(t), 0, 0.5, 0, "norm n=0"},
		{"a softmax between", softmaxBetween, 0, 0.5, 1, "layer 1 (Softmax) sits between"},
		{"conv into linear without flatten", nn.NewSequential(must(nn.NewConv2d(1, 2, 1, nn.ConvOptions{})), must(nn.NewLinear(2, 2, true))), 0, 0.5, 1, "through a Flatten"},
	}
	for _, c := range cases {
		before := c.model.String()
		_, err := LnStructured(c.model, c.index, c.amount, c.n)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if c.model.String() != before {
			t.Errorf("%s: the failed pruning changed the model", c.name)
		}
	}
}

func TestMaskOfAShrunkLayer(t *testing.T) {
	model := mlp(t)
	p := New(model)
	if err := p.L1Unstructured("2.weight", 0.3); err != nil {
		t.Fatal(err)
	}
	if _, err := LnStructured(model, 2, 0.5, 1); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(); err == nil || !strings.Contains(err.Error(), "no longer the tensor") {
		t.Errorf("Apply after shrinking: %v, want an error saying the layer changed", err)
	}
}
