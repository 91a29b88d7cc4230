package tensor

import (
	"math"
	"testing"
)

// TestBCEWithLogitsOp checks the op's values and gradients against
// torch 1.13's F.binary_cross_entropy_with_logits(x, y, reduction="none")
// with backward(g), x and y requiring grad, including the broadcast of a
// [1] target and an infinite g (seed 1304802).
func TestBCEWithLogitsOp(t *testing.T) {
	inf := float32(math.Inf(1))
	cases := []struct {
		name              string
		x, y, g           []float32
		yShape            []int
		want, wantDx, wDy []float32
	}{
		{"finite", []float32{-0.4, 2}, []float32{0.25, 1}, []float32{1, 1}, []int{2},
			[]float32{0.6130153, 0.12692805}, []float32{0.15131235, -0.11920297}, []float32{0.4, -2}},
		{"g = ±∞", []float32{-0.4, -0.93}, []float32{0.25, 0.375}, []float32{inf, -inf}, []int{2},
			[]float32{0.6130153, 0.68132436}, []float32{inf, inf}, []float32{inf, -inf}},
		{"broadcast target", []float32{1, -1}, []float32{0.5}, []float32{2, 2}, []int{1},
			[]float32{0.8132616, 0.8132616}, []float32{0.4621172, -0.46211714}, []float32{0}},
	}
	for _, c := range cases {
		x, y := param(t, c.x, len(c.x)), param(t, c.y, c.yShape...)
		l, err := x.BCEWithLogits(y)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.BackwardWith(BackwardOptions{Gradient: must(New(c.g, len(c.g)))}); err != nil {
			t.Fatal(err)
		}
		wantData(t, c.name+" loss", l, []int{len(c.x)}, c.want)
		wantData(t, c.name+" x.grad", x.Grad(), []int{len(c.x)}, c.wantDx)
		wantData(t, c.name+" y.grad", y.Grad(), c.yShape, c.wDy)
	}
}
