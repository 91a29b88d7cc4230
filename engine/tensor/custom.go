package tensor

import (
	"fmt"
	"slices"
)

// Function is a differentiable operation written outside the engine, with
// its forward and backward passes supplied as Go functions: PyTorch's
// torch.autograd.Function. A student writes the Linear layer's forward
// and backward, and Apply puts them in the graph like any engine op:
//
//	lin := &tensor.Function{
//		Name: "MyLinear",
//		Forward: func(ctx *tensor.Context, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
//			ctx.SaveForBackward(in[0], in[1])
//			y, err := in[0].Matmul(in[1]) // x·w
//			return []*tensor.Tensor{y}, err
//		},
//		Backward: func(ctx *tensor.Context, g ...*tensor.Tensor) ([]*tensor.Tensor, error) {
//			x, w := ctx.SavedTensors()[0], ctx.SavedTensors()[1]
//			// dx = g·wᵀ and dw = xᵀ·g (see the tests for the error checks)
//			...
//			return []*tensor.Tensor{dx, dw}, nil
//		},
//	}
//	y, err := lin.Apply1(x, w)
//
// Forward runs with gradient tracking off (its ops record no graph) and
// returns one or more tensors. Backward receives one gradient per output
// (zeros for an output that got none, as PyTorch's materialized gradients)
// and returns one gradient per input: nil for an input that needs none
// (Context.NeedsInputGrad tells which do). A gradient may have the
// broadcast shape of its input; it is summed down to the input's shape, as
// for the engine's own ops.
//
// The outputs' GradFn is Name; the profiler and the trace show the op as
// Name and its backward as Name+"Backward". Everything that can go wrong in
// user code is an error naming the function: an error or a panic in
// Forward or Backward, a nil output, a wrong number of gradients or a
// gradient whose shape does not fit its input. Errors in Backward are
// returned by the Backward call that ran it.
type Function struct {
	// Name names the op in GradFn, the profiler, the trace and errors.
	Name string
	// Forward computes the outputs from the inputs.
	Forward func(ctx *Context, inputs ...*Tensor) ([]*Tensor, error)
	// Backward maps the outputs' gradients to the inputs' gradients.
	Backward func(ctx *Context, grads ...*Tensor) ([]*Tensor, error)
}

// Context carries what Forward leaves for Backward, PyTorch's ctx.
type Context struct {
	needs []bool
	saved []*Tensor
}

// SaveForBackward keeps tensors (inputs, outputs or intermediate values)
// for Backward. As with the engine's ops, modifying one in place between
// forward and backward makes Backward fail instead of computing a wrong
// gradient. Call it in Forward.
func (c *Context) SaveForBackward(ts ...*Tensor) { c.saved = append(c.saved, ts...) }

// SavedTensors returns the tensors given to SaveForBackward, in order.
func (c *Context) SavedTensors() []*Tensor { return c.saved }

// NeedsInputGrad reports whether input i needs a gradient: it requires
// grad and gradients were tracked when Apply ran. Backward may skip the
// work for an input that does not (and return nil for it).
func (c *Context) NeedsInputGrad(i int) bool { return i >= 0 && i < len(c.needs) && c.needs[i] }

// Apply1 is Apply for a function with one output.
func (f *Function) Apply1(inputs ...*Tensor) (*Tensor, error) {
	outs, err := f.Apply(inputs...)
	if err != nil {
		return nil, err
	}
	if len(outs) != 1 {
		return nil, fmt.Errorf("%s: forward returned %d outputs; Apply1 expects exactly one (use Apply)", f.label(), len(outs))
	}
	return outs[0], nil
}

// Apply runs Forward on the inputs and, when gradients are tracked and an
// input requires them, records the op in the graph with Backward as its
// derivative. It returns the outputs.
func (f *Function) Apply(inputs ...*Tensor) ([]*Tensor, error) {
	if err := f.check(inputs); err != nil {
		return nil, err
	}
	ctx := &Context{needs: make([]bool, len(inputs))}
	for i, in := range inputs {
		ctx.needs[i] = GradEnabled() && in.requiresGrad
	}
	outs, err := f.forward(ctx, inputs)
	if err != nil {
		return nil, err
	}
	if len(outs) == 1 {
		tag := observe(f.Name, inputs, ctx.saved, outs[0])
		if n := newNode(f.Name, tag, outs[0], inputs, ctx.saved); n != nil {
			n.fallible = f.backwardFor(ctx, inputs)
			outs[0].requiresGrad, outs[0].node = true, n
		}
		return outs, nil
	}
	f.recordMany(ctx, inputs, outs)
	return outs, nil
}

// label names the function in messages.
func (f *Function) label() string { return fmt.Sprintf("autograd function %q", f.Name) }

