//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strings"
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
func (b *tensorBindings) moreMethods() map[string]func(*tensor.Tensor, []js.Value) (any, error) {
	m := map[string]func(*tensor.Tensor, []js.Value) (any, error){
		"softplus": b.softplus, "elu": b.elu, "cumsum": b.cumsum, "prod": b.prod,
		"sort": b.sort, "topk": b.topk, "norm": b.norm,
		"flip": b.flip, "roll": b.roll, "repeat": b.repeat, "chunk": b.chunk, "split": b.split,
		"maskedFill": b.maskedFill,
		"scatter":    b.scatter("scatter", (*tensor.Tensor).Scatter),
		"scatterAdd": b.scatter("scatterAdd", (*tensor.Tensor).ScatterAdd),
	}
	for name, op := range moreUnary {
		m[name] = func(t *tensor.Tensor, _ []js.Value) (any, error) { return b.wrap(op(t)), nil }
	}
	return m
}

// moreFunctions are the new functions of tt alone.
func (b *tensorBindings) moreFunctions() map[string]binding {
	return map[string]binding{"einsum": b.einsum}
}

// params reads a call's arguments given positionally, in a trailing
// options object, or both: x.topk(2, 0), x.topk(2, {dim: 0}). keys names
// the parameters in order; it returns one value per key (undefined when
// absent). An option key not in keys, or more positional arguments than
// keys, is an error.
func params(name string, args []js.Value, keys ...string) ([]js.Value, error) {
	n := len(args)
	o := js.Undefined()
	if n > 0 && isOptionsObject(args[n-1]) {
		o, n = args[n-1], n-1
	}
	if n > len(keys) {
		return nil, fmt.Errorf("%s: %d arguments, expected at most %d (%s)", name, n, len(keys), strings.Join(keys, ", "))
	}
	if !o.IsUndefined() {
		if err := checkOptions(name, o, keys); err != nil {
			return nil, err
		}
	}
	out := make([]js.Value, len(keys))
	for i, k := range keys {
		switch {
		case i < n && !o.IsUndefined() && !o.Get(k).IsUndefined():
			return nil, fmt.Errorf("%s: %s is given twice, as argument %d and as an option", name, k, i+1)
		case i < n:
			out[i] = args[i]
		case !o.IsUndefined():
			out[i] = o.Get(k)
		default:
			out[i] = js.Undefined()
		}
	}
	return out, nil
}

// isOptionsObject reports whether v is a plain options object: an object
// that is not an array, a tensor or a bound object such as a module.
func isOptionsObject(v js.Value) bool {
	if v.Type() != js.TypeObject || isArray(v) {
		return false
	}
	if _, ok := tensors.unwrap(v); ok || tensors.proto.Call("isPrototypeOf", v).Bool() {
		return false
	}
	_, bound := objects.get(v)
	return !bound
}

// softplus is x.softplus(beta = 1, threshold = 20).
func (b *tensorBindings) softplus(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("softplus", args, "beta", "threshold")
	if err != nil {
		return nil, err
	}
	beta, err := floatArg("softplus", p, 0, "beta", 1)
	if err != nil {
		return nil, err
	}
	threshold, err := floatArg("softplus", p, 1, "threshold", 20)
	return b.wrapIf(t.Softplus(float32(beta), float32(threshold)), err)
}

// elu is x.elu(alpha = 1).
func (b *tensorBindings) elu(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("elu", args, "alpha")
	if err != nil {
		return nil, err
	}
	alpha, err := floatArg("elu", p, 0, "alpha", 1)
	return b.wrapIf(t.Elu(float32(alpha)), err)
}

// cumsum is x.cumsum(dim), dim required as in PyTorch.
func (b *tensorBindings) cumsum(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("cumsum", args, "dim")
	if err != nil {
		return nil, err
	}
	d, err := needInt("cumsum", p, 0, "dim")
	if err != nil {
		return nil, err
	}
	return b.wrapResult(t.Cumsum(d))
}

// prod is x.prod() over everything or x.prod(dim, keepdim = false).
func (b *tensorBindings) prod(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("prod", args, "dim", "keepdim")
	if err != nil {
		return nil, err
	}
	if p[0].IsUndefined() || p[0].IsNull() {
		return b.wrap(t.ProdAll()), nil
	}
	d, err := intArg("prod", p, 0, "dim", 0)
	if err != nil {
		return nil, err
	}
	keep, err := boolArg("prod", p, 1, "keepdim", false)
	if err != nil {
		return nil, err
	}
	return b.wrapResult(t.Prod(d, keep))
}

