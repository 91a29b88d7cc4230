package train

import (
	"fmt"
	"math"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/kernels"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// TestTrainingSameBitsAnyThreads trains LeNet (batches of 64) and the
// MLP (batches of 256), the benchmark models, for a few steps of SGD with
// momentum (LeNet) and Adam (the MLP), with
// the work split between 1, 2 and 3 goroutines: products, convolution
// chunks, pooling, activations. Every step's loss and every final weight
// must have the same bits whatever the count (the README's promise).
func TestTrainingSameBitsAnyThreads(t *testing.T) {
	for _, c := range []struct {
		name  string
		flat  bool
		batch int
		model func() nn.Module
	}{
		{"lenet", false, 64, func() nn.Module {
			return nn.NewSequential(
				must(nn.NewConv2d(1, 6, 5, nn.ConvOptions{})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
				must(nn.NewConv2d(6, 16, 5, nn.ConvOptions{Padding: 1})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
				nn.NewFlatten(),
				must(nn.NewLinear(16*5*5, 120, true)), nn.NewReLU(),
				must(nn.NewLinear(120, 10, true)),
			)
		}},
		{"mlp", true, 256, func() nn.Module {
			return nn.NewSequential(must(nn.NewLinear(784, 128, true)), nn.NewReLU(), must(nn.NewLinear(128, 10, true)))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := func(threads int) []float32 {
				defer kernels.SetThreads(kernels.SetThreads(threads))
				batches := syntheticBatches(c.flat, c.batch)[:3]
				tensor.ManualSeed(7)
				model := c.model()
				var opt optim.Optimizer = must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.05, Momentum: 0.9}))
				if c.flat {
					opt = must(optim.NewAdam(model.ParamTensors(), optim.AdamOptions{LR: 1e-3}))
				}
				tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
				var out []float32
				for _, b := range batches {
					l := must(tr.Step(data.Batch{X: b.X, Y: b.Y}))
					out = append(out, float32(l))
				}
				for _, p := range model.ParamTensors() {
					out = append(out, p.Data()...)
				}
				return out
			}
			want := run(1)
			for _, threads := range []int{2, 3} {
				got := run(threads)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%d threads: value %d (%s) is %v, %v with one", threads, i, what(i), got[i], want[i])
					}
				}
			}
		})
	}
}

// what names value i of TestTrainingSameBitsAnyThreads' list.
func what(i int) string {
	if i < 3 {
		return fmt.Sprintf("loss of step %d", i+1)
	}
	return fmt.Sprintf("weight %d", i-3)
}
