// Package atomicfile writes files so that a reader, a crash or a failed
// write never sees half of one: the bytes go to a temporary file in the
// same folder, which is flushed to disk and then renamed over the target
// in one step. The previous file stays intact until that rename.
//
// It is the one helper behind every file TinyTorch writes whole:
// checkpoints (engine/checkpoint, engine/train's StateDictFile), the
// tinytorch command's run folders and the site build's cache. It imports
// only the standard library.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Write writes the file path with the bytes that write produces: into a
// temporary file in the same folder (named "."+base+".tmp-…", so listings
// and globs skip it), flushed to disk (fsync), given mode 0644, then
// renamed over path. A reader (or a crash) sees the old file or the whole
// new one, never half of it. On every other path the temporary file is
// removed and path is left as it was: an error from write (wrapped in the
// returned error), a failing flush or rename, and a panic in write (the
// deferred cleanup runs while the panic unwinds). A program that is
// interrupted can call RemovePending from its signal handler. Only
// SIGKILL or a power cut can leave a temporary file behind.
func Write(path string, write func(w io.Writer) error) error {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	pending.Store(tmp, true)
	renamed := false
	defer func() {
		pending.Delete(tmp)
		if !renamed {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := finish(f, tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	renamed = true
	return nil
}

// finish sets the mode, flushes and closes the temporary file and renames
// it over path. Each step can fail on a full or broken disk.
func finish(f *os.File, tmp, path string) error {
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WriteBytes is Write for bytes already in memory.
func WriteBytes(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// pending holds the temporary files that Write is writing.
var pending sync.Map

// RemovePending removes the temporary files being written, for a program
// to call when it is interrupted (Ctrl+C), since a library cannot catch
// signals for its caller. A file renamed meanwhile is gone already; one
// removed before its rename makes the rename fail, which is what an
// interrupted write should do.
func RemovePending() {
	pending.Range(func(tmp, _ any) bool {
		os.Remove(tmp.(string))
		return true
	})
}

// SyncDir flushes a folder's entries (the renames into it) to disk, for a
// caller that must know a set of files survives a power cut.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
