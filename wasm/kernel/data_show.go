//go:build js && wasm

package kernel

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"tinytorch/engine/plot"
	"tinytorch/engine/tensor"
)

// A batch of images shows as a grid with each image's label under it,
// drawn by plot.ImageGrid: the page shows a label's text when the pointer
// is on its image, and the grid's text alternative lists them.

// showBatchFunc is tt.data.showBatch(x, y, {classes, n, cols, scale}).
func showBatchFunc(_ js.Value, args []js.Value) (any, error) {
	r := readArgs("tt.data.showBatch", args)
	x, y := r.Tensor(0, "x, a batch of images [N, C, H, W],"), r.OptTensor(1, "y")
	o := r.Options(2)
	classes, layout := readClasses(o), readGridLayout(o)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return showBatch(x, y, classes, layout)
}

// readClasses reads the option classes, the names of the labels.
func readClasses(o *optReader) []string {
	var classes []string
	c := o.Value("classes")
	if missing(c) {
		return nil
	}
	if !isArray(c) {
		o.r.failf("classes must be an array of names, got %s", describeJS(c))
		return nil
	}
	for i := 0; i < c.Length() && o.r.ok(); i++ {
		class, err := textOf(fmt.Sprintf("class %d", i), c.Index(i))
		o.r.fail(err)
		classes = append(classes, class)
	}
	return classes
}

// gridLayout is how a batch shows: its first n images, in cols columns,
// each pixel drawn as scale × scale screen pixels.
type gridLayout struct{ n, cols, scale int }

// defaultGrid is the layout of a batch shown without options.
var defaultGrid = gridLayout{n: 32, cols: 8, scale: 2}

// readGridLayout reads the options {n, cols, scale} of an image grid.
func readGridLayout(o *optReader) gridLayout {
	return gridLayout{n: o.Int("n", defaultGrid.n), cols: o.Int("cols", defaultGrid.cols), scale: o.Int("scale", defaultGrid.scale)}
}

// batchBundle is the __ttBundle getter of batch objects, so display(batch)
// and a cell ending in a batch show its images.
func batchBundle(this js.Value, _ []js.Value) (any, error) {
	x, ok := tensors.unwrap(getProp(this, "x"))
	if !ok {
		return nil, nil
	}
	y, _ := tensors.unwrap(getProp(this, "y"))
	var classes []string
	if c := getProp(this, "classes"); isArray(c) {
		for i := 0; i < c.Length(); i++ {
			classes = append(classes, c.Index(i).String())
		}
	}
	v, err := showBatch(x, y, classes, defaultGrid)
	if err != nil { // not images: show the batch as plain values
		return nil, nil
	}
	return getProp(v, "__ttBundle"), nil
}

// showBatch renders up to layout.n images of x (N×C×H×W, N×H×W, or N×784
// taken as 28×28) with labels from y, named by classes when given.
func showBatch(x, y *tensor.Tensor, classes []string, layout gridLayout) (js.Value, error) {
	const name = "tt.data.showBatch"
	n, cols, scale := layout.n, layout.cols, layout.scale
	shape := x.Shape()
	var count, c, h, w int
	switch {
	case len(shape) == 4 && (shape[1] == 1 || shape[1] == 3):
		count, c, h, w = shape[0], shape[1], shape[2], shape[3]
	case len(shape) == 3:
		count, c, h, w = shape[0], 1, shape[1], shape[2]
	case len(shape) == 2 && shape[1] == 784:
		count, c, h, w = shape[0], 1, 28, 28
	default:
		return js.Undefined(), fmt.Errorf("%s: x of shape %v is not a batch of images: expected [N, 1, H, W], [N, 3, H, W], [N, H, W] or [N, 784]", name, shape)
	}
	var labels []float32
	if y != nil {
		if y.Numel() != count {
			return js.Undefined(), fmt.Errorf("%s: %d labels for %d images", name, y.Numel(), count)
		}
		labels = y.Data()
	}
	count = min(count, max(n, 1))
	vals := x.Data()
	// Values outside [0, 1] (normalized images) are stretched to it.
	lo, hi := float32(0), float32(1)
	for _, v := range vals[:count*c*h*w] {
		lo, hi = min(lo, v), max(hi, v)
	}
	g := plot.ImageGrid{Columns: max(cols, 1), Scale: max(scale, 1), Min: float64(lo), Max: float64(hi)}
	for i := range count {
		im := plot.Image{Pixels: vals[i*c*h*w : (i+1)*c*h*w], Width: w, Height: h, Channels: c}
		if labels != nil {
			k := labels[i]
			im.Label = trimLabel(k)
			if ki := int(k); float32(ki) == k && ki >= 0 && ki < len(classes) {
				im.Label = classes[ki]
			}
		}
		g.Images = append(g.Images, im)
	}
	svg, err := g.SVG()
	if err != nil {
		return js.Undefined(), fmt.Errorf("%s: %v", name, err)
	}
	text := fmt.Sprintf("[%d images %d×%d×%d", count, c, h, w)
	if labels != nil {
		var ls []string
		for i := range min(count, 16) {
			ls = append(ls, trimLabel(labels[i]))
		}
		text += "; labels " + strings.Join(ls, " ")
		if count > 16 {
			text += " …"
		}
	}
	text += "]"
	return richValue(bundle{"image/svg+xml": svg, "text/plain": text}), nil
}

func trimLabel(v float32) string {
	if v == float32(math.Trunc(float64(v))) {
		return fmt.Sprint(int(v))
	}
	return fmt.Sprint(v)
}
