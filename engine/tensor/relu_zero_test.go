package tensor

import (
	"math"
	"testing"
)

// relu keeps x unless x < 0, as PyTorch's clamp_min(x, 0): -0 stays -0
// (so 1/relu(-0) is -Inf, difftest seed 901878) and NaN passes. Both
// lengths run: under 8 elements the generic loop, 9 or more the AVX one.
func TestReluKeepsNegativeZeroAsTorch(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	nan := float32(math.NaN())
	cases := []struct {
		name    string
		in, out []float32
	}{
		{"short", []float32{negZero, 0, -1, 2, nan}, []float32{negZero, 0, 0, 2, nan}},
		{"long", []float32{negZero, 0, -1, 2, nan, negZero, 3, -4, negZero, 5, -0.5},
			[]float32{negZero, 0, 0, 2, nan, negZero, 3, 0, negZero, 5, 0}},
	}
	for _, c := range cases {
		x, err := New(c.in, len(c.in))
		if err != nil {
			t.Fatal(err)
		}
		got := x.Relu().Data()
		for i, w := range c.out {
			if math.Float32bits(got[i]) != math.Float32bits(w) && !(w != w && got[i] != got[i]) {
				t.Errorf("%s: relu(%v) = %v, want %v (torch.relu)", c.name, c.in[i], got[i], w)
			}
		}
	}
}
