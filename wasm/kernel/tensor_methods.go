//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strconv"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// unaryOps are the methods that take no argument and cannot fail.
var unaryOps = map[string]func(*tensor.Tensor) *tensor.Tensor{
	"neg": (*tensor.Tensor).Neg, "exp": (*tensor.Tensor).Exp, "log": (*tensor.Tensor).Log,
	"sqrt": (*tensor.Tensor).Sqrt, "abs": (*tensor.Tensor).Abs, "sin": (*tensor.Tensor).Sin,
	"cos": (*tensor.Tensor).Cos, "tanh": (*tensor.Tensor).Tanh, "sigmoid": (*tensor.Tensor).Sigmoid,
	"relu": (*tensor.Tensor).Relu, "gelu": (*tensor.Tensor).Gelu, "clone": (*tensor.Tensor).Clone,
	"contiguous": (*tensor.Tensor).Contiguous, "detach": (*tensor.Tensor).Detach,
}

// binaryOps combine the tensor with a tensor, an array or a number. The
// ops with a scalar form use it for numbers, which keeps the graph small.
var binaryOps = map[string]struct {
	op     func(t, u *tensor.Tensor) (*tensor.Tensor, error)
	scalar func(*tensor.Tensor, float32) *tensor.Tensor
}{
	"add":     {(*tensor.Tensor).Add, (*tensor.Tensor).AddScalar},
	"sub":     {(*tensor.Tensor).Sub, (*tensor.Tensor).SubScalar},
	"mul":     {(*tensor.Tensor).Mul, (*tensor.Tensor).MulScalar},
	"div":     {(*tensor.Tensor).Div, (*tensor.Tensor).DivScalar},
	"pow":     {(*tensor.Tensor).Pow, (*tensor.Tensor).PowScalar},
	"maximum": {(*tensor.Tensor).Maximum, nil}, "minimum": {(*tensor.Tensor).Minimum, nil},
	"eq": {(*tensor.Tensor).Eq, nil}, "ne": {(*tensor.Tensor).Ne, nil},
	"lt": {(*tensor.Tensor).Lt, nil}, "le": {(*tensor.Tensor).Le, nil},
	"gt": {(*tensor.Tensor).Gt, nil}, "ge": {(*tensor.Tensor).Ge, nil},
	"matmul": {(*tensor.Tensor).Matmul, nil},
}

// inPlaceOps modify the tensor with a tensor or number operand and return it.
var inPlaceOps = map[string]struct {
	op     func(t, u *tensor.Tensor) (*tensor.Tensor, error)
	scalar func(*tensor.Tensor, float32) (*tensor.Tensor, error)
}{
	"add_":  {(*tensor.Tensor).AddInPlace, (*tensor.Tensor).AddScalarInPlace},
	"sub_":  {(*tensor.Tensor).SubInPlace, func(t *tensor.Tensor, s float32) (*tensor.Tensor, error) { return t.AddScalarInPlace(-s) }},
	"mul_":  {(*tensor.Tensor).MulInPlace, (*tensor.Tensor).MulScalarInPlace},
	"div_":  {(*tensor.Tensor).DivInPlace, func(t *tensor.Tensor, s float32) (*tensor.Tensor, error) { return t.MulScalarInPlace(1 / s) }},
	"copy_": {(*tensor.Tensor).CopyInPlace, nil},
}

// reductions take (dim?, keepdim?), where no dim means every dimension and
// an array several. max and min, which return (values, indices) along one
// dim as in PyTorch, are in otherMethods.
var reductions = map[string]func(t *tensor.Tensor, dims []int, keepdim bool) (*tensor.Tensor, error){
	"sum": (*tensor.Tensor).Sum, "mean": (*tensor.Tensor).Mean, "amax": (*tensor.Tensor).Amax,
	"amin": (*tensor.Tensor).Amin, "logsumexp": (*tensor.Tensor).LogSumExp,
}

// tensorMethod is a method of the tensor prototype: t is the receiver,
// r reads the arguments. method checks r.Err() after it returns, so a
// method may call the engine directly with numbers it read; it checks
// r.Err() itself before passing a tensor it read.
type tensorMethod func(t *tensor.Tensor, r *argReader) (any, error)

