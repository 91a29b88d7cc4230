//go:build js && wasm

package kernel

import (
	"tinytorch/engine/tensor"
)

// layoutMethods bind the view, indexing and dimension-wise ops.
func (b *tensorBindings) layoutMethods() map[string]tensorMethod {
	shapeOp := func(op func(*tensor.Tensor, ...int) (*tensor.Tensor, error)) tensorMethod {
		return func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrapResult(op(t, r.Ints(0, "sizes")...))
		}
	}
	dimOp := func(op func(*tensor.Tensor, int) (*tensor.Tensor, error)) tensorMethod {
		return func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrapResult(op(t, r.NeedInt(0, "dim")))
		}
	}
	indexOp := func(op func(*tensor.Tensor, int, *tensor.Tensor) (*tensor.Tensor, error)) tensorMethod {
		return func(t *tensor.Tensor, r *argReader) (any, error) {
			d, index := r.NeedInt(0, "dim"), r.Tensor(1, "index")
			if err := r.Err(); err != nil {
				return nil, err
			}
			return b.wrapResult(op(t, d, index))
		}
	}
	return map[string]tensorMethod{
		"reshape":     shapeOp((*tensor.Tensor).Reshape),
		"view":        shapeOp((*tensor.Tensor).View),
		"permute":     shapeOp((*tensor.Tensor).Permute),
		"expand":      shapeOp((*tensor.Tensor).Expand),
		"squeeze":     shapeOp((*tensor.Tensor).Squeeze),
		"unsqueeze":   dimOp((*tensor.Tensor).Unsqueeze),
		"softmax":     dimOp((*tensor.Tensor).Softmax),
		"logSoftmax":  dimOp((*tensor.Tensor).LogSoftmax),
		"gather":      indexOp((*tensor.Tensor).Gather),
		"indexSelect": indexOp((*tensor.Tensor).IndexSelect),
		"flatten": func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrapResult(t.Flatten(r.Int(0, "startDim", 0), r.Int(1, "endDim", -1)))
		},
		"transpose": func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrapResult(t.Transpose(r.NeedInt(0, "dim0"), r.NeedInt(1, "dim1")))
		},
		"t": func(t *tensor.Tensor, _ *argReader) (any, error) {
			if t.Dim() < 2 {
				return b.wrap(t), nil
			}
			return b.wrapResult(t.Transpose(0, 1))
		},
		"narrow": func(t *tensor.Tensor, r *argReader) (any, error) {
			ints := r.Ints(0, "dim, start and length")
			if r.ok() && len(ints) != 3 {
				r.failf("expected (dim, start, length), got %d numbers", len(ints))
			}
			if err := r.Err(); err != nil {
				return nil, err
			}
			return b.wrapResult(t.Narrow(ints[0], ints[1], ints[2]))
		},
		"slice": func(t *tensor.Tensor, r *argReader) (any, error) {
			d, start := r.NeedInt(0, "dim"), r.Int(1, "start", 0)
			end := r.Int(2, "end", maxSafeInteger) // the engine clamps it to the size
			return b.wrapResult(t.Slice(d, start, end, r.Int(3, "step", 1)))
		},
		"select": func(t *tensor.Tensor, r *argReader) (any, error) {
			return b.wrapResult(t.Select(r.NeedInt(0, "dim"), r.NeedInt(1, "index")))
		},
		"unfold": b.unfold,
		"pad": func(t *tensor.Tensor, r *argReader) (any, error) {
			pads := r.IntList(0, "pads")
			return b.wrapResult(t.Pad(pads, float32(r.Float(1, "value", 0))))
		},
	}
}

// unfold is x.unfold(kernelSize, {stride, padding, dilation}): im2col, as
// torch.nn.functional.unfold. Each size is a number or [height, width].
func (b *tensorBindings) unfold(t *tensor.Tensor, r *argReader) (any, error) {
	if !r.Has(0) {
		return nil, errorf("unfold: missing the kernel size, such as x.unfold(3) or x.unfold([3, 5], {stride: 2})")
	}
	o := r.Options(1)
	w := tensor.Window{Kernel: r.Pair(0, "kernelSize", 0), Stride: o.Pair("stride", 1),
		Padding: o.Pair("padding", 0), Dilation: o.Pair("dilation", 1)}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return b.wrapResult(t.Unfold(w))
}
