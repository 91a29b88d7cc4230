//go:build js && wasm

package kernel

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"syscall/js"

	"tinytorch/engine/tensor"
)

// Limits of the table view of a tensor; bigger tensors show as text only.
const (
	tableMaxRows = 24
	tableMaxCols = 16
)

// tensorMIME is the MIME type of the page's table view of a tensor.
const tensorMIME = "application/vnd.tinytorch.tensor+json"

// tensorBundle shows a tensor as PyTorch prints it and, when it is a small
// 1-D or 2-D tensor, also as a table.
func tensorBundle(t *tensor.Tensor) bundle {
	b := bundle{"text/plain": t.String()}
	shape := t.Shape()
	rows, cols := 1, 0
	switch len(shape) {
	case 1:
		cols = shape[0]
	case 2:
		rows, cols = shape[0], shape[1]
	default:
		return b
	}
	if rows > tableMaxRows || cols > tableMaxCols || rows*cols == 0 {
		return b
	}
	data := t.Data()
	values := make([]any, len(data))
	for i, v := range data {
		values[i] = float64(v)
	}
	b[tensorMIME] = map[string]any{"shape": intsToJS(shape), "values": values, "text": t.String()}
	return b
}

// richValue wraps a bundle in an object that display() recognises.
func richValue(b bundle) js.Value {
	obj := js.Global().Get("Object").New()
	obj.Set("__ttBundle", map[string]any(b))
	return obj
}

// htmlFunc is tt.html(markup): shows markup as HTML.
func htmlFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.html", args)
	return r.Done(richValue(bundle{"text/html": r.NeedString(0, "the markup"), "text/plain": "[HTML]"}), nil)
}

// svgFunc is tt.svg(markup): shows an SVG image.
func svgFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.svg", args)
	return r.Done(richValue(bundle{"image/svg+xml": r.NeedString(0, "the markup"), "text/plain": "[SVG image]"}), nil)
}

// imageFunc is tt.image(x, {scale}): shows a tensor as a grayscale image.
// x is [H, W] or [1, H, W] (grayscale) or [3, H, W] (RGB); values in
// [0, 1] are taken as they are, larger values as 0…255. Without a scale,
// small images, such as 28×28 digits, show enlarged.
func imageFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.image", args)
	t, o := r.Tensor(0, "a tensor of shape [H, W], [1, H, W] or [3, H, W]"), r.Options(1)
	scale := o.Float("scale", 0)
	if err := r.Err(); err != nil {
		return nil, err
	}
	img, err := tensorImage(t)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	if w := img.Bounds().Dx(); !o.Has("scale") {
		scale = 1
		if w > 0 && w < 64 {
			scale = float64(128 / w)
		}
	}
	return richValue(bundle{
		"image/png":  base64.StdEncoding.EncodeToString(buf.Bytes()),
		"text/plain": fmt.Sprintf("[image %d×%d]", img.Bounds().Dx(), img.Bounds().Dy()),
		"metadata":   map[string]any{"width": float64(img.Bounds().Dx()) * scale},
	}), nil
}

// tensorImage converts a tensor to an image, checking its shape.
func tensorImage(t *tensor.Tensor) (image.Image, error) {
	shape := t.Shape()
	channels := 1
	switch {
	case len(shape) == 2:
		shape = []int{1, shape[0], shape[1]}
	case len(shape) == 3 && (shape[0] == 1 || shape[0] == 3):
		channels = shape[0]
	default:
		return nil, fmt.Errorf("tt.image: shape %v: expected [H, W], [1, H, W] or [3, H, W]", t.Shape())
	}
	h, w := shape[1], shape[2]
	data := t.Data()
	scale := float32(255)
	for _, v := range data {
		if v > 1 {
			scale = 1 // already 0…255
			break
		}
	}
	px := func(c, y, x int) uint8 { return clampByte(data[(c*h+y)*w+x] * scale) }
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if channels == 1 {
				g := px(0, y, x)
				img.Set(x, y, color.RGBA{g, g, g, 255})
			} else {
				img.Set(x, y, color.RGBA{px(0, y, x), px(1, y, x), px(2, y, x), 255})
			}
		}
	}
	return img, nil
}

func clampByte(v float32) uint8 {
	switch {
	case v != v || v < 0: // NaN shows as black
		return 0
	case v > 255:
		return 255
	}
	return uint8(v + 0.5)
}
