package tensor

import "fmt"

// In-place ops overwrite a tensor's elements (through its strides, so a
// view writes into the tensor it views) and bump its storage's version.
// They return t itself. PyTorch writes them with a trailing underscore:
// AddInPlace is add_.
//
// Safety rules, as in PyTorch:
//   - A leaf that requires grad (a parameter) may be modified in place only
//     inside NoGrad: otherwise its gradient would describe values that no
//     longer exist.
//   - An op that saved a tensor for backward notes its version; if the
//     tensor is modified afterwards, Backward returns an error rather than
//     a wrong gradient.
//   - With gradient tracking on, t takes the in-place op's place in the
//     graph: the op is recorded on the old value, and t now points to it.
//     This makes a new version of t, as PyTorch's version counter does:
//     ops that read t before keep the old version in their graph, so
//     their gradients do not flow through the in-place op (autograd.go's
//     input records the version each op read).
//
// One simplification: while gradients are tracked, a view of a tensor that
// requires grad cannot be modified in place (PyTorch rewires the base
// tensor's graph; here that is an error).

// AddInPlace adds u (broadcast to t's shape) to t; PyTorch's add_.
func (t *Tensor) AddInPlace(u *Tensor) (*Tensor, error) {
	return t.inPlace("add_", func(old *Tensor) (*Tensor, error) { return old.Add(u) })
}

// AddScaledInPlace adds alpha·u to t, PyTorch's add_(u, alpha=alpha): the
// step of gradient descent, p ← p - lr·g, is p.AddScaledInPlace(g, -lr).
func (t *Tensor) AddScaledInPlace(u *Tensor, alpha float32) (*Tensor, error) {
	return t.inPlace("add_", func(old *Tensor) (*Tensor, error) { return old.Add(u.MulScalar(alpha)) })
}

// SubInPlace subtracts u from t; PyTorch's sub_.
func (t *Tensor) SubInPlace(u *Tensor) (*Tensor, error) {
	return t.inPlace("sub_", func(old *Tensor) (*Tensor, error) { return old.Sub(u) })
}

// MulInPlace multiplies t by u; PyTorch's mul_.
func (t *Tensor) MulInPlace(u *Tensor) (*Tensor, error) {
	return t.inPlace("mul_", func(old *Tensor) (*Tensor, error) { return old.Mul(u) })
}

// DivInPlace divides t by u; PyTorch's div_.
func (t *Tensor) DivInPlace(u *Tensor) (*Tensor, error) {
	return t.inPlace("div_", func(old *Tensor) (*Tensor, error) { return old.Div(u) })
}

// AddScalarInPlace adds s to every element; PyTorch's add_(s).
func (t *Tensor) AddScalarInPlace(s float32) (*Tensor, error) {
	return t.inPlace("add_", func(old *Tensor) (*Tensor, error) { return old.AddScalar(s), nil })
}

// MulScalarInPlace multiplies every element by s; PyTorch's mul_(s).
func (t *Tensor) MulScalarInPlace(s float32) (*Tensor, error) {
	return t.inPlace("mul_", func(old *Tensor) (*Tensor, error) { return old.MulScalar(s), nil })
}

// ClampInPlace limits every element to [lo, hi]; PyTorch's clamp_.
func (t *Tensor) ClampInPlace(lo, hi float32) (*Tensor, error) {
	return t.inPlace("clamp_", func(old *Tensor) (*Tensor, error) { return old.Clamp(lo, hi), nil })
}

// FillInPlace sets every element to v; PyTorch's fill_. On a tensor in
// the graph the result stays in the graph, as in PyTorch: its gradient
// with respect to the old value is zero, so what t was computed from
// receives a zero gradient (not none), and later ops still track t.
// Unlike the other in-place ops it accepts an expanded view (its elements
// share memory but all get the same value), as PyTorch does.
func (t *Tensor) FillInPlace(v float32) (*Tensor, error) {
	return t.inPlace("fill_", func(old *Tensor) (*Tensor, error) {
		out := FullLike(old, v)
		record(out, "fill_", []*Tensor{old}, nil, func(*Tensor) []*Tensor {
			return []*Tensor{ZerosLike(old)}
		})
		return out, nil
	})
}

// ZeroInPlace sets every element to 0; PyTorch's zero_.
func (t *Tensor) ZeroInPlace() (*Tensor, error) { return t.FillInPlace(0) }

