package train

import (
	"context"
	"math"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// Learning tests: with fixed seeds, small models must actually learn.
// They check learning, not speed.

// xor is the four points of XOR with class labels.
func xor(t *testing.T) data.Batches {
	x := tensorOf([]float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	y := tensorOf([]float32{0, 1, 1, 0}, 4)
	return data.Batches{{X: x, Y: y}}
}

func TestXORReaches100Percent(t *testing.T) {
	tensor.ManualSeed(1)
	model := nn.NewSequential(
		must(nn.NewLinear(2, 8, true)), nn.NewTanh(),
		must(nn.NewLinear(8, 2, true)),
	)
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.1, Momentum: 0.9}))
	tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Metrics: []Metric{Accuracy{}}}
	batches := xor(t)
	hist := must(tr.Fit(context.Background(), batches, batches, 300))
	acc, _ := hist.Last("val_accuracy")
	l, _ := hist.Last("val_loss")
	t.Logf("XOR after 300 steps: loss %.9g, accuracy %.2f", l, acc)
	if acc != 1 {
		t.Fatalf("XOR accuracy %.2f, want 1", acc)
	}
}

// spirals returns n points per class of two interleaved spirals (1¾
// turns each, a little angular noise), with labels 0 and 1, generated
// from a seeded generator.
func spirals(n int, seed uint64) (x, y *tensor.Tensor) {
	g := tensor.NewGenerator(seed)
	xs := make([]float32, 0, 4*n)
	ys := make([]float32, 0, 2*n)
	for k := range 2 {
		for i := range n {
			t := float64(i) / float64(n)
			r := 0.1 + t
			theta := 3.5*math.Pi*t + float64(k)*math.Pi + 0.1*g.Normal()
			xs = append(xs, float32(r*math.Cos(theta)), float32(r*math.Sin(theta)))
			ys = append(ys, float32(k))
		}
	}
	return tensorOf(xs, 2*n, 2), tensorOf(ys, 2*n)
}

func TestSpiralsReach98Percent(t *testing.T) {
	tensor.ManualSeed(2)
	x, y := spirals(200, 5)
	model := nn.NewSequential(
		must(nn.NewLinear(2, 32, true)), nn.NewTanh(),
		must(nn.NewLinear(32, 32, true)), nn.NewTanh(),
		must(nn.NewLinear(32, 2, true)),
	)
	opt := must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 0.01}))
	tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Metrics: []Metric{Accuracy{}}}
	batches := data.Batches{{X: x, Y: y}}
	hist := must(tr.Fit(context.Background(), batches, batches, 250))
	acc, _ := hist.Last("val_accuracy")
	l, _ := hist.Last("val_loss")
	t.Logf("spirals (400 points) after 250 full-batch Adam steps: loss %.9g, accuracy %.4f", l, acc)
	if acc < 0.98 {
		t.Fatalf("spirals accuracy %.4f, want ≥ 0.98", acc)
	}
}

func TestSmallCNNOverfitsABatch(t *testing.T) {
	tensor.ManualSeed(3)
	x := must(tensor.Randn(64, 1, 12, 12))
	y := must(tensor.Randint(0, 10, 64))
	model := nn.NewSequential(
		must(nn.NewConv2d(1, 8, 3, nn.ConvOptions{Padding: 1})), nn.NewReLU(),
		must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		nn.NewFlatten(), must(nn.NewLinear(8*6*6, 10, true)),
	)
	opt := must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 0.01}))
	tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Metrics: []Metric{Accuracy{}}}
	batches := data.Batches{{X: x, Y: y}}
	hist := must(tr.Fit(context.Background(), batches, batches, 60))
	acc, _ := hist.Last("val_accuracy")
	l, _ := hist.Last("val_loss")
	t.Logf("CNN on 64 random 12x12 images with random labels after 60 steps: loss %.9g, accuracy %.4f", l, acc)
	if acc != 1 {
		t.Fatalf("CNN training error %.4f, want 0", 1-acc)
	}
}
