//go:build js && wasm

package kernel

import (
	"fmt"
	"syscall/js"

	"tinytorch/engine/data"
)

// Data a cell brings itself (see data.go): datasets written in
// JavaScript, and tt.data.toTensor for raw pixels.

// jsDataset is a dataset a cell writes itself, PyTorch's map-style Dataset
// with __len__ and __getitem__: any object with a length (a number or a
// getter) and a method get(i) returning the item i as {x, y} or [x, y],
// each a tensor, a number or a nested array of numbers (y may be left
// out). An optional classes array names the labels. TinyTorch calls the
// item method get, as tt's own datasets do, rather than __getitem__.
type jsDataset struct{ v js.Value }

// customDataset checks that v is such an object.
func customDataset(v js.Value) (data.Dataset, error) {
	const want = "a dataset: one of tt.data's (such as tt.data.TensorDataset(x, y)), or an object with a length and get(i) returning {x, y}"
	if kindOf(v) != kindObject {
		return nil, fmt.Errorf("expected %s; got %s", want, describeJS(v))
	}
	if _, err := jsLength(v); err != nil {
		return nil, fmt.Errorf("expected %s; the object's length: %v", want, err)
	}
	if get, err := jsProperty(v, "get"); err != nil || kindOf(get) != kindFunction {
		for _, other := range []string{"getItem", "__getitem__", "at", "item"} {
			if m, err := jsProperty(v, other); err == nil && kindOf(m) == kindFunction {
				return nil, fmt.Errorf("expected %s; the object has %s(i) but no get(i): name the item method get", want, other)
			}
		}
		return nil, fmt.Errorf("expected %s; the object has no get(i) method", want)
	}
	return jsDataset{v}, nil
}

// jsProperty reads v[key]; a getter that throws gives an error.
func jsProperty(v js.Value, key string) (p js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = js.Undefined(), fmt.Errorf("reading %s threw: %v", key, errText(asJSError(r)))
		}
	}()
	return getProp(v, key), nil
}

// jsLength reads a custom dataset's length, which must be a whole number
// ≥ 0.
func jsLength(v js.Value) (int, error) {
	n, err := jsProperty(v, "length")
	if err != nil {
		return 0, err
	}
	if typeOf(n) != js.TypeNumber || n.Float() < 0 || n.Float() != float64(int(n.Float())) {
		return 0, fmt.Errorf("length must be a whole number ≥ 0, got %s", describeJS(n))
	}
	return n.Int(), nil
}

// Len reads the object's length again each time (it may be a getter); a
// length that has become invalid counts as empty.
func (j jsDataset) Len() int {
	n, err := jsLength(j.v)
	if err != nil {
		return 0
	}
	return n
}

// Item calls get(i) and reads its {x, y}.
func (j jsDataset) Item(i int) (data.Sample, error) {
	if n := j.Len(); i < 0 || i >= n {
		return data.Sample{}, fmt.Errorf("dataset.get: index %d is out of range for a dataset of %d items", i, n)
	}
	v, err := callMethod(j.v, "get", i)
	if err != nil {
		return data.Sample{}, fmt.Errorf("dataset.get(%d) threw: %s", i, errText(err))
	}
	return sampleFromJS(fmt.Sprintf("dataset.get(%d)", i), v)
}

// classes is the object's classes array of strings, if it has one.
func (j jsDataset) classes() []string {
	c, err := jsProperty(j.v, "classes")
	if err != nil || !isArray(c) {
		return nil
	}
	out := make([]string, c.Length())
	for i := range out {
		if typeOf(c.Index(i)) != js.TypeString {
			return nil
		}
		out[i] = c.Index(i).String()
	}
	return out
}

// sampleFromJS reads {x, y} or [x, y] returned by what (a dataset's get or
// a collate function) into tensors; y may be missing.
func sampleFromJS(what string, v js.Value) (data.Sample, error) {
	const want = "{x, y} (or [x, y]) holding tensors, numbers or arrays of numbers"
	var x, y js.Value
	switch {
	case typeOf(v) == js.TypeObject && typeOf(getProp(v, "then")) == js.TypeFunction:
		return data.Sample{}, fmt.Errorf("%s returned a Promise: it must return %s synchronously (no async)", what, want)
	case isArray(v) && (v.Length() == 1 || v.Length() == 2):
		x, y = v.Index(0), js.Undefined()
		if v.Length() == 2 {
			y = v.Index(1)
		}
	case typeOf(v) == js.TypeObject && !isArray(v) && !hasPrototype(tensors.proto, v):
		x, y = getProp(v, "x"), getProp(v, "y")
	default:
		return data.Sample{}, fmt.Errorf("%s returned %s, expected %s", what, describeJS(v), want)
	}
	if x.IsUndefined() || x.IsNull() {
		return data.Sample{}, fmt.Errorf("%s returned an item without x, expected %s", what, want)
	}
	var s data.Sample
	var err error
	if s.X, err = tensors.operand(what+": x", x); err != nil {
		return data.Sample{}, err
	}
	if !y.IsUndefined() && !y.IsNull() {
		if s.Y, err = tensors.operand(what+": y", y); err != nil {
			return data.Sample{}, err
		}
	}
	return s, nil
}

