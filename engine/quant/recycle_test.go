package quant

import (
	"runtime"
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// TestQuantizedOutputsAreRecycled: a quantized layer makes its output in
// a pooled buffer (tensor.Build), so a Sequential gives it back once the
// next layer has read it, and a pass of the int8 MLP 784-128-10 at batch
// 64 allocates less than its first layer's output (64·128 floats, 32 kB),
// which it once allocated afresh every time. The outputs keep the values
// of a quantized model run layer by layer.
func TestQuantizedOutputsAreRecycled(t *testing.T) {
	tensor.ManualSeed(3)
	l1, _ := nn.NewLinear(784, 128, true)
	l2, _ := nn.NewLinear(128, 10, true)
	float := nn.NewSequential(nn.NewFlatten(), l1, nn.NewReLU(), l2)
	x, _ := tensor.Rand(64, 1, 28, 28)
	q, err := QuantizeModel(float, data.Batches{{X: x}}, 0, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var want, got *tensor.Tensor
	tensor.NoGrad(func() {
		h := x
		seq := q.(*nn.Sequential)
		for i := range seq.Len() {
			if h, err = nn.Call(seq.At(i), h); err != nil {
				t.Fatal(err)
			}
		}
		want = h.Detach().Contiguous()
		want, _ = tensor.New(want.Data(), want.Shape()...) // a copy no pass can reuse
		const passes = 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range passes {
			if got, err = nn.Call(q, x); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		if perPass := (after.TotalAlloc - before.TotalAlloc) / passes; perPass >= 64*128*4 {
			t.Errorf("a pass allocates %d bytes, want less than the first layer's output (%d)", perPass, 64*128*4)
		}
	})
	for i, v := range got.Data() {
		if w := want.Data()[i]; v != w {
			t.Fatalf("output element %d: %v after the passes, %v layer by layer", i, v, w)
		}
	}
}
