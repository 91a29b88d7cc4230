package tensor

import (
	"fmt"
	"slices"
)

// node is one recorded operation in the autograd graph: the tensor it
// produced points to it. backward maps the gradient of the output to one
// gradient per input (nil for an input that needs none). A gradient may
// have the broadcast shape of the output; Backward sums it down to the
// input's shape, so no op has to handle broadcasting itself.
type node struct {
	op       string
	tag      any     // what the Observer returned for this op (see observe.go)
	out      *Tensor // the tensor the op produced (for messages and the Observer)
	inputs   []input
	saved    []savedTensor
	backward func(g *Tensor) []*Tensor
	// fallible replaces backward for a node whose backward function can
	// fail: a user's Function (custom.go). Backward returns its error.
	fallible func(g *Tensor) ([]*Tensor, error)
	released bool
	// free, when set, gives back a buffer that only backward reads (max
	// pooling's argmax) once the graph is released and backward cannot
	// run again.
	free func()
	// stale, when set, is why this node's gradient would be wrong: an
	// input was a view whose base has since been modified in place under
	// autograd (see staleView). Backward reports it.
	stale string
}

// input is one argument of a recorded op as it was when the op ran: the
// version of the tensor that the op read. An in-place op gives its tensor
// a new node (a new version, as PyTorch's version counter does), but the
// ops that read the tensor before keep the node, or the leaf, that they
// read: their gradients do not flow through the in-place step.
type input struct {
	t            *Tensor // the tensor (for its shape, and a leaf's Grad)
	node         *node   // the op that produced the version read; nil for a leaf
	requiresGrad bool    // whether that version required grad
}

// vertex is the identity of one value in the graph: the node that
// produced it, or for a leaf the leaf tensor itself. Gradients are summed
// per vertex, not per Tensor object, since an in-place op changes the
// object's vertex.
type vertex struct {
	node *node
	leaf *Tensor
}

// key returns the vertex of the version in read.
func (in input) key() vertex {
	if in.node != nil {
		return vertex{node: in.node}
	}
	return vertex{leaf: in.t}
}

// version returns the input that stands for t's current version.
func (t *Tensor) version() input { return input{t: t, node: t.node, requiresGrad: t.requiresGrad} }

// savedTensor remembers a tensor that backward will read, and the version
// of its storage at the time, to detect later in-place modification.
type savedTensor struct {
	t       *Tensor
	version int
}

// noGradDepth counts the NoGrad calls in progress. It is process-wide, not
// per goroutine: the engine is meant to be driven from one goroutine, as a
// notebook kernel does.
var noGradDepth int

// NoGrad runs fn with gradient tracking turned off: tensors computed inside
// record no graph, like PyTorch's torch.no_grad(). Use it for inference
// and for updating parameters in place.
func NoGrad(fn func()) {
	noGradDepth++
	defer func() { noGradDepth-- }()
	fn()
}

// GradEnabled reports whether operations currently record the graph.
func GradEnabled() bool { return noGradDepth == 0 }

// record attaches the backward function of op to out when gradients are
// tracked and some input requires them. saved lists the tensors whose
// values backward reads; modifying one in place before backward is an
// error at backward time (PyTorch's version-counter rule).
//
// Every differentiable op calls record once its output is computed, so it
// is also where an Observer hears of the op, graph or no graph.
func record(out *Tensor, op string, inputs []*Tensor, saved []*Tensor, backward func(g *Tensor) []*Tensor) {
	tag := observe(op, inputs, saved, out)
	if n := newNode(op, tag, out, inputs, saved); n != nil {
		n.backward = backward
		out.requiresGrad = true
		out.node = n
	}
}

// newNode returns the graph node of op, without its backward function, or
// nil when no graph is recorded: gradients are off or no input requires
// them.
func newNode(op string, tag any, out *Tensor, inputs, saved []*Tensor) *node {
	if !GradEnabled() {
		return nil
	}
	need := false
	for _, in := range inputs {
		// A stale view needs a node too, so that Backward reports it.
		need = need || in.requiresGrad || in.view && staleView(in) != ""
	}
	if !need {
		return nil
	}
	n := &node{op: op, tag: tag, out: out, inputs: make([]input, len(inputs))}
	for i, in := range inputs {
		n.inputs[i] = in.version()
		if why := staleView(in); why != "" && n.stale == "" {
			n.stale = why
		}
	}
	for _, s := range saved {
		n.saved = append(n.saved, savedTensor{s, s.st.version})
	}
	noteNode(n) // step.go: its output may go back to the pool after the step
	return n
}