// methods builds the whole method table of the tensor prototype.
func (b *tensorBindings) methods() map[string]binding {
	m := map[string]binding{}
	for name, op := range unaryOps {
		m[name] = b.method(name, func(t *tensor.Tensor, _ *argReader) (any, error) { return b.result(op(t)), nil })
	}
	for name, op := range binaryOps {
		m[name] = b.method(name, func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrapResult(b.applyBinary(r, t, op.op, op.scalar))
		})
	}
	for name, op := range inPlaceOps {
		m[name] = b.method(name, func(t *tensor.Tensor, r *argReader) (any, error) {
			if v := r.Value(0); typeOf(v) == js.TypeNumber && op.scalar != nil {
				_, err := op.scalar(t, float32(v.Float()))
				return nil, err
			}
			u := r.Tensor(0, "other")
			if err := r.Err(); err != nil {
				return nil, err
			}
			_, err := op.op(t, u)
			return nil, err
		})
	}
	for name, op := range reductions {
		m[name] = b.method(name, func(t *tensor.Tensor, r *argReader) (any, error) {
			dims, keep := reductionArgs(r)
			return b.wrapResult(op(t, dims, keep))
		})
	}
	for name, fn := range b.otherMethods() {
		m[name] = b.method(name, fn)
	}
	for name, fn := range b.layoutMethods() {
		m[name] = b.method(name, fn)
	}
	for name, fn := range b.moreMethods() { // tensor_more.go
		m[name] = b.method(name, fn)
	}
	m["dispose"] = b.dispose
	// In-place methods return the tensor itself, so calls chain.
	for _, name := range []string{"add_", "sub_", "mul_", "div_", "copy_", "clamp_", "fill_", "zero_", "requiresGrad_"} {
		inner := m[name]
		m[name] = func(this js.Value, args []js.Value) (any, error) {
			_, err := inner(this, args)
			return this, err
		}
	}
	return m
}

// method adapts a tensorMethod to a binding.
func (b *tensorBindings) method(name string, fn tensorMethod) binding {
	return func(this js.Value, args []js.Value) (any, error) {
		t, err := b.self(name, this)
		if err != nil {
			return nil, err
		}
		r := readArgs(name, args)
		return r.Done(fn(t, r))
	}
}

// applyBinary runs a two-operand op, using its scalar form for a number.
func (b *tensorBindings) applyBinary(r *argReader, t *tensor.Tensor,
	op func(t, u *tensor.Tensor) (*tensor.Tensor, error), scalar func(*tensor.Tensor, float32) *tensor.Tensor) (*tensor.Tensor, error) {
	v := r.Value(0)
	if v.IsUndefined() {
		return nil, fmt.Errorf("%s: expected one tensor or number", r.name)
	}
	if typeOf(v) == js.TypeNumber && scalar != nil {
		return scalar(t, float32(v.Float())), nil
	}
	u := r.Tensor(0, "other")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return op(t, u)
}

// reductionArgs reads (dim?, keepdim?) or (dim?, {keepdim}).
func reductionArgs(r *argReader) ([]int, bool) {
	dims := r.Dims(0)
	return dims, r.Options(1, "keepdim").Bool("keepdim", false)
}

// otherMethods are the methods with their own arguments: autograd, value
// access and the ops that take numbers.
func (b *tensorBindings) otherMethods() map[string]tensorMethod {
	return map[string]tensorMethod{
		"toArray":  func(t *tensor.Tensor, _ *argReader) (any, error) { return nestedToJS("toArray", t) },
		"tolist":   func(t *tensor.Tensor, _ *argReader) (any, error) { return nestedToJS("tolist", t) },
		"toJSON":   func(t *tensor.Tensor, _ *argReader) (any, error) { return nestedToJS("toJSON", t) },
		"toString": func(t *tensor.Tensor, _ *argReader) (any, error) { return t.String(), nil },
		"item": func(t *tensor.Tensor, _ *argReader) (any, error) {
			x, err := t.Item()
			return float64(x), err
		},
		"numel": func(t *tensor.Tensor, _ *argReader) (any, error) { return t.Numel(), nil },
		"dim":   func(t *tensor.Tensor, _ *argReader) (any, error) { return t.Dim(), nil },
		"size": func(t *tensor.Tensor, r *argReader) (any, error) {
			if r.Value(0).IsUndefined() {
				return intsToJS(t.Shape()), nil
			}
			d, shape := r.Int(0, "dim", 0), t.Shape()
			if err := r.Err(); err != nil {
				return nil, err
			}
			if d < 0 {
				d += len(shape)
			}
			if d < 0 || d >= len(shape) {
				return nil, fmt.Errorf("size: dim %d is out of range for shape %v", d, shape)
			}
			return shape[d], nil
		},
		"dataSync": func(t *tensor.Tensor, _ *argReader) (any, error) { return float32Array(t.Data()), nil },
		"backward": func(t *tensor.Tensor, r *argReader) (any, error) {
			// backward(gradient?, {retainGraph}) or backward({retainGraph}).
			var opt tensor.BackwardOptions
			at := 1
			if g := r.Value(0); isOptionsObject(g) {
				at = 0
			} else if !missing(g) {
				opt.Gradient = r.Tensor(0, "gradient")
			}
			opt.RetainGraph = r.Options(at).Bool("retainGraph", false)
			if err := r.Err(); err != nil {
				return nil, err
			}
			return nil, t.BackwardWith(opt)
		},
		"requiresGrad_": func(t *tensor.Tensor, r *argReader) (any, error) {
			on := r.Bool(0, "requiresGrad", true)
			if err := r.Err(); err != nil {
				return nil, err
			}
			return nil, t.SetRequiresGrad(on)
		},
		"zeroGrad": func(t *tensor.Tensor, _ *argReader) (any, error) { t.ZeroGrad(); return nil, nil },
		"leakyRelu": func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrap(t.LeakyRelu(float32(r.Float(0, "negativeSlope", 0.01)))), nil
		},
		"clamp": func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrap(t.Clamp(clampArgs(r))), nil
		},
		"clamp_": func(t *tensor.Tensor, r *argReader) (any, error) {
			lo, hi := clampArgs(r)
			if err := r.Err(); err != nil {
				return nil, err
			}
			_, err := t.ClampInPlace(lo, hi)
			return nil, err
		},
		"fill_": func(t *tensor.Tensor, r *argReader) (any, error) {
			v := r.Float(0, "value", 0)
			if err := r.Err(); err != nil {
				return nil, err
			}
			_, err := t.FillInPlace(float32(v))
			return nil, err
		},
		"zero_":  func(t *tensor.Tensor, _ *argReader) (any, error) { _, err := t.ZeroInPlace(); return nil, err },
		"var":    b.varStd("var", (*tensor.Tensor).Var),
		"std":    b.varStd("std", (*tensor.Tensor).Std),
		"max":    b.extremum("max", (*tensor.Tensor).MaxDim, (*tensor.Tensor).Amax, (*tensor.Tensor).Maximum),
		"min":    b.extremum("min", (*tensor.Tensor).MinDim, (*tensor.Tensor).Amin, (*tensor.Tensor).Minimum),
		"where":  b.where,
		"argmax": b.argReduce((*tensor.Tensor).Argmax, (*tensor.Tensor).ArgmaxAll),
		"argmin": b.argReduce((*tensor.Tensor).Argmin, (*tensor.Tensor).ArgminAll),
	}
}