// check refuses a Function without a name or passes, and nil inputs.
func (f *Function) check(inputs []*Tensor) error {
	switch {
	case f.Name == "":
		return fmt.Errorf("autograd function: Name is empty; expected a name for the graph, the profiler and errors")
	case f.Forward == nil:
		return fmt.Errorf("%s: Forward is nil; expected a forward function", f.label())
	case f.Backward == nil:
		return fmt.Errorf("%s: Backward is nil; expected a backward function", f.label())
	}
	for i, in := range inputs {
		if in == nil {
			return fmt.Errorf("%s: input %d is nil; expected a tensor", f.label(), i)
		}
	}
	return nil
}

// forward calls the user's Forward without recording a graph, turning a
// panic into an error, and checks its outputs. An output that is already
// in use elsewhere (an input returned as it is) is replaced by a new tensor
// on the same storage, so that giving it this op's node changes nothing
// else.
func (f *Function) forward(ctx *Context, inputs []*Tensor) (outs []*Tensor, err error) {
	var panicked error
	NoGrad(func() {
		defer func() {
			if r := recover(); r != nil {
				panicked = fmt.Errorf("%s: forward panicked: %v", f.label(), r)
			}
		}()
		outs, err = f.Forward(ctx, inputs...)
	})
	if panicked != nil {
		return nil, panicked
	}
	if err != nil {
		return nil, fmt.Errorf("%s: forward: %w", f.label(), err)
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("%s: forward returned no outputs; expected at least one tensor", f.label())
	}
	outs = slices.Clone(outs)
	// The user's code may keep its inputs and outputs: a step scope must
	// not give their buffers back (step.go).
	for _, t := range slices.Concat(inputs, outs) {
		t.MarkHeld()
	}
	for i, o := range outs {
		if o == nil {
			return nil, fmt.Errorf("%s: forward returned nil as output %d of %d; expected a tensor", f.label(), i, len(outs))
		}
		if o.node != nil || o.requiresGrad || slices.Contains(inputs, o) || slices.Contains(outs[:i], o) {
			outs[i] = o.Detach()
		}
	}
	return outs, nil
}

// backwardFor returns the node's backward function for a single output.
func (f *Function) backwardFor(ctx *Context, inputs []*Tensor) func(g *Tensor) ([]*Tensor, error) {
	shapes := shapesOf(inputs)
	return func(g *Tensor) ([]*Tensor, error) { return f.backward(ctx, shapes, []*Tensor{g}) }
}

// backward calls the user's Backward with one gradient per output, turning
// a panic into an error, and checks what comes back against the inputs'
// shapes.
func (f *Function) backward(ctx *Context, shapes [][]int, g []*Tensor) (grads []*Tensor, err error) {
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("backward panicked: %v", r)
			}
		}()
		grads, err = f.Backward(ctx, g...)
	}()
	if err != nil {
		return nil, fmt.Errorf("backward: %s: %w", f.label(), err)
	}
	// The user's code may keep the gradients it received and those it
	// returns: their buffers must not go back to the pool once backward
	// has used them (releaseGradient).
	for _, gr := range slices.Concat(g, grads) {
		gr.MarkHeld()
	}
	return f.checkGrads(grads, shapes, ctx.needs)
}

// shapesOf returns copies of the tensors' shapes.
func shapesOf(ts []*Tensor) [][]int {
	shapes := make([][]int, len(ts))
	for i, t := range ts {
		shapes[i] = slices.Clone(t.shape)
	}
	return shapes
}

// checkGrads checks the gradients Backward returned against the inputs,
// as PyTorch's validate_outputs does: one per input (extra ones must be
// nil), and each of a shape its input broadcasts to. Gradients of inputs
// that need none are dropped.
func (f *Function) checkGrads(grads []*Tensor, shapes [][]int, needs []bool) ([]*Tensor, error) {
	if len(grads) < len(shapes) {
		return nil, fmt.Errorf("backward: %s returned %d gradients, expected %d (one per input, nil for an input that needs none)", f.label(), len(grads), len(shapes))
	}
	for i := len(shapes); i < len(grads); i++ {
		if grads[i] != nil {
			return nil, fmt.Errorf("backward: %s returned %d gradients, expected %d (one per input); gradient %d, of shape %s, has no input", f.label(), len(grads), len(shapes), i, FormatShape(grads[i].shape))
		}
	}
	out := make([]*Tensor, len(shapes))
	for i, g := range grads[:len(shapes)] {
		if g == nil || !needs[i] {
			continue
		}
		if !broadcastsTo(shapes[i], g.shape) {
			return nil, fmt.Errorf("backward: %s returned a gradient of shape %s for input %d; expected the input's shape %s", f.label(), FormatShape(g.shape), i, FormatShape(shapes[i]))
		}
		out[i] = g
	}
	return out, nil
}

// broadcastsTo reports whether a tensor of shape from broadcasts to shape
// to, so that a gradient of shape to sums down to from.
func broadcastsTo(from, to []int) bool {
	lead := len(to) - len(from)
	if lead < 0 {
		return false
	}
	for d, n := range from {
		if n != 1 && n != to[lead+d] {
			return false
		}
	}
	return true
}
