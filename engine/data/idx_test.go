package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// The IDX reader accepts good files, raw or gzip, and rejects each kind of
// broken file with an error that names the file and the problem. The bad
// files are crafted in the test's temporary folder.
func TestReadIDX(t *testing.T) {
	good := EncodeIDX([]int{2, 2, 3}, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	corruptGz := gzipped(good)
	corruptGz[len(corruptGz)-6] ^= 0xff // the CRC-32 trailer
	tests := []struct {
		name    string
		content []byte
		dims    []int
		problem string
	}{
		{"raw", good, []int{2, 2, 3}, ""},
		{"gzip", gzipped(good), []int{2, 2, 3}, ""},
		{"labels", EncodeIDX([]int{3}, []uint8{7, 8, 9}), []int{3}, ""},
		{"empty", nil, nil, "truncated: 0 bytes, too short for the 4-byte IDX magic number"},
		{"bad magic", append([]byte{0x50, 0x4b, 3, 4}, good[4:]...), nil, "bad magic number 0x504b0304"},
		{"float values", append([]byte{0, 0, 0x0D, 3}, good[4:]...), nil, "IDX values of type float32 (0x0d) are not supported"},
		{"unknown type", append([]byte{0, 0, 0x42, 3}, good[4:]...), nil, "unknown IDX type code 0x42"},
		{"no dimensions", []byte{0, 0, 8, 0}, nil, "the header declares 0 dimensions"},
		{"short header", good[:9], nil, "truncated: the header declares 3 dimensions but ends before their sizes"},
		{"zero dimension", EncodeIDX([]int{2, 0}, nil), nil, "dimension 1 of 2×0 is 0"},
		{"huge dimensions", EncodeIDX([]int{1 << 20, 1 << 20}, nil), nil, "the header declares dimensions 1048576×1048576…, more than 1073741824 bytes of data"},
		{"truncated data", good[:len(good)-5], nil, "truncated: the header declares 2×2×3 = 12 bytes of data, the file holds 7"},
		{"trailing bytes", append(slices.Clone(good), 0, 0), nil, "2 unexpected bytes after the 2×2×3 = 12 bytes the header declares"},
		{"truncated gzip", gzipped(good)[:20], nil, "truncated: the gzip stream ends early, after 15 bytes of IDX data"},
		{"gzip cut in the data", gzipped(good)[:len(gzipped(good))-8], nil, "truncated: the gzip stream ends early"},
		{"corrupt gzip", corruptGz, nil, "corrupt gzip stream: gzip: invalid checksum"},
		{"gzip of garbage", gzipped([]byte("hello")), nil, "bad magic number 0x68656c6c"},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0, 0}, nil, "corrupt gzip header"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".idx")
			if err := os.WriteFile(path, tc.content, 0o644); err != nil {
				t.Fatal(err)
			}
			idx, err := ReadIDX(path)
			if tc.problem == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(idx.Dims, tc.dims) {
					t.Errorf("dims %v, want %v", idx.Dims, tc.dims)
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FileError", err, err)
			}
			if fe.File != path {
				t.Errorf("the error names %q, want %q", fe.File, path)
			}
			errContains(t, err, path+": "+tc.problem)
		})
	}
}

// LoadFashionMNIST checks that the image and label files agree.
func TestLoadFashionMNISTFiles(t *testing.T) {
	images := EncodeIDX([]int{2, 2, 2}, []uint8{0, 1, 2, 3, 4, 5, 6, 7})
	tests := []struct {
		name   string
		files  map[string][]byte
		train  bool
		labels []uint8
		err    string
	}{
		{"raw test files", map[string][]byte{"t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": EncodeIDX([]int{2}, []uint8{9, 0})}, false, []uint8{9, 0}, ""},
		{"gzip train files", map[string][]byte{"train-images-idx3-ubyte.gz": gzipped(images), "train-labels-idx1-ubyte.gz": gzipped(EncodeIDX([]int{2}, []uint8{3, 4}))}, true, []uint8{3, 4}, ""},
		{"missing labels", map[string][]byte{"t10k-images-idx3-ubyte": images}, false, nil, "neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte is in"},
		{"count mismatch", map[string][]byte{"t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": EncodeIDX([]int{3}, []uint8{1, 2, 3})}, false, nil, "holds 2 images but"},
		{"label out of range", map[string][]byte{"t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": EncodeIDX([]int{2}, []uint8{1, 10})}, false, nil, "label 10 of image 1 is not one of the 10 classes"},
		{"images not 3-D", map[string][]byte{"t10k-images-idx3-ubyte": EncodeIDX([]int{8}, make([]uint8, 8)), "t10k-labels-idx1-ubyte": EncodeIDX([]int{2}, []uint8{1, 2})}, false, nil, "images of shape 8, want N×height×width"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range tc.files {
				os.WriteFile(filepath.Join(dir, name), b, 0o644)
			}
			s, err := LoadFashionMNIST(dir, tc.train)
			errContains(t, err, tc.err)
			if err == nil && (!slices.Equal(s.Labels, tc.labels) || s.H != 2 || s.W != 2 || s.Len() != 2) {
				t.Errorf("labels %v, size %d×%d, len %d", s.Labels, s.H, s.W, s.Len())
			}
		})
	}
	errContains(t, func() error { _, err := LoadFashionMNIST(filepath.Join(t.TempDir(), "nowhere"), true); return err }(), "sudo apt-get install dataset-fashion-mnist")
}

// A header that announces a gigabyte of data in a file that holds a few
// bytes is refused without allocating that gigabyte first: ParseIDX
// reads the data as it arrives.
func TestParseIDXAllocatesWhatIsPresent(t *testing.T) {
	b := append(EncodeIDX([]int{1 << 15, 1 << 15}, nil), 1, 2, 3)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ParseIDX("huge.idx", bytes.NewReader(b))
	runtime.ReadMemStats(&after)
	errContains(t, err, "huge.idx: truncated: the header declares 32768×32768 = 1073741824 bytes of data, the file holds 3")
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("ParseIDX allocated %d bytes for a %d-byte file, want under 1 MiB", got, len(b))
	}
}
