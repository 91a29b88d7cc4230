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

// A convolution of an empty batch gives its filters and bias gradients of
// zeros, as in PyTorch (difftest seed 1906124), not none: with no sample
// there is no chunk to sum, and the sum of nothing is zero. The filters
// are large enough for the buffer pool, which gives back junk.
func TestConv2dEmptyBatchGradientsAreZeros(t *testing.T) {
	junk := getScratch(2 * 16 * 16 * 16)
	for i := range junk {
		junk[i] = float32(math.NaN())
	}
	putScratch(junk)
	for _, pad := range []int{0, 2} {
		x := param(t, nil, 0, 16, 6, 6)
		w := param(t, make([]float32, 2*16*4*4), 2, 16, 4, 4)
		b := param(t, []float32{1, 2}, 2)
		y := must(x.Conv2d(w, b, Window{Padding: [2]int{pad, pad}}))
		if err := y.BackwardWith(BackwardOptions{Gradient: must(Zeros(y.Shape()...))}); err != nil {
			t.Fatal(err)
		}
		wantData(t, "the input's gradient", x.Grad(), []int{0, 16, 6, 6}, nil)
		wantData(t, "the filters' gradient", w.Grad(), []int{2, 16, 4, 4}, make([]float32, 2*16*4*4))
		wantData(t, "the bias's gradient", b.Grad(), []int{2}, []float32{0, 0})
	}
}

// A sum or mean over the leading dimensions of an empty view whose offset
// lies past its storage's end (narrowed from an empty tensor) is 0 or NaN,
// as in PyTorch, with a gradient of the view's empty shape: the bias
// gradient's fast path (leadingSum) sliced the storage at the offset and
// panicked (difftest seed 8117592).
func TestLeadingSumOfAnEmptyView(t *testing.T) {
	x := param(t, nil, 2, 0, 3)
	v := must(x.Narrow(2, 1, 1)) // [2, 0, 1] at offset 1 of no storage
	sum := must(v.Sum([]int{1, 0}, true))
	wantData(t, "sum over dims 1 and 0", sum, []int{1, 1, 1}, []float32{0})
	mean := must(v.Mean([]int{1, 0}, true))
	if got := mean.Data(); len(got) != 1 || got[0] == got[0] {
		t.Errorf("mean over dims 1 and 0 = %v, want [NaN]", got)
	}
	must(nil, sum.SumAll().Backward())
	wantData(t, "the leaf's gradient", x.Grad(), []int{2, 0, 3}, nil)
}
