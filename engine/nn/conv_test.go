package nn

import (
	"math"
	"testing"

	"tinytorch/engine/kernels"
	"tinytorch/engine/tensor"
)

// TestConv2dSameBitsAnyThreads runs a convolution forward and backward on
// a batch large enough to be split into several chunks, with the matmul
// kernel on one goroutine and on three: output and gradients must have
// the same bits, run after run.
func TestConv2dSameBitsAnyThreads(t *testing.T) {
	run := func(threads int) []float32 {
		defer kernels.SetThreads(kernels.SetThreads(threads))
		tensor.ManualSeed(11)
		conv := must(NewConv2d(3, 32, 5, ConvOptions{Padding: 1})) // products of ~8M flops: split
		x := must(tensor.Randn(40, 3, 20, 20))
		must(0, x.SetRequiresGrad(true))
		y := must(Call(conv, x))
		must(0, must(y.Mul(y)).SumAll().Backward())
		out := y.Data()
		for _, g := range []*tensor.Tensor{x.Grad(), conv.Weight.Grad(), conv.Bias.Grad()} {
			out = append(out, g.Data()...)
		}
		return out
	}
	want := run(1)
	for _, threads := range []int{1, 3} {
		got := run(threads)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%d threads: value %d is %v, %v with one", threads, i, got[i], want[i])
			}
		}
	}
}