// clampArgs reads clamp(min, max) or clamp({min, max}); a missing bound is unbounded.
func clampArgs(r *argReader) (float32, float32) {
	o := r.Options(0, "min", "max")
	return float32(o.Float("min", -3.4e38)), float32(o.Float("max", 3.4e38))
}

// varStd binds var and std: (dim?, {correction = 1, keepdim = false}).
func (b *tensorBindings) varStd(name string, op func(*tensor.Tensor, []int, int, bool) (*tensor.Tensor, error)) tensorMethod {
	return func(t *tensor.Tensor, r *argReader) (any, error) {
		dims, o := r.Dims(0), r.Options(1)
		correction, keep := o.Int("correction", 1), o.Bool("keepdim", false)
		return b.wrapResult(op(t, dims, correction, keep))
	}
}

// extremum binds max and min as PyTorch has them: x.max() is the largest
// element (a 0-d tensor); x.max(dim, keepdim?) is the pair (values,
// indices) along dim, an Array [values, indices] that also has .values
// and .indices, so that both const [v, i] = x.max(1) and x.max(1).values
// work; x.max(other) is the elementwise maximum. A list of dims is an
// error pointing to amax, which reduces over several dims (values only).
func (b *tensorBindings) extremum(name string,
	alongDim func(*tensor.Tensor, int, bool) (*tensor.Tensor, *tensor.Tensor, error),
	all func(*tensor.Tensor, []int, bool) (*tensor.Tensor, error),
	elementwise func(t, u *tensor.Tensor) (*tensor.Tensor, error)) tensorMethod {
	return func(t *tensor.Tensor, r *argReader) (any, error) {
		d := r.Value(0)
		if u, ok := b.unwrap(d); ok {
			return b.wrapResult(elementwise(t, u))
		}
		if missing(d) {
			return b.wrapResult(all(t, nil, false))
		}
		if isArray(d) {
			return nil, fmt.Errorf("%s: dim must be one integer, got a list of %d dims; to reduce over several dims use a%s(dims), which returns the values only (as in PyTorch, %s(dim) takes one dim and also returns the indices)", name, d.Length(), name, name)
		}
		dims, keep := reductionArgs(r)
		if err := r.Err(); err != nil {
			return nil, err
		}
		values, indices, err := alongDim(t, dims[0], keep)
		if err != nil {
			return nil, err
		}
		return b.valuesIndices(name, values, indices), nil
	}
}

