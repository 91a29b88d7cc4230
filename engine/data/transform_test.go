package data

import (
	"math"
	"slices"
	"testing"

	"tinytorch/engine/tensor"
)

func TestNormalize(t *testing.T) {
	img := tensorOf([]float32{1, 2, 3, 4, 10, 20, 30, 40}, 2, 2, 2)
	tests := []struct {
		name      string
		mean, std []float32
		x         *tensor.Tensor
		want      []float32
		err       string
	}{
		{"per channel", []float32{1, 10}, []float32{1, 10}, img, []float32{0, 1, 2, 3, 0, 1, 2, 3}, ""},
		{"one value", []float32{0.5}, []float32{0.5}, tensorOf([]float32{0, 1}, 2), []float32{-1, 1}, ""},
		{"batch of images", []float32{0, 1}, []float32{1, 1}, must(img.Unsqueeze(0)), []float32{1, 2, 3, 4, 9, 19, 29, 39}, ""},
		{"wrong channel count", []float32{0, 0, 0}, []float32{1, 1, 1}, img, nil, "3 means for an image of shape [2, 2, 2] with 2 channels"},
		{"zero std", []float32{0}, []float32{0}, img, nil, "std [0] contains 0"},
		{"lengths differ", []float32{0, 1}, []float32{1}, img, nil, "of one length"},
		{"channels need an image", []float32{0, 1}, []float32{1, 1}, tensorOf([]float32{0, 1}, 2), nil, "need an image of shape [C, H, W]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize{tc.mean, tc.std}.Apply(tc.x, nil)
			errContains(t, err, tc.err)
			if err == nil && !slices.Equal(got.Data(), tc.want) {
				t.Errorf("got %v, want %v", got.Data(), tc.want)
			}
		})
	}
	if !slices.Equal(img.Data(), []float32{1, 2, 3, 4, 10, 20, 30, 40}) {
		t.Errorf("Normalize changed its input")
	}
}

func TestRandomCrop(t *testing.T) {
	img := arange(1, 3, 3) // 0 1 2 / 3 4 5 / 6 7 8
	// Without padding a 3×3 crop of a 3×3 image is the image.
	got := must(RandomCrop{Size: 3}.Apply(img, tensor.NewGenerator(1)))
	if !slices.Equal(got.Data(), img.Data()) {
		t.Errorf("full crop = %v", got.Data())
	}
	// With padding, every crop is a window of the padded image; over many
	// draws every offset appears.
	seen := map[float32]bool{}
	rng := tensor.NewGenerator(2)
	for range 200 {
		c := must(RandomCrop{Size: 3, Padding: 1, Fill: -1}.Apply(img, rng))
		if !slices.Equal(c.Shape(), []int{1, 3, 3}) {
			t.Fatalf("crop shape %v", c.Shape())
		}
		v := c.Data()
		// The window's centre is one of the image's pixels; the image's
		// pixel 4 (centre) is always inside the window.
		seen[v[4]] = true
		if !slices.Contains(v, 4) {
			t.Fatalf("crop %v lost the centre pixel", v)
		}
		if n := count(v, -1); n != 0 && n != 3 && n != 5 {
			t.Fatalf("crop %v has %d fill pixels, want 0, 3 or 5", v, n)
		}
	}
	if len(seen) != 9 {
		t.Errorf("the crop's centre took %d of the 9 possible positions", len(seen))
	}
	want := []float32{-1, -1, -1, -1, 0, 1, -1, 3, 4} // the top-left window
	found := false
	for range 100 {
		if slices.Equal(must(RandomCrop{Size: 3, Padding: 1, Fill: -1}.Apply(img, rng)).Data(), want) {
			found = true
		}
	}
	if !found {
		t.Errorf("the top-left padded window never came up")
	}
	errContains(t, func() error { _, err := RandomCrop{Size: 6, Padding: 1}.Apply(img, rng); return err }(), "a 6×6 crop does not fit an image of 3×3 padded by 1")
	errContains(t, func() error { _, err := RandomCrop{Size: 2}.Apply(arange(4), rng); return err }(), "expected an image of shape [C, H, W], got [4]")
}

func count(v []float32, x float32) int {
	n := 0
	for _, e := range v {
		if e == x {
			n++
		}
	}
	return n
}

func TestRandomHorizontalFlip(t *testing.T) {
	img := arange(1, 2, 3)
	flipped := []float32{2, 1, 0, 5, 4, 3}
	always := must(RandomHorizontalFlip{P: 1}.Apply(img, tensor.NewGenerator(1)))
	if !slices.Equal(always.Data(), flipped) {
		t.Errorf("flip = %v, want %v", always.Data(), flipped)
	}
	rng := tensor.NewGenerator(3)
	flips := 0
	for range 1000 {
		if must(RandomHorizontalFlip{}.Apply(img, rng)).Data()[0] == 2 {
			flips++
		}
	}
	if flips < 430 || flips > 570 {
		t.Errorf("%d flips in 1000 with the default p = 0.5", flips)
	}
	if !slices.Equal(img.Data(), arange(6).Data()) {
		t.Errorf("the flip changed its input")
	}
}

