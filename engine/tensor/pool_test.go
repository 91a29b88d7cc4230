package tensor

import "testing"

// TestBackwardReusesGradientBuffers runs one training-like step three
// times on tensors large enough for the pool: backward gives the buffers
// of the gradients it used up back to the pool, the next steps reuse them,
// and every step computes the same gradient as the first.
func TestBackwardReusesGradientBuffers(t *testing.T) {
	ManualSeed(3)
	w := must(Randn(64, 128))
	if err := w.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	x := must(Randn(96, 64))
	step := func() []float32 {
		w.ZeroGrad()
		h := must(x.Matmul(w)).Relu()   // pooled activations
		v := must(h.Reshape(96, 2, 64)) // a view passed on
		y := must(v.Mul(v))
		if err := y.Sigmoid().SumAll().Backward(); err != nil {
			t.Fatal(err)
		}
		return w.Grad().Data()
	}
	pool.Lock()
	pool.free, pool.bytes = nil, 0
	pool.Unlock()
	first := step()
	pool.Lock()
	held := pool.bytes
	pool.Unlock()
	if held == 0 {
		t.Fatal("backward gave no buffer back to the pool")
	}
	for range 2 {
		wantData(t, "w.grad with reused buffers", fromData(step(), w.shape), w.shape, first)
	}
}

func TestPoolBounds(t *testing.T) {
	pool.Lock()
	pool.free, pool.bytes = nil, 0
	pool.Unlock()
	big := make([]float32, poolMaxBytes/4)
	putScratch(big)
	putScratch(make([]float32, poolMinFloats)) // would exceed the bound: dropped
	pool.Lock()
	defer pool.Unlock()
	if pool.bytes != poolMaxBytes || len(pool.free[poolMinFloats]) != 0 {
		t.Errorf("pool holds %d bytes and %d small buffers, want %d and 0", pool.bytes, len(pool.free[poolMinFloats]), poolMaxBytes)
	}
	pool.free, pool.bytes = nil, 0
}
