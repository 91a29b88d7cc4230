// Package repo finds the TinyTorch repository on disk, for the programs
// that read its files (the site build, the server, the CLI's milestones,
// the benchmarks and the browser suite). It is its own package so that a
// program that only needs the repository's root does not link the site
// builder (esbuild, goldmark) to find it.
package repo

import (
	"errors"
	"os"
	"path/filepath"
)

// Root returns the repository root: the nearest folder at or above the
// working directory that holds go.mod and notebooks/.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the TinyTorch repository: no folder above holds go.mod and notebooks/")
		}
		dir = parent
	}
}

// isRoot reports whether dir holds go.mod and a notebooks folder.
func isRoot(dir string) bool {
	_, errMod := os.Stat(filepath.Join(dir, "go.mod"))
	info, errNb := os.Stat(filepath.Join(dir, "notebooks"))
	return errMod == nil && errNb == nil && info.IsDir()
}
