package data

import (
	"fmt"

	"tinytorch/engine/tensor"
)

// ImageSet is a labelled set of uint8 images of one size, such as MNIST:
// N images of C×H×W pixels, stored compactly and turned into float32
// tensors (pixel/255, as ToTensor) only when an item is asked for. Item i
// is X of shape [C, H, W] and Y a scalar holding the label; a batch from
// the DataLoader is X [B, C, H, W] and Y [B].
type ImageSet struct {
	Name    string   // "mnist", "fashion-mnist"
	Pix     []uint8  // N·C·H·W pixels, image after image, channel-first
	Labels  []uint8  // N class indices
	Classes []string // the name of each class index
	C, H, W int

	// Transform, when set, is applied to each item's [C, H, W] tensor.
	// Random transforms draw from a generator seeded by Seed, the epoch
	// (set by the DataLoader) and the item's index.
	Transform Transform
	Seed      uint64
	epoch     int
}

// NewImageSet checks that the pixels and labels agree with the sizes.
func NewImageSet(name string, pix, labels []uint8, classes []string, c, h, w int) (*ImageSet, error) {
	if c <= 0 || h <= 0 || w <= 0 {
		return nil, fmt.Errorf("%s: image size %d×%d×%d must be positive", name, c, h, w)
	}
	if len(pix) != len(labels)*c*h*w {
		return nil, fmt.Errorf("%s: %d pixels for %d labels of %d×%d×%d images, want %d", name, len(pix), len(labels), c, h, w, len(labels)*c*h*w)
	}
	for i, l := range labels {
		if int(l) >= len(classes) {
			return nil, fmt.Errorf("%s: label %d of image %d is not one of the %d classes", name, l, i, len(classes))
		}
	}
	return &ImageSet{Name: name, Pix: pix, Labels: labels, Classes: classes, C: c, H: h, W: w}, nil
}

// Len returns the number of images.
func (s *ImageSet) Len() int { return len(s.Labels) }

// size is the number of pixels of one image.
func (s *ImageSet) size() int { return s.C * s.H * s.W }

// Image returns image i's pixels (a view into the set, not a copy).
func (s *ImageSet) Image(i int) Image {
	n := s.size()
	return Image{Pix: s.Pix[i*n : (i+1)*n : (i+1)*n], C: s.C, H: s.H, W: s.W}
}

// SetEpoch sets the epoch that random transforms are seeded with.
func (s *ImageSet) SetEpoch(epoch int) { s.epoch = epoch }

// Item returns image i as a [C, H, W] tensor in [0, 1], transformed, and
// its label as a scalar.
func (s *ImageSet) Item(i int) (Sample, error) {
	if err := checkIndex(s.Name, i, s.Len()); err != nil {
		return Sample{}, err
	}
	x, err := ToTensor(s.Image(i))
	if err != nil {
		return Sample{}, err
	}
	if s.Transform != nil {
		rng := tensor.NewGenerator(mix(s.Seed, uint64(s.epoch), uint64(i)))
		if x, err = s.Transform.Apply(x, rng); err != nil {
			return Sample{}, fmt.Errorf("%s: item %d: %w", s.Name, i, err)
		}
	}
	return Sample{X: x, Y: tensor.Scalar(float32(s.Labels[i]))}, nil
}

// Items returns the images idx as one [B, C, H, W] tensor and their
// labels as [B], converting straight from bytes when there is no
// transform.
func (s *ImageSet) Items(idx []int) (Sample, error) {
	if s.Transform != nil {
		plain := func() (Sample, error) { return s.plainItems(idx) }
		oneByOne := func() (Sample, error) { return fetch(s, idx, nil) }
		return applyToBatch(s.Transform, plain, oneByOne)
	}
	return s.plainItems(idx)
}

// plainItems gathers the items idx without the transform.
func (s *ImageSet) plainItems(idx []int) (Sample, error) {
	n := s.size()
	x := make([]float32, len(idx)*n)
	y := make([]float32, len(idx))
	for k, i := range idx {
		if err := checkIndex(s.Name, i, s.Len()); err != nil {
			return Sample{}, err
		}
		toFloat(x[k*n:(k+1)*n], s.Pix[i*n:(i+1)*n])
		y[k] = float32(s.Labels[i])
	}
	xt, err := tensor.New(x, len(idx), s.C, s.H, s.W)
	if err != nil {
		return Sample{}, err
	}
	yt, err := tensor.New(y, len(idx))
	return Sample{X: xt, Y: yt}, err
}

// Slice returns images [lo, hi) as a set sharing this one's pixels.
func (s *ImageSet) Slice(lo, hi int) (*ImageSet, error) {
	if lo < 0 || hi > s.Len() || lo > hi {
		return nil, fmt.Errorf("%s: slice [%d, %d) is out of range for %d images", s.Name, lo, hi, s.Len())
	}
	n := s.size()
	out := *s
	out.Pix = s.Pix[lo*n : hi*n : hi*n]
	out.Labels = s.Labels[lo:hi:hi]
	return &out, nil
}

// Tensors returns all images as X [N, C, H, W] in [0, 1] and the labels as
// Y [N], without the transform.
func (s *ImageSet) Tensors() (x, y *tensor.Tensor, err error) {
	plain := *s
	plain.Transform = nil
	idx := make([]int, s.Len())
	for i := range idx {
		idx[i] = i
	}
	smp, err := plain.Items(idx)
	return smp.X, smp.Y, err
}

// Counts returns the number of images of each class.
func (s *ImageSet) Counts() []int {
	out := make([]int, len(s.Classes))
	for _, l := range s.Labels {
		out[l]++
	}
	return out
}

// ConcatImageSets joins image sets of one size and one list of classes.
func ConcatImageSets(name string, sets ...*ImageSet) (*ImageSet, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s: no image sets to join", name)
	}
	first := sets[0]
	var pix, labels []uint8
	for k, s := range sets {
		if s.C != first.C || s.H != first.H || s.W != first.W || len(s.Classes) != len(first.Classes) {
			return nil, fmt.Errorf("%s: set %d has %d×%d×%d images and %d classes, set 0 has %d×%d×%d and %d",
				name, k, s.C, s.H, s.W, len(s.Classes), first.C, first.H, first.W, len(first.Classes))
		}
		pix = append(pix, s.Pix...)
		labels = append(labels, s.Labels...)
	}
	return NewImageSet(name, pix, labels, first.Classes, first.C, first.H, first.W)
}
