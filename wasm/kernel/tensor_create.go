//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/nn"
	"tinytorch/engine/tensor"
)

// createFunctions are the tt functions that make tensors.
func (b *tensorBindings) createFunctions() map[string]binding {
	shaped := func(name string, make func(...int) (*tensor.Tensor, error)) binding {
		return func(_ js.Value, args []js.Value) (any, error) {
			shape, opts := splitOptions(args)
			ints, err := intsFrom("tt."+name, shape, 0, "sizes")
			if err != nil {
				return nil, err
			}
			t, err := make(ints...)
			return b.finishCreate("tt."+name, t, err, opts)
		}
	}
	like := func(name string, make func(*tensor.Tensor) *tensor.Tensor) binding {
		return func(_ js.Value, args []js.Value) (any, error) {
			t, err := b.operand("tt."+name, arg(args, 0))
			if err != nil {
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

// fullLike is tt.fullLike(x, value, {requiresGrad}): value in x's shape.
func (b *tensorBindings) fullLike(_ js.Value, args []js.Value) (any, error) {
	t, err := b.operand("tt.fullLike", arg(args, 0))
	if err != nil {
		return nil, err
	}
	if arg(args, 1).IsUndefined() {
		return nil, fmt.Errorf("tt.fullLike: missing the fill value, as in tt.fullLike(x, 0.5)")
	}
	v, err := floatArg("tt.fullLike", args, 1, "value", 0)
	if err != nil {
		return nil, err
	}
	return b.finishCreate("tt.fullLike", tensor.FullLike(t, float32(v)), nil, arg(args, 2))
}

// randintLike is tt.randintLike(x, high) or tt.randintLike(x, low, high),
// as torch.randint_like: whole numbers in [low, high) (low defaults to 0)
// in x's shape.
func (b *tensorBindings) randintLike(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.randintLike"
	t, err := b.operand(name, arg(args, 0))
	if err != nil {
		return nil, err
	}
	pos, _ := splitOptions(args[min(1, len(args)):])
	bounds := make([]int, len(pos))
	for i := range pos {
		if bounds[i], err = needInt(name, pos, i, "bound"); err != nil {
			return nil, err
		}
	}
	low, high := 0, 0
	switch len(bounds) {
	case 1:
		high = bounds[0]
	case 2:
		low, high = bounds[0], bounds[1]
	default:
		return nil, fmt.Errorf("%s: expected (x, high) or (x, low, high), got %d bounds", name, len(bounds))
	}
	r, err := tensor.RandintLike(t, low, high)
	if err != nil {
		return nil, fmt.Errorf("tt.%w", err) // "tt.randintLike: range …"
	}
	return b.wrap(r), nil
}

// splitOptions separates a trailing options object ({requiresGrad}) from
// positional arguments.
func splitOptions(args []js.Value) ([]js.Value, js.Value) {
	if n := len(args); n > 0 && typeOf(args[n-1]) == js.TypeObject && !isArray(args[n-1]) {
		return args[:n-1], args[n-1]
	}
	return args, js.Undefined()
}

// finishCreate applies {requiresGrad: true} and wraps the new tensor.
func (b *tensorBindings) finishCreate(name string, t *tensor.Tensor, err error, opts js.Value) (any, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "tensor: "))
	}
	if typeOf(opts) == js.TypeObject && getProp(opts, "requiresGrad").Truthy() {
		if err := t.SetRequiresGrad(true); err != nil {
			return nil, err
		}
	}
	return b.wrap(t), nil
}

// create is tt.tensor(data, {requiresGrad}): a tensor from a number or a
// nested array (or typed array) of numbers.
func (b *tensorBindings) create(_ js.Value, args []js.Value) (any, error) {
	if err := needArgs("tt.tensor", args, 1, "a number or a nested array of numbers"); err != nil {
		return nil, err
	}
	t, err := tensor.FromNested(toGo(args[0]))
	return b.finishCreate("tt.tensor", t, err, arg(args, 1))
}

// full is tt.full(shape, value).
func (b *tensorBindings) full(_ js.Value, args []js.Value) (any, error) {
	shape, err := intsFrom("tt.full", []js.Value{arg(args, 0)}, 0, "shape")
	if err != nil {
		return nil, err
	}
	v, err := floatArg("tt.full", args, 1, "value", 0)
	if err != nil {
		return nil, err
	}
	t, err := tensor.Full(float32(v), shape...)
	return b.finishCreate("tt.full", t, err, arg(args, 2))
}

// arange is tt.arange(end) or tt.arange(start, end, step = 1).
func (b *tensorBindings) arange(_ js.Value, args []js.Value) (any, error) {
	pos, opts := splitOptions(args)
	nums := make([]float64, len(pos))
	for i := range pos {
		v, err := floatArg("tt.arange", pos, i, "bounds", 0)
		if err != nil {
			return nil, err
		}
		nums[i] = v
	}
	start, end, step := 0.0, 0.0, 1.0
	switch len(nums) {
	case 1:
		end = nums[0]
	case 2:
		start, end = nums[0], nums[1]
	case 3:
		start, end, step = nums[0], nums[1], nums[2]
	default:
		return nil, fmt.Errorf("tt.arange: expected (end), (start, end) or (start, end, step), got %d numbers", len(nums))
	}
	t, err := tensor.Arange(start, end, step)
	return b.finishCreate("tt.arange", t, err, opts)
}

// linspace is tt.linspace(start, end, steps).
func (b *tensorBindings) linspace(_ js.Value, args []js.Value) (any, error) {
	start, err := floatArg("tt.linspace", args, 0, "start", 0)
	if err != nil {
		return nil, err
	}
	end, err := floatArg("tt.linspace", args, 1, "end", 0)
	if err != nil {
		return nil, err
	}
	steps, err := needInt("tt.linspace", args, 2, "steps")
	if err != nil {
		return nil, err
	}
	t, err := tensor.Linspace(start, end, steps)
	return b.finishCreate("tt.linspace", t, err, arg(args, 3))
}

// eye is tt.eye(n) or tt.eye(rows, cols).
func (b *tensorBindings) eye(_ js.Value, args []js.Value) (any, error) {
	rows, err := needInt("tt.eye", args, 0, "n")
	if err != nil {
		return nil, err
	}
	cols, err := intArg("tt.eye", args, 1, "m", rows)
	if err != nil {
		return nil, err
	}
	t, err := tensor.Eye(rows, cols)
	return b.finishCreate("tt.eye", t, err, js.Undefined())
}

// randint is tt.randint(low, high, shape).
func (b *tensorBindings) randint(_ js.Value, args []js.Value) (any, error) {
	low, err := needInt("tt.randint", args, 0, "low")
	if err != nil {
		return nil, err
	}
	high, err := needInt("tt.randint", args, 1, "high")
	if err != nil {
		return nil, err
	}
	shape, err := intsFrom("tt.randint", []js.Value{arg(args, 2)}, 0, "shape")
	if err != nil {
		return nil, err
	}
	t, err := tensor.Randint(low, high, shape...)
	return b.finishCreate("tt.randint", t, err, js.Undefined())
}

// combineFunctions are the tt functions of several tensors.
func (b *tensorBindings) combineFunctions() map[string]binding {
	joined := func(name string, op func([]*tensor.Tensor, int) (*tensor.Tensor, error)) binding {
		return func(_ js.Value, args []js.Value) (any, error) {
			ts, err := b.operands("tt."+name, arg(args, 0))
			if err != nil {
				return nil, err
			}
			dim, err := intArg("tt."+name, args, 1, "dim", 0)
			if err != nil {
				return nil, err
			}
			return b.wrapResult(op(ts, dim))
		}
	}
	return map[string]binding{
		"cat":   joined("cat", tensor.Cat),
		"stack": joined("stack", tensor.Stack),
		"where": func(_ js.Value, args []js.Value) (any, error) {
			var ops [3]*tensor.Tensor
			for i := range ops {
				t, err := b.operand("tt.where", arg(args, i))
				if err != nil {
					return nil, err
				}
				ops[i] = t
			}
			return b.wrapResult(tensor.Where(ops[0], ops[1], ops[2]))
		},
		"oneHot": func(_ js.Value, args []js.Value) (any, error) {
			index, err := b.operand("tt.oneHot", arg(args, 0))
			if err != nil {
				return nil, err
			}
			n, err := needInt("tt.oneHot", args, 1, "numClasses")
			if err != nil {
				return nil, err
			}
			if n <= 0 {
				// PyTorch's -1 infers the count from the largest index;
				// an empty or all-negative index gives none.
				largest := -1
				for _, v := range index.Data() {
					largest = max(largest, int(v))
				}
				if largest < 0 {
					return nil, fmt.Errorf("tt.oneHot: cannot infer the number of classes from an index of shape %s with no index ≥ 0; pass numClasses", nn.ShapeString(index.Shape()))
				}
			}
			return b.wrapResult(tensor.OneHot(index, n))
		},
		"manualSeed": func(_ js.Value, args []js.Value) (any, error) {
			seed, err := needInt("tt.manualSeed", args, 0, "seed")
			if err != nil {
				return nil, err
			}
			if seed < 0 {
				return nil, fmt.Errorf("tt.manualSeed: the seed must be ≥ 0, got %d", seed)
			}
			tensor.ManualSeed(uint64(seed))
			return nil, nil
		},
		"noGrad": func(_ js.Value, args []js.Value) (any, error) {
			fn := arg(args, 0)
			if typeOf(fn) != js.TypeFunction {
				return nil, fmt.Errorf("tt.noGrad: expected a function, got %s", describeJS(fn))
			}
			var result js.Value
			var err error
			tensor.NoGrad(func() { result, err = callJSAsIs(fn) })
			return result, err
		},
	}
}