// sort is x.sort(dim = -1, descending = false, {stable}): the pair
// [values, indices] with .values and .indices, as max(dim) returns. The
// sort is always stable, so stable is accepted and changes nothing.
func (b *tensorBindings) sort(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("sort", args, "dim", "descending", "stable")
	if err != nil {
		return nil, err
	}
	d, err := intArg("sort", p, 0, "dim", -1)
	if err != nil {
		return nil, err
	}
	desc, err := boolArg("sort", p, 1, "descending", false)
	if err != nil {
		return nil, err
	}
	if _, err := boolArg("sort", p, 2, "stable", false); err != nil {
		return nil, err
	}
	values, indices, err := t.Sort(d, desc)
	if err != nil {
		return nil, err
	}
	return b.valuesIndices("sort", values, indices), nil
}

// topk is x.topk(k, dim = -1, largest = true, sorted = true): the pair
// [values, indices]. The result is always sorted (sorted = false leaves
// the order to the implementation in PyTorch).
func (b *tensorBindings) topk(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("topk", args, "k", "dim", "largest", "sorted")
	if err != nil {
		return nil, err
	}
	k, err := needInt("topk", p, 0, "k")
	if err != nil {
		return nil, err
	}
	d, err := intArg("topk", p, 1, "dim", -1)
	if err != nil {
		return nil, err
	}
	largest, err := boolArg("topk", p, 2, "largest", true)
	if err != nil {
		return nil, err
	}
	if _, err := boolArg("topk", p, 3, "sorted", true); err != nil {
		return nil, err
	}
	values, indices, err := t.Topk(k, d, largest)
	if err != nil {
		return nil, err
	}
	return b.valuesIndices("topk", values, indices), nil
}

// norm is x.norm(p = 2, dim = all, keepdim = false); p may be a number,
// Infinity or -Infinity, or "fro" (2 over the dims).
func (b *tensorBindings) norm(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("norm", args, "p", "dim", "keepdim")
	if err != nil {
		return nil, err
	}
	order := 2.0
	switch v := p[0]; {
	case v.Type() == js.TypeString && v.String() == "fro":
	case v.Type() == js.TypeNumber:
		order = v.Float()
	case !v.IsUndefined() && !v.IsNull():
		return nil, fmt.Errorf("norm: p must be a number, Infinity, -Infinity or \"fro\", got %s", describeJS(v))
	}
	dims, err := dimsArg("norm", p, 1)
	if err != nil {
		return nil, err
	}
	keep, err := boolArg("norm", p, 2, "keepdim", false)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(order) {
		return nil, fmt.Errorf("norm: p is NaN, expected a number")
	}
	return b.wrapResult(t.Norm(order, dims, keep))
}

// flip is x.flip(dims), dims as separate integers or one array.
func (b *tensorBindings) flip(t *tensor.Tensor, args []js.Value) (any, error) {
	dims, err := intsFrom("flip", args, 0, "dims")
	if err != nil {
		return nil, err
	}
	if len(dims) == 0 {
		return nil, fmt.Errorf("flip: expected the dims to flip, such as x.flip(0) or x.flip([0, 1])")
	}
	return b.wrapResult(t.Flip(dims...))
}

// roll is x.roll(shifts, dims): each an integer or an array; without
// dims the tensor rolls as if flattened.
func (b *tensorBindings) roll(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("roll", args, "shifts", "dims")
	if err != nil {
		return nil, err
	}
	if p[0].IsUndefined() {
		return nil, fmt.Errorf("roll: missing shifts (argument 1)")
	}
	shifts, err := intsFrom("roll", p[:1], 0, "shifts")
	if err != nil {
		return nil, err
	}
	var dims []int
	if !p[1].IsUndefined() && !p[1].IsNull() {
		if dims, err = intsFrom("roll", p[1:], 0, "dims"); err != nil {
			return nil, err
		}
	}
	return b.wrapResult(t.Roll(shifts, dims))
}

// repeat is x.repeat(sizes), as separate integers or one array.
func (b *tensorBindings) repeat(t *tensor.Tensor, args []js.Value) (any, error) {
	sizes, err := intsFrom("repeat", args, 0, "sizes")
	if err != nil {
		return nil, err
	}
	return b.wrapResult(t.Repeat(sizes...))
}

