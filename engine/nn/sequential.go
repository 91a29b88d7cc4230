package nn

import (
	"strconv"

	"tinytorch/engine/tensor"
)

// Sequential chains modules: the output of each is the input of the next.
// Its children are named "0", "1", … as in PyTorch, so the first layer's
// weight is "0.weight".
type Sequential struct {
	ModuleBase
	layers []Module
}

// NewSequential makes a Sequential of the given modules, in order.
func NewSequential(layers ...Module) *Sequential {
	s := &Sequential{}
	s.Init(s, "Sequential")
	for _, m := range layers {
		s.Append(m)
	}
	return s
}

// Append adds a module at the end, named by its position.
func (s *Sequential) Append(m Module) { s.AppendNamed(strconv.Itoa(len(s.layers)), m) }

// AppendNamed adds a module at the end under a name of its own, like
// PyTorch's Sequential(OrderedDict(...)): "features", then "classifier"
// gives parameters such as "features.0.weight".
func (s *Sequential) AppendNamed(name string, m Module) {
	s.AddChild(name, m)
	s.layers = append(s.layers, m)
}

// Len returns the number of modules.
func (s *Sequential) Len() int { return len(s.layers) }

// At returns the i-th module.
func (s *Sequential) At(i int) Module { return s.layers[i] }

// Forward runs the modules in order.
func (s *Sequential) Forward(x *tensor.Tensor) (*tensor.Tensor, error) {
	mark := tensor.Mark()
	for i, m := range s.layers {
		y, err := Call(m, x)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			// x, the previous layer's output, is dead once this layer has
			// run: without gradients its buffer goes back to the pool
			// (tensor.Recycle), unless y is a view of it or a module
			// written outside this package was handed it.
			tensor.Recycle(x, mark, y)
		}
		x = y
	}
	return x, nil
}
