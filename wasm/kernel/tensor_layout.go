//go:build js && wasm

package kernel

import (
	"syscall/js"

	"tinytorch/engine/tensor"
)

// layoutMethods bind the view, indexing and dimension-wise ops.
func (b *tensorBindings) layoutMethods() map[string]func(*tensor.Tensor, []js.Value) (any, error) {
	shapeOp := func(name string, op func(*tensor.Tensor, ...int) (*tensor.Tensor, error)) func(*tensor.Tensor, []js.Value) (any, error) {
		return func(t *tensor.Tensor, args []js.Value) (any, error) {
			ints, err := intsFrom(name, args, 0, "sizes")
			if err != nil {
				return nil, err
			}
			return b.wrapResult(op(t, ints...))
		}
	}
	dimOp := func(name string, op func(*tensor.Tensor, int) (*tensor.Tensor, error)) func(*tensor.Tensor, []js.Value) (any, error) {
		return func(t *tensor.Tensor, args []js.Value) (any, error) {
			d, err := needInt(name, args, 0, "dim")
			if err != nil {
				return nil, err
			}
			return b.wrapResult(op(t, d))
		}
	}
	indexOp := func(name string, op func(*tensor.Tensor, int, *tensor.Tensor) (*tensor.Tensor, error)) func(*tensor.Tensor, []js.Value) (any, error) {
		return func(t *tensor.Tensor, args []js.Value) (any, error) {
			d, err := needInt(name, args, 0, "dim")
			if err != nil {
				return nil, err
			}
			index, err := b.operand(name, arg(args, 1))
			if err != nil {
				return nil, err
			}
			return b.wrapResult(op(t, d, index))
		}
	}
	return map[string]func(*tensor.Tensor, []js.Value) (any, error){
		"reshape":     shapeOp("reshape", (*tensor.Tensor).Reshape),
		"view":        shapeOp("view", (*tensor.Tensor).View),
		"permute":     shapeOp("permute", (*tensor.Tensor).Permute),
		"expand":      shapeOp("expand", (*tensor.Tensor).Expand),
		"squeeze":     shapeOp("squeeze", (*tensor.Tensor).Squeeze),
		"unsqueeze":   dimOp("unsqueeze", (*tensor.Tensor).Unsqueeze),
		"softmax":     dimOp("softmax", (*tensor.Tensor).Softmax),
		"logSoftmax":  dimOp("logSoftmax", (*tensor.Tensor).LogSoftmax),
		"gather":      indexOp("gather", (*tensor.Tensor).Gather),
		"indexSelect": indexOp("indexSelect", (*tensor.Tensor).IndexSelect),
		"flatten": func(t *tensor.Tensor, args []js.Value) (any, error) {
			start, err := intArg("flatten", args, 0, "startDim", 0)
			if err != nil {
				return nil, err
			}
			end, err := intArg("flatten", args, 1, "endDim", -1)
			if err != nil {
				return nil, err
			}
			return b.wrapResult(t.Flatten(start, end))
		},
		"transpose": func(t *tensor.Tensor, args []js.Value) (any, error) {
			d0, err := needInt("transpose", args, 0, "dim0")
			if err != nil {
				return nil, err
			}
			d1, err := needInt("transpose", args, 1, "dim1")
			if err != nil {
				return nil, err
			}
			return b.wrapResult(t.Transpose(d0, d1))
		},
		"t": func(t *tensor.Tensor, _ []js.Value) (any, error) {
			if t.Dim() < 2 {
				return b.wrap(t), nil
			}
			return b.wrapResult(t.Transpose(0, 1))
		},
		"narrow": func(t *tensor.Tensor, args []js.Value) (any, error) {
			ints, err := intsFrom("narrow", args, 0, "dim, start and length")
			if err == nil && len(ints) != 3 {
				return nil, errorf("narrow: expected (dim, start, length), got %d numbers", len(ints))
			}
			if err != nil {
				return nil, err
			}
			return b.wrapResult(t.Narrow(ints[0], ints[1], ints[2]))
		},
		"slice": func(t *tensor.Tensor, args []js.Value) (any, error) {
			d, err := needInt("slice", args, 0, "dim")
			if err != nil {
				return nil, err
			}
			start, err := intArg("slice", args, 1, "start", 0)
			if err != nil {
				return nil, err
			}
			end, err := intArg("slice", args, 2, "end", maxSafeInteger) // the engine clamps it to the size
			if err != nil {
				return nil, err
			}
			step, err := intArg("slice", args, 3, "step", 1)
			if err != nil {
				return nil, err
			}
			return b.wrapResult(t.Slice(d, start, end, step))
		},
		"select": func(t *tensor.Tensor, args []js.Value) (any, error) {
			d, err := needInt("select", args, 0, "dim")
			if err != nil {
				return nil, err
			}
			i, err := needInt("select", args, 1, "index")
			if err != nil {
				return nil, err
			}
			return b.wrapResult(t.Select(d, i))
		},
		"unfold": b.unfold,
		"pad": func(t *tensor.Tensor, args []js.Value) (any, error) {
			pads, err := intsFrom("pad", []js.Value{arg(args, 0)}, 0, "pads")
			if err != nil {
				return nil, err
			}
			value, err := floatArg("pad", args, 1, "value", 0)
			if err != nil {
				return nil, err
			}
			return b.wrapResult(t.Pad(pads, float32(value)))
		},
	}
}

// unfold is x.unfold(kernelSize, {stride, padding, dilation}): im2col, as
// torch.nn.functional.unfold. Each size is a number or [height, width].
func (b *tensorBindings) unfold(t *tensor.Tensor, args []js.Value) (any, error) {
	const name = "unfold"
	pair := func(v js.Value, what string, def int) ([2]int, error) {
		if v.IsUndefined() || v.IsNull() {
			return [2]int{def, def}, nil
		}
		if typeOf(v) == js.TypeNumber {
			n, err := intArg(name, []js.Value{v}, 0, what, def)
			return [2]int{n, n}, err
		}
		ints, err := intsFrom(name, []js.Value{v}, 0, what)
		if err == nil && len(ints) != 2 {
			err = errorf("%s: %s must be a number or [height, width], got %d numbers", name, what, len(ints))
		}
		if err != nil {
			return [2]int{}, err
		}
		return [2]int{ints[0], ints[1]}, nil
	}
	if arg(args, 0).IsUndefined() {
		return nil, errorf("%s: missing the kernel size, such as x.unfold(3) or x.unfold([3, 5], {stride: 2})", name)
	}
	var w tensor.Window
	var err error
	if w.Kernel, err = pair(arg(args, 0), "kernelSize", 0); err != nil {
		return nil, err
	}
	if w.Stride, err = pair(option(args, 1, "stride"), "stride", 1); err != nil {
		return nil, err
	}
	if w.Padding, err = pair(option(args, 1, "padding"), "padding", 0); err != nil {
		return nil, err
	}
	if w.Dilation, err = pair(option(args, 1, "dilation"), "dilation", 1); err != nil {
		return nil, err
	}
	return b.wrapResult(t.Unfold(w))
}
