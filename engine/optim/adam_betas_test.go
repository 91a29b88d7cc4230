package optim

import (
	"testing"

	"tinytorch/engine/tensor"
)

// A zero field of AdamOptions means "the default", but β1 = 0 is a real
// setting (PyTorch's betas=(0, 0.999): no averaging of the gradient). It
// is taken as given when Beta2 is set beside it.
func TestAdamBetas(t *testing.T) {
	tests := []struct {
		name         string
		beta1, beta2 float64
		want1, want2 float64
	}{
		{"both unset: the defaults", 0, 0, 0.9, 0.999},
		{"beta1 zero beside a set beta2", 0, 0.999, 0, 0.999},
		{"beta1 zero beside another beta2", 0, 0.99, 0, 0.99},
		{"only beta1 set", 0.8, 0, 0.8, 0.999},
		{"both set", 0.5, 0.9, 0.5, 0.9},
	}
	for _, tc := range tests {
		for _, newAdam := range []func([]*tensor.Tensor, AdamOptions) (*Adam, error){NewAdam, NewAdamW} {
			p := must(tensor.New([]float32{1, 2}, 2))
			must(0, p.SetRequiresGrad(true))
			a, err := newAdam([]*tensor.Tensor{p}, AdamOptions{Beta1: tc.beta1, Beta2: tc.beta2})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := a.ParamGroups()[0].Momentum; got != tc.want1 {
				t.Errorf("%s: β1 = %g, want %g", tc.name, got, tc.want1)
			}
			if got := a.opts.Beta2; got != tc.want2 {
				t.Errorf("%s: β2 = %g, want %g", tc.name, got, tc.want2)
			}
		}
	}
}