// RequiresGrad reports whether gradients flow to or through t.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf tensor (one not computed by a tracked op)
// as a parameter whose gradient Backward stores in Grad.
func (t *Tensor) SetRequiresGrad(on bool) error {
	if t.node != nil {
		return fmt.Errorf("setRequiresGrad: tensor of shape %s was computed by %s; only leaf tensors can change requiresGrad, use Detach for a copy outside the graph", FormatShape(t.shape), t.node.op)
	}
	t.requiresGrad = on
	return nil
}

// IsLeaf reports whether t was not produced by a tracked op: user-made
// tensors and parameters are leaves. Only leaves receive Grad.
func (t *Tensor) IsLeaf() bool { return t.node == nil }

// Grad returns the gradient accumulated by Backward, or nil. The caller
// may keep it: ZeroGrad then leaves its buffer alone, as PyTorch keeps a
// gradient alive while anything refers to it.
func (t *Tensor) Grad() *Tensor {
	t.grad.MarkHeld()
	return t.grad
}

// PeekGrad is Grad for code that keeps no reference to the gradient once
// it returns, such as an optimizer's update or gradient clipping. Unlike
// Grad, it leaves ZeroGrad free to give the gradient's buffer back to the
// pool (pool.go), where the next backward pass finds it: a weight's
// gradient is then not allocated and cleared afresh at every step.
func (t *Tensor) PeekGrad() *Tensor { return t.grad }

// ZeroGrad clears the accumulated gradient (it becomes nil, like PyTorch's
// zero_grad(set_to_none=True)). Gradients add up across Backward calls
// until ZeroGrad is called. A gradient that backward made for t alone
// (accumulateGrad's owned case) and that no caller of Grad was handed goes
// back to the buffer pool; its storage loses its data, so that a use of
// it after all fails loudly instead of reading reused memory.
func (t *Tensor) ZeroGrad() {
	if t.grad != nil && t.gradOwned && observer == nil {
		giveBack(t.grad.st, 0)
	}
	t.grad, t.gradOwned = nil, false
}

// Detach returns a tensor that shares t's storage but is outside the graph:
// it does not require grad and nothing flows back through it.
func (t *Tensor) Detach() *Tensor {
	return &Tensor{st: t.st, shape: t.shape, strides: t.strides, offset: t.offset, view: true}
}

// GradFn returns the name of the op that produced t ("" for a leaf).
func (t *Tensor) GradFn() string {
	if t.node == nil {
		return ""
	}
	return t.node.op
}

// Inputs returns the tensors the op that produced t was applied to (nil
// for a leaf): following Inputs from a loss walks its graph.
func (t *Tensor) Inputs() []*Tensor {
	if t.node == nil {
		return nil
	}
	ins := make([]*Tensor, len(t.node.inputs))
	for i, in := range t.node.inputs {
		ins[i] = in.t
	}
	return ins
}

// BackwardOptions configures BackwardWith.
type BackwardOptions struct {
	// Gradient is the gradient of some final value with respect to the
	// tensor, of the tensor's shape. Nil means 1 and needs a one-element tensor.
	Gradient *Tensor
	// RetainGraph keeps the graph so that Backward can run through it again.
	// Without it the whole graph is released, also the ops that saved
	// nothing (PyTorch frees only saved tensors, so a second pass through
	// cat or permute alone works there).
	RetainGraph bool
}

// Backward computes the gradient of the one-element tensor t with respect
// to every leaf that requires grad and adds it to that leaf's Grad.
func (t *Tensor) Backward() error { return t.BackwardWith(BackwardOptions{}) }

// BackwardWith runs backward with options: a gradient for a tensor with
// several elements, and whether to keep the graph for another pass.
//
// Tensors are visited in reverse topological order, so a tensor's
// gradient is complete (summed over every use) before it is passed on.
func (t *Tensor) BackwardWith(opt BackwardOptions) error {
	if !t.requiresGrad {
		return fmt.Errorf("backward: tensor of shape %s does not require grad: no input it was computed from has requiresGrad set", FormatShape(t.shape))
	}
	g := opt.Gradient
	switch {
	case g == nil && t.Numel() != 1:
		return fmt.Errorf("backward: tensor of shape %s is not a scalar; pass a gradient of the same shape", FormatShape(t.shape))
	case g == nil:
		g = must(Full(1, t.shape...))
	case !sameShape(g.shape, t.shape):
		return fmt.Errorf("backward: gradient of shape %s does not match tensor of shape %s", FormatShape(g.shape), FormatShape(t.shape))
	}
	if observer != nil {
		observer.BackwardStart(t)
		defer observer.BackwardEnd(t)
	}
	if why := staleView(t); why != "" {
		return fmt.Errorf("backward: %s", why)
	}
	order := topoSort(t.version())
	var err error
	made := storagesMade.Load()
	NoGrad(func() { err = propagate(order, g.Detach(), made) })
	if !opt.RetainGraph {
		release(order)
	}
	return err
}

