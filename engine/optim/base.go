package optim

import "tinytorch/engine/tensor"

// Base is the part of every optimizer that does not depend on its update
// rule, for optimizers written outside this package, as PyTorch's
// torch.optim.Optimizer base class is: the parameter groups
// (ParamGroups, AddParamGroup) and ZeroGrad. Embed a *Base and write Step:
//
//	type MySGD struct{ *optim.Base }
//
//	func (o *MySGD) Step() error {
//		return o.ForEachParam(func(g *optim.Group, p *tensor.Tensor, w, grad []float32) error {
//			for i := range w {
//				w[i] -= float32(g.LR) * grad[i]
//			}
//			return nil
//		})
//	}
//
// The result is an Optimizer: train.Trainer takes it, and the schedulers
// of this package change its groups' LR.
type Base struct{ groups }

// NewBase makes the base of an optimizer over params, in one group with
// defaults' hyperparameters (LR, Momentum, WeightDecay); groups added later
// with AddParamGroup take defaults' Momentum and WeightDecay. It returns an
// error for a negative learning rate or weight decay, a parameter that does
// not require grad, or one given twice.
func NewBase(params []*tensor.Tensor, defaults Group) (*Base, error) {
	if err := checkLR("optimizer", defaults.LR, defaults.WeightDecay); err != nil {
		return nil, err
	}
	b := &Base{}
	b.defaults = Group{Momentum: defaults.Momentum, WeightDecay: defaults.WeightDecay}
	return b, b.AddParamGroup(params, defaults.LR)
}

// ForEachParam calls update for every parameter that has a gradient (those
// without one are skipped, as in PyTorch), with its group, its values w
// and its gradient. update changes w in place; it runs without gradient
// tracking, and the parameter's version counter is bumped as for any
// in-place change. The first error ends the walk and is returned.
func (b *Base) ForEachParam(update func(g *Group, p *tensor.Tensor, w, grad []float32) error) error {
	return b.forEach(update)
}
