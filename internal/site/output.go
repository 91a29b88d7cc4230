package site

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"tinytorch/internal/static"
)

// The output folder is replaced as a whole by every build, so the build
// must never be pointed at a folder that holds anything else: `-out .`
// would otherwise delete the repository. It writes only into a folder it
// created, which carries its marker file (static.SiteFile), or into a new
// or empty one, and refuses anything else before doing any work.

// checkOut returns an error when out may not be replaced by a build:
// a file, a symbolic link, the repository or a folder above it, or a
// folder of files that no build wrote.
func checkOut(root, out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if absRoot, err := filepath.Abs(root); err == nil && (abs == absRoot || isWithin(absRoot, abs)) {
		return fmt.Errorf("output folder %s: it holds the repository, and the build replaces its output folder as a whole; choose a folder of its own, such as dist", out)
	}
	info, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("output folder %s: %v", out, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("output folder %s: it is a symbolic link; the build writes only into a real folder", out)
	case !info.IsDir():
		return fmt.Errorf("output folder %s: it is a file, not a folder; the build replaces its output folder as a whole, so it will not delete the file", out)
	}
	if _, err := os.Stat(filepath.Join(abs, static.SiteFile)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return fmt.Errorf("output folder %s: %v", out, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("output folder %s: it holds files that no build wrote (%s, …) and no %s marker; the build replaces its output folder as a whole, so it will not use this one: remove the folder or choose another",
			out, entries[0].Name(), static.SiteFile)
	}
	return nil
}

// isWithin reports whether path is inside dir (both absolute and clean).
func isWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// writeSiteFile writes the marker that makes out a build's folder; it also
// tells the server the hashes of the pages' inline scripts, for its
// Content-Security-Policy.
func writeSiteFile(out string, scriptHashes []string) error {
	b, err := json.MarshalIndent(static.SiteInfo{
		Note:         "Written by TinyTorch's site build (go run ./tools/build), which replaces this folder as a whole: keep nothing else here.",
		ScriptHashes: scriptHashes,
	}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, static.SiteFile), append(b, '\n'), 0o644)
}

// replaceDir moves the finished build from into place at to: the old site
// is first moved into a fresh temporary folder beside it, then the new one
// is renamed in, then the old one is deleted. Nothing but the old site
// (which checkOut allowed) is ever deleted.
func replaceDir(from, to string) error {
	if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(from, to)
	}
	aside, err := os.MkdirTemp(filepath.Dir(to), ".old-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(aside)
	old := filepath.Join(aside, "site")
	if err := os.Rename(to, old); err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		if backErr := os.Rename(old, to); backErr != nil {
			return fmt.Errorf("%v; and the previous site could not be put back: %v", err, backErr)
		}
		return err
	}
	return nil
}