// chunk is x.chunk(chunks, dim = 0): an array of views.
func (b *tensorBindings) chunk(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("chunk", args, "chunks", "dim")
	if err != nil {
		return nil, err
	}
	n, err := needInt("chunk", p, 0, "chunks")
	if err != nil {
		return nil, err
	}
	d, err := intArg("chunk", p, 1, "dim", 0)
	if err != nil {
		return nil, err
	}
	return b.wrapAll(t.Chunk(n, d))
}

// split is x.split(splitSize, dim = 0), splitSize an integer (pieces of
// that size) or an array of sizes: an array of views.
func (b *tensorBindings) split(t *tensor.Tensor, args []js.Value) (any, error) {
	p, err := params("split", args, "splitSize", "dim")
	if err != nil {
		return nil, err
	}
	d, err := intArg("split", p, 1, "dim", 0)
	if err != nil {
		return nil, err
	}
	if isArray(p[0]) {
		sizes, err := intsFrom("split", p[:1], 0, "split sizes")
		if err != nil {
			return nil, err
		}
		return b.wrapAll(t.SplitSizes(sizes, d))
	}
	size, err := needInt("split", p, 0, "splitSize")
	if err != nil {
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
func (b *tensorBindings) maskedFill(t *tensor.Tensor, args []js.Value) (any, error) {
	if err := needArgs("maskedFill", args, 2, "(mask, value)"); err != nil {
		return nil, err
	}
	mask, err := b.operand("maskedFill: mask", args[0])
	if err != nil {
		return nil, err
	}
	v, err := b.scalarValue("maskedFill", args[1])
	if err != nil {
		return nil, err
	}
	return b.wrapResult(t.MaskedFill(mask, v))
}

// scalarValue reads a number, or a tensor of one element, as PyTorch's
// value arguments accept.
func (b *tensorBindings) scalarValue(name string, v js.Value) (float32, error) {
	if v.Type() == js.TypeNumber {
		return float32(v.Float()), nil
	}
	if u, ok := b.unwrap(v); ok && u.Numel() == 1 {
		return u.Item()
	}
	return 0, fmt.Errorf("%s: value must be a number or a one-element tensor, got %s", name, describeJS(v))
}

// scatter binds x.scatter(dim, index, src) and scatterAdd; src may also
// be a number, written at every index position.
func (b *tensorBindings) scatter(name string, op func(*tensor.Tensor, int, *tensor.Tensor, *tensor.Tensor) (*tensor.Tensor, error)) func(*tensor.Tensor, []js.Value) (any, error) {
	return func(t *tensor.Tensor, args []js.Value) (any, error) {
		if err := needArgs(name, args, 3, "(dim, index, src)"); err != nil {
			return nil, err
		}
		d, err := needInt(name, args, 0, "dim")
		if err != nil {
			return nil, err
		}
		index, err := b.operand(name+": index", args[1])
		if err != nil {
			return nil, err
		}
		var src *tensor.Tensor
		if args[2].Type() == js.TypeNumber {
			src, err = tensor.Full(float32(args[2].Float()), index.Shape()...)
		} else {
			src, err = b.operand(name+": src", args[2])
		}
		if err != nil {
			return nil, err
		}
		return b.wrapResult(op(t, d, index, src))
	}
}

// einsum is tt.einsum(equation, ...operands), the operands also as one
// array: tt.einsum("ij,jk->ik", a, b).
func (b *tensorBindings) einsum(_ js.Value, args []js.Value) (any, error) {
	if err := needArgs("tt.einsum", args, 2, "(equation, ...tensors)"); err != nil {
		return nil, err
	}
	if args[0].Type() != js.TypeString {
		return nil, fmt.Errorf("tt.einsum: the equation must be a string such as \"ij,jk->ik\", got %s", describeJS(args[0]))
	}
	rest := args[1:]
	// One array whose first element is a tensor is the list of operands
	// (PyTorch's second form); an array of numbers is one operand.
	if len(rest) == 1 && isArray(rest[0]) && rest[0].Length() > 0 {
		if _, ok := b.unwrap(rest[0].Index(0)); ok {
			ops, err := b.operands("tt.einsum", rest[0])
			if err != nil {
				return nil, err
			}
			return b.wrapResult(tensor.Einsum(args[0].String(), ops...))
		}
	}
	ops := make([]*tensor.Tensor, len(rest))
	for i, v := range rest {
		var err error
		if ops[i], err = b.operand(fmt.Sprintf("tt.einsum: operand %d", i), v); err != nil {
			return nil, err
		}
	}
	return b.wrapResult(tensor.Einsum(args[0].String(), ops...))
}
