//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// Bindings of the tensor ops added for issue 20: the elementwise
// functions (log1p … silu, softplus, elu), the scans and orders (cumsum,
// prod, sort, topk, norm), the rearranging ops (flip, roll, repeat,
// chunk, split), the indexed writes (maskedFill, scatter, scatterAdd) and
// tt.einsum. As in PyTorch each takes its arguments positionally or by
// name in a trailing options object — x.topk(2, 0) or x.topk(2, {dim: 0})
// — and an unknown option name is an error.

// moreUnary are the new methods that take no argument and cannot fail.
var moreUnary = map[string]func(*tensor.Tensor) *tensor.Tensor{
	"log1p": (*tensor.Tensor).Log1p, "sign": (*tensor.Tensor).Sign, "floor": (*tensor.Tensor).Floor,
	"round": (*tensor.Tensor).Round, "erf": (*tensor.Tensor).Erf, "silu": (*tensor.Tensor).Silu,
}

// moreMethods binds the new tensor methods.
func (b *tensorBindings) moreMethods() map[string]tensorMethod {
	m := map[string]tensorMethod{
		"softplus": b.softplus, "elu": b.elu, "cumsum": b.cumsum, "prod": b.prod,
		"sort": b.sort, "topk": b.topk, "norm": b.norm,
		"flip": b.flip, "roll": b.roll, "repeat": b.repeat, "chunk": b.chunk, "split": b.split,
		"maskedFill": b.maskedFill,
		"scatter":    b.scatter((*tensor.Tensor).Scatter),
		"scatterAdd": b.scatter((*tensor.Tensor).ScatterAdd),
	}
	for name, op := range moreUnary {
		m[name] = func(t *tensor.Tensor, _ *argReader) (any, error) { return b.wrap(op(t)), nil }
	}
	return m
}

// moreFunctions are the new functions of tt alone.
func (b *tensorBindings) moreFunctions() map[string]binding {
	return map[string]binding{"einsum": b.einsum}
}

// softplus is x.softplus(beta = 1, threshold = 20).
func (b *tensorBindings) softplus(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "beta", "threshold")
	return b.wrap(t.Softplus(float32(o.Float("beta", 1)), float32(o.Float("threshold", 20)))), nil
}

// elu is x.elu(alpha = 1).
func (b *tensorBindings) elu(t *tensor.Tensor, r *argReader) (any, error) {
	return b.wrap(t.Elu(float32(r.Options(0, "alpha").Float("alpha", 1)))), nil
}

// cumsum is x.cumsum(dim), dim required as in PyTorch.
func (b *tensorBindings) cumsum(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "dim")
	o.Need("dim")
	return b.wrapResult(t.Cumsum(o.Int("dim", 0)))
}

// prod is x.prod() over everything or x.prod(dim, keepdim = false).
func (b *tensorBindings) prod(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "dim", "keepdim")
	keep := o.Bool("keepdim", false)
	if !o.Has("dim") {
		return b.wrap(t.ProdAll()), nil
	}
	return b.wrapResult(t.Prod(o.Int("dim", 0), keep))
}

// sort is x.sort(dim = -1, descending = false, {stable}): the pair
// [values, indices] with .values and .indices, as max(dim) returns. The
// sort is always stable, so stable is accepted and changes nothing.
func (b *tensorBindings) sort(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "dim", "descending", "stable")
	d, desc := o.Int("dim", -1), o.Bool("descending", false)
	o.Bool("stable", false)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.pairResult("sort")(t.Sort(d, desc))
}

// topk is x.topk(k, dim = -1, largest = true, sorted = true): the pair
// [values, indices]. The result is always sorted (sorted = false leaves
// the order to the implementation in PyTorch).
func (b *tensorBindings) topk(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "k", "dim", "largest", "sorted")
	o.Need("k")
	k, d, largest := o.Int("k", 0), o.Int("dim", -1), o.Bool("largest", true)
	o.Bool("sorted", true)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.pairResult("topk")(t.Topk(k, d, largest))
}

// pairResult returns the (values, indices) pair of the op name, or its error.
func (b *tensorBindings) pairResult(name string) func(values, indices *tensor.Tensor, err error) (any, error) {
	return func(values, indices *tensor.Tensor, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return b.valuesIndices(name, values, indices), nil
	}
}

// norm is x.norm(p = 2, dim = all, keepdim = false); p may be a number,
// Infinity or -Infinity, or "fro" (2 over the dims).
func (b *tensorBindings) norm(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "p", "dim", "keepdim")
	order := 2.0
	switch v := o.Value("p"); kindOf(v) {
	case kindUndefined, kindNull:
	case kindString:
		if v.String() != "fro" {
			r.failf("p must be a number, Infinity, -Infinity or \"fro\", got %s", describeJS(v))
		}
	default:
		order = o.Float("p", 2)
	}
	d, keep := o.Dims("dim"), o.Bool("keepdim", false)
	if r.ok() && math.IsNaN(order) {
		r.failf("p is NaN, expected a number")
	}
	return b.wrapResult(t.Norm(order, d, keep))
}