// topoSort lists the graph's vertices that root depends on through
// tracked ops, each after all of its inputs. It uses an explicit stack
// rather than recursion so that very deep graphs (long chains) cannot
// overflow the call stack.
func topoSort(root input) []input {
	type frame struct {
		in   input
		next int // index of the next input to visit
	}
	var order []input
	visited := map[vertex]bool{root.key(): true}
	stack := []frame{{root, 0}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if n := f.in.node; n != nil && f.next < len(n.inputs) {
			in := n.inputs[f.next]
			f.next++
			if in.requiresGrad && !visited[in.key()] {
				visited[in.key()] = true
				stack = append(stack, frame{in, 0})
			}
			continue
		}
		order = append(order, f.in)
		stack = stack[:len(stack)-1]
	}
	return order
}

// propagate walks order from the output back to the leaves, calling each
// node's backward function and summing the gradients of shared inputs.
// Storages with a serial above made were created during this backward.
func propagate(order []input, g *Tensor, made uint64) error {
	grads := map[vertex]*Tensor{order[len(order)-1].key(): g}
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		g := grads[v.key()]
		delete(grads, v.key())
		if g == nil {
			continue
		}
		n := v.node
		if n == nil {
			v.t.accumulateGrad(g, ownedGradient(g, made, grads))
			continue
		}
		if err := n.check(); err != nil {
			return err
		}
		inGrads, err := n.runBackward(g)
		if err != nil {
			return err
		}
		for j, in := range n.inputs {
			if !in.requiresGrad || inGrads[j] == nil {
				continue
			}
			gi := sumTo(inGrads[j], in.t.shape)
			if prev := grads[in.key()]; prev != nil {
				gi = must(prev.Add(gi))
			}
			grads[in.key()] = gi
		}
		releaseGradient(g, made, grads)
	}
	return nil
}

// releaseGradient gives the buffer of g, the gradient of a node's output
// that its backward function has just used, back to the pool (pool.go)
// when nothing can reach it any more: backward made it (it is not the
// caller's gradient nor a tensor of the forward pass), its buffer came from
// the pool for its storage alone, and no pending gradient shares its
// storage (a view of it passed on to an input, or the same gradient
// handed to two inputs by an add), and no user code may hold it (a custom
// Function's Backward received or returned it, and may have kept it):
// giveBack (step.go) checks the buffer and the storage. Under an Observer
// (the profiler) nothing is released: the profile counts the memory a
// step needs without reuse.
func releaseGradient(g *Tensor, made uint64, pending map[vertex]*Tensor) {
	if observer != nil || sharedByPending(g.st, pending) {
		return
	}
	giveBack(g.st, made+1) // storages numbered after made are backward's own
}

// runBackward calls the node's backward function, telling the Observer,
// if any, when it starts and ends.
func (n *node) runBackward(g *Tensor) ([]*Tensor, error) {
	if observer == nil {
		return n.call(g)
	}
	observer.NodeStart(n.op, n.out, g, n.tag)
	grads, err := n.call(g)
	observer.NodeEnd(n.op, n.out, n.tag, grads)
	return grads, err
}

// call runs the backward function, the fallible one if the node has it.
func (n *node) call(g *Tensor) ([]*Tensor, error) {
	if n.fallible != nil {
		return n.fallible(g)
	}
	return n.backward(g), nil
}

// check returns an error when the graph was released, a saved tensor
// was modified in place since the op ran, or an input was a stale view.
func (n *node) check() error {
	if n.released {
		return fmt.Errorf("backward: the graph through %s (output shape %s) was already released by an earlier backward; retain the graph in the first call to go through it twice (RetainGraph in Go, {retainGraph: true} in a cell)", n.op, FormatShape(n.out.shape))
	}
	if n.stale != "" {
		return fmt.Errorf("backward: %s", n.stale)
	}
	for _, s := range n.saved {
		if s.t.st.version != s.version {
			return fmt.Errorf("backward: a tensor of shape %s that %s saved for the backward pass was modified in place (storage version %d, expected %d); use an out-of-place op or Clone before modifying", FormatShape(s.t.shape), n.op, s.t.st.version, s.version)
		}
	}
	return nil
}

