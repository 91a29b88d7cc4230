package prune

import (
	"fmt"

	"tinytorch/engine/kernels/sparse"
	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// SparseLinear is a pruned Linear for inference: its weight in CSR form
// (engine/kernels/sparse), so that a forward pass does work in proportion
// to the nonzero weights rather than to all of them. It does not train
// (its weight is not a parameter); its output is that of the Linear it
// was made from.
type SparseLinear struct {
	nn.ModuleBase
	In, Out int
	Weight  *sparse.CSR
	Bias    []float32 // nil without bias
}

// NewSparseLinear compresses l's weight, keeping its nonzeros.
func NewSparseLinear(l *nn.Linear) (*SparseLinear, error) {
	w, err := sparse.FromDense(l.Weight.Detach().Data(), l.Out, l.In)
	if err != nil {
		return nil, err
	}
	s := &SparseLinear{In: l.In, Out: l.Out, Weight: w}
	s.Init(s, "SparseLinear")
	if l.Bias != nil {
		s.Bias = l.Bias.Detach().Data()
	}
	return s, nil
}

// KeepsNoTensors tells nn.Call that Forward keeps neither its input nor
// its output (nn.KeepsNoTensors), so that Sequential recycles them.
func (s *SparseLinear) KeepsNoTensors() {}

// Forward computes x·Wᵀ + b over the nonzero weights. It is outside
// autograd: a SparseLinear is for inference.
func (s *SparseLinear) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	shape := x.Shape()
	if len(shape) == 0 || shape[len(shape)-1] != s.In {
		return nil, s.Errorf("expected input [*, %d] (last dimension %d features), got %s", s.In, s.In, nn.ShapeString(shape))
	}
	if x.RequiresGrad() && tensor.GradEnabled() {
		return nil, s.Errorf("a SparseLinear is for inference and has no backward; run it inside noGrad or on an input that does not require grad")
	}
	n := 1 // rows: the product of the leading dimensions
	for _, d := range shape[:len(shape)-1] {
		n *= d
	}
	// The output comes from the engine's pool (tensor.Build), so that a
	// Sequential gives it back once the next layer has read it. MulT
	// writes every element.
	var err error
	out, buildErr := tensor.Build(append(shape[:len(shape)-1:len(shape)-1], s.Out), func(y []float32) {
		if err = s.Weight.MulT(y, x.Contiguous().Values(), n); err == nil && s.Bias != nil {
			for i := range n {
				row := y[i*s.Out : (i+1)*s.Out]
				for j, b := range s.Bias {
					row[j] += b
				}
			}
		}
	})
	if err != nil {
		return nil, s.Errorf("%v", err)
	}
	return out, buildErr
}

// ExtraRepr shows the sizes and the density.
func (s *SparseLinear) ExtraRepr() string {
	bias := "False"
	if s.Bias != nil {
		bias = "True" // as Linear prints it, after PyTorch
	}
	return fmt.Sprintf("in_features=%d, out_features=%d, density=%.3f, bias=%s", s.In, s.Out, s.Weight.Density(), bias)
}

// Sparsify returns a copy of seq for inference in which every Linear
// whose weight's density is at most maxDensity is a SparseLinear; the
// other layers are shared with seq, not copied (and, a module having
// one parent, their error messages then name their place in the copy). A pruned network runs
// faster this way where the sparse kernel beats the dense one (below the
// density Crossover measures).
func Sparsify(seq *nn.Sequential, maxDensity float64) (*nn.Sequential, int, error) {
	if err := checkAmount("prune.Sparsify", maxDensity); err != nil {
		return nil, 0, err
	}
	out, swapped := nn.NewSequential(), 0
	for i := range seq.Len() {
		m := seq.At(i)
		if l, ok := m.(*nn.Linear); ok {
			density := 1 - float64(zeros(l.Weight))/float64(max(l.Weight.Numel(), 1))
			if density <= maxDensity {
				s, err := NewSparseLinear(l)
				if err != nil {
					return nil, 0, err
				}
				m, swapped = s, swapped+1
			}
		}
		out.Append(m)
	}
	return out, swapped, nil
}
