package nn

import (
	"math"
	"testing"

	"tinytorch/engine/tensor"
)

// Groups of two values, where x̂ is ±1 whatever x is and the exact input
// gradient is a tiny difference of large terms: the gradient must match
// PyTorch's float64 group_norm within 10⁻⁴ of each element (difftest
// seeds 904292 and 503229; the Mean/Var/Sub/Div composition was off by
// 6·10⁻³ and 1.7·10⁻³).
func TestGroupNormGradientOfSmallGroupsAsTorch(t *testing.T) {
	cases := []struct {
		name       string
		x, w, b, g []float32
		shape      []int
		groups     int
		want       []float64 // torch float64: x.grad
	}{
		{"seed 904292", []float32{0.65, 1.49}, []float32{0.98, 0.59}, []float32{-1.12, 2.06}, []float32{0, -0.5},
			[]int{1, 2}, 1, []float64{1.9907061094226464e-05, -1.990706109411544e-05}},
		{"seed 503229", []float32{2.22, 2.08, 1.36, 0.27}, []float32{2.1, 1.77, 0.8, 2.04}, []float32{-0.77, 0.96, 1.09, -0.86},
			[]float32{0, 2, -2, -1}, []int{1, 4, 1, 1}, 2,
			[]float64{-0.051445814709609294, 0.05144581470949561, 1.3589740901931435e-05, -1.3589740901931435e-05}},
	}
	for _, c := range cases {
		x := mustT(tensor.New(c.x, c.shape...))
		if err := x.SetRequiresGrad(true); err != nil {
			t.Fatal(err)
		}
		w := mustT(tensor.New(c.w, len(c.w)))
		b := mustT(tensor.New(c.b, len(c.b)))
		y, err := GroupNormOf(x, c.groups, w, b, 1e-5)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		g := mustT(tensor.New(c.g, c.shape...))
		if err := y.BackwardWith(tensor.BackwardOptions{Gradient: g}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i, v := range x.Grad().Data() {
			if math.Abs(float64(v)-c.want[i]) > 1e-4*math.Abs(c.want[i]) {
				t.Errorf("%s: x.grad[%d] = %v, torch (float64) %v", c.name, i, v, c.want[i])
			}
		}
	}
}

func mustT(t *tensor.Tensor, err error) *tensor.Tensor {
	if err != nil {
		panic(err)
	}
	return t
}
