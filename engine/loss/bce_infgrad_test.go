package loss

import (
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// TestBCEWithLogitsInfiniteGradient is seed 1304802: an infinite
// incoming gradient gives PyTorch's ±∞ (its backward is the single
// product g·(sigmoid(x) - y), and -g·x for the target), not the NaN of
// g·(1-y) - g·sigmoid(-x). NaN stays where torch's product is 0·∞. The
// values are torch 1.13's F.binary_cross_entropy_with_logits with both
// x and y requiring grad.
func TestBCEWithLogitsInfiniteGradient(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	cases := []struct {
		name          string
		reduction     Reduction
		x, y          []float32
		g             []float32 // of the loss's shape
		loss          []float32
		wantDx, wantY []float32
	}{
		{"seed 1304802, mean, g = +∞", Mean, []float32{-0.4, -0.93}, []float32{0.25, 0.375}, []float32{inf},
			[]float32{0.647169828414917}, []float32{inf, -inf}, []float32{inf, inf}},
		{"sum, g = -∞, 0·∞ at sigmoid(0) = y", Sum, []float32{1.5, -2, 0}, []float32{1, 0, 0.5}, []float32{-inf},
			[]float32{1.0214885473251343}, []float32{inf, -inf, nan}, []float32{inf, -inf, nan}},
		{"none, g = ±∞", None, []float32{3, -1}, []float32{0, 1}, []float32{inf, -inf},
			[]float32{3.0485873222351074, 1.31326162815094}, []float32{inf, inf}, []float32{-inf, -inf}},
		{"none, x = -∞", None, []float32{-inf, 2}, []float32{0, 0.5}, []float32{1, 2},
			[]float32{nan, 1.1269280910491943}, []float32{0, 0.7615940570831299}, []float32{inf, -4}},
	}
	for _, c := range cases {
		x, y := leafOf(t, c.x), leafOf(t, c.y)
		l, err := BCEWithLogits{c.reduction}.Forward(x, y)
		if err != nil {
			t.Fatal(err)
		}
		g := must(tensor.New(c.g, l.Shape()...))
		if err := l.BackwardWith(tensor.BackwardOptions{Gradient: g}); err != nil {
			t.Fatal(err)
		}
		for _, got := range []struct {
			what      string
			got, want []float32
		}{{"loss", l.Data(), c.loss}, {"x.grad", x.Grad().Data(), c.wantDx}, {"y.grad", y.Grad().Data(), c.wantY}} {
			for i, v := range got.got {
				w := got.want[i]
				if !(v == w || v != v && w != w || math.Abs(float64(v-w)) <= 1e-6*math.Abs(float64(w))) {
					t.Errorf("%s: %s = %v, want %v", c.name, got.what, got.got, got.want)
					break
				}
			}
		}
	}
}
