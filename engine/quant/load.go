package quant

import (
	"fmt"
	"slices"

	"tinytorch/engine/checkpoint"
	"tinytorch/engine/nn"
)

// reader rebuilds a quantized model from a file, remembering which
// tensors it used.
type reader struct {
	file *checkpoint.File
	used map[string]bool
}

// rebuild walks the float architecture as Convert does.
func (r *reader) rebuild(path string, m nn.Module) (nn.Module, error) {
	switch l := m.(type) {
	case *nn.Linear:
		w, bias, in, err := r.layer(path, []int{l.Out, l.In}, l.Bias != nil)
		if err != nil {
			return nil, err
		}
		return NewLinearFrom(w, bias, in)
	case *nn.Conv2d:
		w, bias, in, err := r.layer(path, l.Weight.Shape(), l.Bias != nil)
		if err != nil {
			return nil, err
		}
		return NewConv2dFrom(w, bias, in, l.Opts)
	case *nn.Sequential:
		s := nn.NewSequential()
		for _, c := range l.Children() {
			q, err := r.rebuild(join(path, c.Path), c.Module)
			if err != nil {
				return nil, err
			}
			s.AppendNamed(c.Path, q)
		}
		return s, nil
	}
	return m, nil
}

// entry finds a tensor, checks its dtype and shape, and marks it used.
func (r *reader) entry(name string, dtype checkpoint.DType, shape []int) (checkpoint.Entry, error) {
	e, ok := r.file.Find(name)
	if !ok {
		return e, fmt.Errorf("quant.Load: %q is missing from the file; expected a %s tensor of shape %s", name, dtype, shapeString(shape))
	}
	if e.DType != dtype || (shape != nil && !slices.Equal(e.Shape, shape)) {
		return e, fmt.Errorf("quant.Load: %q is %s %s; expected %s %s", name, e.DType, shapeString(e.Shape), dtype, shapeString(shape))
	}
	r.used[name] = true
	return e, nil
}

// layer reads one layer's weight, bias and input params.
func (r *reader) layer(path string, shape []int, hasBias bool) (*QTensor, []float32, Params, error) {
	key := func(s string) string { return join(path, s) }
	fail := func(err error) (*QTensor, []float32, Params, error) { return nil, nil, Params{}, err }
	we, err := r.entry(key("weight"), checkpoint.I8, shape)
	if err != nil {
		return fail(err)
	}
	bits, err := r.ints(key("bits"), []int{2})
	if err != nil {
		return fail(err)
	}
	se, ok := r.file.Find(key("weight_scale"))
	var scaleShape []int
	if ok && len(se.Shape) == 1 {
		scaleShape = []int{shape[0]}
	}
	wp, err := r.params(key("weight_scale"), key("weight_zero_point"), scaleShape, int(bits[0]))
	if err != nil {
		return fail(err)
	}
	in, err := r.params(key("input_scale"), key("input_zero_point"), []int{}, int(bits[1]))
	if err != nil {
		return fail(err)
	}
	wv, _ := we.Int8()
	w := &QTensor{Data: wv, Shape: shape, Params: wp}
	var bias []float32
	if hasBias {
		be, err := r.entry(key("bias"), checkpoint.F32, []int{shape[0]})
		if err != nil {
			return fail(err)
		}
		if bias, err = be.Float32(); err != nil {
			return fail(err)
		}
	}
	return w, bias, in, nil
}

// params reads a scale and zero point pair; scaleShape [] means per
// tensor, [c] per channel along axis 0.
func (r *reader) params(scaleKey, zeroKey string, scaleShape []int, bits int) (Params, error) {
	if scaleShape == nil {
		scaleShape = []int{}
	}
	se, err := r.entry(scaleKey, checkpoint.F32, scaleShape)
	if err != nil {
		return Params{}, err
	}
	scale, err := se.Float32()
	if err != nil {
		return Params{}, err
	}
	zero, err := r.ints(zeroKey, scaleShape)
	if err != nil {
		return Params{}, err
	}
	p := Params{Scale: scale, ZeroPoint: zero, Axis: -1, Bits: bits}
	if len(scaleShape) == 1 {
		p.Axis = 0
	}
	return p, nil
}

// ints reads an I32 tensor of the given shape.
func (r *reader) ints(name string, shape []int) ([]int32, error) {
	e, err := r.entry(name, checkpoint.I32, shape)
	if err != nil {
		return nil, err
	}
	return e.Int32()
}
