package tensor

import "slices"

// A Function with several outputs (PyTorch allows any number) has one
// Backward that needs every output's gradient at once, while the graph's
// nodes have one output each. So the outputs are tied together through a
// hidden vertex: the function's node produces a "packed" tensor, the
// outputs' values end to end (a copy, so that a walk of the graph through
// Inputs meets an ordinary tensor), and each output is a node of its own,
// named after the function, whose backward places the output's gradient at its offset in a zero
// gradient of the packed size. The graph sums those into the packed
// vertex's gradient before it runs the function's node (the topological
// order guarantees that), which cuts it back into one gradient per output:
// zeros for an output that got none, as PyTorch's materialized gradients.

// recordMany records the graph of a Function with several outputs.
func (f *Function) recordMany(ctx *Context, inputs, outs []*Tensor) {
	tag := observe(f.Name, inputs, ctx.saved, outs[0])
	offsets := make([]int, len(outs)+1)
	for i, o := range outs {
		offsets[i+1] = offsets[i] + o.Numel()
	}
	n := newNode(f.Name, tag, nil, inputs, ctx.saved)
	if n == nil {
		return
	}
	total := offsets[len(outs)]
	// The packed vertex holds the outputs' values end to end, so that a
	// walk of the graph (Inputs) meets an ordinary tensor there.
	values := make([]float32, 0, total)
	for _, o := range outs {
		values = append(values, o.values()...)
	}
	packed := fromData(values, []int{total})
	n.out = packed
	shapes, outShapes := shapesOf(inputs), shapesOf(outs)
	n.fallible = func(g *Tensor) ([]*Tensor, error) {
		data := g.values()
		grads := make([]*Tensor, len(outs))
		for i := range outs {
			// A copy: the packed gradient's buffer may go back to the pool.
			grads[i] = fromData(slices.Clone(data[offsets[i]:offsets[i+1]]), outShapes[i])
		}
		return f.backward(ctx, shapes, grads)
	}
	packed.requiresGrad, packed.node = true, n
	for i, o := range outs {
		on := &node{op: f.Name, tag: tag, out: o, inputs: []input{packed.version()}}
		lo := offsets[i]
		on.backward = func(g *Tensor) []*Tensor {
			full := make([]float32, total)
			copy(full[lo:], g.Data())
			return []*Tensor{fromData(full, []int{total})}
		}
		o.requiresGrad, o.node = true, on
	}
}