// release drops the saved tensors and backward closures so that their
// memory can be reclaimed; a second Backward through them is an error.
func release(order []input) {
	for _, v := range order {
		if n := v.node; n != nil {
			n.backward, n.fallible, n.saved, n.released = nil, nil, nil, true
			if n.free != nil {
				n.free()
				n.free = nil
			}
		}
	}
}

// accumulateGrad adds g to the leaf's gradient. The result is a new
// contiguous tensor, or, for a leaf without a gradient yet and a g that
// this backward made for it alone (owned), g's storage itself: a weight
// gradient is then never copied.
func (t *Tensor) accumulateGrad(g *Tensor, owned bool) {
	switch {
	case t.grad != nil:
		t.grad, t.gradOwned = must(t.grad.Add(g)), false
	case owned:
		t.grad = &Tensor{st: g.st, shape: slices.Clone(t.shape), strides: contiguousStrides(t.shape)}
		t.gradOwned = observer == nil // an Observer may keep what it is shown
	default:
		t.grad = fromData(g.Data(), t.shape)
	}
	observe("accumulateGrad", []*Tensor{g}, nil, t.grad)
}

// ownedGradient reports whether the gradient g reaching a leaf may become
// the leaf's Grad without a copy: its storage was made during this
// backward (not the caller's gradient, not a tensor of the forward pass),
// it is exactly g's elements in order, no pending gradient of another
// tensor shares it (an add passes one gradient to both of its inputs),
// and no user code may hold it (a custom Function's Backward received or
// returned it): the next backward adds into the leaf's Grad in place.
func ownedGradient(g *Tensor, made uint64, pending map[vertex]*Tensor) bool {
	if g.st.serial <= made || g.st.heldByUser || g.offset != 0 || !g.IsContiguous() || len(g.st.data) != g.Numel() {
		return false
	}
	return !sharedByPending(g.st, pending)
}

// sharedByPending reports whether a gradient still waiting to be used
// refers to the storage st.
func sharedByPending(st *storage, pending map[vertex]*Tensor) bool {
	for _, other := range pending {
		if other.st == st {
			return true
		}
	}
	return false
}

// staleView returns why t cannot be used in the graph, or "": t is a view
// (or a view of a view …) taken from a tensor that has since been
// modified in place under autograd. Its values are then those of the new
// version, but its graph still reads the old one, so its gradient would
// be wrong. PyTorch rebuilds the view's graph from the new version; this
// engine reports the case instead (see doc.go), which has a simple cure:
// take the view again after the in-place op.
//
// A view taken while its base was outside the graph has no node; it is
// stale when its base has joined the graph since, through an in-place op
// with an operand that requires grad (PyTorch would give that operand a
// gradient through the view; difftest seed 502246).
func staleView(t *Tensor) string {
	for x := t; x.view; {
		if x.node == nil {
			b := x.base
			if b == nil {
				break
			}
			if b.node != x.baseNode && b.node != nil {
				return fmt.Sprintf("a view of shape %s was taken from a tensor of shape %s that was then modified in place by %s; take the view again after the in-place op", FormatShape(t.shape), FormatShape(b.shape), b.node.op)
			}
			x = b
			continue
		}
		if len(x.node.inputs) != 1 {
			break
		}
		base := x.node.inputs[0]
		if base.t.node != base.node && base.t.node != nil {
			return fmt.Sprintf("a view of shape %s was taken (by %s) from a tensor of shape %s that was then modified in place by %s; take the view again after the in-place op", FormatShape(t.shape), x.node.op, FormatShape(base.t.shape), base.t.node.op)
		}
		x = base.t
	}
	return ""
}

// sumTo reduces a gradient of a broadcast shape to shape by summing over
// the dimensions that broadcasting added or stretched from 1.
func sumTo(g *Tensor, shape []int) *Tensor {
	if sameShape(g.shape, shape) {
		return g
	}
	lead := len(g.shape) - len(shape)
	dims := []int{}
	for d := range g.shape {
		if d < lead || (shape[d-lead] == 1 && g.shape[d] != 1) {
			dims = append(dims, d)
		}
	}
	if len(dims) > 0 {
		g = must(g.Sum(dims, true))
	}
	return must(g.Reshape(shape...))
}

// sameShape reports whether two shapes are equal.
func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