func TestComposeAndToTensor(t *testing.T) {
	x := must(ToTensor(Image{Pix: []uint8{0, 51, 255, 102}, C: 1, H: 2, W: 2}))
	if !slices.Equal(x.Data(), []float32{0, 0.2, 1, 0.4}) || !slices.Equal(x.Shape(), []int{1, 2, 2}) {
		t.Errorf("ToTensor = %v", x)
	}
	errContains(t, func() error { _, err := ToTensor(Image{Pix: []uint8{1, 2, 3}, C: 1, H: 2, W: 2}); return err }(), "3 pixels do not make a 1×2×2 image")
	c := Compose{RandomHorizontalFlip{P: 1}, Normalize{[]float32{0.5}, []float32{0.5}}}
	got := must(c.Apply(x, tensor.NewGenerator(1)))
	if !close(got.Data(), []float32{-0.6, -1, -0.2, 1}) {
		t.Errorf("compose = %v", got.Data())
	}
}

// Augmentations of an ImageSet depend on the seed, the epoch and the item,
// not on batch size or visiting order.
func TestImageSetTransformsAreReproducible(t *testing.T) {
	pix := make([]uint8, 6*1*4*4)
	for i := range pix {
		pix[i] = uint8(i)
	}
	newSet := func() *ImageSet {
		s := must(NewImageSet("toy", pix, []uint8{0, 1, 0, 1, 0, 1}, []string{"a", "b"}, 1, 4, 4))
		s.Transform = Compose{RandomCrop{Size: 4, Padding: 2}, RandomHorizontalFlip{}}
		s.Seed = 5
		return s
	}
	items := func(l *DataLoader, epoch int) [][]float32 {
		out := make([][]float32, 6)
		order := l.Order(epoch)
		k := 0
		for b, err := range l.Batches(epoch) {
			if err != nil {
				t.Fatal(err)
			}
			x := b.X.Data()
			for j := range b.X.Shape()[0] {
				out[order[k]] = x[j*16 : (j+1)*16]
				k++
			}
		}
		return out
	}
	a := items(&DataLoader{Dataset: newSet(), BatchSize: 4, Shuffle: true, Seed: 1}, 0)
	b := items(&DataLoader{Dataset: newSet(), BatchSize: 2, Shuffle: false}, 0)
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Errorf("the same items got different augmentations with another batch size and order")
	}
	c := items(&DataLoader{Dataset: newSet(), BatchSize: 4}, 1)
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Errorf("epochs 0 and 1 augmented every item alike")
	}
	plain := newSet()
	plain.Transform = nil
	d := items(&DataLoader{Dataset: plain, BatchSize: 4}, 0)
	if slices.EqualFunc(a, d, slices.Equal) {
		t.Errorf("the transform changed nothing")
	}
}

func close(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > 1e-6 || d < -1e-6 {
			return false
		}
	}
	return true
}

func TestTransformed(t *testing.T) {
	ds := must(NewTensorDataset(arange(4, 1, 1, 3), arange(4)))
	tr := &Transformed{Dataset: ds, Transform: RandomHorizontalFlip{P: 1}}
	s := must(tr.Item(1))
	if !slices.Equal(s.X.Data(), []float32{5, 4, 3}) || must(s.Y.Item()) != 1 {
		t.Errorf("transformed item 1 = %v, %v", s.X.Data(), s.Y)
	}
	var got []float32
	for b, err := range (&DataLoader{Dataset: tr, BatchSize: 4}).Batches(0) {
		if err != nil {
			t.Fatal(err)
		}
		got = b.X.Data()
	}
	if !slices.Equal(got[:3], []float32{2, 1, 0}) {
		t.Errorf("loader over a transformed set: %v", got)
	}
	bad := &Transformed{Dataset: ds, Transform: RandomCrop{Size: 9}}
	errContains(t, func() error { _, err := bad.Item(0); return err }(), "item 0: RandomCrop: a 9×9 crop does not fit an image of 1×3 padded by 0")
}

