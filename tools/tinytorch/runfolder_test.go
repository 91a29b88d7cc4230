package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriteFileAtomic checks that the writer leaves the whole new file or
// the old one, and never a temporary file, whatever fails.
func TestWriteFileAtomic(t *testing.T) {
	errWrite := errors.New("disk on fire")
	tests := []struct {
		name    string
		setup   func(dir string) // prepares the folder
		write   func(io.Writer) error
		wantErr bool
		want    string   // report.txt's content afterwards; "" for none
		files   []string // the folder's entries afterwards
	}{
		{
			name:  "new file",
			write: func(w io.Writer) error { _, err := io.WriteString(w, "whole\n"); return err },
			want:  "whole\n", files: []string{"report.txt"},
		},
		{
			name:  "replaces an old file whole",
			setup: func(dir string) { os.WriteFile(filepath.Join(dir, "report.txt"), []byte("old\n"), 0o644) },
			write: func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err },
			want:  "new\n", files: []string{"report.txt"},
		},
		{
			name: "fails half-way",
			write: func(w io.Writer) error {
				io.WriteString(w, "half a rep")
				return errWrite
			},
			wantErr: true, files: nil,
		},
		{
			name:  "fails half-way over an old file",
			setup: func(dir string) { os.WriteFile(filepath.Join(dir, "report.txt"), []byte("old\n"), 0o644) },
			write: func(w io.Writer) error {
				io.WriteString(w, "half a rep")
				return errWrite
			},
			wantErr: true, want: "old\n", files: []string{"report.txt"},
		},
		{
			name:    "rename fails: the name is a folder",
			setup:   func(dir string) { os.MkdirAll(filepath.Join(dir, "report.txt", "x"), 0o755) },
			write:   func(w io.Writer) error { _, err := io.WriteString(w, "whole\n"); return err },
			wantErr: true, files: []string{"report.txt"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(dir)
			}
			path := filepath.Join(dir, "report.txt")
			err := writeFileAtomic(path, tc.write)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want an error: %v", err, tc.wantErr)
			}
			if tc.wantErr && tc.name != "rename fails: the name is a folder" && !errors.Is(err, errWrite) {
				t.Errorf("error %v does not wrap the writer's", err)
			}
			var names []string
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, tc.files) {
				t.Errorf("folder holds %q, want %q (no temporary file)", names, tc.files)
			}
			if tc.want != "" {
				b, err := os.ReadFile(path)
				if err != nil || string(b) != tc.want {
					t.Errorf("report.txt = %q, %v; want %q", b, err, tc.want)
				}
				if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
					t.Errorf("mode %v, want 0644", info.Mode().Perm())
				}
			}
		})
	}
}

func TestWriteFileAtomicMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	if err := writeBytesAtomic(filepath.Join(dir, "run.json"), []byte("{}")); err == nil {
		t.Fatal("no error writing into a missing folder")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the missing folder was created: %v", err)
	}
}

// A panic in the middle of a write leaves no temporary file and the old
// file as it was: the cleanup runs while the panic unwinds.
func TestWriteFileAtomicPanic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.txt")
	os.WriteFile(path, []byte("old\n"), 0o644)
	func() {
		defer func() {
			if r := recover(); r != "encoder bug" {
				t.Errorf("recovered %v, want the writer's panic", r)
			}
		}()
		writeFileAtomic(path, func(w io.Writer) error {
			io.WriteString(w, "half a rep")
			panic("encoder bug")
		})
	}()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "report.txt" {
		t.Errorf("folder holds %v, want only report.txt", entries)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("report.txt = %q, want the old one", b)
	}
}

// Ctrl+C during a write: main calls removePending, which deletes the
// temporary file being written; the write then fails and leaves path alone.
func TestRemovePendingOnInterrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.json")
	var during []os.DirEntry
	err := writeFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "[{")
		removePending() // the signal arrives
		during, _ = os.ReadDir(dir)
		return nil
	})
	if err == nil {
		t.Error("the interrupted write succeeded")
	}
	if len(during) != 0 {
		t.Errorf("after removePending the folder holds %v", during)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("folder holds %v, want nothing", entries)
	}
}
