package nn

import (
	"fmt"
	"slices"

	"tinytorch/engine/tensor"
)

// ReplaceParam puts t in place of the parameter registered under name,
// for a tool that changes a layer's shape (engine/prune's structured
// pruning removes neurons and channels). t is marked as requiring grad.
// The layer's own field (Linear.Weight, …) must be updated by the caller
// too; an optimizer made before still holds the old tensor, so make a new
// one. An unknown name is an error listing the module's parameters.
func (b *ModuleBase) ReplaceParam(name string, t *tensor.Tensor) error {
	i := slices.IndexFunc(b.params, func(p NamedParam) bool { return p.Name == name })
	if i < 0 {
		return b.Errorf("no parameter %q to replace (it has %s)", name, namesOf(b.params))
	}
	if err := t.SetRequiresGrad(true); err != nil {
		return b.Errorf("replacing parameter %q: %v", name, err)
	}
	b.params[i].Tensor = t
	return nil
}

// ReplaceBuffer puts t in place of the buffer registered under name, as
// ReplaceParam does for a parameter.
func (b *ModuleBase) ReplaceBuffer(name string, t *tensor.Tensor) error {
	i := slices.IndexFunc(b.buffers, func(p NamedParam) bool { return p.Name == name })
	if i < 0 {
		return b.Errorf("no buffer %q to replace (it has %s)", name, namesOf(b.buffers))
	}
	b.buffers[i].Tensor = t
	return nil
}

// namesOf lists the names of ps for an error message.
func namesOf(ps []NamedParam) string {
	if len(ps) == 0 {
		return "none"
	}
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q", p.Name)
	}
	return s
}
