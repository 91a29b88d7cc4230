package tensor

import (
	"math"
	"strings"
	"testing"
)

// The reproducers of tools/difftest's findings (difftest-findings.md) on
// the core engine, with PyTorch 1.13's answers.

// TestDifftestRefusals checks inputs PyTorch refuses (or answers with
// uninitialised memory) get an error naming the op, not a panic or a
// silently changed tensor.
func TestDifftestRefusals(t *testing.T) {
	cases := []struct {
		name, want string
		run        func(t *testing.T) error
	}{
		// F1: torch returns a 0-d tensor of uninitialised memory.
		{"indexSelect of a 0-d tensor with an empty index", "indexSelect: a 0-d tensor takes an index of exactly one element, got shape [0]",
			func(t *testing.T) error {
				_, err := Scalar(1).IndexSelect(0, must(New([]float32{}, 0)))
				return err
			}},
		// N4: torch: "a view of a leaf Variable that requires grad is
		// being used in an in-place operation".
		{"copy_ into a squeeze view of a leaf", "copy_: tensor of shape [3] is a view",
			func(t *testing.T) error {
				x := param(t, []float32{2.03, 1.8, 0.27}, 3)
				_, err := must(x.Squeeze(0)).CopyInPlace(must(New([]float32{1.55}, 1)))
				wantData(t, "the leaf after the refused copy_", x, []int{3}, []float32{2.03, 1.8, 0.27})
				return err
			}},
		{"fill_ of a narrow view of a leaf", "fill_: tensor of shape [2] is a view",
			func(t *testing.T) error {
				x := param(t, []float32{1, 2, 3}, 3)
				_, err := must(x.Narrow(0, 1, 2)).FillInPlace(0)
				return err
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run(t)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestDifftestMaskCarriesNoGradient is N9: where's condition (and
// masked_fill's mask) is not differentiable, so a result computed from
// constants through a mask that requires grad does not require grad
// (torch: "element 0 of tensors does not require grad").
func TestDifftestMaskCarriesNoGradient(t *testing.T) {
	cond := param(t, []float32{1, 0, 0.5}, 3)
	a := must(New([]float32{0, -1.25, 0.88}, 3))
	cases := []struct {
		name string
		out  *Tensor
	}{
		{"where", must(Where(cond, a, a))},
		{"maskedFill", must(a.MaskedFill(cond, 0.5))},
	}
	for _, c := range cases {
		if c.out.RequiresGrad() {
			t.Errorf("%s: the result requires grad through its mask alone", c.name)
		}
	}
	// With a that requires grad, its gradient is g where the mask picks
	// it: torch.where(c != 0, a, 0).backward([1, 2, 3]) gives [1, 0, 3].
	ap := param(t, []float32{0, -1.25, 0.88}, 3)
	y := must(Where(cond, ap, Scalar(0)))
	if err := y.BackwardWith(BackwardOptions{Gradient: must(New([]float32{1, 2, 3}, 3))}); err != nil {
		t.Fatal(err)
	}
	wantData(t, "a.grad", ap.Grad(), []int{3}, []float32{1, 0, 3})
	if cond.Grad() != nil {
		t.Errorf("the condition got a gradient %v", cond.Grad().Data())
	}
}

// TestDifftestConvNoInputChannels is N11: conv2d with 0 input channels
// divided by zero. Every output is the bias (a sum over no inputs); torch
// 1.13 returns an empty [N, 0, Ho, Wo] there, which tools/difftest
// excludes as a quirk.
func TestDifftestConvNoInputChannels(t *testing.T) {
	cases := []struct {
		name  string
		bias  *Tensor
		shape []int
		want  []float32
	}{
		{"bias", must(New([]float32{0.5}, 1)), []int{2, 1, 1, 2}, []float32{0.5, 0.5, 0.5, 0.5}},
		{"no bias", nil, []int{2, 1, 1, 2}, []float32{0, 0, 0, 0}},
	}
	for _, c := range cases {
		x := must(New([]float32{}, 2, 0, 1, 3))
		w := must(New([]float32{}, 1, 0, 4, 4))
		out, err := x.Conv2d(w, c.bias, Window{Kernel: [2]int{4, 4}, Stride: [2]int{2, 2}, Padding: [2]int{2, 2}})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantData(t, c.name, out, c.shape, c.want)
	}
}

// TestDifftestReluGradAtNaN is F3: PyTorch's threshold_backward zeroes g
// where x ≤ 0, which is false at NaN, so the gradient passes there.
func TestDifftestReluGradAtNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, generic := range []bool{false, true} {
		prev := genericOnly
		genericOnly = generic
		x := param(t, []float32{-0.82, nan, 0.84, 0.54}, 2, 1, 2)
		if err := x.Relu().BackwardWith(BackwardOptions{Gradient: must(New([]float32{-2, -1.5, -1.5, -0.5}, 2, 1, 2))}); err != nil {
			t.Fatal(err)
		}
		genericOnly = prev
		wantData(t, "x.grad", x.Grad(), []int{2, 1, 2}, []float32{0, -1.5, -1.5, -0.5})
	}
}
