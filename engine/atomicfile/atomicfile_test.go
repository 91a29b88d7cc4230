package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// failAfter is a writer that accepts n bytes and then fails, like a disk
// that fills up mid-write.
type failAfter struct {
	w io.Writer
	n int
}

var errDiskFull = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errDiskFull
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// TestWrite checks that Write leaves the whole new file or the old one,
// and never a temporary file, whatever fails.
func TestWrite(t *testing.T) {
	whole := func(w io.Writer) error { _, err := io.WriteString(w, "whole\n"); return err }
	old := func(dir string) { os.WriteFile(filepath.Join(dir, "ckpt"), []byte("old\n"), 0o644) }
	tests := []struct {
		name    string
		setup   func(dir string)
		write   func(io.Writer) error
		wantErr error    // wrapped in the error; nil: success
		want    string   // the file's content afterwards; "" for none
		files   []string // the folder's entries afterwards
	}{
		{name: "new file", write: whole, want: "whole\n", files: []string{"ckpt"}},
		{name: "replaces an old file whole", setup: old, write: whole, want: "whole\n", files: []string{"ckpt"}},
		{name: "writer fails mid-way", write: func(w io.Writer) error {
			_, err := io.WriteString(&failAfter{w, 4}, "half a checkpoint")
			return err
		}, wantErr: errDiskFull, files: nil},
		{name: "writer fails mid-way over an old file", setup: old, write: func(w io.Writer) error {
			_, err := io.WriteString(&failAfter{w, 4}, "half a checkpoint")
			return err
		}, wantErr: errDiskFull, want: "old\n", files: []string{"ckpt"}},
		{name: "rename fails: the name is a folder", setup: func(dir string) { os.MkdirAll(filepath.Join(dir, "ckpt", "x"), 0o755) },
			write: whole, wantErr: os.ErrExist, files: []string{"ckpt"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(dir)
			}
			path := filepath.Join(dir, "ckpt")
			err := Write(path, tc.write)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr != nil && err == nil:
				t.Fatal("no error")
			case tc.wantErr == errDiskFull && !errors.Is(err, errDiskFull):
				t.Errorf("error %v does not wrap the writer's", err)
			case err != nil && !strings.Contains(err.Error(), path):
				t.Errorf("error %q does not name the file", err)
			}
			if got := names(dir); !slices.Equal(got, tc.files) {
				t.Errorf("folder holds %q, want %q (no temporary file)", got, tc.files)
			}
			if tc.want != "" {
				b, err := os.ReadFile(path)
				if err != nil || string(b) != tc.want {
					t.Errorf("file = %q, %v; want %q", b, err, tc.want)
				}
				if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
					t.Errorf("mode %v, want 0644", info.Mode().Perm())
				}
			}
		})
	}
}

// names lists a folder's entries.
func names(dir string) []string {
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// A folder that cannot hold the file: missing, or a file itself. The
// error names the path and nothing is created.
func TestWriteUnwritableFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plain"), []byte("x"), 0o644)
	for _, path := range []string{filepath.Join(dir, "gone", "ckpt"), filepath.Join(dir, "plain", "ckpt")} {
		err := WriteBytes(path, []byte("{}"))
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the path", path, err)
		}
	}
	if got := names(dir); !slices.Equal(got, []string{"plain"}) {
		t.Errorf("folder holds %q", got)
	}
}

// A panic in the middle of a write leaves no temporary file and the old
// file as it was: the cleanup runs while the panic unwinds.
func TestWritePanic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt")
	os.WriteFile(path, []byte("old\n"), 0o644)
	func() {
		defer func() {
			if r := recover(); r != "encoder bug" {
				t.Errorf("recovered %v, want the writer's panic", r)
			}
		}()
		Write(path, func(w io.Writer) error {
			io.WriteString(w, "half")
			panic("encoder bug")
		})
	}()
	if got := names(dir); !slices.Equal(got, []string{"ckpt"}) {
		t.Errorf("folder holds %v, want only ckpt", got)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("ckpt = %q, want the old one", b)
	}
}

// Ctrl+C during a write: the program calls RemovePending, which deletes
// the temporary file being written; the write then fails and leaves the
// old file alone.
func TestRemovePending(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt")
	os.WriteFile(path, []byte("old\n"), 0o644)
	var during []string
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "[{")
		RemovePending() // the signal arrives
		during = names(dir)
		return nil
	})
	if err == nil {
		t.Error("the interrupted write succeeded")
	}
	if !slices.Equal(during, []string{"ckpt"}) {
		t.Errorf("after RemovePending the folder holds %v", during)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("ckpt = %q, want the old one", b)
	}
}

func TestSyncDir(t *testing.T) {
	if err := SyncDir(t.TempDir()); err != nil {
		t.Error(err)
	}
	if err := SyncDir(filepath.Join(t.TempDir(), "gone")); err == nil {
		t.Error("no error for a missing folder")
	}
}
