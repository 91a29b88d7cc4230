package optim

import (
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// TestAdamFastPathMatchesGeneralLoop: Adam and AdamW take a vector loop
// (engine/vec) in their common cases. Maximizing with the negated gradient
// is the same update through the general loop, so the two must agree bit
// for bit, step after step, on a parameter long enough for the vector
// loop (and a tail).
func TestAdamFastPathMatchesGeneralLoop(t *testing.T) {
	for _, decoupled := range []bool{false, true} {
		tensor.ManualSeed(5)
		w0 := must(tensor.Randn(1003)).Data()
		grads := make([][]float32, 3)
		for i := range grads {
			grads[i] = must(tensor.Randn(1003)).Data()
		}
		run := func(maximize bool) []float32 {
			p := must(tensor.New(append([]float32(nil), w0...), 1003))
			if err := p.SetRequiresGrad(true); err != nil {
				t.Fatal(err)
			}
			opts := AdamOptions{LR: 0.01, Maximize: maximize}
			newAdam := NewAdam
			if decoupled {
				opts.WeightDecay = 0.05
				newAdam = NewAdamW
			}
			opt := must(newAdam([]*tensor.Tensor{p}, opts))
			for _, g := range grads {
				sign := float32(1)
				if maximize {
					sign = -1
				}
				// d(sign·g·p)/dp = sign·g: the gradient the step sees.
				gt := must(tensor.New(append([]float32(nil), g...), 1003)).MulScalar(sign)
				opt.ZeroGrad()
				if err := must(p.Mul(gt)).SumAll().Backward(); err != nil {
					t.Fatal(err)
				}
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
			}
			return p.Data()
		}
		fast, general := run(false), run(true)
		for i := range fast {
			if math.Float32bits(fast[i]) != math.Float32bits(general[i]) {
				t.Fatalf("decoupled=%v, element %d: vector loop %v, general loop %v", decoupled, i, fast[i], general[i])
			}
		}
	}
}
