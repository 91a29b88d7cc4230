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
			end, err := intArg("slice", args, 2, "end", t.Shape()[max(0, min(d, t.Dim()-1))])
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
