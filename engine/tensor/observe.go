package tensor

// Observer watches the engine work: it is the hook behind the profiler
// (engine/profile), and anything else that wants to see every op, such as
// a tracer or a memory meter. At most one observer is set at a time, with
// SetObserver; like gradient tracking the setting is process-wide.
//
// When no observer is set (the default) the hooks cost one nil check per
// op, per allocation and per backward node, which no benchmark can see.
//
// The calls come from three central places, so no op needs its own hook:
//
//   - fromData, where every new storage is made: Alloc;
//   - record, which every differentiable op calls after computing its
//     output (whether or not a graph is then recorded), plus the few ops
//     without a gradient (comparisons, argmax, oneHot), in-place ops and
//     gradient accumulation: Op;
//   - Backward, around the whole pass and around each node's backward
//     function: BackwardStart/BackwardEnd and NodeStart/NodeEnd;
//   - ObserveOp, for the few ops computed outside this package (a
//     quantized layer's integer forward pass): Op.
//
// Ops nest: a composite op (Softmax, Matmul) is a sequence of primitive
// ops, each reported; a backward function runs ops of its own, which are
// reported between its NodeStart and NodeEnd. An observer must not call
// tensor ops itself, since they would be reported back to it.
type Observer interface {
	// Alloc reports a new storage of len(data) float32 values, made for t
	// (whose values may not be computed yet). data is the storage itself,
	// so that its lifetime can be followed (for example with
	// runtime.AddCleanup on &data[0]); do not modify or keep it.
	Alloc(t *Tensor, data []float32)
	// Op reports that the op called name has just computed out from
	// inputs. For an in-place op (name ending in "_") out is the modified
	// tensor. saved lists the tensors (inputs, or out itself) that the op's
	// backward function reads, so they stay alive until the backward pass
	// when a graph node is recorded; ops without a gradient pass nil. The
	// value returned is kept with out's graph node, when the op records
	// one, and handed back to NodeStart and NodeEnd.
	Op(name string, inputs, saved []*Tensor, out *Tensor) (tag any)
	// BackwardStart and BackwardEnd bracket one Backward call from root.
	BackwardStart(root *Tensor)
	BackwardEnd(root *Tensor)
	// NodeStart and NodeEnd bracket the backward function of the op called
	// name that produced out: grad is the gradient flowing into it, tag is
	// what Op returned for the op, and grads are the gradients computed for
	// the op's inputs (nil where none).
	NodeStart(name string, out, grad *Tensor, tag any)
	NodeEnd(name string, out *Tensor, tag any, grads []*Tensor)
}

// observer is the current Observer, nil when none is set.
var observer Observer

// SetObserver makes o the observer of every op, allocation and backward
// node from now on (nil turns observing off) and returns the previous one.
func SetObserver(o Observer) (previous Observer) {
	previous, observer = observer, o
	return previous
}

// observe reports an op to the observer, if any, and returns its tag.
// It is the single entry point of the Op hook.
func observe(name string, inputs, saved []*Tensor, out *Tensor) any {
	if observer == nil {
		return nil
	}
	return observer.Op(name, inputs, saved, out)
}

// ObserveOp reports an op computed outside this package, without a
// gradient, to the observer: out was just computed from inputs by the op
// called name. A quantized layer's integer forward pass (engine/quant)
// calls it, so that its time and its work appear in a profile like any
// tensor op's instead of vanishing between two ops.
func ObserveOp(name string, inputs []*Tensor, out *Tensor) {
	observe(name, inputs, nil, out)
}
