package profile

import (
	"testing"

	"tinytorch/engine/tensor"
)

// The ops added for issue 20 are costed like their kin: the elementwise
// functions one FLOP per output element, cumsum, prod and norm one per
// input element.
func TestNewOpsCost(t *testing.T) {
	x, _ := tensor.Zeros(2, 3)
	same, _ := tensor.Zeros(2, 3) // an output of its own, not a view of x
	row, _ := tensor.Zeros(2)
	for _, tc := range []struct {
		name string
		out  *tensor.Tensor
		want int64
	}{
		{"erf", same, 6}, {"softplus", same, 6}, {"round", same, 6},
		{"cumsum", same, 6}, {"prod", row, 6}, {"norm", row, 6},
	} {
		if flops, _, _ := forwardCost(tc.name, []*tensor.Tensor{x}, tc.out); flops != tc.want {
			t.Errorf("%s: %d FLOPs, want %d", tc.name, flops, tc.want)
		}
	}
}
