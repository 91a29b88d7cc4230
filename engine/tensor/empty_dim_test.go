package tensor

import (
	"math"
	"testing"
)

// Over an empty dimension softmax and log_softmax give an empty result
// and logsumexp gives -Inf, as in PyTorch 1.13; a slice holding +Inf
// makes softmax and log_softmax NaN there (PyTorch's kernels subtract the
// unmasked maximum), while logsumexp gives +Inf.
func TestSoftmaxFamilyEdgesAsTorch(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	e := must(Zeros(2, 0))
	wantData(t, "softmax over an empty dim", must(e.Softmax(1)), []int{2, 0}, nil)
	wantData(t, "logSoftmax over an empty dim", must(e.LogSoftmax(-1)), []int{2, 0}, nil)
	wantData(t, "logsumexp over an empty dim", must(e.LogSumExp([]int{1}, false)), []int{2}, []float32{-inf, -inf})
	wantData(t, "softmax over the empty batch", must(e.Softmax(0)), []int{2, 0}, nil)

	x := must(New([]float32{inf, 0, 1, 2}, 2, 2))
	wantData(t, "softmax with Inf", must(x.Softmax(1)), []int{2, 2}, []float32{nan, nan, 0.26894142, 0.73105858})
	wantData(t, "logSoftmax with Inf", must(x.LogSoftmax(1)), []int{2, 2}, []float32{nan, nan, -1.31326169, -0.31326169})
	wantData(t, "logsumexp with Inf", must(x.LogSumExp([]int{1}, false)), []int{2}, []float32{inf, 2.31326169})
	m := must(New([]float32{-inf, -inf}, 1, 2))
	wantData(t, "logSoftmax of -Inf only", must(m.LogSoftmax(1)), []int{1, 2}, []float32{nan, nan})
	wantData(t, "logsumexp of -Inf only", must(m.LogSumExp([]int{1}, false)), []int{1}, []float32{-inf})
}

// TestMatmulEmptyInnerIsZeroFromPool multiplies over an empty inner
// dimension into a result large enough to come from the buffer pool,
// after NaNs were given back to it: the product must still be all zeros
// (bmm takes its output uninitialized and batchedProduct clears it).
func TestMatmulEmptyInnerIsZeroFromPool(t *testing.T) {
	junk := getScratch(64 * 64)
	for i := range junk {
		junk[i] = float32(math.NaN())
	}
	putScratch(junk)
	a, b := must(Zeros(64, 0)), must(Zeros(0, 64))
	y := must(a.Matmul(b))
	for i, v := range y.Data() {
		if v != 0 {
			t.Fatalf("element %d of a [64, 0]·[0, 64] product is %v, expected 0", i, v)
		}
	}
}
