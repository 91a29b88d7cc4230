package nn

import (
	"slices"
	"strings"
	"testing"

	"tinytorch/engine/tensor"
)

func TestGroupNormErrors(t *testing.T) {
	x := must(tensor.Zeros(2, 4, 3))
	m := must(NewGroupNorm(2, 4, 0))
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"groups do not divide", func() error { _, err := NewGroupNorm(3, 4, 0); return err }, "nn.GroupNorm: 4 channels into 3 groups"},
		{"zero groups", func() error { _, err := NewGroupNorm(0, 4, 0); return err }, "expected groups > 0"},
		{"wrong channels", func() error { _, err := Call(m, must(tensor.Zeros(2, 3, 3))); return err }, "expected input [N, 4, *], got [2, 3, 3]"},
		{"1-D input", func() error { _, err := GroupNormOf(must(tensor.Zeros(4)), 2, nil, nil, 1e-5); return err }, "groupNorm: input of shape [4] into 2 groups"},
		{"weight shape", func() error { _, err := GroupNormOf(x, 2, must(tensor.Ones(3)), nil, 1e-5); return err }, "weight and bias must have shape [4]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if got, want := m.String(), "GroupNorm(2, 4, eps=1e-05, affine=True)"; got != want {
		t.Errorf("repr %q, want PyTorch's %q", got, want)
	}
}

// The new activation modules print as PyTorch prints them.
func TestNewActivationRepr(t *testing.T) {
	for _, tc := range []struct {
		m    Module
		want string
	}{
		{NewSiLU(), "SiLU()"},
		{NewELU(1), "ELU(alpha=1.0)"},
		{NewELU(0.5), "ELU(alpha=0.5)"},
		{NewSoftplus(1, 20), "Softplus(beta=1, threshold=20)"},
		{NewSoftplus(2, 5), "Softplus(beta=2, threshold=5)"},
	} {
		if got := tc.m.(interface{ String() string }).String(); got != tc.want {
			t.Errorf("repr %q, want PyTorch's %q", got, tc.want)
		}
	}
}

// An empty input normalises to an empty result of its shape, as in
// PyTorch (found by tools/difftest; it was refused).
func TestGroupNormEmpty(t *testing.T) {
	for _, tc := range []struct {
		shape  []int
		groups int
	}{{[]int{0, 4}, 2}, {[]int{2, 0}, 1}, {[]int{0, 2, 3}, 2}, {[]int{2, 2, 0}, 2}} {
		shape := tc.shape
		x := must(tensor.Zeros(shape...))
		y, err := GroupNormOf(x, tc.groups, nil, nil, 1e-5)
		if err != nil {
			t.Fatalf("%v: %v", shape, err)
		}
		if !slices.Equal(y.Shape(), shape) {
			t.Fatalf("%v: result shape %v", shape, y.Shape())
		}
	}
}
