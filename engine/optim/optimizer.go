package optim

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter that has a gradient.
	Step() error
	// ZeroGrad clears every parameter's gradient.
	ZeroGrad()
	// ParamGroups returns the groups; a scheduler or the user may change
	// their LR, Momentum and WeightDecay between steps.
	ParamGroups() []*Group
	// AddParamGroup adds parameters with their own learning rate; the
	// other hyperparameters are the optimizer's.
	AddParamGroup(params []*tensor.Tensor, lr float64) error
}

// Group is a set of parameters sharing hyperparameters, PyTorch's param
// group.
type Group struct {
	Params []*tensor.Tensor
	LR     float64
	// Momentum is SGD's and RMSprop's momentum, and Adam's β1: the value
	// OneCycleLR cycles.
	Momentum    float64
	WeightDecay float64
}

// groups implements the parts of Optimizer that do not depend on the
// update rule.
type groups struct {
	list     []*Group
	defaults Group // hyperparameters for AddParamGroup
}

// ParamGroups returns the groups.
func (g *groups) ParamGroups() []*Group { return g.list }

// ZeroGrad clears the gradients of every group's parameters.
func (g *groups) ZeroGrad() {
	for _, grp := range g.list {
		for _, p := range grp.Params {
			p.ZeroGrad()
		}
	}
}

// AddParamGroup adds a group with the default hyperparameters and its own
// learning rate. A parameter may belong to only one group.
func (g *groups) AddParamGroup(params []*tensor.Tensor, lr float64) error {
	if lr < 0 {
		return fmt.Errorf("optim: learning rate %g, expected ≥ 0", lr)
	}
	seen := map[*tensor.Tensor]bool{}
	for _, grp := range g.list {
		for _, p := range grp.Params {
			seen[p] = true
		}
	}
	for i, p := range params {
		if seen[p] {
			return fmt.Errorf("optim: parameter %d (shape %s) already belongs to a parameter group; a parameter may appear in only one group", i, tensor.FormatShape(p.Shape()))
		}
		if !p.RequiresGrad() {
			return fmt.Errorf("optim: parameter %d (shape %s) does not require grad, so it has nothing to optimize", i, tensor.FormatShape(p.Shape()))
		}
		seen[p] = true
	}
	grp := g.defaults
	grp.Params, grp.LR = append([]*tensor.Tensor(nil), params...), lr
	g.list = append(g.list, &grp)
	return nil
}

// forEach calls update for each parameter that has a gradient, with its
// group, its values and its gradient. w is the parameter's own storage
// (tensor.UpdateInPlace), updated in place outside the graph: no copy of
// the parameter or its gradient is made on a step.
func (g *groups) forEach(update func(grp *Group, p *tensor.Tensor, w, grad []float32) error) error {
	var err error
	tensor.NoGrad(func() {
		for _, grp := range g.list {
			for _, p := range grp.Params {
				if p.PeekGrad() == nil {
					continue // like PyTorch, skip parameters that got no gradient
				}
				grad := p.PeekGrad().Values()
				var updateErr error
				err = p.UpdateInPlace(func(w []float32) { updateErr = update(grp, p, w, grad) })
				if err == nil {
					err = updateErr
				}
				if err != nil {
					return
				}
			}
		}
	})
	return err
}

// checkLR validates a learning rate and a weight decay.
func checkLR(name string, lr, wd float64) error {
	if lr < 0 {
		return fmt.Errorf("%s: learning rate %g, expected ≥ 0", name, lr)
	}
	if wd < 0 {
		return fmt.Errorf("%s: weight decay %g, expected ≥ 0", name, wd)
	}
	return nil
}
