package train

import (
	"context"
	"testing"

	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// Learning tests: with fixed seeds, small models must actually learn.
// They check learning, not speed.

// xor is the four points of XOR with class labels.
func xor(t *testing.T) Batches {
	x := tensorOf([]float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	y := tensorOf([]float32{0, 1, 1, 0}, 4)
	return Batches{{x, y}}
}

func TestXORReaches100Percent(t *testing.T) {
	tensor.ManualSeed(1)
	model := nn.NewSequential(
		must(nn.NewLinear(2, 8, true)), nn.NewTanh(),
		must(nn.NewLinear(8, 2, true)),
	)
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.1, Momentum: 0.9}))
	tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}, Metrics: []Metric{Accuracy{}}}
	data := xor(t)
	hist := must(tr.Fit(context.Background(), data, data, 300))
	acc, _ := hist.Last("val_accuracy")
	l, _ := hist.Last("val_loss")
	t.Logf("XOR after 300 steps: loss %.4f, accuracy %.2f", l, acc)
	if acc != 1 {
		t.Fatalf("XOR accuracy %.2f, want 1", acc)
	}
}
