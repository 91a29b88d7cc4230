package site

import (
	"errors"
	"os"
	"path/filepath"
)

// FindRoot returns the repository root: the nearest folder at or above the
// working directory that holds go.mod and notebooks/.
func FindRoot() (string, error) {
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

func isRoot(dir string) bool {
	_, errMod := os.Stat(filepath.Join(dir, "go.mod"))
	info, errNb := os.Stat(filepath.Join(dir, "notebooks"))
	return errMod == nil && errNb == nil && info.IsDir()
}
