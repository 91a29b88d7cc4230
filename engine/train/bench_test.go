package train

import (
	"context"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/loss"
	"tinytorch/engine/nn"
	"tinytorch/engine/optim"
	"tinytorch/engine/tensor"
)

// Benchmarks of one training epoch (16 batches of 64 synthetic 28×28
// samples, 10 classes), reporting samples per second. Run them on one and
// two threads with
//
//	go test -run XXX -bench Epoch -cpu 1,2 ./engine/train
//
// (-cpu sets GOMAXPROCS, and the matmul kernels use that many goroutines
// for products large enough to split; see engine/kernels.)

const benchBatches, benchBatch = 16, 64

// syntheticDigits makes benchBatches batches of random images and labels,
// shaped [64, 1, 28, 28] (flattened to [64, 784] when flat).
func syntheticDigits(flat bool) data.Batches {
	return syntheticBatches(flat, benchBatch)
}

// syntheticBatches is syntheticDigits with batches of size samples.
func syntheticBatches(flat bool, size int) data.Batches {
	tensor.ManualSeed(1)
	var batches data.Batches
	for range benchBatches {
		x := must(tensor.Rand(size, 1, 28, 28))
		if flat {
			x = must(x.Reshape(size, 784))
		}
		batches = append(batches, data.Batch{X: x, Y: must(tensor.Randint(0, 10, size))})
	}
	return batches
}

// benchEpoch times Fit over one epoch per iteration.
func benchEpoch(b *testing.B, model nn.Module, batches data.Batches) {
	opt := must(optim.NewSGD(model.ParamTensors(), optim.SGDOptions{LR: 0.01, Momentum: 0.9}))
	tr := &Trainer{Model: model, Optimizer: opt, Loss: loss.CrossEntropy{}}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		must(tr.Fit(ctx, batches, nil, 1))
	}
	samples := float64(b.N * benchBatches * batches[0].X.Shape()[0])
	b.ReportMetric(samples/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkEpochMLP(b *testing.B) {
	batches := syntheticDigits(true)
	model := nn.NewSequential(must(nn.NewLinear(784, 128, true)), nn.NewReLU(), must(nn.NewLinear(128, 10, true)))
	benchEpoch(b, model, batches)
}

// BenchmarkEpochMLP256 is BenchmarkEpochMLP with batches of 256: large
// enough for the products to split between two goroutines.
func BenchmarkEpochMLP256(b *testing.B) {
	batches := syntheticBatches(true, 256)
	model := nn.NewSequential(must(nn.NewLinear(784, 128, true)), nn.NewReLU(), must(nn.NewLinear(128, 10, true)))
	benchEpoch(b, model, batches)
}

func BenchmarkEpochLeNet(b *testing.B) {
	batches := syntheticDigits(false)
	model := nn.NewSequential(
		must(nn.NewConv2d(1, 6, 5, nn.ConvOptions{})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		must(nn.NewConv2d(6, 16, 5, nn.ConvOptions{})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		nn.NewFlatten(),
		must(nn.NewLinear(16*4*4, 120, true)), nn.NewReLU(),
		must(nn.NewLinear(120, 84, true)), nn.NewReLU(),
		must(nn.NewLinear(84, 10, true)),
	)
	benchEpoch(b, model, batches)
}

// BenchmarkGuardMLP times what the divergence guard adds to each step of
// the MLP 784-128-10: copying the parameters before the step and checking
// them afterwards. Compare with the time of one step (an epoch of
// BenchmarkEpochMLP divided by its 16 steps).
func BenchmarkGuardMLP(b *testing.B) {
	model := nn.NewSequential(must(nn.NewLinear(784, 128, true)), nn.NewReLU(), must(nn.NewLinear(128, 10, true)))
	g := newGuard(model)
	for b.Loop() {
		g.save()
		if _, _, bad := g.firstNonFinite(); bad {
			b.Fatal("a fresh model is not finite")
		}
	}
}
