package prune

import (
	"strings"
	"testing"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

func TestSparsifyGivesTheDenseOutput(t *testing.T) {
	model := mlp(t)
	x := must(tensor.Randn(6, 8))
	p := New(model)
	if err := p.L1Unstructured("0.weight", 0.9); err != nil {
		t.Fatal(err)
	}
	if err := p.L1Unstructured("2.weight", 0.5); err != nil {
		t.Fatal(err)
	}
	want := forward(t, model, x)
	fast, swapped, err := Sparsify(model, 0.6)
	if err != nil {
		t.Fatal(err)
	}
	if swapped != 2 || fast.At(0).Base().TypeName() != "SparseLinear" || fast.At(4).Base().TypeName() != "Linear" {
		t.Fatalf("swapped %d: %v", swapped, fast)
	}
	if d := maxDiff(forward(t, fast, x), want); d > 1e-5 {
		t.Errorf("the sparse model differs from the pruned dense one by %g", d)
	}
	// One row takes the gather path; a [2, 3, 8] input keeps its leading dimensions.
	one := must(tensor.Randn(1, 8))
	if d := maxDiff(forward(t, fast, one), forward(t, model, one)); d > 1e-5 {
		t.Errorf("batch 1: differs by %g", d)
	}
	y := must(fast.At(0).Forward(must(tensor.Randn(2, 3, 8))))
	if s := y.Shape(); len(s) != 3 || s[0] != 2 || s[1] != 3 || s[2] != 16 {
		t.Errorf("shape %v, want [2, 3, 16]", s)
	}
	if _, err := fast.At(0).Forward(must(tensor.Randn(2, 7))); err == nil || !strings.Contains(err.Error(), "expected input [*, 8]") {
		t.Errorf("wrong width: %v", err)
	}
	g := must(tensor.Randn(2, 8))
	must(0, g.SetRequiresGrad(true))
	if _, err := fast.At(0).Forward(g); err == nil || !strings.Contains(err.Error(), "inference") {
		t.Errorf("an input requiring grad: %v", err)
	}
	if !strings.Contains(fast.String(), "density=0.102, bias=True") {
		t.Errorf("repr %s", fast)
	}
	if _, _, err := Sparsify(nn.NewSequential(), 2); err == nil {
		t.Error("max density 2 accepted")
	}
}