// TestRandomCropMatchesPixelByPixel checks the row-by-row crop against the
// definition, pixel by pixel, for every offset on a 2-channel image, with
// padding larger than the image and crops smaller and larger than it.
func TestRandomCropMatchesPixelByPixel(t *testing.T) {
	const c, h, w = 2, 3, 4
	img := arange(c, h, w)
	v := img.Data()
	for _, crop := range []RandomCrop{{Size: 4, Padding: 5, Fill: -1}, {Size: 2, Padding: 1, Fill: 9}, {Size: 7, Padding: 2}} {
		rng, ref := tensor.NewGenerator(3), tensor.NewGenerator(3)
		p, s := crop.Padding, crop.Size
		for range 300 {
			got := must(crop.Apply(img, rng)).Data()
			top := ref.Intn(h+2*p-s+1) - p
			left := ref.Intn(w+2*p-s+1) - p
			for ch := range c {
				for i := range s {
					for j := range s {
						want := crop.Fill
						if y, x := top+i, left+j; y >= 0 && y < h && x >= 0 && x < w {
							want = v[(ch*h+y)*w+x]
						}
						if g := got[(ch*s+i)*s+j]; g != want {
							t.Fatalf("%+v at offset (%d, %d): pixel (%d, %d, %d) = %v, want %v", crop, top, left, ch, i, j, g, want)
						}
					}
				}
			}
		}
	}
}

// TestBatchTransformsMatchItemByItem fetches batches whose transform is
// applied to the whole batch at once (a BatchTransform) and compares every
// bit with the same items fetched and transformed one by one, for image
// sets and transformed tensor datasets; a transform that cannot apply to a
// batch, and one that fails, go item by item with the item's error.
func TestBatchTransformsMatchItemByItem(t *testing.T) {
	pix := make([]uint8, 5*3*2*2)
	for i := range pix {
		pix[i] = uint8(i * 37)
	}
	images := func(tr Transform) Dataset {
		s := must(NewImageSet("toy", pix, []uint8{0, 1, 0, 1, 1}, []string{"a", "b"}, 3, 2, 2))
		s.Transform = tr
		return s
	}
	rows := func(shape ...int) func(tr Transform) Dataset {
		return func(tr Transform) Dataset {
			x := must(arange(shape...).Mul(tensor.Scalar(0.37)))
			return &Transformed{Dataset: must(NewTensorDataset(x, arange(shape[0]))), Transform: tr}
		}
	}
	perChannel := Normalize{Mean: []float32{0.1, 0.5, 0.9}, Std: []float32{0.3, 0.7, 0.11}}
	one := Normalize{Mean: []float32{0.1307}, Std: []float32{0.3081}}
	tests := []struct {
		name    string
		set     func(Transform) Dataset
		tr      Transform
		batched bool   // whether the batch goes through ApplyBatch
		err     string // the error of the batch, "" for none
	}{
		{"images, a mean per channel", images, perChannel, true, ""},
		{"images, one mean", images, one, true, ""},
		{"images, normalized twice", images, Compose{one, perChannel}, true, ""},
		{"images, a random crop first", images, Compose{RandomCrop{Size: 2, Padding: 1}, one}, false, ""},
		{"images, two means for three channels", images, Normalize{Mean: []float32{0, 1}, Std: []float32{1, 1}}, false, "item 3: Normalize: 2 means for an image of shape [3, 2, 2] with 3 channels"},
		{"rows of 7, one mean", rows(5, 7), one, true, ""},
		{"planes [2, 3], means per channel", rows(5, 2, 3), Normalize{Mean: []float32{0, 1, 2, 3, 4}, Std: []float32{1, 1, 1, 1, 1}}, false, "item 3: Normalize: 5 channel means need an image of shape [C, H, W], got [2, 3]"},
		{"images [3, 2, 2] as tensors", rows(5, 3, 2, 2), perChannel, true, ""},
	}
	idx := []int{3, 0, 4}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := batchTransform(tt.tr); ok != tt.batched && tt.err == "" {
				t.Errorf("batchTransform: %v, want %v", ok, tt.batched)
			}
			ds := tt.set(tt.tr)
			got, err := ds.(BatchDataset).Items(idx)
			want, wantErr := fetch(ds, idx, nil)
			if tt.err != "" {
				errContains(t, err, tt.err)
				if wantErr == nil || err.Error() != wantErr.Error() {
					t.Errorf("batch error %v, item by item %v", err, wantErr)
				}
				return
			}
			if err != nil || wantErr != nil {
				t.Fatalf("errors: batch %v, item by item %v", err, wantErr)
			}
			if !slices.Equal(got.X.Shape(), want.X.Shape()) || !slices.Equal(bitsOf(got.X.Data()), bitsOf(want.X.Data())) {
				t.Errorf("batch x %v %v, item by item %v %v", got.X.Shape(), got.X.Data(), want.X.Shape(), want.X.Data())
			}
			if !slices.Equal(got.Y.Data(), want.Y.Data()) {
				t.Errorf("batch y %v, item by item %v", got.Y.Data(), want.Y.Data())
			}
		})
	}
}

// bitsOf returns the bits of each float.
func bitsOf(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = math.Float32bits(x)
	}
	return out
}
