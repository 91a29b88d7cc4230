package data

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// Transform maps one sample's input to a new tensor, torchvision's
// transforms. Image transforms take [C, H, W]. A random transform draws
// only from rng, which the dataset seeds per sample and epoch, so results
// are reproducible; a deterministic one ignores it.
type Transform interface {
	Apply(x *tensor.Tensor, rng *tensor.Generator) (*tensor.Tensor, error)
}

// TransformFunc adapts a function to Transform.
type TransformFunc func(x *tensor.Tensor, rng *tensor.Generator) (*tensor.Tensor, error)

// Apply calls f.
func (f TransformFunc) Apply(x *tensor.Tensor, rng *tensor.Generator) (*tensor.Tensor, error) {
	return f(x, rng)
}

// BatchTransform is a Transform that a dataset may apply to a whole batch
// [N, …] at once instead of to each sample: it is deterministic, and
// ApplyBatch gives every sample the bits Apply would give it alone.
// Normalize is one; the random transforms are not. Applying it once per
// batch saves a tensor and two copies per sample.
type BatchTransform interface {
	Transform
	ApplyBatch(x *tensor.Tensor) (*tensor.Tensor, error)
}

// batchTransform returns t as a BatchTransform when it is one: a Compose
// only when every transform in it is.
func batchTransform(t Transform) (BatchTransform, bool) {
	if c, ok := t.(Compose); ok {
		for _, m := range c {
			if _, ok := batchTransform(m); !ok {
				return nil, false
			}
		}
		return c, true
	}
	b, ok := t.(BatchTransform)
	return b, ok
}

// applyToBatch returns a batch's items with the transform t applied: to
// the whole batch at once, from plain (the items untransformed), when t is
// a BatchTransform; else, or when that fails, item by item through
// oneByOne, whose errors name the item.
func applyToBatch(t Transform, plain, oneByOne func() (Sample, error)) (Sample, error) {
	if b, ok := batchTransform(t); ok {
		s, err := plain()
		if err == nil {
			if s.X, err = b.ApplyBatch(s.X); err == nil {
				return s, nil
			}
		}
	}
	return oneByOne()
}

// Compose applies transforms in order.
type Compose []Transform