// CopyInPlace copies src (broadcast to t's shape) into t; PyTorch's copy_.
// The gradient flows to src. As with FillInPlace, t stays in the graph:
// what t was computed from receives a zero gradient (not none), as in
// PyTorch.
func (t *Tensor) CopyInPlace(src *Tensor) (*Tensor, error) {
	return t.inPlace("copy_", func(old *Tensor) (*Tensor, error) {
		e, err := src.Expand(old.shape...)
		if err != nil {
			return nil, fmt.Errorf("copy_: source of shape %s does not broadcast to destination shape %s", FormatShape(src.shape), FormatShape(old.shape))
		}
		var out *Tensor
		NoGrad(func() { out = e.Clone() })
		// Backward sums src's gradient down to src's shape (sumTo).
		record(out, "copy_", []*Tensor{old, src}, nil, func(g *Tensor) []*Tensor {
			return []*Tensor{ZerosLike(old), g}
		})
		return out, nil
	})
}

// inPlace computes the new value from the old one out of place, checks the
// safety rules, then writes it into t's storage.
func (t *Tensor) inPlace(op string, compute func(old *Tensor) (*Tensor, error)) (*Tensor, error) {
	tracking := GradEnabled()
	if tracking && t.requiresGrad && t.node == nil {
		return nil, fmt.Errorf("%s: tensor of shape %s is a leaf that requires grad; modify it inside NoGrad (as an optimizer step does) or work on a copy", op, FormatShape(t.shape))
	}
	// fill_ writes one value everywhere, so elements sharing a memory
	// location agree; PyTorch allows it (and zero_) on an expanded view.
	for d, s := range t.strides {
		if op != "fill_" && s == 0 && t.shape[d] > 1 && t.Numel() > 0 {
			return nil, fmt.Errorf("%s: tensor of shape %s is an expanded view where several elements share one memory location; Clone it first", op, FormatShape(t.shape))
		}
	}
	// old is t as it was, in the same place in the graph. While tracking,
	// it is a snapshot of the values (PyTorch's "original self"), because
	// the op may save it for backward and its storage is about to change.
	old := *t
	if tracking {
		old.st, old.strides, old.offset = &storage{data: t.Data()}, contiguousStrides(t.shape), 0
	}
	r, err := compute(&old)
	if err != nil {
		return nil, err
	}
	if !sameShape(r.shape, t.shape) {
		return nil, fmt.Errorf("%s: result of shape %s does not fit the tensor of shape %s; an in-place op cannot change its tensor's shape", op, FormatShape(r.shape), FormatShape(t.shape))
	}
	// A view in the graph refuses even a value that needs no gradient
	// (copy_ of a constant): its base would keep a graph for values it no
	// longer holds. PyTorch refuses this too for a view of a leaf.
	if tracking && t.view && (r.requiresGrad || t.requiresGrad) {
		return nil, fmt.Errorf("%s: tensor of shape %s is a view, and in-place ops on views are not tracked by autograd here; use the out-of-place op", op, FormatShape(t.shape))
	}
	copyInto(t, r)
	t.st.version++
	observe(op, []*Tensor{t}, nil, t)
	if tracking {
		t.node, t.requiresGrad = r.node, r.requiresGrad
		if r.node != nil {
			r.node.out = t // the in-place op produced t's new version
		}
	}
	return t, nil
}

// UpdateInPlace hands fn the values of t, in row-major order, to rewrite
// in place; the optimizers' update rules (p ← p - lr·g, Adam's moments …)
// are plain loops over flat slices. For a contiguous tensor (every
// parameter) the slice is the storage itself, so a step costs no copy of
// the parameter and no temporary tensors; a strided view is copied out
// and written back. fn must not keep the slice.
//
// The change is not tracked by autograd, so, like an optimizer step in
// PyTorch, it must run inside NoGrad when t requires grad. It bumps the
// storage's version and is reported to the Observer as "update_".
func (t *Tensor) UpdateInPlace(fn func(values []float32)) error {
	if GradEnabled() && t.requiresGrad {
		return fmt.Errorf("update_: tensor of shape %s requires grad; update it inside NoGrad (as an optimizer step does)", FormatShape(t.shape))
	}
	for d, s := range t.strides {
		if s == 0 && t.shape[d] > 1 && t.Numel() > 0 {
			return fmt.Errorf("update_: tensor of shape %s is an expanded view where several elements share one memory location; Clone it first", FormatShape(t.shape))
		}
	}
	if t.IsContiguous() {
		fn(t.values()) // the storage itself (nil when empty)
	} else {
		v := t.Data()
		fn(v)
		copyInto(t, fromData(v, t.shape))
	}
	t.st.version++
	observe("update_", []*Tensor{t}, nil, t)
	return nil
}

// Values returns the elements in row-major order like Data, but without
// copying when t is contiguous: the slice is then t's storage. It is for
// hot loops that only read (a gradient norm, an optimizer reading a
// gradient); do not modify the slice or keep it past the next change to t.
func (t *Tensor) Values() []float32 { return t.values() }
