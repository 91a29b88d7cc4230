//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// createFunctions are the tt functions that make tensors.
func (b *tensorBindings) createFunctions() map[string]binding {
	shaped := func(name string, make func(...int) (*tensor.Tensor, error)) binding {
		return func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt."+name, args)
			shape, grad := r.Ints(0, "sizes"), requiresGrad(r.LastOptions())
			if err := r.Err(); err != nil {
				return nil, err
			}
			return b.made(r.name, grad)(make(shape...))
		}
	}
	like := func(name string, make func(*tensor.Tensor) *tensor.Tensor) binding {
		return func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt."+name, args)
			t := r.Tensor(0, "x")
			if err := r.Err(); err != nil {
				return nil, err
			}
			return b.wrap(make(t)), nil
		}
	}
	return map[string]binding{
		"tensor":      b.create,
		"zeros":       shaped("zeros", tensor.Zeros),
		"ones":        shaped("ones", tensor.Ones),
		"rand":        shaped("rand", tensor.Rand),
		"randn":       shaped("randn", tensor.Randn),
		"zerosLike":   like("zerosLike", tensor.ZerosLike),
		"onesLike":    like("onesLike", tensor.OnesLike),
		"randLike":    like("randLike", tensor.RandLike),
		"randnLike":   like("randnLike", tensor.RandnLike),
		"full":        b.full,
		"arange":      b.arange,
		"linspace":    b.linspace,
		"eye":         b.eye,
		"randint":     b.randint,
		"fullLike":    b.fullLike,
		"randintLike": b.randintLike,
	}
}

// requiresGrad reads the {requiresGrad} option of the functions that
// make tensors.
func requiresGrad(o *optReader) bool { return o.Bool("requiresGrad", false) }

// made returns the result of an engine call that made a tensor: the
// tensor wrapped, with requiresGrad set when grad, or the error with
// the function's name in place of the engine's "tensor: ".
func (b *tensorBindings) made(name string, grad bool) func(t *tensor.Tensor, err error) (any, error) {
	return func(t *tensor.Tensor, err error) (any, error) {
		if err != nil {
			return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "tensor: "))
		}
		if grad {
			if err := t.SetRequiresGrad(true); err != nil {
				return nil, err
			}
		}
		return b.wrap(t), nil
	}
}

// fullLike is tt.fullLike(x, value, {requiresGrad}): value in x's shape.
func (b *tensorBindings) fullLike(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.fullLike", args)
	t := r.Tensor(0, "x")
	if r.ok() && !r.Has(1) {
		r.failf("missing the fill value, as in tt.fullLike(x, 0.5)")
	}
	v, grad := r.Float(1, "value", 0), requiresGrad(r.Options(2))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, grad)(tensor.FullLike(t, float32(v)), nil)
}

// randintLike is tt.randintLike(x, high) or tt.randintLike(x, low, high),
// as torch.randint_like: whole numbers in [low, high) (low defaults to 0)
// in x's shape.
func (b *tensorBindings) randintLike(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.randintLike", args)
	t := r.Tensor(0, "x")
	bounds := make([]int, len(r.Positional(1)))
	for i := range bounds {
		bounds[i] = r.NeedInt(1+i, "bound")
	}
	r.LastOptions()
	low, high := 0, 0
	switch len(bounds) {
	case 1:
		high = bounds[0]
	case 2:
		low, high = bounds[0], bounds[1]
	default:
		r.failf("expected (x, high) or (x, low, high), got %d bounds", len(bounds))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	out, err := tensor.RandintLike(t, low, high)
	if err != nil {
		return nil, fmt.Errorf("tt.%w", err) // "tt.randintLike: range …"
	}
	return b.wrap(out), nil
}

// create is tt.tensor(data, {requiresGrad}): a tensor from a number or a
// nested array (or typed array) of numbers.
func (b *tensorBindings) create(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.tensor", args)
	if r.Len() == 0 {
		return nil, errorf("tt.tensor: got 0 arguments, expected a number or a nested array of numbers")
	}
	grad := requiresGrad(r.Options(1))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, grad)(tensor.FromNested(toGo(args[0])))
}

// full is tt.full(shape, value).
func (b *tensorBindings) full(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.full", args)
	shape, v, grad := r.IntList(0, "shape"), r.Float(1, "value", 0), requiresGrad(r.Options(2))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, grad)(tensor.Full(float32(v), shape...))
}