// Apply runs each transform on the previous one's output.
func (c Compose) Apply(x *tensor.Tensor, rng *tensor.Generator) (*tensor.Tensor, error) {
	var err error
	for _, t := range c {
		if x, err = t.Apply(x, rng); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// ApplyBatch runs each transform on a batch; each must be a
// BatchTransform (batchTransform checks that before).
func (c Compose) ApplyBatch(x *tensor.Tensor) (*tensor.Tensor, error) {
	var err error
	for _, t := range c {
		b, ok := batchTransform(t)
		if !ok {
			return nil, fmt.Errorf("Compose: %T cannot be applied to a batch at once", t)
		}
		if x, err = b.ApplyBatch(x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Normalize subtracts a mean and divides by a standard deviation per
// channel: (x - Mean[c]) / Std[c]. The channel is dimension -3 of an image
// ([C, H, W] or [N, C, H, W]); for other shapes, Mean and Std hold one
// value, applied to every element.
type Normalize struct {
	Mean, Std []float32
}

// Apply normalizes x into a new tensor.
func (n Normalize) Apply(x *tensor.Tensor, _ *tensor.Generator) (*tensor.Tensor, error) {
	if len(n.Mean) == 0 || len(n.Mean) != len(n.Std) {
		return nil, fmt.Errorf("Normalize: mean %v and std %v must be non-empty and of one length", n.Mean, n.Std)
	}
	for _, s := range n.Std {
		if s == 0 {
			return nil, fmt.Errorf("Normalize: std %v contains 0", n.Std)
		}
	}
	shape := x.Shape()
	channels, plane := 1, x.Numel()
	if len(n.Mean) > 1 || len(shape) >= 3 {
		if len(shape) < 3 {
			return nil, fmt.Errorf("Normalize: %d channel means need an image of shape [C, H, W], got %s", len(n.Mean), tensor.FormatShape(shape))
		}
		channels = shape[len(shape)-3]
		plane = shape[len(shape)-2] * shape[len(shape)-1]
		if len(n.Mean) != 1 && len(n.Mean) != channels {
			return nil, fmt.Errorf("Normalize: %d means for an image of shape %s with %d channels", len(n.Mean), tensor.FormatShape(shape), channels)
		}
	}
	v := x.Data()
	for start := 0; start < len(v); start += plane { // one channel plane at a time
		c := 0
		if len(n.Mean) > 1 {
			c = (start / plane) % channels
		}
		mean, std := float64(n.Mean[c]), float64(n.Std[c])
		block := v[start:min(start+plane, len(v))]
		for i, x := range block {
			block[i] = float32((float64(x) - mean) / std)
		}
	}
	return tensor.New(v, shape...)
}

// ApplyBatch normalizes a batch [N, C, H, W], or [N, …] with one mean: the
// channel is dimension -3 there too, so each sample gets the bits of
// Apply. Means per channel need samples of at least 3 dimensions, else
// the batch's first dimension would pass for the channels.
func (n Normalize) ApplyBatch(x *tensor.Tensor) (*tensor.Tensor, error) {
	if len(n.Mean) > 1 && x.Dim() < 4 {
		return nil, fmt.Errorf("Normalize: %d channel means need a batch of images [N, C, H, W], got %s", len(n.Mean), tensor.FormatShape(x.Shape()))
	}
	return n.Apply(x, nil)
}

// image checks that x is [C, H, W] and returns its sizes and values.
func image(op string, x *tensor.Tensor) (c, h, w int, v []float32, err error) {
	s := x.Shape()
	if len(s) != 3 {
		return 0, 0, 0, nil, fmt.Errorf("%s: expected an image of shape [C, H, W], got %s", op, tensor.FormatShape(s))
	}
	return s[0], s[1], s[2], x.Data(), nil
}

// RandomCrop pads an image by Padding pixels of value Fill on every side,
// then cuts a Size×Size window at a random place; torchvision's
// RandomCrop(size, padding). With Size 28 and Padding 4 a 28×28 digit
// moves by up to 4 pixels.
type RandomCrop struct {
	Size    int
	Padding int
	Fill    float32
}

// Apply crops x.
func (r RandomCrop) Apply(x *tensor.Tensor, rng *tensor.Generator) (*tensor.Tensor, error) {
	c, h, w, v, err := image("RandomCrop", x)
	if err != nil {
		return nil, err
	}
	p, s := r.Padding, r.Size
	if s <= 0 || p < 0 {
		return nil, fmt.Errorf("RandomCrop: size %d must be positive and padding %d not negative", s, p)
	}
	if s > h+2*p || s > w+2*p {
		return nil, fmt.Errorf("RandomCrop: a %d×%d crop does not fit an image of %d×%d padded by %d", s, s, h, w, p)
	}
	top := rng.Intn(h+2*p-s+1) - p // in the unpadded image's coordinates
	left := rng.Intn(w+2*p-s+1) - p
	out := make([]float32, c*s*s)
	// Columns lo ≤ j < hi of each output row lie inside the image; the
	// rest, and rows above or below it, are padding.
	lo := min(max(0, -left), s)
	hi := max(min(s, w-left), lo)
	for ch := range c {
		for i := range s {
			row := out[(ch*s+i)*s : (ch*s+i+1)*s]
			y := top + i
			if y < 0 || y >= h {
				fill(row, r.Fill)
				continue
			}
			fill(row[:lo], r.Fill)
			if hi > lo {
				copy(row[lo:hi], v[(ch*h+y)*w+left+lo:])
			}
			fill(row[hi:], r.Fill)
		}
	}
	return tensor.New(out, c, s, s)
}

// fill sets every element of dst to v.
func fill(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}

// RandomHorizontalFlip mirrors an image left to right with probability P
// (0 means torchvision's default, 0.5).
type RandomHorizontalFlip struct {
	P float64
}

// Apply flips x or returns it unchanged.
func (f RandomHorizontalFlip) Apply(x *tensor.Tensor, rng *tensor.Generator) (*tensor.Tensor, error) {
	if s := x.Shape(); len(s) != 3 {
		return nil, fmt.Errorf("RandomHorizontalFlip: expected an image of shape [C, H, W], got %s", tensor.FormatShape(s))
	}
	p := f.P
	if p == 0 {
		p = 0.5
	}
	if float64(rng.Float32()) >= p {
		return x, nil
	}
	c, h, w, v, _ := image("RandomHorizontalFlip", x)
	for row := range c * h {
		line := v[row*w : (row+1)*w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			line[i], line[j] = line[j], line[i]
		}
	}
	return tensor.New(v, c, h, w)
}

// Image is a uint8 image in channel-first order: Pix[(c*H + y)*W + x].
type Image struct {
	Pix     []uint8
	C, H, W int
}

// ToTensor turns a uint8 image into a float32 tensor [C, H, W] with values
// in [0, 1] (pixel/255), torchvision's ToTensor.
func ToTensor(img Image) (*tensor.Tensor, error) {
	if img.C <= 0 || img.H <= 0 || img.W <= 0 || len(img.Pix) != img.C*img.H*img.W {
		return nil, fmt.Errorf("ToTensor: %d pixels do not make a %d×%d×%d image", len(img.Pix), img.C, img.H, img.W)
	}
	out := make([]float32, len(img.Pix))
	toFloat(out, img.Pix)
	return tensor.New(out, img.C, img.H, img.W)
}

// toFloat writes pix/255 into dst.
func toFloat(dst []float32, pix []uint8) {
	for i, p := range pix {
		dst[i] = scale[p]
	}
}

// scale[p] is p/255 rounded once to float32.
var scale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(float64(i) / 255)
	}
	return t
}()

// Transformed applies a transform to the inputs of another dataset, as
// torchvision datasets apply their transform argument. Random transforms
// draw from a generator seeded by Seed, the epoch and the item's index.
type Transformed struct {
	Dataset   Dataset
	Transform Transform
	Seed      uint64
	epoch     int
}

// Len returns the underlying length.
func (t *Transformed) Len() int { return t.Dataset.Len() }

// Item transforms the underlying item's X.
func (t *Transformed) Item(i int) (Sample, error) {
	s, err := t.Dataset.Item(i)
	if err != nil {
		return s, err
	}
	if s.X, err = t.Transform.Apply(s.X, tensor.NewGenerator(mix(t.Seed, uint64(t.epoch), uint64(i)))); err != nil {
		return Sample{}, fmt.Errorf("item %d: %w", i, err)
	}
	return s, nil
}

// Items fetches the items idx: as one batch, transformed at once, when the
// underlying dataset fetches batches and the transform is a
// BatchTransform; else item by item.
func (t *Transformed) Items(idx []int) (Sample, error) {
	oneByOne := func() (Sample, error) { return fetch(t, idx, nil) }
	if bd, ok := t.Dataset.(BatchDataset); ok {
		return applyToBatch(t.Transform, func() (Sample, error) { return bd.Items(idx) }, oneByOne)
	}
	return oneByOne()
}

// SetEpoch records the epoch and passes it on.
func (t *Transformed) SetEpoch(epoch int) {
	t.epoch = epoch
	setEpoch(t.Dataset, epoch)
}
