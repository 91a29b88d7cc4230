//go:build js && wasm

package kernel

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// The transforms of tt.data (see data.go): Compose, Normalize,
// RandomCrop, RandomHorizontalFlip.

// transformResult wraps the transform a binding made, unless r kept an
// error.
func (d *dataBindings) transformResult(r *argReader, t data.Transform) (any, error) {
	if err := r.Err(); err != nil {
		return nil, err
	}
	return d.transform.wrap(t), nil
}

// compose is Compose([t1, t2, …]).
func (d *dataBindings) compose(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.transforms.Compose", args)
	var c data.Compose
	for _, v := range r.Array(0, "an array of transforms") {
		c = append(c, d.transformValue(r, v))
	}
	return d.transformResult(r, c)
}

// normalize is Normalize(mean, std), each a number or an array per channel.
func (d *dataBindings) normalize(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.transforms.Normalize", args)
	mean, std := r.Floats(0, "mean"), r.Floats(1, "std")
	switch {
	case !r.ok():
	case len(mean) == 0 || len(std) == 0:
		r.failf("mean and std must each be a number or an array of numbers per channel, got %d and %d numbers", len(mean), len(std))
	case slices.Contains(std, 0):
		r.failf("std %v contains 0", std)
	}
	return d.transformResult(r, data.Normalize{Mean: float32s(mean), Std: float32s(std)})
}

// float32s converts numbers to float32.
func float32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// randomCrop is RandomCrop(size, {padding, fill}).
func (d *dataBindings) randomCrop(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.transforms.RandomCrop", args)
	size, o := r.NeedInt(0, "size"), r.Options(1)
	pad, fill := o.Int("padding", 0), o.Float("fill", 0)
	if r.ok() && (size <= 0 || pad < 0) {
		r.failf("size %d must be positive and padding %d not negative", size, pad)
	}
	return d.transformResult(r, data.RandomCrop{Size: size, Padding: pad, Fill: float32(fill)})
}

// randomFlip is RandomHorizontalFlip(p = 0.5), or ({p}).
func (d *dataBindings) randomFlip(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.transforms.RandomHorizontalFlip", args)
	p := r.Options(0, "p").Float("p", 0.5)
	if r.ok() && (p < 0 || p > 1) {
		r.failf("p = %v must be between 0 and 1", p)
	}
	if p == 0 {
		return d.transformResult(r, data.TransformFunc(func(x *tensor.Tensor, _ *tensor.Generator) (*tensor.Tensor, error) { return x, nil }))
	}
	return d.transformResult(r, data.RandomHorizontalFlip{P: p})
}

func (d *dataBindings) transformMethods() map[string]binding {
	return map[string]binding{
		// apply(x, {seed}) transforms one [C, H, W] image.
		"apply": kindMethod(d.transform, "transform.apply", func(t data.Transform, _ js.Value, r *argReader) (any, error) {
			x, seed := r.Tensor(0, "x"), seedOption(r.Options(1))
			if err := r.Err(); err != nil {
				return nil, err
			}
			return tensors.wrapResult(t.Apply(x, tensor.NewGenerator(seed)))
		}),
		"toString": kindMethod(d.transform, "transform.toString", func(t data.Transform, _ js.Value, _ *argReader) (any, error) {
			return describeTransform(t), nil
		}),
	}
}

func describeTransform(t data.Transform) string {
	switch v := t.(type) {
	case data.Compose:
		var parts []string
		for _, p := range v {
			parts = append(parts, describeTransform(p))
		}
		return "Compose([" + strings.Join(parts, ", ") + "])"
	case data.Normalize:
		return fmt.Sprintf("Normalize(mean=%v, std=%v)", v.Mean, v.Std)
	case data.RandomCrop:
		return fmt.Sprintf("RandomCrop(%d, padding=%d)", v.Size, v.Padding)
	case data.RandomHorizontalFlip:
		return fmt.Sprintf("RandomHorizontalFlip(p=%v)", v.P)
	}
	return "Transform"
}