// arange is tt.arange(end) or tt.arange(start, end, step = 1).
func (b *tensorBindings) arange(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.arange", args)
	nums := make([]float64, len(r.Positional(0)))
	for i := range nums {
		nums[i] = r.Float(i, "bounds", 0)
	}
	grad := requiresGrad(r.LastOptions())
	start, end, step := 0.0, 0.0, 1.0
	switch len(nums) {
	case 1:
		end = nums[0]
	case 2:
		start, end = nums[0], nums[1]
	case 3:
		start, end, step = nums[0], nums[1], nums[2]
	default:
		r.failf("expected (end), (start, end) or (start, end, step), got %d numbers", len(nums))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, grad)(tensor.Arange(start, end, step))
}

// linspace is tt.linspace(start, end, steps).
func (b *tensorBindings) linspace(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.linspace", args)
	start, end, steps := r.Float(0, "start", 0), r.Float(1, "end", 0), r.NeedInt(2, "steps")
	grad := requiresGrad(r.Options(3))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, grad)(tensor.Linspace(start, end, steps))
}

// eye is tt.eye(n) or tt.eye(rows, cols).
func (b *tensorBindings) eye(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.eye", args)
	rows := r.NeedInt(0, "n")
	cols := r.Int(1, "m", rows)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, false)(tensor.Eye(rows, cols))
}

// randint is tt.randint(low, high, shape).
func (b *tensorBindings) randint(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.randint", args)
	low, high, shape := r.NeedInt(0, "low"), r.NeedInt(1, "high"), r.IntList(2, "shape")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.made(r.name, false)(tensor.Randint(low, high, shape...))
}

// combineFunctions are the tt functions of several tensors.
func (b *tensorBindings) combineFunctions() map[string]binding {
	joined := func(name string, op func([]*tensor.Tensor, int) (*tensor.Tensor, error)) binding {
		return func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt."+name, args)
			ts, dim := r.Tensors(0, "tt."+name), r.Int(1, "dim", 0)
			if err := r.Err(); err != nil {
				return nil, err
			}
			return b.wrapResult(op(ts, dim))
		}
	}
	return map[string]binding{
		"cat":   joined("cat", tensor.Cat),
		"stack": joined("stack", tensor.Stack),
		"where": func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt.where", args)
			cond, x, y := r.Tensor(0, "condition"), r.Tensor(1, "input"), r.Tensor(2, "other")
			if err := r.Err(); err != nil {
				return nil, err
			}
			return b.wrapResult(tensor.Where(cond, x, y))
		},
		"oneHot": func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt.oneHot", args)
			index, n := r.Tensor(0, "index"), r.NeedInt(1, "numClasses")
			if err := r.Err(); err != nil {
				return nil, err
			}
			if n <= 0 {
				// PyTorch's -1 infers the count from the largest index;
				// an empty or all-negative index gives none. The count is
				// passed on, as the engine's own guess overflows on an
				// infinite index (int(+Inf) + 1), which it then refuses.
				largest := -1
				for _, v := range index.Data() {
					if !math.IsInf(float64(v), 0) && !math.IsNaN(float64(v)) {
						largest = max(largest, int(v))
					}
				}
				if largest < 0 {
					return nil, fmt.Errorf("tt.oneHot: cannot infer the number of classes from an index of shape %s with no index ≥ 0; pass numClasses", nn.ShapeString(index.Shape()))
				}
				n = largest + 1
			}
			return b.wrapResult(tensor.OneHot(index, n))
		},
		"manualSeed": func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt.manualSeed", args)
			seed := r.NeedInt(0, "seed")
			if r.ok() && seed < 0 {
				r.failf("the seed must be ≥ 0, got %d", seed)
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			tensor.ManualSeed(uint64(seed))
			return nil, nil
		},
		"noGrad": func(_ js.Value, args []js.Value) (any, error) {
			r := readArgs("tt.noGrad", args)
			fn := r.Func(0, "the argument")
			if err := r.Err(); err != nil {
				return nil, err
			}
			var result js.Value
			var err error
			tensor.NoGrad(func() { result, err = callJSAsIs(fn) })
			return result, err
		},
	}
}