// valuesIndices makes PyTorch's (values, indices) result of the op
// called name: an Array of the two tensors with .values and .indices
// properties, and a hidden __ttPair naming the op, by which display shows
// it the way PyTorch prints its return type (pairText).
func (b *tensorBindings) valuesIndices(name string, values, indices *tensor.Tensor) js.Value {
	v, i := b.wrap(values), b.wrap(indices)
	pair := js.Global().Get("Array").New(v, i)
	pair.Set("values", v)
	pair.Set("indices", i)
	hidden := js.Global().Get("Object").New()
	hidden.Set("value", name) // not enumerable: JSON and spreading ignore it
	js.Global().Get("Object").Call("defineProperty", pair, "__ttPair", hidden)
	return pair
}

// pairText prints a (values, indices) pair made by valuesIndices as
// PyTorch prints torch.return_types.max, or reports false for any other
// value.
func pairText(v js.Value) (string, bool) {
	if typeOf(v) != js.TypeObject || typeOf(getProp(v, "__ttPair")) != js.TypeString {
		return "", false
	}
	values, ok1 := tensors.unwrap(getProp(v, "values"))
	indices, ok2 := tensors.unwrap(getProp(v, "indices"))
	if !ok1 || !ok2 {
		return "", false
	}
	return fmt.Sprintf("%s(\nvalues=%s,\nindices=%s)", getProp(v, "__ttPair").String(), values, indices), true
}

// where is x.where(condition, other), PyTorch's Tensor.where: x where
// condition is nonzero, other elsewhere. tt.where(condition, x, other) is
// the function form.
func (b *tensorBindings) where(t *tensor.Tensor, r *argReader) (any, error) {
	if r.Len() < 2 {
		return nil, fmt.Errorf("where: expected (condition, other), got %d arguments", r.Len())
	}
	cond, other := r.Tensor(0, "condition"), r.Tensor(1, "other")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.wrapResult(tensor.Where(cond, t, other))
}

// argReduce binds argmax and argmin: over everything, or along one dim.
func (b *tensorBindings) argReduce(alongDim func(*tensor.Tensor, int, bool) (*tensor.Tensor, error), all func(*tensor.Tensor) (*tensor.Tensor, error)) tensorMethod {
	return func(t *tensor.Tensor, r *argReader) (any, error) {
		if !r.Has(0) {
			return b.wrapResult(all(t))
		}
		dim, keep := r.Int(0, "dim", 0), r.Options(1, "keepdim").Bool("keepdim", false)
		return b.wrapResult(alongDim(t, dim, keep))
	}
}

// properties are read-only attributes of tensors, as in PyTorch.
func (b *tensorBindings) properties() map[string]func(*tensor.Tensor) any {
	return map[string]func(*tensor.Tensor) any{
		"shape":        func(t *tensor.Tensor) any { return intsToJS(t.Shape()) },
		"ndim":         func(t *tensor.Tensor) any { return t.Dim() },
		"dtype":        func(*tensor.Tensor) any { return "float32" },
		"requiresGrad": func(t *tensor.Tensor) any { return t.RequiresGrad() },
		"isLeaf":       func(t *tensor.Tensor) any { return t.IsLeaf() },
		// PyTorch's None is null here (a Go nil would become undefined).
		"gradFn": func(t *tensor.Tensor) any {
			if t.GradFn() == "" {
				return js.Null()
			}
			return t.GradFn()
		},
		"grad": func(t *tensor.Tensor) any {
			if g := t.Grad(); g != nil {
				return b.wrap(g)
			}
			return js.Null()
		},
		"T": func(t *tensor.Tensor) any {
			if t.Dim() < 2 {
				return b.wrap(t)
			}
			u, err := t.Transpose(t.Dim()-2, t.Dim()-1)
			if err != nil {
				return jsError(err)
			}
			return b.wrap(u)
		},
	}
}

// maxNestedArrays bounds the arrays that toArray may build. A shape can
// ask for far more arrays than values: [1e9, 0] holds nothing but nests a
// billion empty arrays, which ran the kernel out of memory.
const maxNestedArrays = 1 << 22

// nestedToJS is toArray, tolist and toJSON: the values as nested
// JavaScript arrays, refused when the nesting alone would be too large.
func nestedToJS(method string, t *tensor.Tensor) (any, error) {
	if n := t.NestedArrays(); n > maxNestedArrays {
		return nil, fmt.Errorf("tensor.%s: shape %s nests %s arrays, more than the %d a cell may build; "+
			"dataSync() gives the values as one flat Float32Array", method, tensor.FormatShape(t.Shape()), countText(n), maxNestedArrays)
	}
	return fromGo(t.ToNested()), nil
}

// countText writes a count, saturated counts as "more than 2^63".
func countText(n int) string {
	if n == math.MaxInt {
		return "more than 2^63"
	}
	return strconv.Itoa(n)
}

// float32Array copies values into a new JavaScript Float32Array.
func float32Array(data []float32) js.Value {
	arr := js.Global().Get("Float32Array").New(len(data))
	for i, v := range data {
		arr.SetIndex(i, v)
	}
	return arr
}
