package quant

import (
	"testing"

	"tinytorch/engine/data"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// mlp784 is the 1986 milestone's MLP 784-128-10 (internal/milestone),
// float and int8, for inputs of batch rows.
func mlp784(b *testing.B, batch int) (float, int8 nn.Module, x *tensor.Tensor) {
	tensor.ManualSeed(1)
	l1, _ := nn.NewLinear(784, 128, true)
	l2, _ := nn.NewLinear(128, 10, true)
	float = nn.NewSequential(nn.NewFlatten(), l1, nn.NewReLU(), l2)
	x, _ = tensor.Rand(batch, 1, 28, 28)
	q, err := QuantizeModel(float, data.Batches{{X: x}}, 0, DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	float.Eval()
	return float, q, x
}

func benchModel(b *testing.B, batch int, quantized bool) {
	f, q, x := mlp784(b, batch)
	m := f
	if quantized {
		m = q
	}
	b.ResetTimer()
	tensor.NoGrad(func() {
		for b.Loop() {
			if _, err := nn.Call(m, x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkMLPInference is the milestone MLP's forward pass in float32
// and in int8, at batch 1 and 64 (make bench reports the ratios).
func BenchmarkMLPInference(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run("float32/batch="+itoa(batch), func(b *testing.B) { benchModel(b, batch, false) })
		b.Run("int8/batch="+itoa(batch), func(b *testing.B) { benchModel(b, batch, true) })
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
