// Package benchmodel holds the training benchmark's workload: the MLP and
// the LeNet-style CNN it trains, and its synthetic batches of random
// 28×28 "digits". tools/benchref's native training table and the browser
// suite's Chromium-vs-native rounds both train these, so their figures
// compare the same work. engine/train's BenchmarkEpoch* spell out the
// same (the engine's tests import nothing outside engine/), and so does
// PyTorch's reference, tools/benchref/train.py.
package benchmodel

import (
	"fmt"

	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Batches is the number of batches in one benchmark epoch, and BatchSize
// the batch size every benchmark but the MLP's at 256 uses.
const (
	Batches   = 16
	BatchSize = 64
)

// Digits makes Batches batches of size random images in [0, 1) with
// random labels in [0, 10), from tensor.ManualSeed(1), so every caller
// gets the same bits. Images are [size, 1, 28, 28], or [size, 784] when
// flat (the MLP's input).
func Digits(flat bool, size int) data.Batches {
	tensor.ManualSeed(1)
	var out data.Batches
	for range Batches {
		x := must(tensor.Rand(size, 1, 28, 28))
		if flat {
			x = must(x.Reshape(size, 784))
		}
		out = append(out, data.Batch{X: x, Y: must(tensor.Randint(0, 10, size))})
	}
	return out
}

// MLP is the benchmark's MLP 784-128-10, taking flat [N, 784] inputs.
func MLP() nn.Module {
	return nn.NewSequential(must(nn.NewLinear(784, 128, true)), nn.NewReLU(), must(nn.NewLinear(128, 10, true)))
}

// LeNet is the benchmark's LeNet-style CNN for [N, 1, 28, 28] inputs:
// two unpadded 5×5 convolutions (6 and 16 filters), each followed by ReLU
// and 2×2 max pooling, then 256-120-84-10. (The milestone's LeNet pads
// its first convolution; see internal/milestone.)
func LeNet() nn.Module {
	return nn.NewSequential(
		must(nn.NewConv2d(1, 6, 5, nn.ConvOptions{})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		must(nn.NewConv2d(6, 16, 5, nn.ConvOptions{})), nn.NewReLU(), must(nn.NewMaxPool2d(2, nn.PoolOptions{})),
		nn.NewFlatten(),
		must(nn.NewLinear(16*4*4, 120, true)), nn.NewReLU(),
		must(nn.NewLinear(120, 84, true)), nn.NewReLU(),
		must(nn.NewLinear(84, 10, true)),
	)
}

// Model returns the named model ("mlp" or "lenet") and whether it takes
// flat inputs; it panics on another name, a programmer's error.
func Model(name string) (model nn.Module, flat bool) {
	switch name {
	case "mlp":
		return MLP(), true
	case "lenet":
		return LeNet(), false
	}
	panic(fmt.Sprintf("benchmodel.Model: no model %q (want mlp or lenet)", name))
}

// must unwraps the layers' and tensors' results: the sizes are fixed
// here, so an error is a bug in this file.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("benchmodel: %v", err))
	}
	return v
}
