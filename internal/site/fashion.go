package site

import (
	"os"
	"path/filepath"

	"tinytorch/engine/data"
)

// FashionDir returns the folder the build reads Fashion-MNIST from —
// FASHION_MNIST_DIR, or where Debian's dataset-fashion-mnist puts it — and
// whether the four IDX files (gzip or raw) are there. A folder without
// them (not installed, or FASHION_MNIST_DIR pointing at an empty folder)
// means a site without Fashion-MNIST, and tests that need it skip.
func FashionDir() (dir string, ok bool) {
	dir = os.Getenv("FASHION_MNIST_DIR")
	if dir == "" {
		dir = data.FashionMNISTDir
	}
	for _, base := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		if !exists(filepath.Join(dir, base+".gz")) && !exists(filepath.Join(dir, base)) {
			return dir, false
		}
	}
	return dir, true
}

func exists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
