package prune

import (
	"fmt"
	"slices"
	"strings"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// Pruning holds the masks of one model's pruned parameters: which
// weights were pruned and must stay zero. Make one with New, prune with
// L1Unstructured or GlobalUnstructured, and train through Wrap so that
// the masks hold. Remove makes a parameter's pruning permanent and stops
// enforcing its mask, as PyTorch's prune.remove does.
type Pruning struct {
	model    nn.Module
	masks    []*Mask
	schedule *Schedule
	steps    int // optimizer steps taken through Wrap
}

// Mask marks the pruned elements of one parameter.
type Mask struct {
	// Name is the parameter's key in the model, such as "1.weight".
	Name string
	// Param is the parameter tensor the mask belongs to.
	Param *tensor.Tensor
	// Pruned is true for each pruned element, in row-major order.
	Pruned []bool
}

// Count returns how many elements the mask prunes.
func (m *Mask) Count() int {
	n := 0
	for _, p := range m.Pruned {
		if p {
			n++
		}
	}
	return n
}

// New starts pruning model; nothing is pruned yet.
func New(model nn.Module) *Pruning { return &Pruning{model: model} }

// Model returns the model being pruned.
func (p *Pruning) Model() nn.Module { return p.model }

// Masks returns the masks, in the order the parameters were first pruned.
func (p *Pruning) Masks() []*Mask { return slices.Clone(p.masks) }

// mask returns the mask of the parameter called name, making an empty
// one the first time; an unknown name is an error listing the model's
// parameters.
func (p *Pruning) mask(op, name string) (*Mask, error) {
	for _, m := range p.masks {
		if m.Name == name {
			return m, p.current(op, m)
		}
	}
	for _, np := range p.model.Parameters() {
		if np.Name == name {
			m := &Mask{Name: name, Param: np.Tensor, Pruned: make([]bool, np.Tensor.Numel())}
			p.masks = append(p.masks, m)
			return m, nil
		}
	}
	return nil, fmt.Errorf("%s: the model has no parameter %q; it has %s", op, name, paramNames(p.model))
}

// current checks that m's parameter is still the model's: structured
// pruning replaces the tensors of the layers it shrinks.
func (p *Pruning) current(op string, m *Mask) error {
	for _, np := range p.model.Parameters() {
		if np.Name == m.Name && np.Tensor == m.Param {
			return nil
		}
	}
	return fmt.Errorf("%s: parameter %q is no longer the tensor that was masked (was its layer shrunk by structured pruning?); start a new prune.New after reshaping the model", op, m.Name)
}

// Apply writes zeros into every pruned element. Wrap's optimizer calls it
// after each step; call it yourself after changing weights another way.
func (p *Pruning) Apply() error {
	for _, m := range p.masks {
		if err := p.current("prune.Apply", m); err != nil {
			return err
		}
	}
	var err error
	tensor.NoGrad(func() {
		for _, m := range p.masks {
			if err = m.Param.UpdateInPlace(func(w []float32) {
				for i, pruned := range m.Pruned {
					if pruned {
						w[i] = 0
					}
				}
			}); err != nil {
				return
			}
		}
	})
	return err
}

// Remove makes the pruning of the parameter called name permanent: its
// weights stay as they are (the pruned ones zero) and the mask is
// dropped, so training may change them again. PyTorch's prune.remove.
func (p *Pruning) Remove(name string) error {
	i := slices.IndexFunc(p.masks, func(m *Mask) bool { return m.Name == name })
	if i < 0 {
		var pruned []string
		for _, m := range p.masks {
			pruned = append(pruned, fmt.Sprintf("%q", m.Name))
		}
		if len(pruned) == 0 {
			pruned = []string{"none"}
		}
		return fmt.Errorf("prune.Remove: parameter %q is not pruned; the pruned ones are %s", name, strings.Join(pruned, ", "))
	}
	if err := p.Apply(); err != nil {
		return err
	}
	p.masks = slices.Delete(p.masks, i, i+1)
	return nil
}

// Sparsity returns the fraction of the masked parameters' elements that
// are pruned (0 when nothing is masked).
func (p *Pruning) Sparsity() float64 {
	pruned, total := 0, 0
	for _, m := range p.masks {
		pruned += m.Count()
		total += len(m.Pruned)
	}
	if total == 0 {
		return 0
	}
	return float64(pruned) / float64(total)
}

// paramNames lists a model's parameter names for an error message.
func paramNames(model nn.Module) string {
	var names []string
	for _, np := range model.Parameters() {
		names = append(names, fmt.Sprintf("%q", np.Name))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// WeightNames returns the names of the weights of every Linear and Conv2d
// in model, the parameters pruning is usually applied to (biases are few
// and matter more).
func WeightNames(model nn.Module) []string {
	var names []string
	for _, nm := range model.Base().Modules() {
		switch nm.Module.(type) {
		case *nn.Linear, *nn.Conv2d:
			names = append(names, joinName(nm.Path, "weight"))
		}
	}
	return names
}

// joinName joins a module path and a parameter name as nn does.
func joinName(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
