package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// compressMin is the size below which compressing a file is not worth a
// second request path.
const compressMin = 1024

// compressible lists the extensions that shrink under gzip and brotli.
// Source maps are left alone: only developer tools fetch them.
var compressible = map[string]bool{".html": true, ".js": true, ".css": true, ".wasm": true, ".json": true, ".svg": true}

// Compressed records the sizes of one file and its compressed copies.
type Compressed struct {
	Path              string
	Raw, Gzip, Brotli int
}

// compressTree writes name.gz and name.br beside every large compressible
// file, one goroutine per file since brotli's best levels are slow.
func compressTree(ctx context.Context, dir string, brotliLevel int) ([]Compressed, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && compressible[strings.ToLower(filepath.Ext(path))] {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		out      []Compressed
		firstErr error
	)
	for _, path := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ctx.Err() != nil {
				return // stopped: Build reports it and removes the folder
			}
			c, err := compressFile(ctx, dir, path, brotliLevel)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if c != nil {
				out = append(out, *c)
			}
		}()
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if firstErr == nil && ctx.Err() != nil {
		firstErr = context.Cause(ctx)
	}
	return out, firstErr
}

// compressFile writes the two copies of one file, or nothing for a small file.
func compressFile(ctx context.Context, dir, path string, brotliLevel int) (*Compressed, error) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) < compressMin {
		return nil, err
	}
	gz, err := gzipBytes(data)
	if err != nil {
		return nil, err
	}
	br, err := brotliBytes(ctx, data, brotliLevel)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path+".gz", gz, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path+".br", br, 0o644); err != nil {
		return nil, err
	}
	rel, _ := filepath.Rel(dir, path)
	return &Compressed{filepath.ToSlash(rel), len(data), len(gz), len(br)}, nil
}

func gzipBytes(data []byte) ([]byte, error) {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	err := w.Close()
	return b.Bytes(), err
}

// brotliChunk is how much brotliBytes compresses between two looks at its
// context: brotli's best level takes seconds per megabyte, and Ctrl+C
// should not wait for a whole dataset file.
const brotliChunk = 256 << 10

// brotliBytes compresses data at a brotli level, stopping early with the
// context's error when it is cancelled.
func brotliBytes(ctx context.Context, data []byte, level int) ([]byte, error) {
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, level)
	for len(data) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		n := min(len(data), brotliChunk)
		if _, err := w.Write(data[:n]); err != nil {
			return nil, err
		}
		data = data[n:]
	}
	err := w.Close()
	return b.Bytes(), err
}
