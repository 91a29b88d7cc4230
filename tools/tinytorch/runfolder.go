package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"tinytorch/engine/atomicfile"
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

// writeFileAtomic writes the file path with the bytes that write produces,
// through engine/atomicfile: a temporary file in the same folder, flushed
// and renamed over path, removed on an error, a panic or Ctrl+C (main
// calls removePending). A reader sees the old file or the whole new one.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write)
}

// removePending removes the temporary files being written, for main to
// call when the program is interrupted (atomicfile.RemovePending).
func removePending() { atomicfile.RemovePending() }

// writeBytesAtomic is writeFileAtomic for bytes already in memory.
func writeBytesAtomic(path string, b []byte) error { return atomicfile.WriteBytes(path, b) }

// syncDir flushes a folder's entries (the renames into it) to disk.
func syncDir(dir string) error { return atomicfile.SyncDir(dir) }
