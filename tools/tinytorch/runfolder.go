package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// runStamp is the UTC time in a run folder's name: 20260102T150405Z. It
// sorts by time and holds no character a file system or a shell minds.
const runStamp = "20060102T150405Z"

// makeRunDir creates a new run folder out/<stamp>-<kind>-<name>, creating
// out if needed. It never reuses a folder: os.Mkdir fails when the folder
// exists, even if another process made it a moment ago, and then the next
// free suffix is tried (…-2, …-3).
func makeRunDir(out, kind, name string, now time.Time) (string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(out, now.UTC().Format(runStamp)+"-"+kind+"-"+name)
	for i := 1; i <= 100; i++ {
		dir := base
		if i > 1 {
			dir = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: a hundred run folders of that name already exist", base)
}

// writeFileAtomic writes the file path with the bytes that write produces:
// into a temporary file in the same folder, flushed to disk, then renamed
// over path. A reader (or a crash) sees the old file or the whole new one,
// never half of it. On every other path the temporary file is removed and
// path is left as it was: an error, a panic in write (the deferred cleanup
// runs while the panic unwinds), and Ctrl+C (main removes the temporary
// files still being written, see removePending). Only SIGKILL or a power
// cut can leave one, with a name that starts with a dot.
//
// engine/train has its own copy of this helper (writeAtomic, for
// checkpoints): the engine may not import a command.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
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
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	return nil
}

// pending holds the temporary files that writeFileAtomic is writing.
var pending sync.Map

// removePending removes the temporary files being written, for main to
// call when the program is interrupted. A file renamed meanwhile is gone
// already; one removed before its rename makes the rename fail, which is
// what an interrupted write should do.
func removePending() {
	pending.Range(func(tmp, _ any) bool {
		os.Remove(tmp.(string))
		return true
	})
}

// writeBytesAtomic is writeFileAtomic for bytes already in memory.
func writeBytesAtomic(path string, b []byte) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// syncDir flushes a folder's entries (the renames into it) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