// toTensorBinding is tt.data.toTensor(pixels, shape): uint8 pixels (a
// Uint8Array, Uint8ClampedArray or array of whole numbers 0–255) of an
// image of shape [C, H, W] or [H, W] (one channel) become a float32
// tensor [C, H, W] of pixel/255, torchvision's ToTensor. An ImageData
// (a canvas's pixels) needs no shape: it gives [4, H, W], RGBA.
func toTensorBinding(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.toTensor", args)
	pixels, shape := r.Value(0), []int(nil)
	imageData := isImageData(pixels) && r.Value(1).IsUndefined()
	if imageData {
		shape = []int{4, getProp(pixels, "height").Int(), getProp(pixels, "width").Int()}
		pixels = getProp(pixels, "data")
	} else {
		shape = readValue(r, r.Value(1), "the shape", toImageShape)
	}
	pix := readValue(r, pixels, "pixels", toUint8Pixels)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if imageData && len(pix) == shape[0]*shape[1]*shape[2] {
		pix = planes(pix, shape[0])
	}
	return tensors.wrapResult(data.ToTensor(data.Image{Pix: pix, C: shape[0], H: shape[1], W: shape[2]}))
}

// isImageData reports whether v looks like an ImageData: an object with a
// numeric width and height.
func isImageData(v js.Value) bool {
	return kindOf(v) == kindObject && kindOf(getProp(v, "width")) == kindNumber && kindOf(getProp(v, "height")) == kindNumber
}

// toImageShape reads the shape of an image, [C, H, W] or [H, W] (one
// channel, made [1, H, W]).
func toImageShape(what string, v js.Value) ([]int, error) {
	list, ok := elements(v)
	if kindOf(v) != kindArray || !ok {
		return nil, fmt.Errorf("expected (pixels, shape) with shape [C, H, W] or [H, W], got %s %s", what, describeJS(v))
	}
	shape, err := toInts("the shape's sizes", list)
	if err != nil {
		return nil, err
	}
	if len(shape) == 2 {
		shape = []int{1, shape[0], shape[1]}
	}
	if len(shape) != 3 {
		return nil, fmt.Errorf("%s %v must be [C, H, W] or [H, W]", what, shape)
	}
	return shape, nil
}

// planes reorders interleaved pixels (an ImageData's R, G, B, A of one
// pixel, then the next) into one plane per channel, ToTensor's [C, H, W].
func planes(pix []uint8, c int) []uint8 {
	out := make([]uint8, len(pix))
	n := len(pix) / c
	for i, p := range pix {
		out[(i%c)*n+i/c] = p
	}
	return out
}

// toUint8Pixels copies a Uint8Array, a Uint8ClampedArray or an array of
// whole numbers 0–255.
func toUint8Pixels(what string, v js.Value) ([]uint8, error) {
	for _, typed := range []string{"Uint8Array", "Uint8ClampedArray"} {
		if kindOf(v) == kindTypedArray && v.InstanceOf(js.Global().Get(typed)) {
			b := make([]uint8, v.Length())
			js.CopyBytesToGo(b, js.Global().Get("Uint8Array").New(getProp(v, "buffer"), getProp(v, "byteOffset"), getProp(v, "length")))
			return b, nil
		}
	}
	list, ok := elements(v)
	if kindOf(v) != kindArray || !ok {
		return nil, fmt.Errorf("expected %s as a Uint8Array, a Uint8ClampedArray, an array of numbers 0–255 or an ImageData, got %s", what, describeJS(v))
	}
	b := make([]uint8, len(list))
	for i, p := range list {
		if kindOf(p) != kindNumber || p.Float() < 0 || p.Float() > 255 || p.Float() != float64(int(p.Float())) {
			return nil, fmt.Errorf("pixel %d is %s, expected a whole number 0–255", i, describeJS(p))
		}
		b[i] = uint8(p.Int())
	}
	return b, nil
}
