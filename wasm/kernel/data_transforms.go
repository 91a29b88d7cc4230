//go:build js && wasm

package kernel

import (
	"fmt"
	"strings"
	"syscall/js"

	"tinytorch/engine/data"
	"tinytorch/engine/tensor"
)

// The transforms of tt.data (see data.go): Compose, Normalize,
// RandomCrop, RandomHorizontalFlip.

func (d *dataBindings) wrapTransform(t data.Transform) js.Value { return d.wrap(d.transform, t) }

// compose is Compose([t1, t2, …]).
func (d *dataBindings) compose(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.Compose"
	v := arg(args, 0)
	if !isArray(v) {
		return nil, fmt.Errorf("%s: expected an array of transforms, got %s", name, describeJS(v))
	}
	var c data.Compose
	for i := 0; i < v.Length(); i++ {
		t, err := d.transformArg(name, v.Index(i))
		if err != nil {
			return nil, err
		}
		c = append(c, t)
	}
	return d.wrapTransform(c), nil
}

// normalize is Normalize(mean, std), each a number or an array per channel.
func (d *dataBindings) normalize(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.Normalize"
	read := func(i int, what string) ([]float32, error) {
		v := arg(args, i)
		if typeOf(v) == js.TypeNumber {
			return []float32{float32(v.Float())}, nil
		}
		if !isArray(v) || v.Length() == 0 {
			return nil, fmt.Errorf("%s: %s must be a number or an array of numbers per channel, got %s", name, what, describeJS(v))
		}
		out := make([]float32, v.Length())
		for k := range out {
			if typeOf(v.Index(k)) != js.TypeNumber {
				return nil, fmt.Errorf("%s: %s must hold numbers, got %s", name, what, describeJS(v.Index(k)))
			}
			out[k] = float32(v.Index(k).Float())
		}
		return out, nil
	}
	mean, err := read(0, "mean")
	if err != nil {
		return nil, err
	}
	std, err := read(1, "std")
	if err != nil {
		return nil, err
	}
	for _, s := range std {
		if s == 0 {
			return nil, fmt.Errorf("%s: std %v contains 0", name, std)
		}
	}
	return d.wrapTransform(data.Normalize{Mean: mean, Std: std}), nil
}

// randomCrop is RandomCrop(size, {padding, fill}).
func (d *dataBindings) randomCrop(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.RandomCrop"
	size, err := needInt(name, args, 0, "size")
	if err != nil {
		return nil, err
	}
	pad, err := intArg(name, []js.Value{option(args, 1, "padding")}, 0, "padding", 0)
	if err != nil {
		return nil, err
	}
	fill, err := floatArg(name, []js.Value{option(args, 1, "fill")}, 0, "fill", 0)
	if err != nil {
		return nil, err
	}
	if size <= 0 || pad < 0 {
		return nil, fmt.Errorf("%s: size %d must be positive and padding %d not negative", name, size, pad)
	}
	return d.wrapTransform(data.RandomCrop{Size: size, Padding: pad, Fill: float32(fill)}), nil
}

// randomFlip is RandomHorizontalFlip(p = 0.5).
func (d *dataBindings) randomFlip(_ js.Value, args []js.Value) (any, error) {
	const name = "tt.data.transforms.RandomHorizontalFlip"
	p, err := floatArg(name, args, 0, "p", 0.5)
	if err != nil {
		return nil, err
	}
	if p < 0 || p > 1 {
		return nil, fmt.Errorf("%s: p = %v must be between 0 and 1", name, p)
	}
	if p == 0 {
		return d.wrapTransform(data.TransformFunc(func(x *tensor.Tensor, _ *tensor.Generator) (*tensor.Tensor, error) { return x, nil })), nil
	}
	return d.wrapTransform(data.RandomHorizontalFlip{P: p}), nil
}

func (d *dataBindings) transformMethods() map[string]binding {
	return map[string]binding{
		// apply(x, {seed}) transforms one [C, H, W] image.
		"apply": func(this js.Value, args []js.Value) (any, error) {
			const name = "transform.apply"
			t, err := d.transformArg(name, this)
			if err != nil {
				return nil, err
			}
			x, err := tensors.operand(name, arg(args, 0))
			if err != nil {
				return nil, err
			}
			seed, err := seedOption(name, arg(args, 1))
			if err != nil {
				return nil, err
			}
			return tensors.wrapResult(t.Apply(x, tensor.NewGenerator(seed)))
		},
		"toString": func(this js.Value, _ []js.Value) (any, error) {
			t, err := d.transformArg("transform.toString", this)
			if err != nil {
				return nil, err
			}
			return describeTransform(t), nil
		},
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