// flip is x.flip(dims), dims as separate integers or one array.
func (b *tensorBindings) flip(t *tensor.Tensor, r *argReader) (any, error) {
	dims := r.Ints(0, "dims")
	if r.ok() && len(dims) == 0 {
		r.failf("expected the dims to flip, such as x.flip(0) or x.flip([0, 1])")
	}
	return b.wrapResult(t.Flip(dims...))
}

// roll is x.roll(shifts, dims): each an integer or an array; without
// dims the tensor rolls as if flattened.
func (b *tensorBindings) roll(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "shifts", "dims")
	o.Need("shifts")
	return b.wrapResult(t.Roll(o.Ints("shifts"), o.Ints("dims")))
}

// repeat is x.repeat(sizes), as separate integers or one array.
func (b *tensorBindings) repeat(t *tensor.Tensor, r *argReader) (any, error) {
	return b.wrapResult(t.Repeat(r.Ints(0, "sizes")...))
}

// chunk is x.chunk(chunks, dim = 0): an array of views.
func (b *tensorBindings) chunk(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "chunks", "dim")
	o.Need("chunks")
	n, d := o.Int("chunks", 0), o.Int("dim", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.wrapAll(t.Chunk(n, d))
}

// split is x.split(splitSize, dim = 0), splitSize an integer (pieces of
// that size) or an array of sizes: an array of views.
func (b *tensorBindings) split(t *tensor.Tensor, r *argReader) (any, error) {
	o := r.Options(0, "splitSize", "dim")
	d := o.Int("dim", 0)
	o.Need("splitSize")
	if isArray(o.Value("splitSize")) {
		sizes := o.Ints("splitSize")
		if err := r.Err(); err != nil {
			return nil, err
		}
		return b.wrapAll(t.SplitSizes(sizes, d))
	}
	size := o.Int("splitSize", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.wrapAll(t.Split(size, d))
}

// wrapAll wraps a list of tensors as a JavaScript array.
func (b *tensorBindings) wrapAll(ts []*tensor.Tensor, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = b.wrap(t)
	}
	return out, nil
}

// maskedFill is x.maskedFill(mask, value).
func (b *tensorBindings) maskedFill(t *tensor.Tensor, r *argReader) (any, error) {
	if r.Len() < 2 {
		return nil, fmt.Errorf("maskedFill: got %d arguments, expected (mask, value)", r.Len())
	}
	mask, v := r.Tensor(0, "mask"), b.scalarValue(r, 1)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.wrapResult(t.MaskedFill(mask, v))
}

// scalarValue reads argument i as a number, or a tensor of one element,
// as PyTorch's value arguments accept.
func (b *tensorBindings) scalarValue(r *argReader, i int) float32 {
	v := r.Value(i)
	if typeOf(v) == js.TypeNumber {
		return float32(v.Float())
	}
	if u, ok := b.unwrap(v); ok && u.Numel() == 1 {
		x, err := u.Item()
		r.fail(err)
		return x
	}
	if r.ok() {
		r.failf("value must be a number or a one-element tensor, got %s", describeJS(v))
	}
	return 0
}

// scatter binds x.scatter(dim, index, src) and scatterAdd; src may also
// be a number, written at every index position.
func (b *tensorBindings) scatter(op func(*tensor.Tensor, int, *tensor.Tensor, *tensor.Tensor) (*tensor.Tensor, error)) tensorMethod {
	return func(t *tensor.Tensor, r *argReader) (any, error) {
		if r.Len() < 3 {
			return nil, fmt.Errorf("%s: got %d arguments, expected (dim, index, src)", r.name, r.Len())
		}
		d, index := r.NeedInt(0, "dim"), r.Tensor(1, "index")
		if err := r.Err(); err != nil {
			return nil, err
		}
		var src *tensor.Tensor
		if v := r.Value(2); typeOf(v) == js.TypeNumber {
			var err error
			if src, err = tensor.Full(float32(v.Float()), index.Shape()...); err != nil {
				return nil, err
			}
		} else if src = r.Tensor(2, "src"); src == nil {
			return nil, r.Err()
		}
		return b.wrapResult(op(t, d, index, src))
	}
}

// einsum is tt.einsum(equation, ...operands), the operands also as one
// array: tt.einsum("ij,jk->ik", a, b).
func (b *tensorBindings) einsum(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.einsum", args)
	if r.Len() < 2 {
		return nil, fmt.Errorf("tt.einsum: got %d arguments, expected (equation, ...tensors)", r.Len())
	}
	if typeOf(args[0]) != js.TypeString {
		return nil, fmt.Errorf("tt.einsum: the equation must be a string such as \"ij,jk->ik\", got %s", describeJS(args[0]))
	}
	rest := args[1:]
	var ops []*tensor.Tensor
	// One array whose first element is a tensor is the list of operands
	// (PyTorch's second form); an array of numbers is one operand.
	if list, _ := elements(rest[0]); len(rest) == 1 && isArray(rest[0]) && len(list) > 0 && isTensor(list[0]) {
		ops = r.Tensors(1, "tt.einsum")
	} else {
		for i := range rest {
			ops = append(ops, r.Tensor(1+i, fmt.Sprintf("operand %d", i)))
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.wrapResult(tensor.Einsum(args[0].String(), ops...))
}
